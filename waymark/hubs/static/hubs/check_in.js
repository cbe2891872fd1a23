/* The check-in desk's offline queue (progressive enhancement of the session page).

   Without this script every check-in button is a plain form that posts and comes back. With
   it, a check-in is first written to a queue in IndexedDB on this device, then sent to the
   API (POST /api/v1/sessions/{id}/check-ins) with the check-in key (client_id) the page gave
   it. The queue is sent when the page loads and whenever the browser says it is back online,
   so check-ins made while the hall's Wi-Fi is down are recorded when it comes back. The API
   records a check-in once however often it is sent, so sending again is always safe.

   What the API answers decides what happens to an item:
   - 201 or 200: recorded; the item leaves the queue;
   - 409: a conflict (already checked in, or the key was used for something else): kept and
     shown until the volunteer dismisses it, never dropped silently;
   - 401 or 403: the sign-in has expired: everything is kept, and the volunteer is asked to
     sign in again (the queue is sent when the page loads after signing in);
   - 400, 404, 422: refused: kept and shown with the reason, until dismissed;
   - no answer, or 5xx: kept, tried again later.

   A small service worker (check_in_sw.js) keeps a copy of the session page so that it can be
   opened again while offline. */
(function () {
  "use strict";
  var section = document.querySelector("[data-check-in]");
  if (!section || !window.fetch || !window.indexedDB || !window.Promise || !window.JSON) {
    return;
  }
  var DB_NAME = "waymark-check-in";
  var STORE = "queue";
  var api = section.getAttribute("data-api");
  var statusBox = section.querySelector("[data-check-in-status]");
  var queueBox = section.querySelector("[data-check-in-queue]");
  var csrfInput = section.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";
  var flushing = false;

  function text(name) {
    return section.getAttribute("data-msg-" + name) || "";
  }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // --- the queue in IndexedDB -----------------------------------------------------------

  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = window.indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore(STORE, { keyPath: "client_id" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  function withStore(mode, work) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var transaction = database.transaction(STORE, mode);
        var result = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        transaction.onerror = function () { reject(transaction.error); };
      });
    });
  }

  function allItems() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (items) {
      return (items || []).sort(function (a, b) { return a.queued_at - b.queued_at; });
    });
  }
  function putItem(item) { return withStore("readwrite", function (store) { store.put(item); }); }
  function removeItem(key) { return withStore("readwrite", function (store) { store.delete(key); }); }

  // --- what the volunteer sees ----------------------------------------------------------

  function say(message) {
    statusBox.textContent = message;
  }

  function sayCheckedIn(item, visitId) {
    statusBox.textContent = "";
    var line = document.createElement("p");
    line.textContent = item.label + ": " + text("sent") + " ";
    if (visitId) {
      var link = document.createElement("a");
      link.href = section.getAttribute("data-visit-url").replace("00000000-0000-0000-0000-000000000000", visitId);
      link.textContent = text("record");
      line.appendChild(link);
    }
    statusBox.appendChild(line);
  }

  function sayLogin() {
    statusBox.textContent = "";
    var line = document.createElement("p");
    line.className = "field-error";
    var link = document.createElement("a");
    link.href = section.getAttribute("data-login-url");
    link.textContent = text("login");
    line.appendChild(link);
    statusBox.appendChild(line);
  }

  function showQueue() {
    return allItems().then(function (items) {
      queueBox.textContent = "";
      queueBox.hidden = items.length === 0;
      if (!items.length) {
        return;
      }
      var heading = document.createElement("p");
      heading.textContent = text("waiting");
      queueBox.appendChild(heading);
      var list = document.createElement("ul");
      items.forEach(function (item) {
        var entry = document.createElement("li");
        entry.setAttribute("data-queued", item.client_id);
        entry.textContent = item.label;
        if (item.state === "conflict" || item.state === "refused") {
          var problem = document.createElement("span");
          problem.className = "conflict";
          problem.textContent = " " + text("conflict") + " " + item.message + " ";
          entry.appendChild(problem);
          var dismiss = document.createElement("button");
          dismiss.type = "button";
          dismiss.className = "button button--secondary";
          dismiss.textContent = text("dismiss");
          dismiss.addEventListener("click", function () { removeItem(item.client_id).then(showQueue); });
          entry.appendChild(dismiss);
        }
        list.appendChild(entry);
      });
      queueBox.appendChild(list);
    });
  }

  // --- sending ----------------------------------------------------------------------------

  function send(item) {
    return fetch(item.api, {
      method: "POST",
      credentials: "same-origin",
      redirect: "error",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(item.body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body };
      });
    });
  }

  // Sends the waiting items one by one, oldest first. Stops at the first sign of no
  // connection or an expired sign-in: the rest wait for the next try.
  function flush() {
    if (flushing) {
      return Promise.resolve();
    }
    flushing = true;
    return allItems().then(function (items) {
      var waiting = items.filter(function (item) { return item.state === "waiting"; });
      if (waiting.length) {
        say(text("sending"));
      }
      var next = function (index) {
        if (index >= waiting.length) {
          return true;
        }
        var item = waiting[index];
        return send(item).then(function (answer) {
          if (answer.status === 200 || answer.status === 201) {
            return removeItem(item.client_id).then(function () {
              sayCheckedIn(item, answer.body.id);
              markDone(item);
              return next(index + 1);
            });
          }
          if (answer.status === 401 || answer.status === 403) {
            sayLogin();
            return false;
          }
          if (answer.status === 409 || answer.status === 400 || answer.status === 404 || answer.status === 422) {
            item.state = answer.status === 409 ? "conflict" : "refused";
            item.message = answer.body.detail || "";
            return putItem(item).then(function () { return next(index + 1); });
          }
          say(text("queued"));
          return false;
        }, function () {
          say(text("queued"));
          return false;
        });
      };
      return next(0);
    }).then(function () {
      flushing = false;
      return showQueue();
    }, function () {
      flushing = false;
    });
  }

  function markDone(item) {
    if (!item.person_form) {
      return;
    }
    var input = section.querySelector("form[data-check-in-form] input[name=client_id][value='" + item.client_id + "']");
    var button = input && input.form.querySelector("button");
    if (button) {
      button.disabled = true;
    }
  }

  // --- the check-in buttons ---------------------------------------------------------------

  Array.prototype.forEach.call(section.querySelectorAll("form[data-check-in-form]"), function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var keyInput = form.querySelector("input[name=client_id]");
      var personInput = form.querySelector("input[name=person]");
      var button = form.querySelector("button");
      var anonymous = form.hasAttribute("data-anonymous");
      var body = { client_id: keyInput.value };
      if (anonymous) {
        body.anonymous = true;
        // The next press counts someone else: it needs a key of its own.
        keyInput.value = newKey();
      } else {
        body.person_id = personInput.value;
        button.disabled = true;
      }
      var item = {
        client_id: body.client_id,
        api: api,
        body: body,
        label: anonymous ? button.textContent.trim() : button.getAttribute("data-person-name"),
        person_form: !anonymous,
        state: "waiting",
        message: "",
        queued_at: Date.now()
      };
      putItem(item).then(flush);
    });
  });

  window.addEventListener("online", flush);
  flush();

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(section.getAttribute("data-service-worker")).catch(function () {});
  }
})();
