// The Code panel: the model's Python, highlighted by rnn_py.source (token classes and text,
// put in with textContent), with the lines of the current timestep marked while stepping and
// the backward pass marked while BPTT trains. Which lines belong to which formula comes from
// rnn_py.source; where the page stands comes from the last main snapshot.
import { $ } from "../util.js";
import { mathLine } from "../equation.js";
import { last } from "../store.js";
import { t } from "../i18n.js";

let blocks = []; // [{key, kind, first, last, rows: [elements], note}]
let computes = "z, h and y"; // what the running cell's step computes, in words

function make(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function line(number, spans) {
  const row = make("div", "code-line");
  row.dataset.line = String(number);
  const ln = make("span", "ln", String(number));
  ln.setAttribute("aria-hidden", "true");
  const text = make("span", "src");
  for (const [cls, t] of spans) text.append(cls ? make("span", `tok-${cls}`, t) : t);
  if (!spans.length) text.append("\n"); // keeps an empty line one line high
  row.append(ln, text);
  return row;
}

function build(data) {
  const box = $("code-listing");
  blocks = [];
  computes = data.computes || computes;
  const parts = data.functions.map((fn) => {
    // Blocks end on a line of their own function (line numbers repeat across files).
    const byLast = new Map(data.blocks.filter((b) => b.function === fn.name).map((b) => [b.last, b]));
    const section = make("section", "code-fn");
    const caption = make("p", "code-caption", t("{file}, lines {first}–{last}: {name}",
      { file: fn.file || data.file, first: fn.first, last: fn.last, name: fn.name }));
    section.append(caption);
    const rows = new Map();
    for (const [number, spans] of fn.lines) {
      const row = line(number, spans);
      rows.set(number, row);
      section.append(row);
      const block = byLast.get(number);
      if (block) {
        const note = make("div", "code-note");
        note.dataset.block = block.key;
        const values = make("div", "code-values");
        note.append(values, make("p", "code-why", block.text));
        section.append(note);
        const own = [];
        for (let n = block.first; n <= block.last; n++) if (rows.has(n)) own.push(rows.get(n));
        blocks.push({ ...block, rows: own, note, values });
      }
    }
    return section;
  });
  box.replaceChildren(...parts);
  lastKinds = "";
}

let lastKinds = "";

function mark(kinds, equation) {
  // When other blocks become marked (stepping ↔ training), bring the first of them into view
  // inside the listing (the page itself does not scroll).
  const key = kinds.join();
  if (key !== lastKinds) {
    lastKinds = key;
    const first = blocks.find((b) => kinds.includes(b.kind));
    if (first) $("code-listing").scrollTop = Math.max(0, first.rows[0].offsetTop - 40);
  }
  for (const b of blocks) {
    const on = kinds.includes(b.kind) || (kinds.includes("forward-loss") && b.key === "loss");
    for (const row of b.rows) row.classList.toggle("marked", on);
    b.note.classList.toggle("marked", on);
    const eq = b.kind === "step" && on && equation ? lineFor(equation, b.symbol) : null;
    b.values.replaceChildren(...(eq ? mathLine(eq) : []));
  }
}

// The substituted equation's line that opens with the block's symbol (zₜ = …, fₜ = …).
function lineFor(equation, symbol) {
  if (!symbol || !Array.isArray(equation)) return null;
  return equation.find((tokens) => Array.isArray(tokens) && tokens.length && tokens[0][1] === symbol) || null;
}

let textMode = null; // in text mode: {t, running, seq_length} from site/panels/code.py
let run = null; // in numbers mode: "bptt", "random" or null, from Python (a run paints light)

function followText(status) {
  const { t: at, running, seq_length: T } = textMode;
  if (running === "train" || running === "replay") {
    mark(["train"], null);
    status.textContent = t("Training: every window of up to {T} characters runs forward, then backward calls the cell's step_back from the window's last character down to its first. Marked: the lines of the backward pass (training runs the same arithmetic arranged for speed in rnn_py/text/core.py).", { T });
  } else if (at === null || at === undefined) {
    mark([], null);
    status.textContent = t("Nothing read yet: press Step Forward under What the network sees to mark the lines that read a character.");
  } else {
    mark(["step"], null);
    const names = named(at);
    status.textContent = t("t = {t}: the marked lines read character {n} of the stretch and computed {names}.", { t: at, n: at + 1, names });
  }
}

function follow() {
  if (!blocks.length) return;
  const p = last();
  const status = $("code-status");
  if (textMode) {
    followText(status);
  } else if (!p || !p.ok) {
    mark([], null);
    status.textContent = t("No sequence to run: fix the custom values above.");
  } else if (run === "bptt") {
    mark(["train"], null);
    status.textContent = t("Training with BPTT: every epoch runs the forward pass, then _backward calls step_back for t = {t} down to 0. Marked: the lines of the backward pass.", { t: p.T - 1 });
  } else if (run === "random") {
    mark(["step", "forward-loss"], null);
    status.textContent = t("Random Search: each try runs only the forward pass and its loss (marked); it never computes a gradient.");
  } else if (p.current === null || p.current === undefined) {
    mark([], null);
    status.textContent = t("Nothing read yet: press Step Forward to mark the lines that compute the first timestep.");
  } else {
    mark(["step"], p.equation);
    const at = p.current;
    const names = named(at);
    status.textContent = t("t = {t}: the marked lines computed {names}; each block shows its numbers below it.", { t: at, names });
  }
}

const SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉";

// "z, h and y" (from Python, in English) with each name subscripted at t, the last joined by the
// page's own "and".
function named(at) {
  const parts = computes.split(/, | and /).map((name) => name + sub(at));
  if (parts.length === 1) return parts[0];
  return t("{a} and {b}", { a: parts.slice(0, -1).join(", "), b: parts[parts.length - 1] });
}

function sub(n) {
  return String(n).replace(/\d/g, (d) => SUBSCRIPTS[Number(d)]);
}

export function paint(data) {
  if (data.kind === "listing") build(data);
  else {
    textMode = data.text || null;
    run = data.running ?? null;
  }
  follow();
}
