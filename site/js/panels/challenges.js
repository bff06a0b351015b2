// The Challenges panel: one list item per challenge, built once and then updated in place
// (so an open hint stays open). Everything comes from rnn_py.lessons.panel_data via
// panels/challenges.py; text goes in with textContent only.
import { $ } from "../util.js";
import { t } from "../i18n.js";

const items = new Map(); // challenge id -> its elements

function make(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function build(item) {
  const li = make("li", "challenge");
  li.id = `challenge-${item.number}`;
  const head = make("h3");
  head.tabIndex = -1; // a link's challenge=N moves the focus here
  const tick = make("span", "tick", "○");
  tick.setAttribute("aria-hidden", "true");
  const name = make("span", "name", `${item.number}. ${item.title}`);
  const badge = make("span", "solved-badge", t("Solved"));
  head.append(tick, name, badge);
  const goal = make("p", "goal", item.goal);
  const progress = make("p", "progress");
  const hint = make("details", "challenge-hint");
  hint.append(make("summary", "", t("Hint")), make("p", "", item.hint));
  const restore = make("button", "", t("Put back the weights the diverged run started from"));
  restore.type = "button";
  restore.dataset.action = "restore";
  const explanation = make("p", "explanation");
  li.append(head, goal, progress, restore, hint, explanation);
  return { li, tick, badge, progress, restore, explanation };
}

function update(parts, item) {
  parts.li.toggleAttribute("data-solved", item.solved);
  parts.tick.textContent = item.solved ? "✓" : "○";
  parts.badge.hidden = !item.solved;
  parts.progress.textContent = item.progress;
  parts.progress.hidden = !item.progress;
  parts.restore.hidden = !item.restore;
  parts.explanation.textContent = item.explanation;
  parts.explanation.hidden = !item.explanation;
}

export function paint(data) {
  const list = $("challenge-list");
  if (items.size !== data.items.length || data.items.some((item) => !items.has(item.id))) {
    items.clear();
    list.replaceChildren();
    for (const item of data.items) {
      const parts = build(item);
      items.set(item.id, parts);
      list.append(parts.li);
    }
  }
  for (const item of data.items) update(items.get(item.id), item);
  $("challenges-note").textContent = data.note;
  if (data.focus) {
    for (const parts of items.values()) parts.li.classList.remove("focus");
    const li = $(`challenge-${data.focus}`);
    li.classList.add("focus");
    // The panel arrives a moment after the page is ready: a person who has already taken a
    // control keeps it (and their scroll); the challenge is still marked.
    const active = document.activeElement;
    if (!active || active === document.body || active === document.documentElement) {
      li.scrollIntoView({ block: "start" });
      li.querySelector("h3").focus({ preventScroll: true });
    }
  }
}
