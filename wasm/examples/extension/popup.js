import { scanText } from "./verdicts.js";

const result = document.getElementById("result");
document.getElementById("scan").addEventListener("click", async () => {
  const v = await scanText(document.getElementById("text").value);
  result.replaceChildren();
  result.dataset.risk = v.risk;
  const lines = [`风险 / Risk: ${v.risk} (${v.score})`];
  if (v.title) lines.push(`${v.title.zh} / ${v.title.en}`, v.advice.zh, v.advice.en);
  for (const line of lines) {
    const p = document.createElement("p");
    p.textContent = line;
    result.appendChild(p);
  }
});
