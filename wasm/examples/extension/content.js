// Content script: sends the message around each link on the page to the service worker, marks
// the links of risky messages, and shows the verdict for selected text on request.
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

  // The message a link belongs to: its nearest block (paragraph, list item, cell, chat bubble…),
  // as text with every link's URL written after the link text, the way an SMS carries it.
  function messageText(a) {
    const block = a.closest("p, li, td, dd, blockquote, article, section, div") || a;
    let out = "";
    const walk = (node) => {
      for (const n of node.childNodes) {
        if (n.nodeType === Node.TEXT_NODE) {
          out += n.data;
        } else if (n.nodeType === Node.ELEMENT_NODE && !/^(SCRIPT|STYLE|NOSCRIPT)$/.test(n.tagName)) {
          walk(n);
          if (n.tagName === "A" && /^https?:/i.test(n.href)) out += " " + decoded(n.href);
        }
      }
    };
    walk(block);
    return out.replace(/\s+/g, " ").trim().slice(0, 8000);
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
      const texts = anchors.map(messageText);
      const verdicts = await chrome.runtime.sendMessage({ type: "fanzha-scan-messages", texts });
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
