/* The check-in desk's service worker: it keeps a copy of the session page (and the script
   and stylesheet it loads) so that the page opens again while the hall's Wi-Fi is down.

   It caches nothing else: never the API, never a page with a search in its address (which
   would hold the names found), never another page. The network always comes first; the copy
   is used only when there is no connection. Check-ins made offline are kept by the page's
   own script (check_in.js), not here. Served by the check_in_sw view from beside the session
   pages, so that its scope covers them. */
"use strict";

var CACHE = "waymark-check-in-v1";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(
        names.filter(function (name) { return name.indexOf("waymark-check-in-") === 0 && name !== CACHE; })
          .map(function (name) { return caches.delete(name); })
      );
    }).then(function () { return self.clients.claim(); })
  );
});

function isSessionPage(url) {
  return /\/organisation\/sessions\/[0-9a-f-]{36}\/$/.test(url.pathname);
}

function isDeskAsset(url) {
  return /^\/static\/(hubs\/check_in\.|css\/waymark\.)/.test(url.pathname);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  var page = request.mode === "navigate" && isSessionPage(url);
  if (!page && !isDeskAsset(url)) {
    return;
  }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && !response.redirected && (!page || !url.search)) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.origin + url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(url.origin + url.pathname).then(function (cached) {
        return cached || Response.error();
      });
    })
  );
});
