// One-panel embeds, panels a link opens, the teachers' preview, and the messages to the page
// that embeds this one. Messages go to window.parent only in an embed (embed=1) and carry no
// more than the README's message API; the page never listens for messages from its parent.
import { $ } from "./util.js";

let host = false; // true once arrive() found the page embedded
let lastHeight = 0;
let heightTimer = 0;
let linkTimer = 0;
let lastLink = "";

function send(type, data = {}) {
  if (host) window.parent.postMessage({ ...data, source: "rnn-demo", type }, "*");
}

function contentHeight() {
  return Math.ceil(document.body.getBoundingClientRect().height);
}

// At most one "height" message per 150 ms, and only when the height changed.
function heightLater() {
  if (heightTimer) return;
  heightTimer = setTimeout(() => {
    heightTimer = 0;
    const height = contentHeight();
    if (height !== lastHeight) {
      lastHeight = height;
      send("height", { height });
    }
  }, 150);
}

function links() {
  return { link: location.href, full: new URL($("open-full").getAttribute("href"), location.href).href };
}

// Called after every paint: "settings-changed" once the changes settle (a drag, a training run).
export function settingsChanged() {
  if (!host) return;
  clearTimeout(linkTimer);
  linkTimer = setTimeout(() => {
    if (location.href === lastLink) return;
    lastLink = location.href;
    send("settings-changed", links());
  }, 400);
}

// Hide everything but the elements with these ids, their ancestors and what they contain.
function showOnly(ids) {
  const kept = ids.map((id) => document.getElementById(id)).filter(Boolean);
  for (const el of kept) {
    for (let node = el; node !== document.body && node.parentElement; node = node.parentElement) {
      for (const sibling of node.parentElement.children) {
        if (!kept.some((k) => sibling.contains(k))) sibling.setAttribute("data-pruned", "");
      }
    }
  }
}

// Once, at the first paint (site/panels/embed.py): the link's panel alone, the panels it opens,
// and in an embed the "ready" message and the height watch.
export function arrive(json) {
  const { show, open, host: embedded, panel } = JSON.parse(json);
  if (show) {
    showOnly(show);
    document.body.classList.add("embed-panel");
    document.body.dataset.panel = panel;
  }
  document.body.classList.remove("embed-pending");
  for (const id of open) {
    const el = $(id);
    if (el) el.open = true;
  }
  host = Boolean(embedded) && window.parent !== window;
  if (!host) return;
  lastLink = location.href;
  lastHeight = contentHeight();
  send("ready", { panel, height: lastHeight, ...links() });
  new ResizeObserver(heightLater).observe(document.body);
}

export function tellHost(type, json) {
  send(type, JSON.parse(json));
}

// The For teachers preview: a fresh same-origin frame each time (a new hash alone would not
// reload the page in it).
export function preview(json) {
  const { src, height, title } = JSON.parse(json);
  const frame = document.createElement("iframe");
  frame.title = title;
  frame.height = String(height);
  frame.src = src;
  const box = $("teach-preview-box");
  box.replaceChildren(frame);
  box.hidden = false;
}
