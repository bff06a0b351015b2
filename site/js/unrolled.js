// The network unrolled in time: an SVG of every step, drawn from the chart series.
import { $, svg, tint } from "./util.js";

const COL = 62;
const ROWS = { y: 30, h: 95, x: 160 };
let cells = []; // per timestep: the SVG elements that change between paints

function label(v) {
  if (v === null || v === undefined) return "?";
  const a = Math.abs(v);
  return a >= 1000 ? v.toExponential(0) : a >= 10 ? v.toFixed(0) : v.toFixed(2);
}

function buildUnrolled(root, T) {
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
    const g = svg("g", {}, root);
    // edges: x → h, h → y, and h(t−1) → h(t), whose width shows the gradient flowing back
    svg("line", { x1: cx, y1: ROWS.x - 14, x2: cx, y2: ROWS.h + 17, class: "edge" }, g);
    svg("line", { x1: cx, y1: ROWS.h - 17, x2: cx, y2: ROWS.y + 14, class: "edge" }, g);
    const carry = t > 0 ? svg("line", { x1: cx - COL + 17, y1: ROWS.h, x2: cx - 17, y2: ROWS.h, class: "edge carry" }, g) : null;
    const node = (row, r) => [svg("circle", { cx, cy: ROWS[row], r, class: "node" }, g), svg("text", { x: cx, y: ROWS[row] }, g)];
    const [xNode, xText] = node("x", 14);
    const [hNode, hText] = node("h", 17);
    const [yNode, yText] = node("y", 14);
    svg("text", { x: cx, y: 184, class: "label" }, g).textContent = `t=${t}`;
    cells.push({ g, carry, xNode, xText, hNode, hText, yNode, yText });
  }
  root.band = band;
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
  if (cells.length !== T || !root.contains(root.band)) buildUnrolled(root, T);
  root.band.style.display = p.current === null ? "none" : "";
  if (p.current !== null) root.band.setAttribute("x", 46 + p.current * COL - 4);
  const hScale = ["tanh", "sigmoid"].includes(c.activation) ? 1 : 3;
  const xMax = Math.max(1e-9, ...c.x.filter((v) => v !== null).map(Math.abs));
  const reach = c.reach.filter((v) => v !== null);
  const logMax = reach.length ? Math.log10(Math.max(...reach)) : 0;
  cells.forEach((cell, t) => {
    const shown = t < p.step;
    const h = c.h.length === 1 ? c.h[0][t] : (shown ? Math.hypot(...c.h.map((unit) => unit[t] ?? 0)) : null);
    cell.g.setAttribute("class", shown ? "step" : "future");
    if (cell.carry) {
      const r = c.reach[t - 1];
      const w = r === null ? 0.5 : 0.8 + 5 * Math.max(0, 1 + (Math.log10(r) - logMax) / 8);
      cell.carry.setAttribute("stroke-width", w.toFixed(2));
    }
    cell.xNode.setAttribute("fill", tint(c.x[t], xMax));
    cell.xText.textContent = label(c.x[t]);
    cell.hNode.setAttribute("fill", shown ? tint(h, hScale) : "none");
    cell.hText.textContent = shown ? label(h) : "";
    cell.yNode.setAttribute("fill", shown ? tint(c.y[t], xMax) : "none");
    cell.yText.textContent = shown ? label(c.y[t]) : "";
  });
}
