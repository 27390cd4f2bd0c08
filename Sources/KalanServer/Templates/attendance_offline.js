// Kalan, training room: the attendance sheet keeps working without a network.
// Served as /assets/attendance-offline.js under script-src 'self'; the page works without it.
// - registers the service worker (/sw.js) and asks it to keep this sheet, the coming days' sheets
//   and the scores page on the device;
// - every mark changed on the sheet is kept in localStorage ("not yet sent") until the server has
//   it: a reload, a closed browser or a restarted phone lose nothing;
// - when the network is there, the marks that waited are sent by themselves, with the version of
//   the sheet they were made on: the server refuses to overwrite a mark someone changed meanwhile,
//   and then the page shows the differences for the trainer to decide;
// - an expired web session asks for the password (the login page brings the trainer back here),
//   then what waited is sent.
(function () {
  'use strict';
  var STORE = 'kalan.attendance.pending.v1';
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch (e) { return {}; }
  }
  function store(all) {
    try { localStorage.setItem(STORE, JSON.stringify(all)); } catch (e) { /* full or private mode: the form still posts */ }
  }
  function size(marks) { return Object.keys(marks || {}).length; }
  // A day as the pages write it: 28/11/2026 in French, 2026-11-28 in English.
  function shortDay(day) {
    var parts = String(day).split('-');
    return document.documentElement.lang === 'fr' && parts.length === 3 ? parts[2] + '/' + parts[1] + '/' + parts[0] : day;
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return values[name] !== undefined ? values[name] : all; });
  }

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js').then(function () { return navigator.serviceWorker.ready; }).then(function (registration) {
      var keep = [location.pathname + location.search];
      var form = document.getElementById('sheet');
      if (form && form.dataset.scores) keep.push(form.dataset.scores);
      // The coming days' sheets (and the others of the session: a few kilobytes each).
      Array.prototype.forEach.call(document.querySelectorAll('ul.days a'), function (link) { keep.push(link.getAttribute('href')); });
      if (registration.active) registration.active.postMessage({ keep: keep.slice(0, 40) });
    }).catch(function () { /* no service worker: the page works as before */ });
  }

  var form = document.getElementById('sheet');
  var status = document.getElementById('offline-status');
  if (!form || !status || !form.dataset.day) return;
  var key = [form.dataset.user, form.dataset.session, form.dataset.day].join('|');
  var texts = status.dataset;

  function rows() {
    var found = {};
    Array.prototype.forEach.call(form.querySelectorAll('tr[data-staff]'), function (row) { found[row.dataset.staff] = row; });
    return found;
  }

  // The marks kept for this sheet, checked on the form, each line tagged.
  function show(note) {
    var all = load(), entry = all[key], lines = rows();
    Array.prototype.forEach.call(form.querySelectorAll('.tag.pending'), function (tag) { tag.parentNode.removeChild(tag); });
    var count = 0;
    if (entry) {
      Object.keys(entry.marks).forEach(function (staff) {
        var row = lines[staff];
        if (!row) return;
        count += 1;
        var radio = row.querySelector('input[type=radio][value="' + entry.marks[staff] + '"]');
        if (radio && !radio.disabled) radio.checked = true;
        var tag = document.createElement('span');
        tag.className = 'tag pending';
        tag.textContent = texts.line;
        row.cells[2].appendChild(document.createTextNode(' '));
        row.cells[2].appendChild(tag);
      });
    }
    status.textContent = '';
    var parts = [];
    if (count > 0) parts.push(fill(texts.pending, { count: count }));
    if (!navigator.onLine) parts.push(texts.offline);
    if (note) parts.push(note);
    parts.forEach(function (text) {
      var p = document.createElement('p');
      p.textContent = text;
      status.appendChild(p);
    });
    // Other days of this session (and other sessions) with marks waiting: a link to each.
    var others = Object.keys(all).filter(function (k) { return k !== key && k.indexOf(form.dataset.user + '|') === 0 && size(all[k].marks) > 0; });
    if (others.length > 0) {
      var p = document.createElement('p');
      p.textContent = texts.other + ' ';
      others.forEach(function (k, i) {
        var link = document.createElement('a');
        link.href = all[k].page;
        link.textContent = all[k].session + ' ' + shortDay(all[k].day) + ' (' + size(all[k].marks) + ')' + (all[k].conflict ? ' – ' + texts.changed : '');
        if (i > 0) p.appendChild(document.createTextNode(', '));
        p.appendChild(link);
      });
      status.appendChild(p);
    }
    status.hidden = status.childNodes.length === 0;
    status.className = 'offline-status' + (count > 0 || !navigator.onLine ? ' waiting' : '');
  }

  function signInNote(count) {
    status.hidden = false;
    var p = document.createElement('p');
    p.appendChild(document.createTextNode(fill(texts.expired, { count: count }) + ' '));
    var link = document.createElement('a');
    link.href = '/login?lang=' + encodeURIComponent(form.dataset.lang || 'fr') + '&next=' + encodeURIComponent(location.pathname + location.search);
    link.textContent = texts.signin;
    link.id = 'offline-sign-in';
    p.appendChild(link);
    status.appendChild(p);
  }

  // On load: drop what the server already has (the saved mark equals the kept one).
  (function reconcile() {
    var all = load(), entry = all[key];
    if (!entry) return;
    var lines = rows();
    Object.keys(entry.marks).forEach(function (staff) {
      var row = lines[staff];
      if (!row || row.dataset.saved === entry.marks[staff]) delete entry.marks[staff];
    });
    if (document.getElementById('differences')) {
      // The server refused these marks and shows the differences: the trainer decides here.
      entry.conflict = 'shown';
    }
    if (size(entry.marks) === 0) delete all[key]; else all[key] = entry;
    store(all);
  })();

  form.addEventListener('change', function (event) {
    var input = event.target;
    if (!input || input.type !== 'radio' || input.name.indexOf('m.') !== 0) return;
    var staff = input.name.slice(2), row = rows()[staff];
    var all = load();
    var entry = all[key] || {
      session: form.dataset.session, day: form.dataset.day, action: form.getAttribute('action'),
      page: location.pathname + '?day=' + form.dataset.day + '&lang=' + (form.dataset.lang || 'fr'),
      version: form.elements.version.value, marks: {}
    };
    if (row && row.dataset.saved === input.value) delete entry.marks[staff]; else entry.marks[staff] = input.value;
    if (size(entry.marks) === 0) delete all[key]; else all[key] = entry;
    store(all);
    show();
  });

  form.addEventListener('submit', function (event) {
    var entry = load()[key];
    if (!navigator.onLine) {
      event.preventDefault();
      show(texts.kept);
      return;
    }
    // Sent as a form by the browser: the trainer's own decision after differences were shown.
    if (entry && entry.conflict) {
      var all = load();
      delete all[key].conflict;
      all[key].version = form.elements.version.value;
      store(all);
    }
  });

  // What waited, sheet by sheet, with the version each was marked on; then this page again.
  function sendAll() {
    if (sending || !navigator.onLine) return;
    var all = load();
    var keys = Object.keys(all).filter(function (k) {
      return k.indexOf(form.dataset.user + '|') === 0 && size(all[k].marks) > 0 && all[k].conflict !== 'shown';
    });
    if (keys.length === 0) return;
    sending = true;
    show(texts.sending);
    // A fresh form token first (and a sign-in when the session expired meanwhile).
    fetch(location.pathname + location.search, { credentials: 'same-origin', cache: 'no-store', headers: { 'X-Kalan-Fresh': '1' } })
      .then(function (response) {
        if (response.redirected && response.url.indexOf('/login') >= 0) throw { signIn: true };
        return response.text();
      })
      .then(function (html) {
        var match = html.match(/name="csrf" value="([^"]+)"/);
        if (!match) throw { signIn: true };
        var csrf = match[1], sent = 0, reloadHere = false;
        return keys.reduce(function (chain, k) {
          return chain.then(function () {
            var entry = load()[k];
            if (!entry || size(entry.marks) === 0) return;
            var body = new URLSearchParams();
            body.append('csrf', csrf);
            body.append('day', entry.day);
            body.append('version', entry.version);
            Object.keys(entry.marks).forEach(function (staff) { body.append('m.' + staff, entry.marks[staff]); });
            return fetch(entry.action, { method: 'POST', body: body, credentials: 'same-origin', redirect: 'follow' }).then(function (response) {
              var now = load();
              if (response.ok && /[?&]done=attendance/.test(response.url)) {
                sent += size(entry.marks);
                delete now[k];
                if (k === key) reloadHere = response.url;
              } else if (response.status === 409) {
                now[k].conflict = 'new';
                if (k === key) reloadHere = 'conflict';
              } else if (response.status === 401 || response.url.indexOf('/login') >= 0) {
                throw { signIn: true };
              } else {
                throw { failed: true };
              }
              store(now);
            });
          });
        }, Promise.resolve()).then(function () {
          sending = false;
          if (reloadHere === 'conflict') return showDifferences(csrf);
          if (reloadHere) { location.replace(reloadHere); return; }
          show(sent > 0 ? fill(texts.sent, { count: sent }) : '');
        });
      })
      .catch(function (problem) {
        sending = false;
        var entry = load()[key];
        show(problem && problem.signIn ? '' : texts.failed);
        if (problem && problem.signIn) signInNote(entry ? size(entry.marks) : 0);
      });
  }

  // The server refused this sheet's marks: post them as the form would, so that the page shows
  // the differences (the sheet as it is now, with the trainer's marks over it) for the trainer to decide.
  function showDifferences(csrf) {
    var entry = load()[key];
    if (!entry) return;
    var post = document.createElement('form');
    post.method = 'post';
    post.action = entry.action;
    var fields = { csrf: csrf || form.elements.csrf.value, day: entry.day, version: entry.version };
    Object.keys(entry.marks).forEach(function (staff) { fields['m.' + staff] = entry.marks[staff]; });
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = fields[name];
      post.appendChild(input);
    });
    document.body.appendChild(post);
    HTMLFormElement.prototype.submit.call(post);
  }

  // A sheet refused while another day was open: shown when that day is opened.
  (function conflictOpened() {
    var entry = load()[key];
    if (entry && entry.conflict === 'new' && navigator.onLine && !document.getElementById('differences')) showDifferences();
  })();

  window.addEventListener('online', function () { show(); sendAll(); });
  window.addEventListener('offline', function () { show(); });
  window.addEventListener('pageshow', function () { show(); });
  setInterval(function () { if (navigator.onLine) sendAll(); }, 20000);
  show();
  sendAll();
})();
