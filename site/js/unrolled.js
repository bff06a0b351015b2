// The network unrolled in time: an SVG of every step, drawn from the chart series. The LSTM gets
// a lane of its own for the cell state c_t above h_t, its arrows as thick as the gradient that
// flows back along them, so the constant error carousel shows.
import { $, svg, tint } from "./util.js";

const COL = 62;
const PLAIN = { rows: { y: 30, h: 95, x: 160 }, height: 190 };
const WITH_C = { rows: { y: 30, c: 95, h: 160, x: 225 }, height: 255 };
let cells = []; // per timestep: the SVG elements that change between paints
let built = ""; // what the structure was built for: "T,n,lane"
let ROWS = PLAIN.rows;
const BAR = 6; // px per unit in the column of bars that shows h_t when there are several units
const HALF = 15; // the longest bar: |h_i| at the activation's scale

function label(v) {
  if (v === null || v === undefined) return "?";
  const a = Math.abs(v);
  return a >= 1000 ? v.toExponential(0) : a >= 10 ? v.toFixed(0) : v.toFixed(2);
}

// With n ≥ 2 units, h_t (and the LSTM's c_t) is a box holding one bar per unit (unit 1 at the
// top), from a centre line: right and orange for a positive value, left and blue for a negative
// one, as long as |h_i| at the activation's scale. The bars of one step are two paths (positive,
// negative), so a repaint sets two attributes per step whatever n is.
function barBox(g, cx, n, y) {
  const half = (n * BAR + 4) / 2;
  const box = svg("rect", { x: cx - 17, y: y - half, width: 34, height: 2 * half, rx: 5, fill: "none", class: "node" }, g);
  svg("line", { x1: cx, y1: y - half + 1, x2: cx, y2: y + half - 1, class: "bar-axis" }, g);
  const bars = [svg("path", { d: "", class: "bars pos" }, g), svg("path", { d: "", class: "bars neg" }, g)];
  return [box, bars, y - half + 2.5];
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

// One state lane (h, or the LSTM's c): a circle with its value for one unit, bars for several.
function stateNode(g, cx, n, y) {
  if (n === 1) {
    return { node: svg("circle", { cx, cy: y, r: 17, class: "node" }, g), text: svg("text", { x: cx, y }, g), bars: [], top: 0 };
  }
  const [node, bars, top] = barBox(g, cx, n, y);
  return { node, text: null, bars, top };
}

function buildUnrolled(root, T, n, lane) {
  // The fixed structure for T steps; paintUnrolled only changes fills, widths and texts.
  const layout = lane ? WITH_C : PLAIN;
  ROWS = layout.rows;
  const width = 46 + T * COL;
  root.setAttribute("viewBox", `0 0 ${width} ${layout.height}`);
  root.style.width = `${width}px`;
  root.style.height = `${layout.height}px`;
  // Built apart from the page and put in at once: PyScript's MutationObserver searches every
  // element added to the page (an XPath query for py-* attributes), which cost more than the
  // building itself when each of 101 steps' shapes went in one at a time.
  const parts = document.createDocumentFragment();
  for (const [name, y] of Object.entries(ROWS)) svg("text", { x: 16, y, class: "label" }, parts).textContent = name;
  const band = svg("rect", { y: 6, width: COL - 6, height: layout.height - 12, rx: 8, class: "current-band" }, parts);
  cells = [];
  const reachOf = n === 1 ? 17 : (n * BAR + 4) / 2; // how far a state's node reaches up and down
  for (let t = 0; t < T; t++) {
    const cx = 46 + t * COL + COL / 2 - 7;
    const g = svg("g", {}, parts);
    // edges: x → h, h → y, and h(t−1) → h(t), whose width shows the gradient flowing back
    svg("line", { x1: cx, y1: ROWS.x - 14, x2: cx, y2: ROWS.h + reachOf, class: "edge" }, g);
    if (lane) {
      // c_t → h_t (h_t = o_t ⊙ tanh c_t), and h_t → y_t passing the c lane on the right
      svg("line", { x1: cx, y1: ROWS.c + reachOf, x2: cx, y2: ROWS.h - reachOf, class: "edge" }, g);
      svg("path", { d: `M${cx + 12} ${ROWS.h - reachOf + 2}L${cx + 24} ${ROWS.h - reachOf - 10}V${ROWS.y + 6}L${cx + 13} ${ROWS.y + 9}`, class: "edge" }, g);
    } else {
      svg("line", { x1: cx, y1: ROWS.h - reachOf, x2: cx, y2: ROWS.y + 14, class: "edge" }, g);
    }
    const carry = t > 0 ? svg("line", { x1: cx - COL + 17, y1: ROWS.h, x2: cx - 17, y2: ROWS.h, class: "edge carry" }, g) : null;
    const cCarry = lane && t > 0
      ? svg("line", { x1: cx - COL + 17, y1: ROWS.c, x2: cx - 17, y2: ROWS.c, class: "edge carry c-carry" }, g) : null;
    const node = (row, r) => [svg("circle", { cx, cy: ROWS[row], r, class: "node" }, g), svg("text", { x: cx, y: ROWS[row] }, g)];
    const [xNode, xText] = node("x", 14);
    const h = stateNode(g, cx, n, ROWS.h);
    const c = lane ? stateNode(g, cx, n, ROWS.c) : null;
    const [yNode, yText] = node("y", 14);
    svg("text", { x: cx, y: layout.height - 6, class: "label" }, g).textContent = `t=${t}`;
    cells.push({ g, cx, carry, cCarry, xNode, xText, h, c, yNode, yText });
  }
  root.replaceChildren(parts);
  root.band = band;
  built = `${T},${n},${lane}`;
}

// A carry arrow's width from a gradient size on a log scale: 8 decades below the largest is thin.
function carryWidth(v, logMax) {
  return v === null || v === undefined ? 0.5 : 0.8 + 5 * Math.max(0, 1 + (Math.log10(v) - logMax) / 8);
}

// Set an attribute or a text only when it changes: an animation frame then costs the browser
// style, layout and paint only for what moved.
function put(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

function write(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function paintState(s, values, t, shown, cx, scale) {
  if (s.text) {
    const v = values[0][t];
    put(s.node, "fill", shown ? tint(v, scale) : "none");
    write(s.text, shown ? label(v) : "");
  } else {
    barPaths(values, t, shown, cx, s.top, scale).forEach((d, k) => {
      if (s.bars[k].getAttribute("d") !== d) s.bars[k].setAttribute("d", d);
    });
  }
}

const logMaxOf = (series) => {
  const kept = (series || []).filter((v) => v !== null && v !== undefined);
  return kept.length ? Math.log10(Math.max(...kept)) : 0;
};

// A light paint (a drag's events, a run's frames) repaints only the steps in sight in the
// sideways scroll, and one step either side; the rest are marked stale, painted from the last
// paint's data when they scroll in, and by the full repaint that follows the light ones. The
// box's scroll offset and width come from its scroll events and a ResizeObserver, so a paint
// never has to wait for the page's layout to read them.
const sight = { left: 0, width: 0 }; // width 0: not measured yet, paint every step
let last = null; // the last paint's data and scales, for stale steps that scroll in
let watched = null;

function watch(box) {
  if (!box || watched === box) return;
  watched = box;
  box.addEventListener("scroll", () => {
    sight.left = box.scrollLeft;
    paintStale();
  }, { passive: true });
  if ("ResizeObserver" in window) {
    new ResizeObserver(([entry]) => {
      sight.width = entry.contentRect.width;
      paintStale();
    }).observe(box);
  }
}

function inSight(t) {
  if (!sight.width) return true;
  const x = 46 + t * COL;
  return x + 2 * COL > sight.left && x - COL < sight.left + sight.width;
}

function paintStale() {
  if (!last) return;
  cells.forEach((cell, t) => {
    if (cell.stale && inSight(t)) paintStep(last, cell, t);
  });
}

function paintStep(d, cell, t) {
  const { p, c } = d;
  const shown = t < p.step;
  cell.stale = false;
  put(cell.g, "class", shown ? "step" : "future");
  if (cell.carry) put(cell.carry, "stroke-width", carryWidth(c.reach[t - 1], d.logMax).toFixed(2));
  if (cell.cCarry) put(cell.cCarry, "stroke-width", carryWidth(c.c_flow[t], d.cLogMax).toFixed(2));
  put(cell.xNode, "fill", tint(c.x[t], d.xMax));
  write(cell.xText, label(c.x[t]));
  paintState(cell.h, c.h, t, shown, cell.cx, d.hScale);
  if (cell.c) paintState(cell.c, c.c, t, shown, cell.cx, d.cScale);
  put(cell.yNode, "fill", shown ? tint(c.y[t], d.xMax) : "none");
  write(cell.yText, shown ? label(c.y[t]) : "");
}

export function paintUnrolled(p) {
  const root = $("unrolled");
  const c = p.charts;
  if (!c) {
    root.replaceChildren();
    cells = [];
    built = "";
    last = null;
    return;
  }
  watch(root.parentElement);
  const T = p.T;
  const n = c.h.length;
  const lane = Boolean(c.c);
  if (built !== `${T},${n},${lane}` || !root.contains(root.band)) buildUnrolled(root, T, n, lane);
  const display = p.current === null ? "none" : "";
  if (root.band.style.display !== display) root.band.style.display = display;
  if (p.current !== null) put(root.band, "x", String(46 + p.current * COL - 4));
  last = {
    p,
    c,
    hScale: ["tanh", "sigmoid"].includes(c.activation) ? 1 : 3,
    xMax: Math.max(1e-9, ...c.x.filter((v) => v !== null).map(Math.abs)),
    logMax: logMaxOf(c.reach),
    cLogMax: logMaxOf(c.c_flow),
    cScale: Math.max(1, ...(lane ? c.c.flat().filter((v) => v !== null).map(Math.abs) : [1])),
  };
  const all = !p.views; // a full paint brings every step up to date
  cells.forEach((cell, t) => {
    if (all || inSight(t)) paintStep(last, cell, t);
    else cell.stale = true;
  });
}
