// The substituted equation of the current step, as MathML built from tokens.
import { $, MATHML } from "./util.js";
import { t } from "./i18n.js";

const BREAKS = new Set(["=", "+", ","]);

const subTag = (sub) => (/^[−\d]/.test(sub) ? "mn" : "mi");

// refs, when given, collects [element, subscript element or null] per token, in order.
function mathToken([tag, text, sub], refs) {
  const el = document.createElementNS(MATHML, tag);
  el.textContent = text;
  if (sub === undefined) {
    refs?.push([el, null]);
    return el;
  }
  const wrap = document.createElementNS(MATHML, "msub");
  const s = document.createElementNS(MATHML, subTag(sub));
  s.textContent = sub;
  wrap.append(el, s);
  refs?.push([el, s]);
  return wrap;
}

// The equation's shape (its tokens' tags, and the operators that decide where lines wrap) and its tokens' elements: a repaint with the same
// shape, as in every frame of a training run, only changes the numbers' text.
let shape = "";
let tokenRefs = [];
const shapeOf = (lines) => lines.map((tokens) => tokens.map(([tag, text, sub]) =>
  (tag === "mo" ? text : tag) + (sub === undefined ? "" : `_${subTag(sub)}`)).join(" ")).join("|");

export function paintEquation(lines, step, T) {
  const box = $("live-equation");
  if (!lines.length) {
    const text = T
      ? t("Nothing read yet: the hidden state starts at h₋₁ = 0. Press Step Forward to feed in x₀.")
      : t("No sequence to show.");
    const shown = box.firstElementChild;
    if (box.childElementCount === 1 && shown.className === "placeholder" && shown.textContent === text) return;
    const p = document.createElement("p");
    p.className = "placeholder";
    p.textContent = text;
    box.replaceChildren(p);
    shape = "";
    return;
  }
  const now = shapeOf(lines);
  if (now === shape && box.contains(tokenRefs[0]?.[0])) {
    let k = 0;
    for (const tokens of lines) {
      for (const [, text, sub] of tokens) {
        const [el, s] = tokenRefs[k++];
        if (el.textContent !== text) el.textContent = text;
        if (s && s.textContent !== sub) s.textContent = sub;
      }
    }
    return;
  }
  shape = now;
  tokenRefs = [];
  box.replaceChildren(...lines.map((tokens) => {
    const line = document.createElement("div");
    line.className = "eq-line";
    line.append(...mathLine(tokens, tokenRefs));
    return line;
  }));
}

// One equation as short formulas that wrap after "=", "+" or ",", so on a phone every number
// stays visible instead of running off its card (the Code panel's notes use it too).
export function mathLine(tokens, refs) {
  const chunks = [];
  let chunk = [];
  const flush = () => {
    if (!chunk.length) return;
    const math = document.createElementNS(MATHML, "math");
    const row = document.createElementNS(MATHML, "mrow");
    row.append(...chunk.map((token) => mathToken(token, refs)));
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
