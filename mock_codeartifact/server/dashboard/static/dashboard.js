// mock-codeartifact dashboard: copy buttons, a "/" shortcut to the search field, and live updates: the page polls
// the server's change stamp and, when the mock's state moved on, re-renders its content in place. It talks only
// to this server (CSP connect-src 'self'); no eval, no inline script.
(function () {
  "use strict";

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return Promise.reject(new Error("no clipboard"));
  }

  function selectField(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function flash(button, text) {
    var original = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", original);
    button.textContent = text;
    window.setTimeout(function () { button.textContent = original; }, 1500);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-copy]") : null;
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    copyText(field.value).then(
      function () { flash(button, "Copied"); },
      function () { flash(button, selectField(field) ? "Copied" : "Selected"); }
    );
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var active = document.activeElement;
    if (active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA" || active.tagName === "SELECT")) return;
    var search = document.getElementById("package-search");
    if (search) {
      event.preventDefault();
      search.focus();
      search.select();
    }
  });
  // ---- live updates
  var body = document.body;
  var changesUrl = body.getAttribute("data-changes");
  var stamp = body.getAttribute("data-stamp");
  var POLL_MS = 1000;
  var MAX_POLL_MS = 10000;
  var delay = POLL_MS;
  var busy = false;

  function editing() {
    // A visitor typing in a filter keeps the page as it is until they leave the field.
    var active = document.activeElement;
    var main = document.getElementById("content");
    return !!(active && main && main.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName));
  }

  function openDetails(root) {
    var ids = [];
    root.querySelectorAll("details[open][id]").forEach(function (d) { ids.push(d.id); });
    return ids;
  }

  function focusKey(main) {
    // What has keyboard focus inside the content, to find it again in the new content.
    var active = document.activeElement;
    if (!active || active === main || !main.contains(active)) return null;
    var holder = active.parentElement ? active.parentElement.closest("[id]") : null;
    return {
      id: active.id,
      holder: holder && main.contains(holder) ? holder.id : null,
      tag: active.tagName,
      href: active.getAttribute("href"),
      text: active.textContent
    };
  }

  function refocus(main, key) {
    if (!key) return;
    var found = key.id ? document.getElementById(key.id) : null;
    if (!found) {
      var scope = (key.holder && document.getElementById(key.holder)) || main;
      var candidates = scope.querySelectorAll(key.tag);
      for (var i = 0; i < candidates.length && !found; i++) {
        var c = candidates[i];
        if (c.getAttribute("href") === key.href && c.textContent === key.text) found = c;
      }
    }
    if (found && found.focus) found.focus({ preventScroll: true });
  }

  function announce(text) {
    var status = document.getElementById("live-status");
    if (status) status.textContent = text;
  }

  function refresh(newStamp) {
    return fetch(window.location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (editing()) return;  // try again at the next poll
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("content");
        var main = document.getElementById("content");
        if (!fresh || !main) return;
        var keepOpen = openDetails(main);
        var focused = focusKey(main);
        main.innerHTML = fresh.innerHTML;
        keepOpen.forEach(function (id) {
          var d = document.getElementById(id);
          if (d && d.tagName === "DETAILS") d.open = true;
        });
        refocus(main, focused);
        var time = doc.getElementById("state-time");
        var mine = document.getElementById("state-time");
        if (time && mine) mine.innerHTML = time.innerHTML;
        if (doc.title) document.title = doc.title;
        stamp = doc.body.getAttribute("data-stamp") || newStamp;
        announce(" · updated live at " + new Date().toLocaleTimeString());
      });
  }

  function poll() {
    if (busy || document.hidden) return schedule();
    busy = true;
    fetch(changesUrl, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (answer) {
        delay = POLL_MS;
        var current = String(answer.stamp);
        if (current !== stamp && !editing()) return refresh(current);
      })
      .catch(function () { delay = Math.min(delay * 2, MAX_POLL_MS); })  // the server went away: poll less
      .then(function () { busy = false; schedule(); });
  }

  function schedule() { window.setTimeout(poll, delay); }

  if (changesUrl && window.fetch && window.DOMParser) {
    announce(" · updates live");
    schedule();
  }
})();
