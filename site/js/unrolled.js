// The network unrolled in time: an SVG of every step, drawn from the chart series.
import { $, svg, tint } from "./util.js";

const COL = 62;
const ROWS = { y: 30, h: 95, x: 160 };
let cells = []; // per timestep: the SVG elements that change between paints
let units = 1; // hidden units the structure was built for
const BAR = 6; // px per unit in the column of bars that shows h_t when there are several units
const HALF = 15; // the longest bar: |h_i| at the activation's scale

function label(v) {
  if (v === null || v === undefined) return "?";
  const a = Math.abs(v);
  return a >= 1000 ? v.toExponential(0) : a >= 10 ? v.toFixed(0) : v.toFixed(2);
}

// With n ≥ 2 units, h_t is a box holding one bar per unit (unit 1 at the top), from a centre line:
// right and orange for a positive value, left and blue for a negative one, as long as |h_i| at the
// activation's scale. The bars of one step are two paths (positive, negative), so a repaint sets
// two attributes per step whatever n is.
function hBox(g, cx, n) {
  const half = (n * BAR + 4) / 2;
  const box = svg("rect", { x: cx - 17, y: ROWS.h - half, width: 34, height: 2 * half, rx: 5, fill: "none", class: "node" }, g);
  svg("line", { x1: cx, y1: ROWS.h - half + 1, x2: cx, y2: ROWS.h + half - 1, class: "bar-axis" }, g);
  const bars = [svg("path", { d: "", class: "bars pos" }, g), svg("path", { d: "", class: "bars neg" }, g)];
  return [box, bars, ROWS.h - half + 2.5];
}

function barPaths(hs, t, shown, cx, top, scale) {
  let pos = "";
  let neg = "";
  if (shown) {
    hs.forEach((unit, i) => {
      const v = unit[t];
      if (v === null || v === 0) return;
      const w = (Math.min(1, Math.abs(v) / scale) * HALF).toFixed(2);
      const bar = `M${cx} ${top + i * BAR}h${v < 0 ? "-" : ""}${w}v${BAR - 1}h${v < 0 ? "" : "-"}${w}z`;
      if (v < 0) neg += bar;
      else pos += bar;
    });
  }
  return [pos, neg];
}

function buildUnrolled(root, T, n) {
  // The fixed structure for T steps; paintUnrolled only changes fills, widths and texts.
  const width = 46 + T * COL;
  root.replaceChildren();
  root.setAttribute("viewBox", `0 0 ${width} 190`);
  root.style.width = `${width}px`;
  for (const [name, y] of Object.entries(ROWS)) svg("text", { x: 16, y, class: "label" }, root).textContent = name;
  const band = svg("rect", { y: 6, width: COL - 6, height: 178, rx: 8, class: "current-band" }, root);
  cells = [];
  for (let t = 0; t < T; t++) {
    const cx = 46 + t * COL + COL / 2 - 7;
    const hr = n === 1 ? 17 : (n * BAR + 4) / 2; // how far h's node reaches up and down
    const g = svg("g", {}, root);
    // edges: x → h, h → y, and h(t−1) → h(t), whose width shows the gradient flowing back
    svg("line", { x1: cx, y1: ROWS.x - 14, x2: cx, y2: ROWS.h + hr, class: "edge" }, g);
    svg("line", { x1: cx, y1: ROWS.h - hr, x2: cx, y2: ROWS.y + 14, class: "edge" }, g);
    const carry = t > 0 ? svg("line", { x1: cx - COL + 17, y1: ROWS.h, x2: cx - 17, y2: ROWS.h, class: "edge carry" }, g) : null;
    const node = (row, r) => [svg("circle", { cx, cy: ROWS[row], r, class: "node" }, g), svg("text", { x: cx, y: ROWS[row] }, g)];
    const [xNode, xText] = node("x", 14);
    const [hNode, hText] = n === 1 ? node("h", 17) : [null, null];
    const [hBoxNode, bars, top] = n === 1 ? [null, [], 0] : hBox(g, cx, n);
    const [yNode, yText] = node("y", 14);
    svg("text", { x: cx, y: 184, class: "label" }, g).textContent = `t=${t}`;
    cells.push({ g, cx, top, carry, xNode, xText, hNode, hText, hBoxNode, bars, yNode, yText });
  }
  root.band = band;
  units = n;
}

export function paintUnrolled(p) {
  const root = $("unrolled");
  const c = p.charts;
  if (!c) {
    root.replaceChildren();
    cells = [];
    return;
  }
  const T = p.T;
  const n = c.h.length;
  if (cells.length !== T || units !== n || !root.contains(root.band)) buildUnrolled(root, T, n);
  root.band.style.display = p.current === null ? "none" : "";
  if (p.current !== null) root.band.setAttribute("x", 46 + p.current * COL - 4);
  const hScale = ["tanh", "sigmoid"].includes(c.activation) ? 1 : 3;
  const xMax = Math.max(1e-9, ...c.x.filter((v) => v !== null).map(Math.abs));
  const reach = c.reach.filter((v) => v !== null);
  const logMax = reach.length ? Math.log10(Math.max(...reach)) : 0;
  cells.forEach((cell, t) => {
    const shown = t < p.step;
    const h = n === 1 ? c.h[0][t] : null;
    cell.g.setAttribute("class", shown ? "step" : "future");
    if (cell.carry) {
      const r = c.reach[t - 1];
      const w = r === null ? 0.5 : 0.8 + 5 * Math.max(0, 1 + (Math.log10(r) - logMax) / 8);
      cell.carry.setAttribute("stroke-width", w.toFixed(2));
    }
    cell.xNode.setAttribute("fill", tint(c.x[t], xMax));
    cell.xText.textContent = label(c.x[t]);
    if (n === 1) {
      cell.hNode.setAttribute("fill", shown ? tint(h, hScale) : "none");
      cell.hText.textContent = shown ? label(h) : "";
    } else {
      barPaths(c.h, t, shown, cell.cx, cell.top, hScale).forEach((d, k) => {
        if (cell.bars[k].getAttribute("d") !== d) cell.bars[k].setAttribute("d", d);
      });
    }
    cell.yNode.setAttribute("fill", shown ? tint(c.y[t], xMax) : "none");
    cell.yText.textContent = shown ? label(c.y[t]) : "";
  });
}
