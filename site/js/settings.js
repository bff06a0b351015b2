// The controls that mirror DemoState, and what classroom links hide.
import { $, setValue } from "./util.js";

export function paintSettings(s) {
  setValue($("sequence"), s.sequence);
  setValue($("length"), s.length);
  setValue($("custom"), s.custom);
  $("custom-row").hidden = s.sequence !== "custom";
  $("length-row").hidden = s.sequence === "custom";
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
