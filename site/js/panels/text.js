// Text mode: the loss line and chart, the sample, and "What the network sees" (two heatmaps,
// the character strip with each character's top five, Step Forward's equations). Python
// (site/panels/text.py, rnn_py.textview) sends the data; nothing here computes the model.
import { $, css, followWidth, setValue, tint } from "../util.js";
import { mathLine } from "../equation.js";
import { t, tn } from "../i18n.js";

const CELL = 18; // px per character column
const LABEL = 30; // px for the row labels at the left
let last = { summary: null, sees: null, step: null, reach: null };
let active = 0; // the strip's focused column

const fmt = (v, d = 2) => (v === null || v === undefined ? "—" : v.toFixed(d));

export function init() {
  // whether "What the network sees" is on screen: training redraws its heatmaps only then
  const sees = $("text-sees");
  sees.inView = true;
  new IntersectionObserver((entries) => {
    for (const entry of entries) sees.inView = entry.isIntersecting;
  }).observe(sees);
  const strip = $("sees-strip");
  strip.addEventListener("keydown", (event) => {
    const cols = last.sees ? last.sees.columns.length : 0;
    if (!cols) return;
    const moves = { ArrowRight: 1, ArrowLeft: -1, Home: -cols, End: cols };
    if (!(event.key in moves)) return;
    event.preventDefault();
    focusColumn(Math.max(0, Math.min(cols - 1, active + moves[event.key])));
  });
  strip.addEventListener("focusin", (event) => {
    const at = Number(event.target.dataset.t);
    if (!Number.isNaN(at)) showTop(at);
  });
  strip.addEventListener("mouseover", (event) => {
    const at = Number(event.target.dataset && event.target.dataset.t);
    if (!Number.isNaN(at)) showTop(at);
  });
  for (const id of ["sees-probs", "sees-hidden"]) {
    $(id).addEventListener("mousemove", (event) => {
      const rect = event.target.getBoundingClientRect();
      const at = Math.floor((event.clientX - rect.left - LABEL) / CELL);
      if (last.sees && at >= 0 && at < last.sees.columns.length) showTop(at);
    });
  }
  followWidth($("text-chart").parentElement, () => last.summary && drawChart(last.summary));
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
    if (last.summary) drawChart(last.summary);
    if (last.sees) drawMaps(last.sees, last.step);
  });
}

function focusColumn(at) {
  const cells = $("sees-strip").querySelectorAll(".sees-char");
  if (!cells[at]) return;
  for (const el of cells) el.tabIndex = -1;
  cells[at].tabIndex = 0;
  cells[at].focus();
  active = at;
}

function showTop(at) {
  const col = last.sees && last.sees.columns[at];
  if (!col) return;
  const pos = last.sees.from + at + 1;
  const parts = col.top.map(([ch, p]) => `‘${ch}’ ${(100 * p).toFixed(1)}%`);
  let text = t("After ‘{char}’ (character {pos}): {top}.", { char: col.char, pos, top: parts.join(", ") });
  if (col.next !== null) {
    text += " " + t("True next: ‘{char}’, {bits} bits.", { char: last.sees.vocab[col.next], bits: fmt(col.bits) });
  }
  $("sees-top").textContent = text;
  $("sees-top").dataset.t = String(at);
}

export function paint(d) {
  if (d.mode !== "text") return; // Python switches the layout (body.task-text) itself
  const began = performance.now();
  drawAll(d);
  // how long this took, for text.py's frame budget (a property, not an attribute: no restyle)
  $("text-stage").paintMs = performance.now() - began;
}

function drawAll(d) {
  if (d.settings) paintSettings(d.settings, d.summary);
  if (d.summary) {
    last.summary = d.summary;
    paintSummary(d.summary);
  }
  // Every write below is skipped when nothing changes: a training frame then costs the
  // browser no style or layout work beyond the loss line's numbers.
  const busy = d.running;
  put($("text-train"), "disabled", Boolean(busy) || Boolean(d.text_error) || d.summary?.status === "diverged");
  put($("text-train"), "textContent", busy === "train" ? t("Training…") : busy === "replay" ? t("Replaying…") : t("Train"));
  put($("text-stop"), "disabled", !busy);
  put($("sample"), "disabled", Boolean(busy));
  put($("sample"), "textContent", busy === "sample" ? t("Sampling…") : t("Sample"));
  if (d.status !== undefined) {
    put($("text-status"), "textContent", d.status);
    $("text-status").classList.toggle("warn", Boolean(d.warn));
  }
  put($("text-msg"), "textContent", d.text_error || "");
  putAttr($("text-input"), "aria-invalid", d.text_error ? "true" : "false");
  if (d.text_count !== undefined) put($("text-count"), "textContent", d.text_count);
  if (d.sample) paintSample(d.sample);
  if (d.sees) last.sees = d.sees;
  if (d.step !== undefined) last.step = d.step;
  if (d.sees || d.step !== undefined) {
    paintStrip(last.sees, last.step);
    drawMaps(last.sees, last.step);
    paintEquationLines(last.step);
  }
  if ("reach" in d) {
    last.reach = d.reach;
    drawReach(d.reach);
  }
  putAttr($("text-stage"), "data-state", busy ? "busy" : "idle");
}

