// Service worker: keeps every file of this build in a cache named after the build, so a site
// visited once keeps working with the network off. build.py fills in VERSION and FILES.
"use strict";

const VERSION = "__BUILD_VERSION__";
const FILES = __PRECACHE__;
const CACHE = "rnn-demo-" + VERSION;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(FILES.map((file) => new Request(file, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  // A new build replaces the old one's cache entirely.
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("rnn-demo-") && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  // Cache first: the files of one build never change. The page's settings live in the query
  // and hash, so "index.html?embed=1" is the cached index.html.
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const hit = await cache.match(request, { ignoreSearch: true });
      return hit || fetch(request);
    }),
  );
});
