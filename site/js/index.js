// The painter: draws one snapshot (computed in Python by rnn_py.view) onto the page.
// Python calls RnnPage.paint(json) once per change: one call across the JS/Python
// boundary, no proxies kept. Text goes in with textContent only, never as HTML.
// Each panel the first screen does not need is its own module under ./panels/, imported
// the first time Python sends it something (RnnPage.panel).
import "./i18n.js"; // first: it installs a translated page's catalogue before any paint
import { $ } from "./util.js";
import { t } from "./i18n.js";
import { remember } from "./store.js";
import { paintSettings } from "./settings.js";
import { paintWeights } from "./weights.js";
import { paintTable } from "./table.js";
import { paintEquation } from "./equation.js";
import { paintCharts } from "./charts.js";
import { paintUnrolled } from "./unrolled.js";
import { copy, download, downloadCharts } from "./share.js";
import { arrive, preview, settingsChanged, tellHost } from "./embed.js";
import { onSettle, painted, settle, settlePending, shows, visibleViews } from "./views.js";

const ENABLED = ":is(#controls, #share-panel, #extras) :is(input, select, textarea, button), .stepper button";

function ready() {
  const box = $("loading");
  box.classList.add("ready");
  $("loading-text").textContent = t("Ready.");
  for (const el of document.querySelectorAll(ENABLED)) {
    if (el.readOnly) continue;
    el.disabled = false;
  }
}

function stepCaption(p) {
  if (!p.ok) return "";
  const T = p.T;
  if (p.step >= T) return t("All {T} timesteps read. Step Forward starts again from x₀.", { T });
  if (p.step === 0) return t("Ready to read x₀ (0 of {T} timesteps read).", { T });
  if (p.step === 1) return t("Read x₀ (t = 0): 1 of {T} timesteps. Each press reads the next.", { T });
  return t("Read t = {t}: {n} of {T} timesteps.", { t: p.step - 1, n: p.step, T });
}

let lastJson = null;

// A full snapshot paints every view; a light one (p.views, see views.js) only those it lists.
function paint(json) {
  const p = JSON.parse(json);
  const full = !p.views;
  if (full) {
    lastJson = json;
    remember(p);
  }
  paintSettings(p.settings);
  // (a light paint that would have to build the grid leaves it to the full repaint)
  const views = shows(p, "grid") && !paintWeights(p.weights, p.n, p.cells, p.cell, p.roles)
    ? p.views.filter((name) => name !== "grid") : p.views;
  const custom = $("custom");
  $("custom-msg").textContent = p.error;
  custom.setAttribute("aria-invalid", p.error ? "true" : "false");
  if (shows(p, "table")) paintTable(p.rows, p.current, p.forecast_from, p.columns);
  $("loss").textContent = p.loss;
  if (shows(p, "equation")) paintEquation(p.equation, p.step, p.T);
  paintCharts(p);
  if (shows(p, "unrolled")) paintUnrolled(p);
  const notices = $("notices");
  if ([...notices.children].map((el) => el.textContent).join("\n") !== p.notices.join("\n")) {
    notices.replaceChildren(...p.notices.map((text) => {
      const el = document.createElement("p");
      el.textContent = text;
      return el;
    }));
  }
  const running = p.running;
  if (!running) $("run-progress").hidden = true; // runProgress shows it while a run goes
  $("stop").disabled = !running;
  $("train").disabled = running === "random" || !p.ok;
  $("search").disabled = running === "bptt" || !p.ok;
  $("train").textContent = running === "bptt" ? t("Training…") : t("Train (BPTT)");
  $("search").textContent = running === "random" ? t("Searching…") : t("Random Search");
  // Step Forward always works on a valid sequence: after the last step it starts over at x₀.
  $("step").disabled = !p.ok;
  $("step-caption").textContent = stepCaption(p);
  const status = $("train-status");
  status.textContent = p.status;
  status.classList.toggle("warn", Boolean(p.status_warn));
  if (p.query !== undefined) {
    address(p.query);
    $("open-full").href = "./#" + p.full_query;
  }
  if (full) settingsChanged();
  painted(views, Boolean(running));
}

