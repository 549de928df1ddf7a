import JingzhiCore
/// The phone page's script: watches the position, queues fixes in localStorage, sends them in batches when online,
/// and keeps whatever could not be sent (even after the patrol ends: the server takes fixes recorded before the end).
enum PatrolScript {
    static let js = #"""
    (function () {
      'use strict';
      var STORE = 'jz-patrol-fixes';
      function load() { try { return JSON.parse(localStorage.getItem(STORE) || '{}'); } catch (e) { return {}; } }
      function save(all) { try { localStorage.setItem(STORE, JSON.stringify(all)); } catch (e) {} }
      var box = document.getElementById('patrol') || document.getElementById('patrol-leftovers');
      if (!box) return;
      var csrf = box.dataset.csrf, patrolId = box.dataset.patrol;
      // The page's own words, in its language: "{n}" stands for the number.
      function say(key, n) { return (box.dataset[key] || '').split('{n}').join(n); }
      var sending = false;
      function text(id, value) { var el = document.getElementById(id); if (el) el.textContent = value; }
      function pendingCount() { var all = load(), n = 0; for (var k in all) n += all[k].length; return n; }
      function showPending() {
        var n = pendingCount();
        text('patrol-pending', n ? say('sayPending', n) : '');
      }
      // Sends one batch of the first patrol with waiting fixes; keeps the fixes unless the server took or refused them.
      function flush() {
        if (sending || !navigator.onLine) return;
        var all = load(), id = null;
        for (var k in all) { if (all[k].length) { id = k; break; } }
        if (!id) { showPending(); return; }
        var batch = all[id].slice(0, 200);
        sending = true;
        fetch('\#(SiteURL.Patrols.Pattern.fixes.template)'.replace(':id', id), {
          method: 'POST', credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
          body: JSON.stringify({ _csrf: csrf, fixes: batch })
        }).then(function (r) {
          // 404/409/422: the server will never take this batch; anything else (offline, 5xx, expired form) is retried.
          // A redirect (to the login page) means the session ended: keep the fixes for later.
          var json = (r.headers.get('Content-Type') || '').indexOf('json') >= 0;
          if (r.redirected || (r.ok && !json) || (!r.ok && [404, 409, 422].indexOf(r.status) < 0)) throw new Error('HTTP ' + r.status);
          var sent = {}; batch.forEach(function (f) { sent[f.id] = true; });
          var now = load();
          now[id] = (now[id] || []).filter(function (f) { return !sent[f.id]; });
          if (!now[id].length) delete now[id];
          save(now);
          return r.ok ? r.json() : null;
        }).then(function (j) {
          if (j && j.patrol && j.patrol.id === patrolId) text('patrol-distance', j.patrol.distanceMetres);
          sending = false; showPending();
          if (pendingCount()) setTimeout(flush, 500);
        }).catch(function () {
          sending = false; showPending();
          text('gps-status', say('sayOffline', ''));
        });
      }
      window.addEventListener('online', flush);
      setInterval(flush, 15000);
      showPending();
      flush();
      if (!patrolId) return;

      var started = +box.dataset.started;
      function pad(n) { return (n < 10 ? '0' : '') + n; }
      setInterval(function () {
        var s = Math.max(0, Math.floor((Date.now() - started) / 1000));
        text('patrol-duration', Math.floor(s / 3600) + ':' + pad(Math.floor(s / 60) % 60) + ':' + pad(s % 60));
      }, 1000);
      if (!navigator.geolocation) { text('gps-status', say('sayNoGeo', '')); return; }
      // Orders the check-in list by distance from here, once a position is known (and again when it moved).
      var sortedAt = null;
      function nearestFirst(lat, lon) {
        var sel = document.querySelector('select[data-nearest]');
        if (!sel || (sortedAt && Math.abs(sortedAt[0] - lat) + Math.abs(sortedAt[1] - lon) < 0.0003)) return;
        sortedAt = [lat, lon];
        var k = Math.cos(lat * Math.PI / 180);
        function d(o) { return o.dataset.lat ? Math.pow(o.dataset.lat - lat, 2) + Math.pow((o.dataset.lon - lon) * k, 2) : Infinity; }
        var chosen = sel.value, opts = Array.prototype.slice.call(sel.options).sort(function (a, b) { return d(a) - d(b); });
        opts.forEach(function (o) { sel.appendChild(o); });
        sel.value = sortedAt && chosen && !sel.dataset.touched ? opts[0].value : chosen;
      }
      var pick = document.querySelector('select[data-nearest]');
      if (pick) pick.addEventListener('change', function () { pick.dataset.touched = '1'; });
      var seq = 0, lastSent = 0;
      navigator.geolocation.watchPosition(function (pos) {
        var c = pos.coords;
        document.querySelectorAll('[data-lat]').forEach(function (el) { el.value = c.latitude; });
        document.querySelectorAll('[data-lon]').forEach(function (el) { el.value = c.longitude; });
        seq += 1;
        var all = load();
        (all[patrolId] = all[patrolId] || []).push({
          id: patrolId.slice(0, 8) + '-' + pos.timestamp + '-' + seq,
          latitude: c.latitude, longitude: c.longitude, accuracy: c.accuracy, recordedAt: pos.timestamp
        });
        save(all);
        text('gps-status', say('sayTracking', Math.round(c.accuracy)));
        nearestFirst(c.latitude, c.longitude);
        showPending();
        if (all[patrolId].length >= 5 || Date.now() - lastSent > 10000) { lastSent = Date.now(); flush(); }
      }, function (err) {
        text('gps-status', say('sayNoLocation', err.message));
      }, { enableHighAccuracy: true, maximumAge: 5000, timeout: 30000 });
      // Before ending, try to send what is waiting; whatever stays is sent later from this phone.
      var end = document.getElementById('end-form');
      if (end) end.addEventListener('submit', function () { flush(); });
    })();
    """#
}
