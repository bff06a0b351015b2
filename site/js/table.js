// The Timesteps table. Rows are reused between paints (a training run repaints 75 times).
import { $ } from "./util.js";

let header = ""; // the columns the head was built for, as JSON

// The head: one th per column, [text, subscript] from Python (gate columns for gated cells).
// A new set of columns rebuilds the head and empties the body, whose rows then get new cells.
function paintHead(columns) {
  const key = JSON.stringify(columns);
  if (key === header) return;
  header = key;
  const row = document.createElement("tr");
  for (const [text, sub] of columns) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = text;
    if (sub) {
      const s = document.createElement("sub");
      s.textContent = sub;
      th.append(s);
    }
    row.append(th);
  }
  $("timesteps").tHead.replaceChildren(row);
  $("timesteps-body").replaceChildren();
}

// Rows from forecastFrom on (when it is a number) are the forecast's: class "forecast".
export function paintTable(rows, current, forecastFrom = null, columns = null) {
  if (columns) paintHead(columns);
  const body = $("timesteps-body");
  while (body.rows.length > rows.length) body.lastElementChild.remove();
  // New rows are made apart from the page and put in together (see unrolled.js: PyScript
  // searches every element added to the page).
  const had = body.rows.length;
  const added = [];
  rows.forEach((row, t) => {
    let tr = t < had ? body.rows[t] : null;
    if (!tr) {
      tr = document.createElement("tr");
      row.forEach((_, j) => {
        const cell = document.createElement(j === 0 ? "th" : "td");
        if (j === 0) cell.scope = "row";
        tr.append(cell);
      });
      added.push(tr);
    }
    const forecast = forecastFrom !== null && forecastFrom !== undefined && t >= forecastFrom;
    tr.className = t === current ? "current" : forecast ? "forecast" : "";
    row.forEach((text, j) => {
      if (tr.cells[j].textContent !== text) tr.cells[j].textContent = text;
    });
  });
  if (added.length) body.append(...added);
}
