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

  // --- Text limits: the box keeps every character; a line under it says how many are over. ----------
  // Fields carry data-max instead of maxlength (apps/core/renderers.py), and the server refuses an over-long
  // save with the field's own message. The line is a polite live region, made before it first speaks.
  function limitNote(field) {
    var id = (field.id || field.name) + "_over";
    var note = document.getElementById(id);
    if (!note) {
      note = document.createElement("div");
      note.id = id;
      note.className = "form-text text-danger text-limit";
      note.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", note);
      var described = field.getAttribute("aria-describedby");
      field.setAttribute("aria-describedby", described ? described + " " + id : id);
    }
    return note;
  }

  // Texts in the page's language, written by base.html: {name} placeholders are filled in here.
  function text(name, values) {
    var template = (document.body && document.body.getAttribute("data-text-" + name)) || "";
    return template.replace(/\{(\w+)\}/g, function (whole, key) { return key in values ? values[key] : whole; });
  }

  function checkLimit(field) {
    var max = parseInt(field.getAttribute("data-max"), 10);
    if (!max) return;
    var over = field.value.length - max;
    var message = over > 0 ? text(over === 1 ? "over-one" : "over-other", { over: over, max: max }) : "";
    var note = limitNote(field);
    if (note.textContent !== message) note.textContent = message;
  }

  function checkLimits(root) {
    (root || document).querySelectorAll("input[data-max], textarea[data-max]").forEach(checkLimit);
  }

  document.addEventListener("input", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-max")) checkLimit(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () { checkLimits(document); });
  document.addEventListener("htmx:load", function (event) { checkLimits(event.target); });

  // The sticky header's height, for CSS: whatever scrolls into view stops below the header, not under it.
  function measureHeader() {
    var header = document.querySelector("header.sticky-top");
    if (header) document.documentElement.style.setProperty("--header-height", header.offsetHeight + "px");
  }
  measureHeader();
  window.addEventListener("resize", measureHeader);

  // After an htmx save, the confirmation is shown whole below the header and gets the focus (screen readers
  // read it; it is also a polite status region).
  document.addEventListener("htmx:afterSwap", function () {
    var saved = document.getElementById("saved-confirmation");
    if (!saved) return;
    measureHeader();
    saved.setAttribute("tabindex", "-1");
    saved.focus({ preventScroll: true });
    saved.scrollIntoView({ block: "start" });
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
    var message = count ? text(count === 1 ? "outbox-one" : "outbox-other", { count: count }) : "";
    if (rejected) message += " " + rejected;
    box.textContent = message.trim();
    box.classList.remove("d-none");
  }

  function refreshOutboxStatus(rejected) {
    if (!window.indexedDB) return Promise.resolve();
    return withStore("readonly", function (store) { return store.getAll(); })
      .then(function (entries) {
        var mine = entries.filter(function (entry) { return entry.user === currentUser(); });
        showOutbox(mine.length, rejected);
      })
      .catch(function () {});
  }

  function currentUser() { return document.documentElement.dataset.user || ""; }

  function queue(form) {
    var body = new URLSearchParams(new FormData(form));
    body.delete("csrfmiddlewaretoken");
    var entry = { id: body.get("client_uuid"), url: form.getAttribute("action"), body: body.toString(),
                  user: currentUser(), savedAt: new Date().toISOString() };
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
      // Only the person who saved an entry sends it (a shared phone may have changed hands).
      entries = entries.filter(function (entry) { return entry.user === currentUser(); });
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
            if (response.status === 422) {
              // Refused for good (the entry itself is invalid): say so rather than retry forever.
              var day = new Date(entry.savedAt).toLocaleDateString(document.documentElement.lang || undefined,
                                                                  { day: "numeric", month: "short", year: "numeric" });
              rejected = text("refused", { day: day });
              return withStore("readwrite", function (store) { store.delete(entry.id); });
            }
            if (response.status === 403) {
              // A stale security token or a changed role: keep it; a fresh page or login may fix it.
              rejected = text("not-sent", {});
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

  // A page may come from the service worker's cache, saved long ago: give its form a new UUID (else it
  // would replay an old entry) and, if untouched, move the start time on by the page's age.
  function freshenForms() {
    document.querySelectorAll("form.quicklog[data-rendered-at]").forEach(function (form) {
      var uuid = form.querySelector('input[name="client_uuid"]');
      if (uuid) uuid.value = newUuid();
      var started = form.querySelector('input[name="started_at"]');
      var ageMinutes = Math.floor((Date.now() - Number(form.dataset.renderedAt)) / 60000);
      if (started && started.value && started.value === started.defaultValue && ageMinutes >= 2) {
        var parts = started.value.split(/[-T:]/).map(Number);
        var moved = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4] + ageMinutes));
        started.value = moved.toISOString().slice(0, 16);
      }
    });
  }

  // Logging out on a shared phone: drop the saved pages (an outbox entry waits for its own author).
  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("form.logout-form") && window.caches) {
      caches.keys().then(function (keys) { keys.forEach(function (key) { caches.delete(key); }); });
    }
  });

  window.addEventListener("online", flush);
  window.addEventListener("pageshow", function (event) { if (event.persisted) freshenForms(); });
  document.addEventListener("DOMContentLoaded", function () {
    freshenForms();
    refreshOutboxStatus();
    flush();
  });
  window.gembaOutbox = { flush: flush, refresh: refreshOutboxStatus };

  if ("serviceWorker" in navigator && document.documentElement.dataset.serviceWorker) {
    navigator.serviceWorker.register(document.documentElement.dataset.serviceWorker, { scope: "/" })
      .catch(function () {});
  }
})();
