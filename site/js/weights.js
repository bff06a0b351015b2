// The Weights panel: five sliders and boxes for one unit. For several units every weight is a
// cell of a small heatmap (colour for sign and size) holding a number box: type a value, nudge it
// with Page Up/Down (step 0.05), or drag up or down on it. The grid is one tab stop; arrow keys
// move between its cells (see "the keyboard" below). A drag sets the box's value and dispatches
// "input" events (Python's panels/weights.py applies them), then one "change".
import { $, round, setValue } from "./util.js";
import { t } from "./i18n.js";
import { onScreen } from "./views.js";

const PARAMS = ["w_xh", "w_hh", "w_hy", "b_h", "b_y"];
const LIMIT = 5; // the boxes' range, the sliders' (typed values are clamped by Python)
const STEP = 0.05; // what Page Up adds
const PER_PIXEL = 0.01; // what dragging one pixel up adds
const THRESHOLD = 3; // pixels a pointer moves before a press becomes a drag
const SCALE = 2; // |w| ≥ 2 is full colour

let grid = null; // { n, cell, boxes: [{ box, key, param, index }], byKey: Map(key -> box), values: Map(key -> v) }

// Cells use the unrolled network's colours (blue negative, orange positive), a little lighter
// so that the number written on them stays readable in both colour schemes.
function cellTint(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "transparent";
  const a = Math.min(1, Math.abs(v) / SCALE);
  return v < 0 ? `rgba(0, 114, 178, ${(0.06 + 0.5 * a).toFixed(3)})`
    : `rgba(230, 159, 0, ${(0.06 + 0.55 * a).toFixed(3)})`;
}

// The text a cell shows: the most precise form of the value that fits in the cell (-0.35, -.35,
// -0.3, -.3, 0). When not even that fits, only the colour shows. A focused box shows 4 decimals.
let room = 0; // px of text a cell holds, measured in fit()
let strip = false; // narrow cells write every |v| < 1 without its leading zero (.35)
const ruler = document.createElement("canvas").getContext("2d");
const widths = new Map(); // text -> px in the cells' font

function textWidth(text) {
  if (!widths.has(text)) widths.set(text, ruler.measureText(text).width);
  return widths.get(text);
}

function shown(v, box) {
  if (box === document.activeElement || !Number.isFinite(v)) return String(round(v));
  const forms = [];
  for (const d of [2, 1, 0]) {
    const text = String(+v.toFixed(d));
    forms.push(strip ? text.replace(/^(-?)0\.(?=\d)/, "$1.") : text);
  }
  return forms.find((text) => textWidth(text) <= room) ?? String(round(v));
}

function symbol(base, sub) {
  const span = document.createElement("span");
  span.className = "sym";
  const s = document.createElement("sub");
  s.textContent = sub;
  span.append(base, s);
  return span;
}

function head(content, cls, title) {
  const el = document.createElement("div");
  el.className = "wg-head " + (cls || "");
  if (typeof content === "string") el.textContent = content;
  else el.append(content);
  if (title) el.title = title;
  el.setAttribute("aria-hidden", "true"); // each box has its own accessible name
  return el;
}

function makeBox(cell) {
  const box = document.createElement("input");
  box.type = "number";
  box.className = "wg-cell";
  box.min = String(-LIMIT);
  box.max = String(LIMIT);
  box.step = String(STEP);
  box.inputMode = "decimal";
  box.autocomplete = "off";
  box.setAttribute("aria-label", cell.label);
  box.setAttribute("aria-describedby", "grid-msg grid-keys");
  box.dataset.param = cell.param;
  box.dataset.index = cell.index.join(",");
  box.title = cell.label;
  return box;
}

// The grid's fixed structure for n units; paintWeights then only changes values and colours.
//              W_xh  W_hh (from unit 1 … n)  b_h
//   unit i    [  ]  [  ] … [  ]            [  ]
//                   W_hy                    b_y
//   y               [  ] … [  ]            [  ]
// For assistive technology it is a WAI-ARIA grid: rows (role=row) of cells (role=gridcell), each
// holding its number box; both wrappers are display: contents, so the boxes stay the CSS grid's
// items. The headings are for the eye only (every box names its weight). `rows` keeps the boxes
// by visual row and column (null where a row has no cell) for the arrow keys.
function row(parts) {
  const el = document.createElement("div");
  el.className = "wg-r";
  el.setAttribute("role", "row");
  for (const part of parts) {
    if (part.matches(".wg-cell")) {
      const cell = document.createElement("div");
      cell.className = "wg-c";
      cell.setAttribute("role", "gridcell");
      cell.append(part);
      el.append(cell);
    } else el.append(part);
  }
  return el;
}

