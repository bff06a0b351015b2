// Start-up, as a classic script so it runs even where module scripts cannot (file://):
// the page's language, the embed layout class, the file:// message, a watchdog, and the
// failure box.
"use strict";

// The language: each one is its own file, translated at build time (index.de.html; English
// is index.html). lang= in the address (links, embeds; the hash wins, as in Python) names it;
// else a translated file opened directly stays; else the first of the browser's languages the
// page has (any zh-* is Simplified Chinese), else English. A different one is one
// location.replace away, with the search and hash kept; the file it lands on is the one asked
// for, so it never redirects again. Returns whether the page is leaving.
const RnnLanguage = (() => {
  const menu = document.getElementById("language");
  const here = document.documentElement.lang || "en";
  const known = [...(menu ? menu.options : [])].map((option) => option.value);
  if (!known.includes("en")) known.push("en");
  if (!known.includes("qps")) known.push("qps"); // the pseudo-locale (README, Languages)

  function asked() {
    for (const part of [location.hash, location.search]) {
      const value = new URLSearchParams(part.slice(1)).get("lang");
      if (value !== null) return value.toLowerCase();
    }
    return null;
  }

  function fromBrowser() {
    for (const tag of navigator.languages || [navigator.language || "en"]) {
      const base = String(tag).toLowerCase().split("-")[0];
      if (known.includes(base) && base !== "qps") return base;
    }
    return "en";
  }

  // This page's address in another language: its file, the search and hash without lang=
  // (the file says it), except English, which keeps ?lang=en so that it stays chosen.
  function addressFor(code, keepLang) {
    const dir = location.pathname.slice(0, location.pathname.lastIndexOf("/") + 1);
    const search = new URLSearchParams(location.search.slice(1));
    const hash = new URLSearchParams(location.hash.slice(1));
    if (!keepLang) {
      search.delete("lang");
      hash.delete("lang");
      if (code === "en") search.set("lang", "en");
    }
    const query = search.toString();
    const fragment = hash.toString();
    return dir + (code === "en" ? "index.html" : `index.${code}.html`) +
      (query ? "?" + query : "") + (fragment ? "#" + fragment : "");
  }

  const wanted = asked();
  const target = known.includes(wanted) ? wanted : here !== "en" ? here : fromBrowser();
  const leaving = target !== here && location.protocol !== "file:";
  if (leaving) location.replace(addressFor(target, true));

  if (menu) {
    menu.addEventListener("change", () => {
      window.RnnPage?.flushAddress?.(); // the settings Python has not written into the hash yet
      location.assign(addressFor(menu.value, false));
    });
  }
  return { leaving, here, known };
})();

(() => {
  // start.js's own two messages, from the translated page's catalogue (js/i18n.js has the rest)
  const block = document.getElementById("catalogue");
  let messages = {};
  try {
    messages = block ? JSON.parse(block.textContent).messages || {} : {};
  } catch { /* the English, then */ }
  const t = (message) => (typeof messages[message] === "string" && messages[message]) || message;
  const box = () => document.getElementById("loading");

  function failed(message) {
    const el = box();
    el.classList.add("failed");
    el.classList.remove("ready");
    document.getElementById("loading-text").textContent = message;
  }
  window.RnnStart = { failed, language: RnnLanguage };
  if (RnnLanguage.leaving) return; // the page in the right language is loading instead

  // Embed mode is known from the address at once, so the layout does not jump when Python is ready.
  // A one-panel embed shows nothing else until Python has set it up (js/embed.js, arrive).
  const address = location.search + location.hash;
  if (/[?&#]embed=1(&|$)/.test(address)) {
    document.body.classList.add("embed");
    if (/[?&#]panel=./.test(address)) document.body.classList.add("embed-pending");
  }

  if (location.protocol === "file:") {
    failed(t("This page must be served, not opened as a file. In its folder run: python3 serve.py (or python3 build.py serve from the source), then open the address it prints."));
  }
  setTimeout(() => {
    if (!document.documentElement.dataset.pyReady && !box().classList.contains("failed")) {
      failed(t("Python is taking too long to start. Reload the page; if it keeps happening, your browser may block WebAssembly."));
    }
  }, 90000);
})();
