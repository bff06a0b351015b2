// The substituted equation of the current step, as MathML built from tokens.
import { $, MATHML } from "./util.js";

const BREAKS = new Set(["=", "+", ","]);

function mathToken([tag, text, sub]) {
  const el = document.createElementNS(MATHML, tag);
  el.textContent = text;
  if (sub === undefined) return el;
  const wrap = document.createElementNS(MATHML, "msub");
  const s = document.createElementNS(MATHML, /^[−\d]/.test(sub) ? "mn" : "mi");
  s.textContent = sub;
  wrap.append(el, s);
  return wrap;
}

export function paintEquation(lines, step, T) {
  const box = $("live-equation");
  if (!lines.length) {
    const text = T
      ? "Nothing read yet: the hidden state starts at h₋₁ = 0. Press Step Forward to feed in x₀."
      : "No sequence to show.";
    const shown = box.firstElementChild;
    if (box.childElementCount === 1 && shown.className === "placeholder" && shown.textContent === text) return;
    const p = document.createElement("p");
    p.className = "placeholder";
    p.textContent = text;
    box.replaceChildren(p);
    return;
  }
  box.replaceChildren(...lines.map((tokens) => {
    const line = document.createElement("div");
    line.className = "eq-line";
    line.append(...mathLine(tokens));
    return line;
  }));
}

// One equation as short formulas that wrap after "=", "+" or ",", so on a phone every number
// stays visible instead of running off its card (the Code panel's notes use it too).
export function mathLine(tokens) {
  const chunks = [];
  let chunk = [];
  const flush = () => {
    if (!chunk.length) return;
    const math = document.createElementNS(MATHML, "math");
    const row = document.createElementNS(MATHML, "mrow");
    row.append(...chunk.map(mathToken));
    math.append(row);
    chunks.push(math);
    chunk = [];
  };
  for (const token of tokens) {
    chunk.push(token);
    if (token[0] === "mo" && BREAKS.has(token[1])) flush();
  }
  flush();
  return chunks;
}
