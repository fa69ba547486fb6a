// Gemba service worker: the log page and static files stay available without signal.
// Served at /sw.js so that its scope is the whole site. Bump VERSION when this file changes.
const VERSION = "gemba-v3";
const LOG_PAGE = "/log/";
// Filled in, in the person's language, by the view that serves this file (apps/core/views.py).
const OFFLINE_TEXT = "__OFFLINE_TEXT__";
const HASHED = /\.[0-9a-f]{12}\.[a-z0-9]+$/;

self.addEventListener("install", (event) => {
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== VERSION).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

function isLogPage(url) {
  return url.pathname === "/" || url.pathname === LOG_PAGE;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;

  if (url.pathname.startsWith("/static/")) {
    if (HASHED.test(url.pathname)) {
      // A hashed name (production) never changes content: the cached copy is always right.
      event.respondWith(
        caches.open(VERSION).then((cache) =>
          cache.match(request).then((hit) => hit || fetch(request).then((response) => {
            if (response.ok) cache.put(request, response.clone());
            return response;
          }))
        )
      );
    } else {
      // Unhashed (development): fresh when online, the last copy when not.
      event.respondWith(
        fetch(request).then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(VERSION).then((cache) => cache.put(request, copy));
          }
          return response;
        }).catch(() => caches.open(VERSION).then((cache) => cache.match(request)))
      );
    }
    return;
  }

  if (request.mode === "navigate" && !request.headers.get("HX-Request")) {
    // Network first; remember the last good log page for when there is no signal.
    event.respondWith(
      fetch(request).then((response) => {
        if (response.ok && !response.redirected && isLogPage(url)) {
          const copy = response.clone();
          caches.open(VERSION).then((cache) => cache.put(LOG_PAGE, copy));
        }
        return response;
      }).catch(() =>
        caches.open(VERSION).then((cache) => cache.match(request).then((hit) => hit || cache.match(LOG_PAGE)))
          .then((hit) => hit || new Response(OFFLINE_TEXT, {
            status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" },
          }))
      )
    );
  }
});