// ---- the address -------------------------------------------------------------------------
// The address holds every setting (a link reproduces the view). Rewriting it costs as much as
// the rest of a small paint, so during a drag it is written at most every ADDRESS_MS and always
// once more after the last change; flushAddress() writes a pending one at once (when the page
// is hidden or left, and for tests that read the address right after an action).
const ADDRESS_MS = 250;
let pendingQuery = null;
let addressTimer = 0;
let lastWrite = -Infinity;

function flushAddress() {
  settle(); // a full repaint still due after light ones brings its address first
  return writeAddress();
}

// The timer's write: the query the last light paint carried is current for the address (a
// settle here would repaint every view each ADDRESS_MS during a drag or a run).
function writeAddress() {
  clearTimeout(addressTimer);
  addressTimer = 0;
  if (pendingQuery !== null && location.hash.slice(1) !== pendingQuery) {
    history.replaceState(null, "", "#" + pendingQuery);
    lastWrite = performance.now();
  }
  pendingQuery = null;
  return location.hash.slice(1);
}

function address(query) {
  if (pendingQuery === null && location.hash.slice(1) === query) return;
  pendingQuery = query;
  if (!addressTimer) {
    const wait = Math.max(0, ADDRESS_MS - (performance.now() - lastWrite));
    addressTimer = setTimeout(writeAddress, wait);
  }
}

// A light paint brings the address only when a write is due (views.js settles the rest).
const addressDue = () => !addressTimer && performance.now() - lastWrite >= ADDRESS_MS;

addEventListener("pagehide", flushAddress);
document.addEventListener("visibilitychange", () => document.hidden && flushAddress());

function message(id, text, info) {
  const el = $(id);
  el.textContent = text;
  el.classList.toggle("info", Boolean(info));
  const input = el.previousElementSibling;
  if (input && input.matches("input, textarea")) input.setAttribute("aria-invalid", text && !info ? "true" : "false");
}

// ---- panels loaded on demand ------------------------------------------------------------
const panels = new Map(); // name -> a promise of the module, with init() already run
const queues = new Map(); // name -> the promise of the last paint, so paints stay in order

function loadPanel(name) {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`not a panel name: ${name}`);
  if (!panels.has(name)) {
    panels.set(name, import(`./panels/${name}.js`).then(async (module) => {
      if (module.init) await module.init();
      return module;
    }));
  }
  return panels.get(name);
}

function panel(name, json) {
  const data = JSON.parse(json);
  const previous = queues.get(name) || Promise.resolve();
  const next = previous
    .then(() => loadPanel(name))
    .then((module) => module.paint(data))
    .catch((error) => console.error(`panel ${name}:`, error));
  queues.set(name, next);
  return next;
}

matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => lastJson && paint(lastJson));

window.RnnPage = {
  paint, ready, message, download, downloadCharts, copy, panel, loadPanel, arrive, tellHost, preview,
  flushAddress, addressPending: () => pendingQuery !== null || settlePending(), addressDue,
  visibleViews, onSettle, settle,
  // A run's reading beside its buttons (Python's run loop, each frame): the bar and the numbers.
  runProgress: (done, total, text) => {
    const bar = $("run-bar");
    bar.max = total;
    bar.value = done;
    $("run-numbers").textContent = text;
    $("run-progress").hidden = false;
  },
  failed: (text) => window.RnnStart.failed(text),
  reducedMotion: () => matchMedia("(prefers-reduced-motion: reduce)").matches,
  // The browser's next idle moment. Safari has no requestIdleCallback (a short timeout stands in),
  // and Chromium in a frame of another site never calls it back (measured): at most a second.
  idle: (callback) => ("requestIdleCallback" in window
    ? requestIdleCallback(callback, { timeout: 1000 }) : setTimeout(callback, 200)),
};

// The default view, computed at build time by rnn_py (build.py), drawn before Python is ready;
// only for an address without settings (lang= aside: each language's page has its own view),
// where it is exactly the view Python then paints. Not when start.js is leaving for another
// language's page.
const settings = [location.search, location.hash]
  .flatMap((part) => [...new URLSearchParams(part.slice(1)).keys()])
  .filter((key) => key !== "lang");
const initial = document.getElementById("initial-view");
if (initial && !settings.length && !window.RnnStart?.language?.leaving &&
    !document.documentElement.dataset.pyReady) {
  paint(initial.textContent);
  for (const el of document.querySelectorAll(ENABLED)) el.disabled = true; // until ready()
}
