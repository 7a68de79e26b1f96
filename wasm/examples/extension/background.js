// Service worker: owns the WASM detector; content scripts and the context menu ask it.
import { scanMessages, scanText } from "./verdicts.js";

const MENU_ID = "fanzha-scan-selection";

chrome.runtime.onInstalled.addListener(() => {
  chrome.contextMenus.create({
    id: MENU_ID,
    title: "用反诈检查所选文字 / Check selected text for fraud",
    contexts: ["selection"],
  });
});

/** Scans `text` and shows the verdict in a panel on the tab. */
async function scanSelection(tabId, text) {
  const verdict = await scanText(text);
  await chrome.tabs.sendMessage(tabId, { type: "fanzha-show-verdict", verdict });
  return verdict;
}
// For the example's automated test, which cannot click a context menu in headless Chromium.
globalThis.fanzhaScanSelection = scanSelection;

chrome.contextMenus.onClicked.addListener((info, tab) => {
  if (info.menuItemId === MENU_ID && tab && tab.id !== undefined && info.selectionText) {
    scanSelection(tab.id, info.selectionText).catch((e) => console.error("fanzha:", e.message));
  }
});

chrome.runtime.onMessage.addListener((msg, _sender, sendResponse) => {
  if (msg && msg.type === "fanzha-scan-messages" && Array.isArray(msg.texts)) {
    scanMessages(msg.texts).then(sendResponse, (e) => sendResponse({ error: e.message }));
    return true; // answers asynchronously
  }
  return false;
});
