// The Timesteps table. Rows are reused between paints (a training run repaints 75 times).
import { $ } from "./util.js";

// Rows from forecastFrom on (when it is a number) are the forecast's: class "forecast".
export function paintTable(rows, current, forecastFrom = null) {
  const body = $("timesteps-body");
  while (body.rows.length > rows.length) body.lastElementChild.remove();
  rows.forEach((row, t) => {
    let tr = body.rows[t];
    if (!tr) {
      tr = document.createElement("tr");
      row.forEach((_, j) => {
        const cell = document.createElement(j === 0 ? "th" : "td");
        if (j === 0) cell.scope = "row";
        tr.append(cell);
      });
      body.append(tr);
    }
    const forecast = forecastFrom !== null && forecastFrom !== undefined && t >= forecastFrom;
    tr.className = t === current ? "current" : forecast ? "forecast" : "";
    row.forEach((text, j) => {
      if (tr.cells[j].textContent !== text) tr.cells[j].textContent = text;
    });
  });
}
