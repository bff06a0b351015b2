// The Loss landscape panel: a heatmap of the loss over two weights, painted as Python
// (site/panels/landscape.py) sends it, a few grid points at a time. Colours: viridis on a log
// scale (dark = low loss, bright = high; readable with colour-blindness and in both schemes),
// grey where the network overflowed. Over it: this visit's BPTT paths (lines), Random Search
// tries (dots), the two steps of "Step with and without clipping" (arrows) and a focusable marker
// at the current weights. Every message is one of: setup, start, rows, done, error, overlay, step.
import { $, setValue } from "../util.js";
import { t } from "../i18n.js";

// Viridis, sampled at nine evenly spaced stops.
const VIRIDIS = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];
const OVERFLOW = [140, 140, 140];
const FLOOR = 1e-30; // losses below this are drawn as this (log scale)

const S = {
  size: 48,
  gen: -1,
  values: new Float64Array(48 * 48).fill(NaN), // NaN: not computed yet
  state: new Uint8Array(48 * 48), // 0 not yet, 1 finite, 2 overflow
  x: { label: "", range: [-2, 2] },
  y: { label: "", range: [-2, 2] },
  axesKey: "",
  overlay: null,
  computing: false,
  progress: 0,
  error: "",
};
let offscreen = null;
let frame = 0;

export function init() {
  offscreen = document.createElement("canvas");
  addEventListener("resize", schedule);
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", schedule);
  paintLegend();
}

export function paint(data) {
  switch (data.kind) {
    case "setup": setup(data); break;
    case "start":
      S.gen = data.gen;
      reset(data.size);
      S.computing = true;
      S.progress = 0;
      S.error = "";
      $("ls-wall").textContent = "";
      break;
    case "rows":
      if (data.gen !== S.gen) return;
      for (const [i, j0, losses] of data.pieces) {
        losses.forEach((v, c) => {
          const k = i * S.size + j0 + c;
          S.values[k] = v === null ? NaN : v;
          S.state[k] = v === null ? 2 : 1;
        });
      }
      S.progress = data.progress;
      break;
    case "done":
      if (data.gen !== S.gen) return;
      S.computing = false;
      S.progress = 1;
      $("ls-wall").textContent = data.wall;
      break;
    case "error":
      S.gen = data.gen;
      reset(S.size);
      S.computing = false;
      S.progress = 0;
      S.error = data.text;
      $("ls-wall").textContent = "";
      break;
    case "overlay":
      if (data.samples === undefined) data.samples = S.overlay ? S.overlay.samples : []; // unchanged
      S.overlay = data;
      if (data.pointText !== undefined && $("ls-point").textContent !== data.pointText) {
        $("ls-point").textContent = data.pointText;
      }
      $("ls-drawn").textContent = data.drawn;
      if (!data.arrows) $("ls-step-text").textContent = "";
      break;
    case "step":
      $("ls-step-text").textContent = data.text;
      break;
  }
  status();
  schedule();
}

function reset(size) {
  if (size !== S.size) {
    S.size = size;
    S.values = new Float64Array(size * size);
    S.state = new Uint8Array(size * size);
  }
  S.values.fill(NaN);
  S.state.fill(0);
}

function setup(data) {
  const key = JSON.stringify(data.axes);
  if (key !== S.axesKey) {
    S.axesKey = key;
    for (const id of ["ls-x", "ls-y"]) {
      $(id).replaceChildren(...data.axes.map(([value, label]) => {
        const option = document.createElement("option");
        option.value = value;
        option.textContent = label;
        return option;
      }));
    }
  }
  $("ls-x").value = data.x.key;
  $("ls-y").value = data.y.key;
  S.x = data.x;
  S.y = data.y;
  setValue($("ls-x-low"), data.x.range[0]);
  setValue($("ls-x-high"), data.x.range[1]);
  setValue($("ls-y-low"), data.y.range[0]);
  setValue($("ls-y-high"), data.y.range[1]);
  $("ls-xlabel").textContent = data.x.label;
  $("ls-ylabel").textContent = data.y.label;
  $("ls-x-low-tick").textContent = tick(data.x.range[0]);
  $("ls-x-high-tick").textContent = tick(data.x.range[1]);
  $("ls-y-low-tick").textContent = tick(data.y.range[0]);
  $("ls-y-high-tick").textContent = tick(data.y.range[1]);
}

