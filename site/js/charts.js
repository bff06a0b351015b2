// The four uPlot charts of the stage: sequence and prediction, hidden state, gradient reach, loss.
import { $, css, followWidth } from "./util.js";
import { last } from "./store.js";
import { shows } from "./views.js";
import { t } from "./i18n.js";

const charts = {};
const HEIGHT = 230;

function highlight(u) {
  // A soft band behind the current timestep.
  const p = last();
  const now = p && p.current;
  if (now === null || now === undefined || !u.scales.x || u.scales.x.min === undefined) return;
  const left = u.valToPos(now - 0.5, "x", true);
  const right = u.valToPos(now + 0.5, "x", true);
  const ctx = u.ctx;
  ctx.save();
  ctx.fillStyle = css("--highlight");
  ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
  ctx.restore();
}

export function axes(xLabel, yLabel, log) {
  const ink = css("--muted");
  const grid = { stroke: css("--line"), width: 1 };
  return [
    // whole numbers only on the x axis: timesteps and evaluations are counts
    { label: xLabel, stroke: ink, grid, ticks: grid, size: 36, labelSize: 18,
      incrs: [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000] },
    {
      label: yLabel, stroke: ink, grid, ticks: grid, labelSize: 18,
      size: (u, values) => 22 + 7 * Math.max(4, ...(values || []).map((v) => String(v).length)),
      splits: log ? logSplits : undefined,
      values: (u, splits) => splits.map(log ? logLabel : linearLabel),
    },
  ];
}

const seriesSpecs = {
  seq: () => [
    { label: "t" },
    { label: t("input x_t"), stroke: css("--c-input"), width: 2, points: { show: true, size: 6 } },
    // the long-lag task has one target (x_0, at the last step): a dot, as a line would not show
    { label: t("target x_(t+1)"), stroke: css("--c-target"), width: 2, dash: [6, 4],
      points: { show: () => last()?.settings?.sequence === "remember", size: 9 } },
    { label: t("prediction y_t"), stroke: css("--c-pred"), width: 2.5, points: { show: true, size: 7, fill: css("--c-pred") } },
  ],
  // With the forecast on: the free-running prediction, dashed, and the true continuation.
  forecast: () => [
    { label: t("forecast y_t (free running)"), stroke: css("--c-pred"), width: 2.5, dash: [7, 5], points: { show: true, size: 5 } },
    { label: t("true continuation x_(t+1)"), stroke: css("--c-target"), width: 2, dash: [2, 4], points: { show: true, size: 4 } },
  ],
  grad: () => [
    { label: "t" },
    { label: t("reach ‖∂h_(T−1)/∂h_t‖"), stroke: css("--c-grad"), fill: css("--c-grad") + "88", width: 1,
      paths: uPlot.paths.bars({ size: [0.6, 40] }), points: { show: false } },
    { label: "|∂L/∂h_t|", stroke: css("--c-pred"), width: 2, dash: [4, 3], points: { show: true, size: 5 } },
  ],
  // The LSTM adds the reach along the cell state alone, as thinner bars of their own colour.
  gradC: () => ({ label: t("along c ‖∂c_(T−1)/∂c_t‖"), stroke: css("--c-h1"), fill: css("--c-h1") + "88", width: 1,
    paths: uPlot.paths.bars({ size: [0.3, 20], align: 1 }), points: { show: false } }),
  loss: () => [
    { label: t("evaluations") },
    { label: "BPTT", stroke: css("--c-bptt"), width: 2.5, spanGaps: true, points: { show: false } },
    { label: t("Random Search (best so far)"), stroke: css("--c-random"), width: 2, dash: [8, 4], spanGaps: true, points: { show: false } },
  ],
};

// Up to 8 hidden units, each with its own colour (--c-h1…--c-h8) and dash pattern, so traces
// stay apart without colour vision too.
const HIDDEN_DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [14, 5], [5, 2, 1, 2], [1, 5], [8, 3, 2, 3, 2, 3]];

function hiddenSeries(n) {
  const dashes = HIDDEN_DASHES;
  const out = [{ label: "t" }];
  for (let i = 0; i < n; i++) {
    out.push({
      label: n === 1 ? "h_t" : `h_t[${i + 1}]`, stroke: css(`--c-h${i + 1}`), width: 2, dash: dashes[i],
      points: { show: true, size: 5 },
    });
  }
  return out;
}