function decoration(parts) {
  const el = document.createElement("div");
  el.className = "wg-r";
  el.setAttribute("aria-hidden", "true");
  el.append(...parts);
  return el;
}

// A gated cell (GRU, LSTM) gets one such block per gate g (W_xg, W_hg, b_g), each under a line
// that names the gate and its role, then the same W_hy, b_y row.
function gateBlock(parts, rows, at, g, n, role) {
  if (role) {
    const caption = document.createElement("div");
    caption.className = "wg-gate";
    // "h_{t−1}" in a role's text is written with a subscript
    const text = role.charAt(0).toUpperCase() + role.slice(1);
    text.split(/_\{([^}]*)\}/).forEach((part, k) => {
      if (k % 2 === 0) caption.append(part);
      else caption.append(Object.assign(document.createElement("sub"), { textContent: part }));
    });
    parts.push(decoration([caption]));
  }
  parts.push(decoration([head(""), head(symbol("W", "x" + g), "wg-col"), head(symbol("W", "h" + g), "wg-span"),
    head(symbol("b", g), "wg-col")]));
  if (n > 1 || !role) {
    const numbers = [head(""), head("")];
    for (let j = 1; j <= n; j++) numbers.push(head(String(j), "wg-num", t("from unit {j}", { j })));
    parts.push(decoration([...numbers, head("")]));
  }
  for (let i = 0; i < n; i++) {
    const line = [at("w_x" + g, i)];
    for (let j = 0; j < n; j++) line.push(at("w_h" + g, i, j));
    line.push(at("b_" + g, i));
    rows.push(line);
    parts.push(row([head(String(i + 1), "wg-num wg-row", t("into unit {i}", { i: i + 1 })), ...line]));
  }
}

function build(cells, n, cellName = "vanilla", roles = {}) {
  const root = $("weight-grid");
  root.style.setProperty("--n", n);
  root.style.gridTemplateColumns = `1.4em repeat(${n + 2}, minmax(0, 1fr))`;
  const byKey = new Map();
  const boxes = [];
  for (const cell of cells) {
    const key = cell.param + ":" + cell.index.join(",");
    const box = makeBox(cell);
    box.tabIndex = -1;
    byKey.set(key, box);
    boxes.push({ box, key, param: cell.param, index: cell.index });
  }
  const at = (param, ...index) => byKey.get(param + ":" + index.join(","));
  const parts = [];
  const rows = [];
  const gates = [...new Set(cells.map((c) => c.gate))].filter((g) => g !== "y");
  for (const g of gates) gateBlock(parts, rows, at, g, n, cellName === "vanilla" ? null : roles[g]);
  parts.push(decoration([head(""), head(""), head(symbol("W", "hy"), "wg-span wg-gap"),
    head(symbol("b", "y"), "wg-col wg-gap")]));
  const out = [null];
  for (let j = 0; j < n; j++) out.push(at("w_hy", j));
  out.push(at("b_y"));
  rows.push(out);
  parts.push(row([head("y", "wg-num wg-row", t("into the output y")), head(""), ...out.slice(1)]));
  root.replaceChildren(...parts);
  rows[0][0].tabIndex = 0; // the grid's one tab stop, until another cell gets focus
  grid = { n, cell: cellName, boxes, byKey, rows, values: new Map() };
  fitSoon();
}

// fit() reads a cell's width, which makes the browser lay out the whole page at once. On screen
// that happens in the paint's own task (no frame shows unfitted text); off screen (a preset that
// builds a new cell's grid out of sight) it waits for the next frame, so that the paint and the
// page's layout are two tasks, not one long one.
let fitFrame = 0;
function fitSoon() {
  if (onScreen("grid")) {
    cancelAnimationFrame(fitFrame);
    fitFrame = 0;
    fit();
  } else if (!fitFrame) {
    fitFrame = requestAnimationFrame(() => {
      fitFrame = 0;
      fit();
    });
  }
}

// How much text fits in a cell at its current width, with the cells' own font (measured once per
// build and resize); a cell too narrow for even "-.0" shows its colour only.
function fit() {
  if (!grid || $("matrix-weights").hidden) return;
  const box = grid.boxes[0].box;
  const style = getComputedStyle(box);
  const font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  if (ruler.font !== font) {
    ruler.font = font;
    widths.clear();
  }
  room = box.clientWidth - 4;
  strip = textWidth("-0.00") > room;
  $("weight-grid").classList.toggle("wg-mute", textWidth("-.0") > room);
  for (const { box: b, key } of grid.boxes) {
    if (grid.values.has(key)) setValue(b, shown(grid.values.get(key), b));
  }
}

