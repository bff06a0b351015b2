// The Weights panel: five sliders and boxes for one unit, a table of vectors for several.
import { $, round, setValue } from "./util.js";

const PARAMS = ["w_xh", "w_hh", "w_hy", "b_h", "b_y"];

export function paintWeights(w, n) {
  $("scalar-weights").hidden = n !== 1;
  $("matrix-weights").hidden = n === 1;
  if (n === 1) {
    const values = { w_xh: w.w_xh[0], w_hh: w.w_hh[0][0], w_hy: w.w_hy[0], b_h: w.b_h[0], b_y: w.b_y };
    for (const name of PARAMS) {
      setValue($(name), values[name]);
      setValue($(name + "-num"), round(values[name]));
    }
    return;
  }
  const body = $("matrix-body");
  const rows = [];
  for (let i = 0; i < n; i++) {
    const tr = document.createElement("tr");
    const cells = [String(i + 1), w.w_xh[i].toFixed(2), w.w_hh[i].map((v) => v.toFixed(2)).join("  "), w.b_h[i].toFixed(2), w.w_hy[i].toFixed(2)];
    cells.forEach((text, j) => {
      const td = document.createElement(j === 0 ? "th" : "td");
      if (j === 0) td.scope = "row";
      td.textContent = text;
      tr.append(td);
    });
    rows.push(tr);
  }
  body.replaceChildren(...rows);
  $("matrix-by").textContent = "Output bias b_y = " + w.b_y.toFixed(2);
}
