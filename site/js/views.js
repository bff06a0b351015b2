// Which parts of the page are on screen, so that a drag's input events and an animation's frames
// compute and paint only those ("light" snapshots, rnn_py.view.VIEWS). Every view left out is
// marked stale; a full repaint follows once the light paints stop for SETTLE_MS (not during a
// run, which ends with one), at once when a slider is let go, and when a stale view scrolls into
// sight (Python registers it: onSettle).
const VIEWS = {
  grid: "#weights-panel",
  unrolled: "#unrolled-figure",
  equation: ".panel.equations",
  table: "#table-panel",
  seq: "#fig-seq",
  hidden: "#fig-hidden",
  grad: "#fig-grad",
  loss: "#fig-loss",
};
const SETTLE_MS = 250;
const MARGIN = "150px 0px"; // a view about to scroll in counts as on screen

const onScreenViews = new Set();
const stale = new Set();
let known = false; // the observer has reported at least once
let pending = false; // a light paint has happened since the last full one
let settleFn = null;
let timer = 0;

function settleNow() {
  clearTimeout(timer);
  timer = 0;
  if (pending && settleFn) settleFn(); // Python's full repaint: it calls painted(null)
}

function settleIn(ms) {
  clearTimeout(timer);
  timer = setTimeout(settleNow, ms);
}

if ("IntersectionObserver" in window) {
  const names = new Map();
  const observer = new IntersectionObserver((entries) => {
    known = true;
    let revealed = false;
    for (const entry of entries) {
      const name = names.get(entry.target);
      if (entry.isIntersecting) {
        onScreenViews.add(name);
        revealed ||= stale.has(name);
      } else onScreenViews.delete(name);
    }
    if (revealed) settleIn(0);
  }, { rootMargin: MARGIN });
  const watch = () => {
    for (const [name, selector] of Object.entries(VIEWS)) {
      const el = document.querySelector(selector);
      if (el) { names.set(el, name); observer.observe(el); }
    }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
}

// A slider let go (its "change" after the "input" events of a drag): everything is brought up to
// date in the same task, so the drag's end leaves no view behind.
document.addEventListener("change", (event) => {
  if (event.target.matches?.("input[type=range]") && pending) settleNow();
});

// The views a light snapshot should hold, comma-separated, or null (not known yet: paint all).
export function visibleViews() {
  return known ? [...onScreenViews].join(",") : null;
}

// Called by the painter with the snapshot's views (null: a full snapshot) and whether a run is
// going. A run's frames never arm the timer: a frame that comes late (a busy machine) is not
// the changes stopping, and the run ends with a full repaint of its own.
export function painted(views, running = false) {
  if (views === null || views === undefined) {
    pending = false;
    stale.clear();
    clearTimeout(timer);
    timer = 0;
    return;
  }
  pending = true;
  for (const name of Object.keys(VIEWS)) if (!views.includes(name)) stale.add(name);
  if (running) {
    clearTimeout(timer);
    timer = 0;
  } else settleIn(SETTLE_MS);
}

// Whether a view is on screen (or about to scroll in); true until the observer has reported.
export const onScreen = (name) => !known || onScreenViews.has(name);
export const shows = (p, name) => !p.views || p.views.includes(name);
export const onSettle = (fn) => { settleFn = fn; };
// Before reading the address or the page's data at once: a pending full repaint happens now.
export const settle = () => pending && settleNow();
export const settlePending = () => pending;