const tick = (v) => String(+v.toPrecision(4)).replace("-", "−");

function status() {
  const bar = $("ls-progress");
  bar.value = S.progress;
  const all = S.size * S.size;
  let text;
  if (S.error) text = S.error;
  else if (S.computing) text = t("Computing the map: {percent}% of {all} points.", { percent: Math.floor(S.progress * 100), all });
  else if (S.overlay && S.overlay.running) text = t("Training: the map is redrawn for the new weights when the run ends.");
  else if (S.progress === 1) text = t("Map complete: {size} × {size} = {all} points.", { size: S.size, all });
  else text = "";
  const el = $("ls-status");
  if (el.textContent !== text) el.textContent = text;
  $("ls-map").setAttribute("aria-busy", S.computing ? "true" : "false");
}

function schedule() {
  if (!frame) frame = requestAnimationFrame(() => { frame = 0; draw(); });
}

function colour(v) {
  const f = Math.min(1, Math.max(0, v)) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(f));
  const a = f - k;
  const p = VIRIDIS[k], q = VIRIDIS[k + 1];
  return [p[0] + a * (q[0] - p[0]), p[1] + a * (q[1] - p[1]), p[2] + a * (q[2] - p[2])];
}

function scale() {
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < S.values.length; k++) {
    if (S.state[k] !== 1) continue;
    const v = Math.log10(Math.max(S.values[k], FLOOR));
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo <= hi)) return null;
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  return [lo, hi];
}

function draw() {
  const canvas = $("ls-canvas");
  const box = canvas.getBoundingClientRect();
  if (!box.width) return; // the panel is closed
  const ratio = window.devicePixelRatio || 1;
  const W = Math.round(box.width * ratio), H = Math.round(box.height * ratio);
  if (canvas.width !== W || canvas.height !== H) { canvas.width = W; canvas.height = H; }
  const n = S.size;
  offscreen.width = n;
  offscreen.height = n;
  const octx = offscreen.getContext("2d");
  const image = octx.createImageData(n, n);
  const range = scale();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = i * n + j, p = ((n - 1 - i) * n + j) * 4; // row 0 (lowest y) at the bottom
      let rgb = null;
      if (S.state[k] === 2) rgb = OVERFLOW;
      else if (S.state[k] === 1 && range) {
        rgb = colour((Math.log10(Math.max(S.values[k], FLOOR)) - range[0]) / (range[1] - range[0]));
      }
      if (rgb) {
        image.data[p] = rgb[0]; image.data[p + 1] = rgb[1]; image.data[p + 2] = rgb[2]; image.data[p + 3] = 255;
      }
    }
  }
  octx.putImageData(image, 0, 0);
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, W, H);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(offscreen, 0, 0, W, H);
  legendText(range);
  drawOverlay(ctx, W, H, ratio);
}

// A weight's value → canvas pixels: grid point j sits in the middle of cell j.
function toPx(x, y, W, H) {
  const n = S.size;
  const [x0, x1] = S.x.range, [y0, y1] = S.y.range;
  const fx = ((x - x0) / (x1 - x0) * (n - 1) + 0.5) / n;
  const fy = ((y - y0) / (y1 - y0) * (n - 1) + 0.5) / n;
  return [fx * W, (1 - fy) * H];
}

function halo(ctx, width, colour, stroke) {
  ctx.lineWidth = width + 3;
  ctx.strokeStyle = "rgba(0, 0, 0, 0.75)";
  stroke();
  ctx.lineWidth = width;
  ctx.strokeStyle = colour;
  stroke();
}

