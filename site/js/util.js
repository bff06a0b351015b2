// Small helpers shared by the painter's modules.
export const $ = (id) => document.getElementById(id);
// A colour or size from the style sheet's custom properties. Each is read once per colour scheme:
// reading getComputedStyle after the page changed forces a style recalculation and a layout, which
// cost 20-30 ms each time a chart was made again (a new cell or number of units).
const cssValues = new Map();
matchMedia("(prefers-color-scheme: dark)").addEventListener?.("change", () => cssValues.clear());
// The painter's colours, read together on the first miss (one style recalculation for all of them).
const COLOURS = ["--highlight", "--muted", "--line", "--ink", "--panel", "--c-input", "--c-target",
  "--c-pred", "--c-grad", "--c-bptt", "--c-random", "--c-h1", "--c-h2", "--c-h3", "--c-h4",
  "--c-h5", "--c-h6", "--c-h7", "--c-h8"];
export const css = (name) => {
  if (!cssValues.has(name)) {
    const style = getComputedStyle(document.documentElement);
    for (const key of [name, ...COLOURS]) {
      if (!cssValues.has(key)) cssValues.set(key, style.getPropertyValue(key).trim());
    }
  }
  return cssValues.get(name);
};
export const MATHML = "http://www.w3.org/1998/Math/MathML";
export const SVG = "http://www.w3.org/2000/svg";

export function svg(tag, attrs, parent) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (parent) parent.append(el);
  return el;
}

export function round(v) {
  return Math.round(v * 1e4) / 1e4;
}

// A number box is "being edited" from its first keystroke until the person leaves it or commits
// (blur, Enter, Escape), whatever the value: meanwhile the painter leaves it alone.
export function setValue(el, value) {
  if (!el) return;
  el.dataset.painted = String(value);
  if (!el.dataset.editing && el.value !== String(value)) el.value = String(value);
}

const EDITABLE = "input[type=number], textarea";
const endEditing = (el) => {
  if (el instanceof Element && el.matches(EDITABLE)) delete el.dataset.editing;
};
document.addEventListener("input", (event) => {
  const el = event.target;
  if (el.matches("input[type=number]")) el.dataset.editing = "1";
}, true);
for (const type of ["change", "blur", "focusout"]) {
  document.addEventListener(type, (event) => endEditing(event.target), true);
}
document.addEventListener("keydown", (event) => {
  const el = event.target;
  if (event.key === "Escape" && el.dataset?.editing && el.dataset.painted !== undefined) {
    el.value = el.dataset.painted; // Escape abandons the edit: back to the model's value
  }
  if (event.key === "Enter" || event.key === "Escape") endEditing(el);
}, true);

// Blue for negative, orange for positive; stronger with size (|v| ≥ scale is full colour).
export function tint(v, scale) {
  if (v === null || v === undefined) return "none";
  const a = Math.min(1, Math.abs(v) / scale);
  return v < 0 ? `rgba(0, 114, 178, ${0.12 + 0.6 * a})` : `rgba(230, 159, 0, ${0.12 + 0.6 * a})`;
}

// Call back with an element's new width whenever its box changes width, whatever changed it: the
// window, a one-panel embed's layout settling after the first paint, a panel opening, a scroll
// bar. A width of 0 (the element is not displayed) is left out: it follows once it shows.
const widthCallbacks = new WeakMap();
const widthWatch = "ResizeObserver" in window ? new ResizeObserver((entries) => {
  for (const entry of entries) {
    const width = entry.target.clientWidth;
    const callback = widthCallbacks.get(entry.target);
    if (width && callback) callback(width);
  }
}) : null;

export function followWidth(el, callback) {
  widthCallbacks.set(el, callback);
  if (widthWatch) widthWatch.observe(el);
  else addEventListener("resize", () => el.clientWidth && callback(el.clientWidth));
}