function put(el, key, value) {
  if (el[key] !== value) el[key] = value;
}

function putAttr(el, name, value) {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

// The gradient reach over the stretch: one bar per character, aligned with the heatmaps'
// columns, on a log scale from the largest value down six decades (smaller ones are stubs).
function drawReach(r) {
  const canvas = $("sees-reach");
  const text = $("sees-reach-text");
  const values = r ? r.reach : [];
  const dpr = window.devicePixelRatio || 1;
  const w = LABEL + values.length * CELL, h = values.length ? 60 : 0;
  canvas.width = w * dpr;
  canvas.height = h * dpr;
  canvas.style.width = w + "px";
  canvas.style.height = h + "px";
  canvas.dataset.bars = "0";
  text.textContent = r ? r.sentence : "";
  if (!values.length) return;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  const top = Math.log10(Math.max(...finite, 1e-300));
  const DECADES = 6;
  ctx.fillStyle = colour("--muted");
  ctx.font = "10px system-ui, sans-serif";
  ctx.textBaseline = "top";
  ctx.fillText(t("reach"), 0, 2);
  let bars = 0;
  values.forEach((v, at) => {
    if (!Number.isFinite(v)) return;
    const level = v > 0 ? Math.max(0, (Math.log10(v) - top + DECADES) / DECADES) : 0;
    const bar = Math.max(1, Math.round(level * (h - 4)));
    ctx.fillStyle = colour("--c-pred");
    ctx.fillRect(LABEL + at * CELL + 2, h - bar, CELL - 4, bar);
    bars++;
  });
  canvas.dataset.bars = String(bars);
}

function paintSettings(s, summary) {
  if (s.set_text) $("text-input").value = s.text;
  setValue($("text-cell"), s.cell);
  setValue($("text-hidden"), s.hidden);
  setValue($("seq-length"), s.seq_length);
  setValue($("text-opt"), s.optimizer);
  setValue($("temperature-num"), s.temperature);
  setValue($("temperature"), s.temperature);
  $("temperature").setAttribute("aria-valuetext", String(s.temperature));
  setValue($("sample-length"), s.sample_length);
  setValue($("sample-seed"), s.sample_seed);
  setValue($("sees-from"), s.text_from + 1);
  setValue($("task"), "text");
  if (summary) {
    const select = $("sample-start");
    const key = summary.vocab_raw.join("\u0000");
    if (select.dataset.vocab !== key) {
      select.replaceChildren(...summary.vocab_raw.map((ch, i) => {
        const option = document.createElement("option");
        option.value = ch;
        option.textContent = summary.vocab[i];
        return option;
      }));
      select.dataset.vocab = key;
    }
    select.value = s.sample_start;
  }
}

function paintSummary(s) {
  drawChart(s); // first, while the layout is still clean: it reads the chart's width
  const vocab = $("text-vocab");
  const key = s.vocab.join("\u0000");
  if (vocab.dataset.chars !== key) {
    vocab.replaceChildren(...s.vocab.map((ch) => {
      const el = document.createElement("span");
      el.textContent = ch;
      return el;
    }));
    vocab.dataset.chars = key;
  }
  putAttr(vocab, "aria-label", tn("{n} character", "{n} characters", s.vocab_size, { n: s.vocab_size }));
  putAttr(vocab, "data-size", String(s.vocab_size));
  const trained = s.windows
    ? tn("{n} window trained ({chars} characters)", "{n} windows trained ({chars} characters)", s.windows,
      { n: s.windows.toLocaleString("en"), chars: s.trained_chars.toLocaleString("en") })
    : t("untrained");
  const loss = s.whole !== null
    ? t("Loss on the whole text: {bits} bits per character (perplexity {perplexity})",
      { bits: fmt(s.whole), perplexity: fmt(s.perplexity) })
    : s.smooth !== null
      ? t("Loss, smoothed over recent windows: {bits} bits per character (perplexity {perplexity})",
        { bits: fmt(s.smooth), perplexity: fmt(2 ** s.smooth) })
      : t("Loss: —");
  const base = t("Counting alone (the unigram baseline: always guess the character frequencies): {bits} bits per character (perplexity {perplexity}).",
    { bits: fmt(s.unigram), perplexity: fmt(s.unigram_perplexity) });
  const line = $("text-loss");
  if (line.children.length !== 2) {
    line.replaceChildren(document.createElement("b"), document.createElement("span"));
  }
  put(line.children[0], "textContent", loss);
  put(line.children[1], "textContent",
    " · " + tn("{cell}, {n} hidden unit, {trained}.", "{cell}, {n} hidden units, {trained}.", s.n,
      { cell: s.cell === "vanilla" ? t("vanilla RNN") : s.cell.toUpperCase(), n: s.n, trained }) + " " + base);
  putAttr(line, "data-whole", s.whole === null ? "" : String(s.whole));
  putAttr(line, "data-windows", String(s.windows));
}

// The page's colours, read once per theme (getComputedStyle in every frame costs a restyle).
let colours = null;
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => { colours = null; });
function colour(name) {
  if (!colours) colours = new Map();
  if (!colours.has(name)) colours.set(name, css(name));
  return colours.get(name);
}

