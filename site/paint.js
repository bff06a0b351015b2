// The painter: draws one snapshot (computed in Python by rnn_py.view) onto the page.
// Python calls RnnPage.paint(json) once per change: one call across the JS/Python
// boundary, no proxies kept. Text goes in with textContent only, never as HTML.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const MATHML = "http://www.w3.org/1998/Math/MathML";
  const PARAMS = ["w_xh", "w_hh", "w_hy", "b_h", "b_y"];
  const charts = {};
  let last = null;
  let started = false;

  // ---- start-up and failure -------------------------------------------------------------
  function failed(message) {
    const box = $("loading");
    box.classList.add("failed");
    box.classList.remove("ready");
    $("loading-text").textContent = message;
  }

  // Embed mode is known from the address at once, so the layout does not jump when Python is ready.
  if (/[?&#]embed=1(&|$)/.test(location.search + location.hash)) document.body.classList.add("embed");

  if (location.protocol === "file:") {
    failed(
      "This page must be served, not opened as a file. In its folder run: python3 serve.py " +
      "(or python3 build.py serve from the source), then open the address it prints.",
    );
  }
  const watchdog = setTimeout(() => {
    if (!started) failed("Python is taking too long to start. Reload the page; if it keeps happening, your browser may block WebAssembly.");
  }, 90000);

  function ready() {
    started = true;
    clearTimeout(watchdog);
    const box = $("loading");
    box.classList.add("ready");
    $("loading-text").textContent = "Ready.";
    for (const el of document.querySelectorAll(":is(#controls, #share-panel) :is(input, select, textarea, button), .stepper button")) {
      if (el.readOnly) continue;
      el.disabled = false;
    }
  }

  // ---- colours and charts ---------------------------------------------------------------
  const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

  function highlight(u) {
    // A soft band behind the current timestep.
    const t = last && last.current;
    if (t === null || t === undefined || !u.scales.x || u.scales.x.min === undefined) return;
    const left = u.valToPos(t - 0.5, "x", true);
    const right = u.valToPos(t + 0.5, "x", true);
    const ctx = u.ctx;
    ctx.save();
    ctx.fillStyle = css("--highlight");
    ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
    ctx.restore();
  }

  function axes(xLabel, yLabel, log) {
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
      { label: "input x_t", stroke: css("--c-input"), width: 2, points: { show: true, size: 6 } },
      { label: "target x_(t+1)", stroke: css("--c-target"), width: 2, dash: [6, 4] },
      { label: "prediction y_t", stroke: css("--c-pred"), width: 2.5, points: { show: true, size: 7, fill: css("--c-pred") } },
    ],
    grad: () => [
      { label: "t" },
      { label: "reach ‖∂h_(T−1)/∂h_t‖", stroke: css("--c-grad"), fill: css("--c-grad") + "88", width: 1,
        paths: uPlot.paths.bars({ size: [0.6, 40] }), points: { show: false } },
      { label: "|∂L/∂h_t|", stroke: css("--c-pred"), width: 2, dash: [4, 3], points: { show: true, size: 5 } },
    ],
    loss: () => [
      { label: "evaluations" },
      { label: "BPTT", stroke: css("--c-bptt"), width: 2.5, spanGaps: true, points: { show: false } },
      { label: "Random Search (best so far)", stroke: css("--c-random"), width: 2, dash: [8, 4], spanGaps: true, points: { show: false } },
    ],
  };

  function hiddenSeries(n) {
    const dashes = [[], [6, 4], [2, 3], [10, 3, 2, 3]];
    const out = [{ label: "t" }];
    for (let i = 0; i < n; i++) {
      out.push({
        label: n === 1 ? "h_t" : `h_t[${i + 1}]`, stroke: css(`--c-h${i + 1}`), width: 2, dash: dashes[i],
        points: { show: true, size: 5 },
      });
    }
    return out;
  }

  function makeChart(key, el, series, opts) {
    if (charts[key]) charts[key].destroy();
    const width = Math.max(240, el.clientWidth);
    charts[key] = new uPlot({
      width, height: 230, series, legend: { live: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: opts.scales, axes: opts.axes, hooks: opts.overTime ? { drawClear: [highlight] } : {},
    }, opts.data, el);
    charts[key].nSeries = series.length;
  }

  function ensureCharts(p) {
    const n = p.n;
    const scheme = matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
    if (charts.scheme === scheme && charts.hidden && charts.hidden.nSeries === n + 1) return;
    charts.scheme = scheme;
    const empty = (k) => Array.from({ length: k }, () => []);
    makeChart("seq", $("chart-seq"), seriesSpecs.seq(), {
      scales: { x: { time: false, range: stepRange } }, axes: axes("t", "value"), data: empty(4), overTime: true,
    });
    makeChart("hidden", $("chart-hidden"), hiddenSeries(n), {
      scales: { x: { time: false, range: stepRange }, y: { range: hiddenRange } }, axes: axes("t", "h_t"), data: empty(n + 1), overTime: true,
    });
    makeChart("grad", $("chart-grad"), seriesSpecs.grad(), {
      scales: { x: { time: false, range: stepRange }, y: { distr: 3, range: logRange } }, axes: axes("t", "gradient size", true), data: empty(3), overTime: true,
    });
    makeChart("loss", $("chart-loss"), seriesSpecs.loss(), {
      scales: { x: { time: false }, y: { distr: 3, range: logRange } }, axes: axes("evaluations", "loss", true), data: empty(3),
    });
  }

  const stepRange = (u, min, max) => (min === null || min === undefined ? [-0.5, 0.5] : [min - 0.5, max + 0.5]);

  function hiddenRange(u, min, max) {
    const act = last && last.charts && last.charts.activation;
    if (min === null || max === null || min === undefined) return act === "sigmoid" ? [0, 1] : [-1, 1];
    if (act === "tanh") return [Math.min(-1, min), Math.max(1, max)];
    if (act === "sigmoid") return [Math.min(0, min), Math.max(1, max)];
    const pad = (max - min) * 0.08 || 1;
    return [min - pad, max + pad];
  }

  const logLabel = (v) => (v == null ? "" : v.toExponential(0));
  // Large values in e-notation so the axis stays narrow; small ones as they are.
  const linearLabel = (v) => (v == null ? "" : Math.abs(v) >= 1e5 ? v.toExponential(1) : String(+v.toPrecision(6)));

  function logSplits(u, axisIdx, min, max) {
    // At most about six labelled decades, however wide the range.
    const lo = Math.round(Math.log10(min));
    const hi = Math.round(Math.log10(max));
    const every = Math.max(1, Math.ceil((hi - lo) / 6));
    const out = [];
    for (let e = lo; e <= hi; e += every) out.push(10 ** e);
    return out;
  }

  function logRange(u, min, max) {
    // Whole decades, never below 1e-30 (Python leaves smaller values out) nor above 1e13.
    if (min === null || max === null || !(min > 0) || !(max > 0)) return [1e-4, 1];
    const lo = Math.max(-30, Math.floor(Math.log10(min)));
    const hi = Math.min(13, Math.max(lo + 1, Math.ceil(Math.log10(max))));
    return [10 ** lo, 10 ** hi];
  }

  function resizeCharts() {
    for (const key of ["seq", "hidden", "grad", "loss"]) {
      const u = charts[key];
      if (u) u.setSize({ width: Math.max(240, u.root.parentElement.clientWidth), height: 230 });
    }
  }

  // ---- the parts of a snapshot ----------------------------------------------------------
  function setValue(el, value) {
    // Never overwrite a box while someone is typing in it (until they commit with Enter or Tab).
    if (el && !el.dataset.editing && el.value !== String(value)) el.value = String(value);
  }
  for (const type of ["input", "change"]) {
    document.addEventListener(type, (event) => {
      const el = event.target;
      if (!el.matches("input[type=number], textarea")) return;
      if (type === "input" && el.type === "number") el.dataset.editing = "1";
      else delete el.dataset.editing;
    }, true);
  }

  function paintSettings(s) {
    setValue($("sequence"), s.sequence);
    setValue($("length"), s.length);
    setValue($("custom"), s.custom);
    $("custom-row").hidden = s.sequence !== "custom";
    $("length-row").hidden = s.sequence === "custom";
    $("normalized").checked = s.normalized;
    setValue($("activation"), s.activation);
    setValue($("hidden"), s.hidden);
    setValue($("lr-num"), s.lr);
    setValue($("lr"), Math.log10(s.lr).toFixed(2));
    $("lr").setAttribute("aria-valuetext", String(s.lr));
    $("clip").checked = s.clip;
    setValue($("seed"), s.seed);
    document.body.classList.toggle("no-explain", !s.explain);
    document.body.classList.toggle("embed", s.embed);
    for (const el of document.querySelectorAll("[data-hide]")) {
      const names = el.dataset.hide.split(" ");
      const hide = names.every((name) => s.hide.includes(name));
      if (hide) el.setAttribute("data-hidden-by-link", "");
      else el.removeAttribute("data-hidden-by-link");
    }
  }

  function round(v) {
    return Math.round(v * 1e4) / 1e4;
  }

  function paintWeights(w, n) {
    $("scalar-weights").hidden = n !== 1;
    $("matrix-weights").hidden = n === 1;
    if (n === 1) {
      const values = { w_xh: w.w_xh[0], w_hh: w.w_hh[0][0], w_hy: w.w_hy[0], b_h: w.b_h[0], b_y: w.b_y };
      for (const name of PARAMS) {
        setValue($(name), values[name]);
        setValue($(name + "-num"), round(values[name]));
      }
      return;
    }
    const body = $("matrix-body");
    const rows = [];
    for (let i = 0; i < n; i++) {
      const tr = document.createElement("tr");
      const cells = [String(i + 1), w.w_xh[i].toFixed(2), w.w_hh[i].map((v) => v.toFixed(2)).join("  "), w.b_h[i].toFixed(2), w.w_hy[i].toFixed(2)];
      cells.forEach((text, j) => {
        const td = document.createElement(j === 0 ? "th" : "td");
        if (j === 0) td.scope = "row";
        td.textContent = text;
        tr.append(td);
      });
      rows.push(tr);
    }
    body.replaceChildren(...rows);
    $("matrix-by").textContent = "Output bias b_y = " + w.b_y.toFixed(2);
  }

  function paintTable(rows, current) {
    // Rows are reused between paints (a training run repaints 75 times); only texts change.
    const body = $("timesteps-body");
    while (body.rows.length > rows.length) body.lastElementChild.remove();
    rows.forEach((row, t) => {
      let tr = body.rows[t];
      if (!tr) {
        tr = document.createElement("tr");
        row.forEach((_, j) => {
          const cell = document.createElement(j === 0 ? "th" : "td");
          if (j === 0) cell.scope = "row";
          tr.append(cell);
        });
        body.append(tr);
      }
      tr.className = t === current ? "current" : "";
      row.forEach((text, j) => {
        if (tr.cells[j].textContent !== text) tr.cells[j].textContent = text;
      });
    });
  }

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

  function paintEquation(lines, step, T) {
    const box = $("live-equation");
    if (!lines.length) {
      const p = document.createElement("p");
      p.className = "placeholder";
      p.textContent = T
        ? "Nothing read yet: the hidden state starts at h₋₁ = 0. Press Step Forward to feed in x₀."
        : "No sequence to show.";
      box.replaceChildren(p);
      return;
    }
    box.replaceChildren(...lines.map((tokens) => {
      const math = document.createElementNS(MATHML, "math");
      math.setAttribute("display", "block");
      const row = document.createElementNS(MATHML, "mrow");
      row.append(...tokens.map(mathToken));
      math.append(row);
      return math;
    }));
  }

  function paintCharts(p) {
    ensureCharts(p);
    const c = p.charts;
    if (!c) {
      charts.seq.setData([[], [], [], []]);
      charts.hidden.setData([[], ...Array.from({ length: p.n }, () => [])]);
      charts.grad.setData([[], [], []]);
    } else {
      charts.seq.setData([c.t, c.x, c.target, c.y]);
      charts.hidden.setData([c.t, ...c.h]);
      charts.grad.setData([c.t, c.reach, c.grad]);
    }
    const L = p.charts_loss;
    const tables = [L.bptt, L.random].filter((s) => s[0].length);
    let data = [[], [], []];
    if (tables.length === 2) data = uPlot.join([L.bptt, L.random]);
    else if (L.bptt[0].length) data = [L.bptt[0], L.bptt[1], L.bptt[0].map(() => null)];
    else if (L.random[0].length) data = [L.random[0], L.random[0].map(() => null), L.random[1]];
    charts.loss.setData(data);
    $("loss-hint").hidden = tables.length > 0;
  }

  // ---- the network unrolled in time (an SVG drawn from the chart series) ------------------
  const SVG = "http://www.w3.org/2000/svg";
  const COL = 62;

  function svg(tag, attrs, parent) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    if (parent) parent.append(el);
    return el;
  }

  function tint(v, scale) {
    // Blue for negative, orange for positive; stronger with size (|v| ≥ scale is full colour).
    if (v === null || v === undefined) return "none";
    const a = Math.min(1, Math.abs(v) / scale);
    return v < 0 ? `rgba(0, 114, 178, ${0.12 + 0.6 * a})` : `rgba(230, 159, 0, ${0.12 + 0.6 * a})`;
  }

  function label(v) {
    if (v === null || v === undefined) return "?";
    const a = Math.abs(v);
    return a >= 1000 ? v.toExponential(0) : a >= 10 ? v.toFixed(0) : v.toFixed(2);
  }

  const ROWS = { y: 30, h: 95, x: 160 };
  let cells = []; // per timestep: the SVG elements that change between paints

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

  function paintUnrolled(p) {
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

  function paintNotices(notices) {
    $("notices").replaceChildren(...notices.map((text) => {
      const p = document.createElement("p");
      p.textContent = text;
      return p;
    }));
  }

  function paint(json) {
    const p = JSON.parse(json);
    last = p;
    paintSettings(p.settings);
    paintWeights(p.weights, p.n);
    const custom = $("custom");
    $("custom-msg").textContent = p.error;
    custom.setAttribute("aria-invalid", p.error ? "true" : "false");
    paintTable(p.rows, p.current);
    $("loss").textContent = p.loss;
    paintEquation(p.equation, p.step, p.T);
    paintCharts(p);
    paintUnrolled(p);
    paintNotices(p.notices);
    const running = p.running;
    $("stop").disabled = !running;
    $("train").disabled = running === "random" || !p.ok;
    $("search").disabled = running === "bptt" || !p.ok;
    $("train").textContent = running === "bptt" ? "Training…" : "Train (BPTT)";
    $("search").textContent = running === "random" ? "Searching…" : "Random Search";
    $("step").disabled = !p.ok || p.step >= p.T;
    $("step-caption").textContent = !p.ok ? "" : p.step >= p.T
      ? `All ${p.T} timesteps read. Reset to read them again one at a time.`
      : p.step === 0 ? `Ready to read x₀ (0 of ${p.T} timesteps read).` : `Read t = ${p.step - 1}: ${p.step} of ${p.T} timesteps.`;
    const status = $("train-status");
    status.textContent = p.status;
    status.classList.toggle("warn", Boolean(p.status_warn));
    if (location.hash.slice(1) !== p.query) history.replaceState(null, "", "#" + p.query);
    $("open-full").href = "./#" + p.full_query;
  }

  function message(id, text, info) {
    const el = $(id);
    el.textContent = text;
    el.classList.toggle("info", Boolean(info));
    const input = el.previousElementSibling;
    if (input && input.matches("input, textarea")) input.setAttribute("aria-invalid", text && !info ? "true" : "false");
  }

  // ---- sharing and saving -----------------------------------------------------------------
  function save(name, blob) {
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  function download(name, mime, text) {
    save(name, new Blob([text], { type: mime }));
  }

  function downloadCharts(name) {
    // The four charts, each with its caption, side by side in two columns, on one canvas.
    const figures = [...document.querySelectorAll(".chart")];
    const scale = 2;
    const pad = 16 * scale;
    const cellW = Math.max(...figures.map((f) => f.querySelector("canvas").width)) + 2 * pad;
    const cellH = Math.max(...figures.map((f) => f.querySelector("canvas").height)) + 3 * pad;
    const out = document.createElement("canvas");
    out.width = cellW * 2;
    out.height = cellH * Math.ceil(figures.length / 2);
    const ctx = out.getContext("2d");
    ctx.fillStyle = css("--panel");
    ctx.fillRect(0, 0, out.width, out.height);
    figures.forEach((figure, i) => {
      const x = (i % 2) * cellW + pad;
      const y = Math.floor(i / 2) * cellH + pad;
      ctx.fillStyle = css("--ink");
      ctx.font = `bold ${14 * scale}px system-ui, sans-serif`;
      ctx.fillText(figure.querySelector("figcaption").textContent.trim(), x, y + 14 * scale);
      ctx.drawImage(figure.querySelector("canvas"), x, y + pad * 1.4);
    });
    out.toBlob((blob) => save(name, blob), "image/png");
  }

  async function copy(text) {
    // The clipboard, or, where the browser refuses, a box with the text selected for copying.
    const fallback = $("copy-fallback");
    try {
      await navigator.clipboard.writeText(text);
      fallback.hidden = true;
      return true;
    } catch (error) {
      fallback.hidden = false;
      const box = $("copy-text");
      box.value = text;
      box.focus();
      box.select();
      return false;
    }
  }

  let resizeTimer = 0;
  addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(resizeCharts, 100);
  });
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => last && paint(JSON.stringify(last)));

  window.RnnPage = {
    paint, ready, failed, message, download, downloadCharts, copy,
    reducedMotion: () => matchMedia("(prefers-reduced-motion: reduce)").matches,
  };
})();
