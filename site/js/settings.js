// The controls that mirror DemoState, and what classroom links hide.
import { $, setValue } from "./util.js";

export function paintSettings(s) {
  setValue($("sequence"), s.sequence);
  setValue($("length"), s.length);
  setValue($("custom"), s.custom);
  const remember = s.sequence === "remember";
  const gated = s.cell !== "vanilla";
  const ready = $("loading").classList.contains("ready"); // before that every control is disabled
  $("custom-row").hidden = s.sequence !== "custom";
  $("length-row").hidden = s.sequence === "custom" || remember;
  $("gap-row").hidden = !remember;
  $("remember-hint").hidden = !remember;
  setValue($("gap"), s.gap);
  $("batch-size").textContent = String(s.batch);
  setValue($("cell"), s.cell);
  setValue($("optimizer"), s.optimizer);
  // The activation is the vanilla cell's; the long-lag task has nothing to forecast.
  $("activation").disabled = gated || !ready;
  $("activation-note").hidden = !gated;
  $("forecast").disabled = remember || !ready;
  $("forecast-steps").disabled = remember || !ready;
  $("forecast-off").hidden = !remember;
  $("formulas-gru").hidden = s.cell !== "gru";
  $("formulas-lstm").hidden = s.cell !== "lstm";
  document.querySelector(".formulas:not(.gate-formulas)").hidden = gated;
  $("unrolled-c").hidden = s.cell !== "lstm";
  $("grad-hint-gated").hidden = !gated;
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