function drawChart(s) {
  const canvas = $("text-chart");
  const width = Math.max(240, canvas.parentElement.clientWidth);
  const height = 200;
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.floor(width * dpr) || canvas.height !== Math.floor(height * dpr)) {
    canvas.width = width * dpr; // resizing clears it and reallocates: only when it changes
    canvas.height = height * dpr;
    canvas.style.width = width + "px";
    canvas.style.height = height + "px";
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const pts = s.history;
  const left = 44, right = 10, top = 10, bottom = 26;
  const W = width - left - right, H = height - top - bottom;
  const maxX = Math.max(10, pts.length ? pts[pts.length - 1][0] : 10);
  const maxY = Math.max(s.unigram, ...pts.map((p) => p[1])) * 1.1 || 1;
  const X = (x) => left + (x / maxX) * W;
  const Y = (y) => top + H - (y / maxY) * H;
  ctx.strokeStyle = colour("--line");
  ctx.fillStyle = colour("--muted");
  ctx.font = "11px system-ui, sans-serif";
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, top + H);
  ctx.lineTo(left + W, top + H);
  ctx.stroke();
  for (let k = 0; k <= 4; k++) {
    const y = (maxY * k) / 4;
    ctx.fillText(y.toFixed(1), 4, Y(y) + 4);
  }
  ctx.fillText(t("windows (0–{max})", { max: maxX }), left + W / 2 - 40, height - 6);
  // the unigram baseline, dashed
  ctx.strokeStyle = colour("--c-target");
  ctx.setLineDash([6, 4]);
  ctx.beginPath();
  ctx.moveTo(left, Y(s.unigram));
  ctx.lineTo(left + W, Y(s.unigram));
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillText(t("unigram baseline"), left + 6, Y(s.unigram) - 4);
  if (pts.length) {
    ctx.strokeStyle = colour("--c-bptt");
    ctx.lineWidth = 2;
    ctx.beginPath();
    pts.forEach(([x, y], i) => (i ? ctx.lineTo(X(x), Y(y)) : ctx.moveTo(X(x), Y(y))));
    ctx.stroke();
  }
  putAttr(canvas, "data-points", String(pts.length));
}

function paintSample(s) {
  const out = $("sample-out");
  out.textContent = s.text;
  out.dataset.done = s.done ? "1" : "0";
  $("sample-status").textContent = s.status || "";
}

function paintStrip(sees, step) {
  const strip = $("sees-strip");
  if (!sees) {
    strip.replaceChildren();
    delete strip.dataset.key;
    return;
  }
  // while training only the numbers change: the characters are rebuilt when they do
  const key = JSON.stringify([sees.from, sees.columns.map((col) => col.char), step ? step.t : null]);
  if (strip.dataset.key === key) return;
  strip.dataset.key = key;
  strip.style.gridTemplateColumns = `${LABEL}px repeat(${sees.columns.length}, ${CELL}px)`;
  const spacer = document.createElement("span");
  spacer.className = "sees-spacer";
  spacer.setAttribute("aria-hidden", "true");
  const cells = sees.columns.map((col, at) => {
    const el = document.createElement("span");
    el.className = "sees-char";
    el.textContent = col.char;
    el.dataset.t = String(at);
    el.tabIndex = at === Math.min(active, sees.columns.length - 1) ? 0 : -1;
    el.setAttribute("role", "button");
    el.setAttribute("aria-label", t("character {pos}: {char}", { pos: sees.from + at + 1, char: col.char }));
    if (step && step.t === at) el.classList.add("current");
    return el;
  });
  strip.replaceChildren(spacer, ...cells);
  if (active >= sees.columns.length) active = 0;
}

