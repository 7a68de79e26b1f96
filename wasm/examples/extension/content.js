// Content script: sends the page's links (and the message text around each) to the service
// worker, marks the risky ones, and shows the verdict for selected text on request.
(() => {
  const RANK = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };
  // Links at or above this tier are marked (the pack's "warn before a link is opened").
  const MARK_AT = "medium";
  const zh = (navigator.language || "").toLowerCase().startsWith("zh");

  function decoded(url) {
    try {
      return decodeURI(url);
    } catch {
      return url;
    }
  }

  function context(a) {
    const block = a.closest("p, li, td, blockquote, article, section, div") || a;
    return (block.innerText || "").slice(0, 4000);
  }

  function describe(v) {
    if (!v.title) return v.risk;
    const [title, advice] = zh ? [v.title.zh, v.advice.zh] : [v.title.en, v.advice.en];
    return `${v.risk}: ${title} — ${advice}`;
  }

  let busy = false;
  async function checkLinks() {
    if (busy) return;
    busy = true;
    try {
      const anchors = Array.from(document.querySelectorAll("a[href]")).filter(
        (a) => !a.dataset.fanzhaRisk && /^https?:/i.test(a.href),
      );
      if (anchors.length === 0) return;
      const links = anchors.map((a) => ({ url: decoded(a.href), context: context(a) }));
      const verdicts = await chrome.runtime.sendMessage({ type: "fanzha-scan-links", links });
      if (!Array.isArray(verdicts)) return;
      anchors.forEach((a, i) => {
        const v = verdicts[i];
        a.dataset.fanzhaRisk = v.risk;
        if (RANK[v.risk] >= RANK[MARK_AT]) {
          a.classList.add("fanzha-risky");
          a.dataset.fanzhaTier = v.risk;
          a.title = `反诈 fanzha — ${describe(v)}`;
        }
      });
      document.documentElement.dataset.fanzhaLinksChecked = String(
        document.querySelectorAll("a[data-fanzha-risk]").length,
      );
    } finally {
      busy = false;
    }
  }

  function showVerdict(v) {
    let panel = document.getElementById("fanzha-panel");
    if (!panel) {
      panel = document.createElement("div");
      panel.id = "fanzha-panel";
      document.body.appendChild(panel);
    }
    panel.replaceChildren();
    panel.dataset.risk = v.risk;
    const head = document.createElement("strong");
    head.className = "fanzha-tier";
    head.textContent = `反诈 fanzha: ${v.risk}`;
    panel.appendChild(head);
    if (v.title) {
      for (const [cls, text] of [
        ["fanzha-category", `${v.title.zh} / ${v.title.en}`],
        ["fanzha-advice", v.advice.zh],
        ["fanzha-advice", v.advice.en],
      ]) {
        const p = document.createElement("p");
        p.className = cls;
        p.textContent = text;
        panel.appendChild(p);
      }
    } else {
      const p = document.createElement("p");
      p.textContent = "未发现风险 / No risk found";
      panel.appendChild(p);
    }
    const close = document.createElement("button");
    close.textContent = "×";
    close.addEventListener("click", () => panel.remove());
    panel.appendChild(close);
  }

  chrome.runtime.onMessage.addListener((msg) => {
    if (msg && msg.type === "fanzha-show-verdict") showVerdict(msg.verdict);
  });

  checkLinks();
  // Pages that add messages later (web mail, chat): re-check new links, at most twice a second.
  let timer = 0;
  new MutationObserver(() => {
    if (!timer) timer = setTimeout(() => ((timer = 0), checkLinks()), 500);
  }).observe(document.body, { childList: true, subtree: true });
})();