// One weight's value in the weights (Params.to_dict): w[param], then [i], then [j].
const valueAt = (w, param, index) => index.reduce((value, i) => value[i], w[param]);

// cells (rnn_py.grid.weight_cells) describe the grid; a light snapshot sends none, since its
// changes (a drag, a typed weight, a run's frame) never change the grid's shape, and the values
// come from w. Returns false when the grid would have to be built and there are no cells.
export function paintWeights(w, n, cells, cellName = "vanilla", roles = {}) {
  const scalar = n === 1 && cellName === "vanilla"; // a gated cell always gets the grids
  $("scalar-weights").hidden = !scalar;
  const wasHidden = $("matrix-weights").hidden;
  $("matrix-weights").hidden = scalar;
  if (scalar) {
    const values = { w_xh: w.w_xh[0], w_hh: w.w_hh[0][0], w_hy: w.w_hy[0], b_h: w.b_h[0], b_y: w.b_y };
    for (const name of PARAMS) {
      setValue($(name), values[name]);
      setValue($(name + "-num"), round(values[name]));
    }
    return true;
  }
  if (!grid || grid.n !== n || grid.cell !== cellName || !$("weight-grid").contains(grid.boxes[0].box)) {
    if (!cells.length) return false;
    build(cells, n, cellName, roles);
  }
  else if (wasHidden) fitSoon();
  for (const { box, key, param, index } of grid.boxes) {
    const v = valueAt(w, param, index);
    const text = shown(v, box);
    if (grid.values.get(key) === v && box.value === text) continue; // nothing to redraw
    setValue(box, text); // also after an edit that left the weight as it was (7 → 5 when at 5)
    if (grid.values.get(key) !== v) box.style.setProperty("--tint", cellTint(v));
    grid.values.set(key, v);
  }
  return true;
}

// ---- focus, dragging ---------------------------------------------------------------------------

function valueOf(box) {
  const key = box.dataset.param + ":" + box.dataset.index;
  return grid && grid.values.has(key) ? grid.values.get(key) : Number(box.value) || 0;
}

// A mouse or pen drags at once. A finger must first hold still on the cell for HOLD ms: a swipe
// that starts on a cell is the page's to scroll (the cells have touch-action: pan-y), and once
// the hold has armed the drag, its touchmove events are cancelled so that the page stays put.
const HOLD = 350; // ms a finger rests on a cell before moving it drags the weight
const SLOP = 8; // px a finger may drift while holding

let drag = null; // { box, id, x, y, start, moved, touch, armed, timer }

function onPointerDown(event) {
  const box = event.target;
  if (!box.matches(".wg-cell") || box.disabled || event.button !== 0) return;
  event.preventDefault(); // no text selection; a press without a drag focuses the box (below)
  const touch = event.pointerType === "touch";
  drag = { box, id: event.pointerId, x: event.clientX, y: event.clientY, start: valueOf(box),
    moved: false, touch, armed: !touch, timer: 0 };
  if (touch) {
    const held = drag;
    held.timer = setTimeout(() => {
      held.armed = true;
      box.classList.add("wg-drag"); // it is grabbed: moving now drags
    }, HOLD);
  }
  box.setPointerCapture(event.pointerId);
}

function onPointerMove(event) {
  if (!drag || event.pointerId !== drag.id) return;
  const dy = drag.y - event.clientY;
  if (!drag.armed) { // a finger that moves before the hold: a scroll, not a drag
    if (Math.hypot(event.clientX - drag.x, dy) > SLOP) endDrag();
    return;
  }
  if (!drag.moved && Math.abs(dy) < THRESHOLD) return;
  drag.moved = true;
  drag.box.classList.add("wg-drag");
  const value = Math.max(-LIMIT, Math.min(LIMIT, Math.round((drag.start + dy * PER_PIXEL) * 100) / 100));
  if (Number(drag.box.value) === value && drag.box.dataset.dragging) return;
  drag.box.dataset.dragging = "1"; // Python applies "input" events only while this is set
  drag.box.value = String(value);
  drag.box.style.setProperty("--tint", cellTint(value));
  drag.box.dispatchEvent(new Event("input", { bubbles: true }));
}

function endDrag() {
  clearTimeout(drag.timer);
  drag.box.classList.remove("wg-drag");
  drag = null;
}

function onPointerUp(event) {
  if (!drag || event.pointerId !== drag.id) return;
  const { box, moved } = drag;
  endDrag();
  if (moved) {
    delete box.dataset.dragging;
    box.dispatchEvent(new Event("change", { bubbles: true })); // the drag's end: commit
  } else if (event.type === "pointerup") {
    box.focus();
    box.select();
  }
}

