// Start-up, as a classic script so it runs even where module scripts cannot (file://):
// the embed layout class, the file:// message, a watchdog, and the failure box.
"use strict";

(() => {
  const box = () => document.getElementById("loading");

  function failed(message) {
    const el = box();
    el.classList.add("failed");
    el.classList.remove("ready");
    document.getElementById("loading-text").textContent = message;
  }
  window.RnnStart = { failed };

  // Embed mode is known from the address at once, so the layout does not jump when Python is ready.
  // A one-panel embed shows nothing else until Python has set it up (js/embed.js, arrive).
  const address = location.search + location.hash;
  if (/[?&#]embed=1(&|$)/.test(address)) {
    document.body.classList.add("embed");
    if (/[?&#]panel=./.test(address)) document.body.classList.add("embed-pending");
  }

  if (location.protocol === "file:") {
    failed(
      "This page must be served, not opened as a file. In its folder run: python3 serve.py " +
      "(or python3 build.py serve from the source), then open the address it prints.",
    );
  }
  setTimeout(() => {
    if (!document.documentElement.dataset.pyReady && !box().classList.contains("failed")) {
      failed("Python is taking too long to start. Reload the page; if it keeps happening, your browser may block WebAssembly.");
    }
  }, 90000);
})();
