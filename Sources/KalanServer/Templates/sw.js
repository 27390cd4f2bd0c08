// Kalan's service worker (/sw.js, scope /): keeps the trainer's attendance and scores sheets on the
// device so that they open without a network. Pages: network first (fresh marks when the network is
// there), the kept copy when it is not or when it hangs (8 s); the stylesheet and the script: the kept
// copy at once, refreshed behind. Nothing else is touched. Signing out forgets the kept pages.
'use strict';
var PAGES = 'kalan-pages-v1';
var ASSETS = 'kalan-assets-v1';
var ASSET_PATHS = ['/assets/kalan.css', '/assets/attendance-offline.js', '/manifest.webmanifest', '/assets/kalan-icon-192.png'];
// The words of the page shown when a page was never kept, in both languages (from the catalogue).
var TEXTS = __TEXTS__;
// Past this, the kept copy (a link that hangs); a 2G answer of a sheet takes about 3 s.
var SLOW_MS = 8000;

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(ASSETS).then(function (cache) { return cache.addAll(ASSET_PATHS); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== PAGES && name !== ASSETS; }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// A sheet's address without what does not change the page (the "saved" flag): one kept copy per
// session, page, day and language.
function sheetKey(href) {
  var url = new URL(href, self.location.origin);
  var kept = new URLSearchParams();
  ['day', 'lang'].forEach(function (name) { if (url.searchParams.get(name)) kept.set(name, url.searchParams.get(name)); });
  var query = kept.toString();
  return url.origin + url.pathname + (query ? '?' + query : '');
}

function isSheet(url) {
  return url.origin === self.location.origin && /^\/sessions\/[^/]+\/(attendance|scores)$/.test(url.pathname);
}

function keep(request, response) {
  if (!response || response.status !== 200 || response.type !== 'basic') return;
  // A page that says "saved" is kept by the page's own list (without the flag), not here.
  if (new URL(request.url).searchParams.has('done')) return;
  var copy = response.clone();
  caches.open(PAGES).then(function (cache) { return cache.put(sheetKey(request.url), copy); });
}

// The kept copy of a sheet: the same day and language, else the same day in the other language.
function kept(href) {
  var wanted = new URL(sheetKey(href));
  return caches.open(PAGES).then(function (cache) {
    return cache.match(wanted.href).then(function (found) {
      if (found) return found;
      return cache.keys().then(function (keys) {
        var near = keys.find(function (request) {
          var url = new URL(request.url);
          return url.pathname === wanted.pathname && url.searchParams.get('day') === wanted.searchParams.get('day');
        });
        return near ? cache.match(near) : undefined;
      });
    });
  });
}

function unavailable(href) {
  var lang = new URL(href).searchParams.get('lang') === 'en' ? 'en' : 'fr';
  var t = TEXTS[lang];
  var html = '<!doctype html><html lang="' + lang + '"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>' + t.title + ' · Kalan</title><link rel="stylesheet" href="/assets/kalan.css"></head><body><main id="content"><div class="card">' +
    '<h1>' + t.title + '</h1><p>' + t.text + '</p><p><a href="/sessions?lang=' + lang + '">' + t.back + '</a></p></div></main></body></html>';
  return new Response(html, { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
}

self.addEventListener('message', function (event) {
  // The page lists what to keep: its own sheet, the session's other days, the scores page.
  var list = (event.data && event.data.keep) || [];
  event.waitUntil(caches.open(PAGES).then(function (cache) {
    return Promise.all(list.slice(0, 40).map(function (href) {
      var url = new URL(href, self.location.origin);
      if (!isSheet(url)) return undefined;
      return fetch(sheetKey(url.href), { credentials: 'same-origin', redirect: 'manual' }).then(function (response) {
        if (response.status === 200 && response.type === 'basic') return cache.put(sheetKey(url.href), response);
        return undefined;
      }).catch(function () { return undefined; });
    }));
  }));
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === 'POST' && url.pathname === '/logout') {
    // Signing out forgets the kept pages; the browser sends the form itself.
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method === 'POST' && isSheet(url) && request.mode === 'navigate') {
    // A sheet sent with no network: back to the kept sheet, where the page keeps the marks waiting.
    event.respondWith(fetch(request).catch(function () { return Response.redirect(url.href, 303); }));
    return;
  }
  if (request.method !== 'GET') return;
  if (ASSET_PATHS.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.open(ASSETS).then(function (cache) {
      return cache.match(url.pathname).then(function (found) {
        var fresh = fetch(request).then(function (response) {
          if (response.status === 200) cache.put(url.pathname, response.clone());
          return response;
        });
        if (found) { fresh.catch(function () { return undefined; }); return found; }
        return fresh;
      });
    }));
    return;
  }
  if (request.mode !== 'navigate' || !isSheet(url)) return;
  event.respondWith(new Promise(function (resolve) {
    var done = false;
    function answer(response) { if (!done && response) { done = true; resolve(response); } }
    var network = fetch(request).then(function (response) {
      keep(request, response);
      answer(response);
      return response;
    });
    network.catch(function () {
      kept(request.url).then(function (copy) { answer(copy || unavailable(request.url)); });
    });
    // Too slow (2G): the kept copy now; the network's answer still refreshes it for next time.
    setTimeout(function () { kept(request.url).then(function (copy) { answer(copy); }); }, SLOW_MS);
  }));
});
