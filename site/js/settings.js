// The controls that mirror DemoState, and what classroom links hide.
import { $, setValue } from "./util.js";

// Text only when it changes: a paint repeats the same settings many times.
function put(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function paintAbout(cards) {
  const box = $("about-text");
  const key = JSON.stringify(cards);
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(...cards.map(([title, text]) => {
    const card = document.createElement("article");
    const h = document.createElement("h3");
    h.textContent = title;
    const p = document.createElement("p");
    p.textContent = text;
    card.append(h, p);
    return card;
  }));
}

export function paintSettings(s) {
  setValue($("sequence"), s.sequence);
  setValue($("length"), s.length);
  setValue($("custom"), s.custom);
  const remember = s.sequence === "remember";
  const gated = s.cell !== "vanilla";
  const ready = $("loading").classList.contains("ready"); // before that every control is disabled
  // Each property is written only when it changes: a write, even of the same value, can make
  // the browser restyle the page, and a training run repaints 75 times.
  const hide = (id, hidden) => { const el = $(id); if (el.hidden !== hidden) el.hidden = hidden; };
  const disable = (id, disabled) => { const el = $(id); if (el.disabled !== disabled) el.disabled = disabled; };
  hide("custom-row", s.sequence !== "custom");
  hide("length-row", s.sequence === "custom" || remember);
  hide("gap-row", !remember);
  hide("remember-hint", !remember);
  setValue($("gap"), s.gap);
  if ($("batch-size").textContent !== String(s.batch)) $("batch-size").textContent = String(s.batch);
  setValue($("cell"), s.cell);
  setValue($("optimizer"), s.optimizer);
  // The activation is the vanilla cell's; the long-lag task has nothing to forecast.
  disable("activation", gated || !ready);
  hide("activation-note", !gated);
  hide("memory-row", !s.memory_gate);
  hide("memory-gru", s.cell !== "gru");
  hide("memory-lstm", s.cell !== "lstm");
  setValue($("memory-bias"), s.memory_bias);
  disable("forecast", remember || !ready);
  disable("forecast-steps", remember || !s.forecast || !ready); // it acts on the forecast alone
  hide("forecast-off", !remember);
  hide("formulas-gru", s.cell !== "gru");
  hide("formulas-lstm", s.cell !== "lstm");
  hide("formulas", gated);
  hide("unrolled-c", s.cell !== "lstm");
  hide("grad-hint-gated", !gated);
  // The explanations follow the task and the cell on screen (rnn_py.page.explain).
  put($("bias-note"), s.cell_note);
  hide("bias-note", !s.cell_note);
  hide("about-numbers", Boolean(s.about));
  hide("about-text", !s.about);
  if (s.about) paintAbout(s.about);
  $("normalized").checked = s.normalized;
  setValue($("activation"), s.activation);
  setValue($("hidden"), s.hidden);
  setValue($("lr-num"), s.lr);
  setValue($("lr"), Math.log10(s.lr).toFixed(2));
  $("lr").setAttribute("aria-valuetext", String(s.lr));
  $("clip").checked = s.clip;
  setValue($("seed"), s.seed);
  $("forecast").checked = s.forecast;
  setValue($("forecast-steps"), s.forecast_steps);
  document.body.classList.toggle("no-explain", !s.explain);
  document.body.classList.toggle("embed", s.embed);
  for (const el of document.querySelectorAll("[data-hide]")) {
    const names = el.dataset.hide.split(" ");
    const hide = names.every((name) => s.hide.includes(name));
    if (hide) el.setAttribute("data-hidden-by-link", "");
    else el.removeAttribute("data-hidden-by-link");
  }
}
