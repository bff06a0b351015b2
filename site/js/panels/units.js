// The Memory panel's chart: the loss curves of 1, 2 and 3 hidden units, trained side by side
// in Python (site/panels/units.py), arriving a few epochs at a time.
import { $, css } from "../util.js";
import { axes, logRange, makeChart } from "../charts.js";
import { t, tn } from "../i18n.js";

const DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];
let chart = null;
let data = null; // [epochs, loss of size 1, loss of size 2, …], gaps as null
let sizes = [];

function build() {
  const series = [{ label: t("epoch") }];
  sizes.forEach((n, i) => {
    series.push({
      label: tn("{n} hidden unit", "{n} hidden units", n, { n }),
      stroke: css(`--c-h${i + 1}`), width: 2, dash: DASHES[i % DASHES.length],
      spanGaps: false, points: { show: false },
    });
  });
  chart = makeChart("units", $("chart-units"), series, {
    scales: { x: { time: false }, y: { distr: 3, range: logRange } },
    axes: axes(t("epoch"), t("loss"), true),
    data,
  });
}

function add(points) {
  sizes.forEach((n, i) => {
    const part = points[String(n)];
    if (!part) return;
    part.loss.forEach((loss, j) => {
      const epoch = part.from + j;
      while (data[0].length < epoch) {
        data[0].push(data[0].length + 1);
        for (let k = 1; k < data.length; k++) data[k].push(null);
      }
      data[i + 1][epoch - 1] = loss;
    });
  });
}

export function init() {
  // The curves' colours come from the scheme's CSS variables: redraw when it changes.
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => chart && build());
}

export function paint(msg) {
  if (msg.kind === "start") {
    sizes = msg.sizes;
    data = [[], ...sizes.map(() => [])];
    build();
  } else if (msg.kind === "points" && chart) {
    add(msg.points);
    chart.setData(data);
  }
  $("units-status").textContent = msg.status;
  // "running" or "done", for anyone waiting on the comparison (the browser tests do)
  $("units-panel").dataset.compare = msg.kind === "done" ? "done" : "running";
}
