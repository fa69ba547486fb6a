// Small enhancements only: every page works without this file.
(function () {
  "use strict";

  // --- Duration: typing minutes clears the presets; tapping a preset clears the minutes. ----------
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (input.name !== "duration_custom" || !input.form || !input.value) return;
    input.form.querySelectorAll('input[name="duration"]').forEach(function (radio) {
      radio.checked = radio.value === "custom";
    });
  });
  document.addEventListener("change", function (event) {
    var radio = event.target;
    if (radio.name !== "duration" || radio.value === "custom") return;
    var custom = radio.form && radio.form.querySelector('input[name="duration_custom"]');
    if (custom) custom.value = "";
  });

  // After an htmx save, move focus to the confirmation (screen readers announce it).
  document.addEventListener("htmx:afterSwap", function () {
    var saved = document.getElementById("saved-confirmation");
    if (saved) { saved.setAttribute("tabindex", "-1"); saved.focus(); }
  });

  // --- Offline outbox: a log saved without signal waits on the phone and is sent later. ----------
  // Each form carries its client-made UUID, so sending the same entry twice creates one engagement.
  var DB_NAME = "gemba", STORE = "outbox";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "id" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    var input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return match ? decodeURIComponent(match[1]) : (input ? input.value : "");
  }

  function showOutbox(count, rejected) {
    var box = document.getElementById("outbox-status");
    if (!box) return;
    if (!count && !rejected) { box.classList.add("d-none"); box.textContent = ""; return; }
    var text = count ? count + (count === 1 ? " entry is" : " entries are") +
      " saved on this phone and will be sent when there is signal." : "";
    if (rejected) text += " " + rejected;
    box.textContent = text.trim();
    box.classList.remove("d-none");
  }

  function refreshOutboxStatus(rejected) {
    if (!window.indexedDB) return Promise.resolve();
    return withStore("readonly", function (store) { return store.count(); })
      .then(function (count) { showOutbox(count, rejected); })
      .catch(function () {});
  }

  function queue(form) {
    var body = new URLSearchParams(new FormData(form));
    body.delete("csrfmiddlewaretoken");
    var entry = { id: body.get("client_uuid"), url: form.getAttribute("action"), body: body.toString(),
                  savedAt: new Date().toISOString() };
    return withStore("readwrite", function (store) { store.put(entry); }).then(function () {
      form.reset();
      var uuid = form.querySelector('input[name="client_uuid"]');
      if (uuid) uuid.value = newUuid();
      window.scrollTo(0, 0);
      return refreshOutboxStatus();
    });
  }

  var flushing = false;
  function flush() {
    if (flushing || !window.indexedDB || navigator.onLine === false) return Promise.resolve();
    flushing = true;
    var rejected = "";
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (entries) {
      return entries.reduce(function (chain, entry) {
        return chain.then(function () {
          return fetch(entry.url, {
            method: "POST", body: entry.body, credentials: "same-origin", redirect: "manual",
            headers: { "Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true",
                       "X-CSRFToken": csrfToken() },
          }).then(function (response) {
            if (response.status === 200) {
              return withStore("readwrite", function (store) { store.delete(entry.id); });
            }
            if (response.status === 422 || response.status === 403) {
              // Refused for good (invalid, or not allowed): keep nothing half-sent, say so.
              rejected = "An entry saved offline on " + entry.savedAt.slice(0, 10) +
                " was refused by the server; please log it again.";
              return withStore("readwrite", function (store) { store.delete(entry.id); });
            }
            // Logged out (a redirect) or a server hiccup: keep it for the next try.
          }).catch(function () { /* still no signal */ });
        });
      }, Promise.resolve());
    }).then(function () { return refreshOutboxStatus(rejected); })
      .finally(function () { flushing = false; });
  }

  function isQuickLog(elt) { return elt && elt.matches && elt.matches("form.quicklog[hx-post]"); }

  // No signal at all: don't even try; keep it on the phone.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (navigator.onLine === false && isQuickLog(event.detail.elt) && window.indexedDB) {
      event.preventDefault();
      queue(event.detail.elt);
    }
  });
  // The request could not reach the server (or took too long): keep it on the phone.
  ["htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (isQuickLog(event.detail.elt) && window.indexedDB) queue(event.detail.elt);
    });
  });

  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", function () {
    refreshOutboxStatus();
    flush();
  });
  window.gembaOutbox = { flush: flush, refresh: refreshOutboxStatus };

  if ("serviceWorker" in navigator && document.documentElement.dataset.serviceWorker) {
    navigator.serviceWorker.register(document.documentElement.dataset.serviceWorker, { scope: "/" })
      .catch(function () {});
  }
})();
