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
      var sending = false;
      function text(id, value) { var el = document.getElementById(id); if (el) el.textContent = value; }
      function pendingCount() { var all = load(), n = 0; for (var k in all) n += all[k].length; return n; }
      function showPending() {
        var n = pendingCount();
        text('patrol-pending', n ? n + ' 个定位点待发送（联网后自动补传） / ' + n + ' fixes waiting to be sent' : '');
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
          text('gps-status', '网络不可用，定位点已保存在本机 / offline: fixes kept on this phone');
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
      if (!navigator.geolocation) { text('gps-status', '此浏览器不支持定位 / no geolocation in this browser'); return; }
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
        text('gps-status', '定位中，精度约 ' + Math.round(c.accuracy) + ' 米 / tracking, ±' + Math.round(c.accuracy) + ' m');
        showPending();
        if (all[patrolId].length >= 5 || Date.now() - lastSent > 10000) { lastSent = Date.now(); flush(); }
      }, function (err) {
        text('gps-status', '无法定位：' + err.message + ' / location unavailable');
      }, { enableHighAccuracy: true, maximumAge: 5000, timeout: 30000 });
      // Before ending, try to send what is waiting; whatever stays is sent later from this phone.
      var end = document.getElementById('end-form');
      if (end) end.addEventListener('submit', function () { flush(); });
    })();
    """#
}