function drawMaps(sees, step) {
  const probs = $("sees-probs");
  const hidden = $("sees-hidden");
  if (!sees) return;
  const L = sees.columns.length;
  const V = sees.vocab.length;
  const n = sees.hidden.length ? sees.hidden[0].length : 0;
  const rowP = Math.max(6, Math.min(14, Math.floor(360 / V)));
  const rowH = Math.max(5, Math.min(12, Math.floor(200 / Math.max(1, n))));
  const dpr = window.devicePixelRatio || 1;
  const setup = (canvas, rows, rowPx) => {
    const w = LABEL + L * CELL, h = rows * rowPx;
    if (canvas.width !== Math.floor(w * dpr) || canvas.height !== Math.floor(h * dpr)) {
      canvas.width = w * dpr;
      canvas.height = h * dpr;
      canvas.style.width = w + "px";
      canvas.style.height = h + "px";
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.font = `${Math.min(11, rowPx)}px system-ui, sans-serif`;
    ctx.textBaseline = "middle";
    return ctx;
  };
  const muted = colour("--muted");
  const current = step && step.t !== null ? step.t : null;
  // probabilities: rows = vocabulary, darker = likelier; the true next character outlined
  let ctx = setup(probs, V, rowP);
  const base = matchMedia("(prefers-color-scheme: dark)").matches ? [90, 169, 240] : [11, 92, 173];
  for (let k = 0; k < V; k++) {
    if (rowP >= 9 || k % 2 === 0) {
      ctx.fillStyle = muted;
      ctx.fillText(sees.vocab[k], 4, k * rowP + rowP / 2);
    }
  }
  let outlined = 0;
  for (let at = 0; at < L; at++) {
    const p = sees.probs[at];
    for (let k = 0; k < V; k++) {
      ctx.fillStyle = `rgba(${base[0]}, ${base[1]}, ${base[2]}, ${Math.sqrt(p[k]).toFixed(3)})`;
      ctx.fillRect(LABEL + at * CELL + 1, k * rowP, CELL - 2, rowP - 1);
    }
    const nxt = sees.columns[at].next;
    if (nxt !== null && (current === null || at <= current)) {
      ctx.strokeStyle = colour("--c-pred");
      ctx.lineWidth = 2;
      ctx.strokeRect(LABEL + at * CELL + 1, nxt * rowP, CELL - 2, rowP - 1);
      outlined++;
    }
  }
  if (current !== null) shade(ctx, current, L, V * rowP);
  probs.dataset.columns = String(L);
  probs.dataset.rows = String(V);
  probs.dataset.outlined = String(outlined);
  // hidden units: rows = units, blue negative, orange positive
  ctx = setup(hidden, n, rowH);
  for (let i = 0; i < n; i++) {
    if (rowH >= 9 || i % 4 === 0) {
      ctx.fillStyle = muted;
      ctx.fillText(String(i + 1), 4, i * rowH + rowH / 2);
    }
    for (let at = 0; at < L; at++) {
      ctx.fillStyle = tint(sees.hidden[at][i], 1);
      ctx.fillRect(LABEL + at * CELL + 1, i * rowH, CELL - 2, rowH - 1);
    }
  }
  if (current !== null) shade(ctx, current, L, n * rowH);
  hidden.dataset.columns = String(L);
  hidden.dataset.rows = String(n);
}

function shade(ctx, current, L, height) {
  // dim the columns not read yet while stepping
  ctx.fillStyle = colour("--panel") + "cc";
  const x = LABEL + (current + 1) * CELL;
  ctx.fillRect(x, 0, (L - current - 1) * CELL, height);
  ctx.strokeStyle = colour("--focus");
  ctx.lineWidth = 2;
  ctx.strokeRect(LABEL + current * CELL, 0, CELL, height);
}

let shownStep; // what the equation box shows: redrawn only when Step Forward's data changes
function paintEquationLines(step) {
  const box = $("sees-equation");
  const key = JSON.stringify(step || null);
  if (key === shownStep) return;
  shownStep = key;
  if (!step || !step.lines.length) {
    const p = document.createElement("p");
    p.className = "placeholder";
    p.textContent = t("Press Step Forward to read the stretch one character at a time, with the numbers.");
    box.replaceChildren(p);
    return;
  }
  box.replaceChildren(...step.lines.map((tokens) => {
    const line = document.createElement("div");
    line.className = "eq-line";
    line.append(...mathLine(tokens));
    return line;
  }));
}