function drawOverlay(ctx, W, H, ratio) {
  const o = S.overlay;
  if (!o) return;
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, 0, W, H);
  ctx.clip();
  ctx.lineJoin = "round";
  ctx.lineCap = "round";
  for (const path of o.paths) { // BPTT: a white line with a dark edge
    if (path.length < 2) continue;
    const line = () => {
      ctx.beginPath();
      path.forEach(([x, y], k) => {
        const [px, py] = toPx(x, y, W, H);
        if (k) ctx.lineTo(px, py); else ctx.moveTo(px, py);
      });
      ctx.stroke();
    };
    halo(ctx, 2 * ratio, "#ffffff", line);
  }
  const r = 2.6 * ratio; // Random Search: small hollow dots
  for (const [x, y] of o.samples) {
    const [px, py] = toPx(x, y, W, H);
    if (px < -r || py < -r || px > W + r || py > H + r) continue;
    ctx.beginPath();
    ctx.arc(px, py, r, 0, 2 * Math.PI);
    ctx.fillStyle = "rgba(255, 255, 255, 0.85)";
    ctx.fill();
    ctx.lineWidth = 1 * ratio;
    ctx.strokeStyle = "#000000";
    ctx.stroke();
  }
  if (o.arrows) {
    const a = o.arrows;
    arrow(ctx, a.from, a.unclipped, "#f0b43c", [6 * ratio, 4 * ratio], t("without clipping"), W, H, ratio);
    arrow(ctx, a.from, a.clipped, "#ffffff", [], t("with clipping"), W, H, ratio);
  }
  ctx.restore();
  placeMarker(o.point, W, H);
}

// An arrow from a to b, cut at the map's edge when b lies outside it.
function arrow(ctx, a, b, colour, dash, label, W, H, ratio) {
  const [ax, ay] = toPx(a[0], a[1], W, H);
  let [bx, by] = toPx(b[0], b[1], W, H);
  let part = 1; // how much of the way to b stays on the map
  for (const [p, d, lo, hi] of [[ax, bx - ax, 0, W], [ay, by - ay, 0, H]]) {
    if (d > 0) part = Math.min(part, (hi - p) / d);
    if (d < 0) part = Math.min(part, (lo - p) / d);
  }
  bx = ax + part * (bx - ax);
  by = ay + part * (by - ay);
  const angle = Math.atan2(by - ay, bx - ax);
  const head = 10 * ratio;
  ctx.setLineDash(dash);
  halo(ctx, 2.5 * ratio, colour, () => {
    ctx.beginPath(); ctx.moveTo(ax, ay); ctx.lineTo(bx, by); ctx.stroke();
  });
  ctx.setLineDash([]);
  ctx.beginPath();
  ctx.moveTo(bx, by);
  ctx.lineTo(bx - head * Math.cos(angle - 0.4), by - head * Math.sin(angle - 0.4));
  ctx.lineTo(bx - head * Math.cos(angle + 0.4), by - head * Math.sin(angle + 0.4));
  ctx.closePath();
  ctx.fillStyle = colour;
  ctx.lineWidth = 1.5 * ratio;
  ctx.strokeStyle = "rgba(0, 0, 0, 0.75)";
  ctx.fill();
  ctx.stroke();
  ctx.font = `${12 * ratio}px system-ui, sans-serif`;
  const text = part < 1 ? t("{label} (goes off the map)", { label }) : label;
  const width = ctx.measureText(text).width;
  const tx = Math.min(W - width - 4 * ratio, Math.max(4 * ratio, bx - width / 2));
  const ty = by + (by < H / 2 ? 18 : -10) * ratio;
  ctx.lineWidth = 3 * ratio;
  ctx.strokeStyle = "rgba(0, 0, 0, 0.8)";
  ctx.strokeText(text, tx, ty);
  ctx.fillStyle = colour;
  ctx.fillText(text, tx, ty);
}

function placeMarker(point, W, H) {
  const marker = $("ls-marker");
  if (!point) { marker.hidden = true; return; }
  marker.hidden = false;
  const [px, py] = toPx(point[0], point[1], W, H);
  const fx = px / W, fy = py / H;
  const inside = fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1;
  marker.classList.toggle("outside", !inside);
  marker.style.left = `${100 * Math.min(1, Math.max(0, fx))}%`;
  marker.style.top = `${100 * Math.min(1, Math.max(0, fy))}%`;
}

function paintLegend() {
  const canvas = $("ls-legend");
  const ctx = canvas.getContext("2d");
  for (let x = 0; x < canvas.width; x++) {
    const [r, g, b] = colour(x / (canvas.width - 1));
    ctx.fillStyle = `rgb(${r | 0}, ${g | 0}, ${b | 0})`;
    ctx.fillRect(x, 0, 1, canvas.height);
  }
}

function legendText(range) {
  const f = (e) => {
    const v = 10 ** e;
    return v < 1e-3 || v >= 1e4 ? v.toExponential(1).replace("-", "−") : String(+v.toPrecision(3));
  };
  $("ls-legend-low").textContent = range ? f(range[0]) : "";
  $("ls-legend-high").textContent = range ? f(range[1]) : "";
}