function onTouchMove(event) {
  if (drag && drag.armed) event.preventDefault(); // a held cell drags; the page does not scroll
}

function onContextMenu(event) {
  if (drag && drag.touch) event.preventDefault(); // a long press drags instead
}

function onFocus(event) {
  const box = event.target;
  if (!box.matches(".wg-cell") || !grid) return;
  for (const { box: other } of grid.boxes) other.tabIndex = -1;
  box.tabIndex = 0; // roving: Tab comes back to the cell last used
  setValue(box, String(round(valueOf(box)))); // the full value while editing
  box.select();
}

function onBlur(event) {
  const box = event.target;
  if (!box.matches(".wg-cell") || !grid) return;
  if (editing === box) endEdit();
  requestAnimationFrame(() => {
    if (box !== document.activeElement && !box.dataset.editing) setValue(box, shown(valueOf(box), box));
  });
}

// ---- the keyboard: the grid is one tab stop (WAI-ARIA grid pattern) ----------------------------
// Arrow keys move between cells, Home/End to the ends of the row, Ctrl+Home/End to the first and
// last weight; Page Up/Down (or Alt+↑/↓) nudge the weight by STEP. Typing replaces the value and
// Enter sets it; typing, Enter or F2 let the arrow keys move inside the text instead, until
// Enter, Escape or leaving the cell.

let editing = null; // the box whose text the arrow keys edit

function startEdit(box) {
  editing = box;
  box.classList.add("wg-editing");
}

function endEdit() {
  if (editing) editing.classList.remove("wg-editing");
  editing = null;
}

function position(box) {
  for (let r = 0; r < grid.rows.length; r++) {
    const c = grid.rows[r].indexOf(box);
    if (c >= 0) return [r, c];
  }
  return null;
}

function nearest(line, c) {
  for (let d = 0; d < line.length; d++) {
    if (line[c - d]) return line[c - d];
    if (line[c + d]) return line[c + d];
  }
  return null;
}

function target(key, ctrl, r, c) {
  const rows = grid.rows;
  const line = rows[r];
  switch (key) {
    case "ArrowLeft": return line.slice(0, c).findLast(Boolean) ?? null;
    case "ArrowRight": return line.slice(c + 1).find(Boolean) ?? null;
    case "ArrowUp": return r > 0 ? nearest(rows[r - 1], c) : null;
    case "ArrowDown": return r + 1 < rows.length ? nearest(rows[r + 1], c) : null;
    case "Home": return (ctrl ? rows[0] : line).find(Boolean);
    case "End": return (ctrl ? rows[rows.length - 1] : line).findLast(Boolean);
    default: return undefined; // not a key that moves
  }
}

function onKeyDown(event) {
  const box = event.target;
  if (!grid || !box.matches(".wg-cell")) return;
  const { key, altKey, ctrlKey, metaKey } = event;
  if (editing === box) {
    if (key === "Enter" || key === "Escape") endEdit(); // util.js commits or reverts the text
    return; // the keys act on the text
  }
  const up = key === "PageUp" || (altKey && key === "ArrowUp");
  if (up || key === "PageDown" || (altKey && key === "ArrowDown")) {
    event.preventDefault();
    if (up) box.stepUp();
    else box.stepDown(); // to the next multiple of STEP, within min and max, as spin buttons do
    box.dispatchEvent(new Event("change", { bubbles: true }));
    return;
  }
  if (key === "Enter" || key === "F2") {
    event.preventDefault();
    startEdit(box);
    return;
  }
  const where = position(box);
  if (altKey || metaKey || !where) return;
  const to = target(key, ctrlKey, ...where);
  if (to === undefined) return;
  event.preventDefault(); // never the number box's own stepping
  if (to && !to.disabled) to.focus();
}

function onInput(event) {
  const box = event.target;
  if (box.matches(".wg-cell") && !box.dataset.dragging && editing !== box) startEdit(box);
}

const root = $("weight-grid");
if (root) {
  root.addEventListener("pointerdown", onPointerDown);
  root.addEventListener("pointermove", onPointerMove);
  root.addEventListener("pointerup", onPointerUp);
  root.addEventListener("pointercancel", onPointerUp);
  root.addEventListener("touchmove", onTouchMove, { passive: false });
  root.addEventListener("contextmenu", onContextMenu);
  root.addEventListener("focusin", onFocus);
  root.addEventListener("focusout", onBlur);
  root.addEventListener("keydown", onKeyDown);
  root.addEventListener("input", onInput);
}
let resizeTimer = 0;
addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(fit, 120);
});
