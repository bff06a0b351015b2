// The Compare cells panel: the gradient reach ‖∂h_(T−1)/∂h_t‖ of the vanilla RNN, the GRU and
// the LSTM on one log chart, computed by rnn_py.compare (site/panels/cells.py). Each cell has
// its own colour and dash, so the curves stay apart without colour vision too.
import { $, css } from "../util.js";
import { t } from "../i18n.js";
import { axes, logRange, makeChart } from "../charts.js";

const STYLES = { vanilla: ["--c-grad", []], gru: ["--c-h1", [8, 4]], lstm: ["--c-bptt", [2, 3]] };
let chart = null;
let last = null; // the last reach message, to redraw on a scheme change

function draw(msg) {
  const series = [{ label: "t" }];
  msg.cells.forEach((cell, i) => {
    const [colour, dash] = STYLES[cell] || ["--muted", []];
    series.push({ label: msg.labels[i], stroke: css(colour), width: 2.5, dash, spanGaps: false,
      points: { show: msg.t.length <= 24, size: 5 } });
  });
  const data = [msg.t, ...msg.cells.map((cell) => msg.series[cell])];
  chart = makeChart("cells", $("chart-cells"), series, {
    scales: { x: { time: false }, y: { distr: 3, range: logRange } },
    axes: axes("t", "‖∂h_(T−1)/∂h_t‖", true),
    data,
  });
}

export function init() {
  matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => last && draw(last));
}

export function paint(msg) {
  const status = $("cells-status");
  const box = $("cells-panel");
  if (msg.kind === "busy") {
    status.textContent = t("Computing the three reaches…");
    box.dataset.state = "busy";
    return;
  }
  if (msg.kind === "error") {
    status.textContent = msg.text;
    $("cells-reading").textContent = "";
    box.dataset.state = "error";
    return;
  }
  last = msg;
  draw(msg);
  status.textContent = msg.note;
  $("cells-reading").textContent = msg.reading;
  box.dataset.state = "done"; // for anyone waiting on the chart (the browser tests do)
}