export function makeChart(key, el, series, opts) {
  // A chart made again (another cell, more units) keeps the width its box gave the old one, which
  // followWidth keeps current: reading el.clientWidth would force a layout of the changed page.
  const width = charts[key] ? charts[key].width : Math.max(240, el.clientWidth);
  if (charts[key]) charts[key].destroy();
  charts[key] = new uPlot({
    width, height: HEIGHT, series, legend: { live: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
    scales: opts.scales, axes: opts.axes, hooks: opts.overTime ? { drawClear: [highlight] } : {},
  }, opts.data, el);
  charts[key].nSeries = series.length;
  // The chart follows its box's width, not the window's: a box can change width with no resize
  // (a one-panel embed's layout settles after the first paint, which sized the charts).
  followWidth(el, (w) => {
    const u = charts[key];
    if (u && u.root.parentElement === el && u.width !== Math.max(240, w)) {
      u.setSize({ width: Math.max(240, w), height: u.height });
    }
  });
  return charts[key];
}

function ensureCharts(p) {
  const n = p.n;
  const scheme = matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  const F = p.charts && p.charts.forecast;
  const seqSeries = 4 + (F ? 1 : 0) + (F && F.truth ? 1 : 0);
  if (charts.scheme === scheme && charts.seq && charts.seq.nSeries !== seqSeries) makeSeqChart(seqSeries);
  const gradSeries = p.charts && p.charts.reach_c ? 4 : 3;
  if (charts.scheme === scheme && charts.grad && charts.grad.nSeries !== gradSeries) makeGradChart(gradSeries);
  const empty = (k) => Array.from({ length: k }, () => []);
  const makeHidden = () => makeChart("hidden", $("chart-hidden"), hiddenSeries(n), {
    scales: { x: { time: false, range: stepRange }, y: { range: hiddenRange } }, axes: axes("t", "h_t"), data: empty(n + 1), overTime: true,
  });
  if (charts.scheme === scheme && charts.hidden) {
    // Another number of units changes the hidden state's chart alone.
    if (charts.hidden.nSeries !== n + 1) makeHidden();
    return;
  }
  charts.scheme = scheme;
  makeSeqChart(seqSeries);
  makeHidden();
  makeGradChart(gradSeries);
  makeChart("loss", $("chart-loss"), seriesSpecs.loss(), {
    scales: { x: { time: false }, y: { distr: 3, range: logRange } }, axes: axes(t("evaluations"), t("loss"), true), data: empty(3),
  });
}

function makeGradChart(count) {
  const series = count === 4 ? [...seriesSpecs.grad(), seriesSpecs.gradC()] : seriesSpecs.grad();
  makeChart("grad", $("chart-grad"), series, {
    scales: { x: { time: false, range: stepRange }, y: { distr: 3, range: logRange } }, axes: axes("t", t("gradient size"), true),
    data: Array.from({ length: count }, () => []), overTime: true,
  });
}

function makeSeqChart(count) {
  // 4 series, or 5 with the forecast, or 6 with the true continuation too (named sequences)
  const series = [...seriesSpecs.seq(), ...seriesSpecs.forecast()].slice(0, count);
  const y = count > 4 ? { range: seqRange } : {};
  makeChart("seq", $("chart-seq"), series, {
    scales: { x: { time: false, range: stepRange }, y }, axes: axes("t", t("value")),
    data: Array.from({ length: series.length }, () => []), overTime: true,
  });
}

// The data sets the value axis; a forecast or true continuation that runs far off (normalized
// Fibonacci keeps growing) may widen it to three times the data's spread, and leaves the top.
function seqRange(u, min, max) {
  const c = last() && last().charts;
  if (min === null || max === null || min === undefined || !c) return [-1, 1];
  const shown = [...c.x, ...c.target, ...c.y].filter((v) => v !== null);
  const lo = shown.length ? Math.min(...shown) : min;
  const hi = shown.length ? Math.max(...shown) : max;
  const span = hi - lo || Math.abs(hi) || 1;
  const bottom = Math.max(min, lo - 3 * span);
  const top = Math.min(max, hi + 3 * span);
  const pad = (top - bottom) * 0.06 || 1;
  return [bottom - pad, top + pad];
}

const stepRange = (u, min, max) => (min === null || min === undefined ? [-0.5, 0.5] : [min - 0.5, max + 0.5]);

function hiddenRange(u, min, max) {
  const p = last();
  const act = p && p.charts && p.charts.activation;
  if (min === null || max === null || min === undefined) return act === "sigmoid" ? [0, 1] : [-1, 1];
  if (act === "tanh") return [Math.min(-1, min), Math.max(1, max)];
  if (act === "sigmoid") return [Math.min(0, min), Math.max(1, max)];
  const pad = (max - min) * 0.08 || 1;
  return [min - pad, max + pad];
}

const logLabel = (v) => (v == null ? "" : v.toExponential(0));
// Large values in e-notation so the axis stays narrow; small ones as they are.
const linearLabel = (v) => (v == null ? "" : Math.abs(v) >= 1e5 ? v.toExponential(1) : String(+v.toPrecision(6)));

export function logSplits(u, axisIdx, min, max) {
  // At most about six labelled decades, however wide the range.
  const lo = Math.round(Math.log10(min));
  const hi = Math.round(Math.log10(max));
  const every = Math.max(1, Math.ceil((hi - lo) / 6));
  const out = [];
  for (let e = lo; e <= hi; e += every) out.push(10 ** e);
  return out;
}

export function logRange(u, min, max) {
  // Whole decades, never below 1e-30 (Python leaves smaller values out) nor above 1e13.
  if (min === null || max === null || !(min > 0) || !(max > 0)) return [1e-4, 1];
  const lo = Math.max(-30, Math.floor(Math.log10(min)));
  const hi = Math.min(13, Math.max(lo + 1, Math.ceil(Math.log10(max))));
  return [10 ** lo, 10 ** hi];
}


// The gradient chart's |∂L/∂h_t| series from elsewhere (the Exercises panel: "Run the page on my
// code" with the learner's backward step), the reach kept, until the next paint brings rnn_py's.
// False when the chart does not have that many timesteps (a paint changed it meanwhile).
export function setGradSeries(grad) {
  const u = charts.grad;
  if (!u || !u.data || !u.data[0] || u.data[0].length !== grad.length) return false;
  const data = u.data.slice();
  data[2] = grad;
  u.setData(data);
  return true;
}

// A chart's data as uPlot holds it: [t, series…] (null before the chart exists).
export function chartData(key) {
  return charts[key] && charts[key].data ? charts[key].data : null;
}

// Each chart is its own view: a light snapshot (views.js) redraws only the charts it lists.
export function paintCharts(p) {
  // a light paint with no chart in it (a preset's click: status and settings) makes none either
  if (p.views && !["seq", "hidden", "grad", "loss"].some((name) => p.views.includes(name))) return;
  ensureCharts(p);
  const c = p.charts;
  if (!c) {
    charts.seq.setData(Array.from({ length: charts.seq.nSeries }, () => []));
    charts.hidden.setData([[], ...Array.from({ length: p.n }, () => [])]);
    charts.grad.setData(Array.from({ length: charts.grad.nSeries }, () => []));
  } else {
    const F = c.forecast;
    if (!shows(p, "seq")) {
      // left as it was: the page repaints it in full when it scrolls into sight
    } else if (F) {
      const pad = (series) => F.t.map((i) => (i < series.length ? series[i] : null));
      const data = [F.t, pad(c.x), pad(c.target), pad(c.y), F.y];
      charts.seq.setData(F.truth ? [...data, F.truth] : data);
    } else {
      charts.seq.setData([c.t, c.x, c.target, c.y]);
    }
    if (shows(p, "hidden")) charts.hidden.setData([c.t, ...c.h]);
    if (shows(p, "grad")) {
      charts.grad.setData(c.reach_c ? [c.t, c.reach, c.grad, c.reach_c] : [c.t, c.reach, c.grad]);
    }
  }
  if (!shows(p, "loss")) return;
  const L = p.charts_loss;
  const tables = [L.bptt, L.random].filter((s) => s[0].length);
  let data = [[], [], []];
  if (tables.length === 2) data = uPlot.join([L.bptt, L.random]);
  else if (L.bptt[0].length) data = [L.bptt[0], L.bptt[1], L.bptt[0].map(() => null)];
  else if (L.random[0].length) data = [L.random[0], L.random[0].map(() => null), L.random[1]];
  charts.loss.setData(data);
  $("loss-hint").hidden = tables.length > 0;
}
