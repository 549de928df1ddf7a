import Vapor

/// The stylesheet and the little script of the web UI, served from memory: no CDN, no build step.
package enum Assets {
    package static let css = """
    :root{--red:#b71c1c;--ink:#1d1d1f;--muted:#666;--line:#ddd;--bg:#f6f5f2;--ok:#1b5e20;--warn:#e65100;font-size:17px}
    *{box-sizing:border-box}
    body{margin:0;font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;color:var(--ink);background:var(--bg);line-height:1.55}
    a{color:#0d47a1}
    header.top{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem 1rem;padding:.5rem 1rem;background:var(--red);color:#fff}
    header.top a{color:#fff;text-decoration:none}
    .brand{font-weight:700;font-size:1.2rem}.brand small{font-weight:400;font-size:.75rem;opacity:.85}
    nav.main{display:flex;flex-wrap:wrap;gap:.2rem .8rem;flex:1 1 auto}
    nav.main a{padding:.2rem .1rem;border-bottom:2px solid transparent}
    nav.main a[aria-current]{border-bottom-color:#fff;font-weight:600}
    nav.main{align-items:center}
    details.navsec{position:relative}
    details.navsec>summary{list-style:none;cursor:pointer;padding:.2rem .1rem;border-bottom:2px solid transparent}
    details.navsec>summary::-webkit-details-marker{display:none}
    details.navsec>summary::after{content:" ▾";font-size:.75em;opacity:.85}
    details.navsec[data-current]>summary{border-bottom-color:#fff;font-weight:600}
    details.navsec ul{list-style:none;margin:.3rem 0 0;padding:.3rem 0;background:#fff;border:1px solid var(--line);border-radius:6px;box-shadow:0 4px 14px rgba(0,0,0,.18);min-width:10rem;position:absolute;z-index:20;left:0}
    details.navsec li a{display:block;padding:.45rem .9rem;color:var(--ink);border:0;white-space:nowrap}
    details.navsec li a[aria-current]{color:var(--red);font-weight:700;background:#fdecea}
    details.navsec li a:hover{background:#f4f4f4}
    .skip{position:absolute;left:.5rem;top:-3rem;z-index:50;background:#fff;color:var(--ink);padding:.5rem .9rem;border-radius:6px;text-decoration:none}
    .skip:focus{top:.5rem}
    :focus-visible{outline:3px solid #0b3d91;outline-offset:2px}
    header.top :focus-visible{outline-color:#fff}
    details.navsec li a:focus-visible,.skip:focus-visible{outline-color:#0b3d91;outline-offset:-3px}
    main:focus{outline:none}
    @media(max-width:40rem){header.top{gap:.3rem .8rem}nav.main{order:3;flex-basis:100%;gap:.2rem 1rem}details.navsec ul{position:fixed;left:.5rem;right:.5rem;top:auto}}
    .who{display:flex;gap:.6rem;align-items:center;font-size:.9rem;flex-wrap:wrap}
    .who .me{opacity:.9}
    form.inline{display:inline}
    button.link{background:none;border:0;color:inherit;font:inherit;cursor:pointer;text-decoration:underline;padding:0}
    main{margin:0 auto;padding:1rem}
    main.narrow{max-width:46rem}
    main.wide{max-width:110rem}
    h1{font-size:1.4rem;margin:.4rem 0 1rem}
    h2{font-size:1.15rem;margin:1.4rem 0 .6rem}
    .card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:1rem;margin:0 0 1rem}
    .grid2{display:grid;grid-template-columns:1fr;gap:1rem}
    @media(min-width:60rem){.grid2{grid-template-columns:1fr 1fr}.hotline{display:grid;grid-template-columns:2fr 1fr;gap:1rem;align-items:start}}
    .field{display:block;margin:0 0 .8rem}
    .field span{display:block;font-size:.9rem;color:var(--muted);margin-bottom:.2rem}
    .field small{color:var(--muted)}
    .req{color:var(--red)}
    input,select,textarea{width:100%;font:inherit;padding:.55rem .6rem;border:1px solid #bbb;border-radius:6px;background:#fff;min-height:2.75rem}
    input[type=checkbox]{width:auto;min-height:auto}
    input.narrow{width:7.5rem;display:inline-block}
    button,.button{display:inline-block;font:inherit;padding:.55rem 1.1rem;border-radius:6px;border:1px solid var(--red);background:var(--red);color:#fff;cursor:pointer;text-decoration:none;min-height:2.75rem}
    .button.secondary,button.secondary{background:#fff;color:var(--red)}
    button.danger{background:#fff;color:#b00020;border-color:#b00020}
    .actions{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;margin:.6rem 0}
    table{width:100%;border-collapse:collapse;background:#fff}
    th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
    th{font-size:.85rem;color:var(--muted);font-weight:600;background:#fafafa}
    .table-wrap{overflow-x:auto;border:1px solid var(--line);border-radius:8px}
    @media(max-width:40rem){table.stack thead{display:none}table.stack tr{display:block;border-bottom:1px solid var(--line);padding:.4rem 0}
      table.stack td{display:block;border:0;padding:.1rem .5rem}table.stack td[data-label]::before{content:attr(data-label)"：";color:var(--muted);font-size:.85rem}}
    .tag{display:inline-block;font-size:.8rem;padding:0 .4rem;margin:0 .2rem .2rem 0;border-radius:4px;background:#fdecea;color:var(--red);border:1px solid #f5c6c2}
    .muted{color:var(--muted)}
    .qr-sheet{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:1rem}
    figure.qr{margin:0;text-align:center;background:#fff;border:1px solid var(--line);border-radius:8px;padding:.6rem;break-inside:avoid}
    figure.qr svg{width:100%;height:auto}
    label.check{display:inline-flex;align-items:center;gap:.4rem;min-height:2.75rem}
    .mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace}
    figure.qr .qr-url{font-size:1.05rem;word-break:break-all}
    @media print{header.top,.flash,.muted{display:none}main{max-width:none}}
    .photos{display:flex;flex-wrap:wrap;gap:.5rem;margin:0 0 1rem}.photos img{width:7rem;height:7rem;object-fit:cover;border-radius:6px;border:1px solid var(--line)}ul.photos{list-style:none;padding:0}ul.photos li{display:flex;flex-direction:column;gap:.25rem}.goods-photo{width:100%;max-height:12rem;object-fit:cover;border-radius:6px}
    details.card>summary{cursor:pointer;font-weight:600;color:var(--red)}
    details.card[open]>summary{margin-bottom:.6rem}
    .flash{padding:.6rem .8rem;border-radius:6px;background:#e8f5e9;color:var(--ok);border:1px solid #c8e6c9}
    .flash.error,.error{background:#fdecea;color:#b00020;border:1px solid #f5c6c2;padding:.6rem .8rem;border-radius:6px}
    .filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.6rem;align-items:end}
    .filters .field{margin:0}
    .pager{display:flex;gap:1rem;align-items:center;justify-content:center;margin:1rem 0}
    .crumbs{font-size:.9rem;margin-bottom:.6rem;color:var(--muted)}
    ul.tree{list-style:none;padding:0;margin:0}
    ul.tree li{padding:.5rem .2rem;border-bottom:1px solid var(--line);display:flex;justify-content:space-between;gap:1rem}
    ul.tree li b{white-space:nowrap}
    ul.timeline li b{white-space:normal}ul.timeline li>span:last-child{flex:none}
    @media(max-width:40rem){ul.timeline li{flex-direction:column;gap:.15rem}}
    .stats.compact{display:grid;grid-template-columns:repeat(4,1fr);gap:.4rem}.stats.compact .stat{padding:.4rem;min-width:0;font-size:.85rem}.stats.compact .stat b{font-size:1.3rem;display:block}
    .big-actions{display:grid;grid-template-columns:1fr 1fr;gap:.8rem;margin:0 0 1rem}.button.big{font-size:1.4rem;padding:1.1rem .5rem;text-align:center}
    .rate-buttons{display:flex;gap:.6rem;flex-wrap:wrap}.rate-buttons button{flex:1 1 6rem;font-size:1.15rem;padding:.8rem}
    .card.reply{border-left:4px solid var(--accent, #1565c0)}
    .kind{font-size:.8rem;color:var(--muted)}
    dl.props{display:grid;grid-template-columns:8rem 1fr;gap:.3rem .8rem;margin:0}
    dl.props dt{color:var(--muted)}dl.props dd{margin:0}
    svg.boundary{display:block;width:100%;max-width:32rem;max-height:24rem;margin:auto;background:#fff;border:1px solid var(--line);border-radius:8px}
    .sign{background:#fff;border:3px solid var(--red);border-radius:12px;padding:1rem;max-width:36rem;margin:auto}
    .sign h1{color:var(--red);text-align:center}
    .stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.8rem}
    .stat{background:#fff;border:1px solid var(--line);border-radius:8px;padding:.8rem}
    .stat b{display:block;font-size:1.6rem}
    a.stat{text-decoration:none;color:var(--ink)}a.stat:hover{border-color:#0d47a1}
    a.stat.urgent{border-color:#b00020}a.stat.urgent b{color:#b00020}
    nav.tabs{display:flex;flex-wrap:wrap;gap:.3rem;margin:.6rem 0;border-bottom:2px solid var(--line)}
    nav.tabs a{padding:.45rem .8rem;border:1px solid transparent;border-bottom:0;border-radius:6px 6px 0 0;text-decoration:none;color:var(--ink);margin-bottom:-2px}
    nav.tabs a[aria-current]{background:#fff;border-color:var(--line);border-bottom:2px solid #fff;font-weight:700;color:var(--red)}
    nav.tabs .count{display:inline-block;min-width:1.5em;padding:0 .35em;border-radius:1em;background:#eee;font-size:.8rem;text-align:center}
    nav.tabs a[aria-current] .count{background:var(--red);color:#fff}
    tr.late td:first-child{box-shadow:inset 4px 0 0 #b00020}
    b.overdue{color:#b00020}
    .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
    .tiles{display:grid;grid-template-columns:1fr 1fr;gap:.8rem;margin:0 0 1rem}.tiles .button.big{font-size:1.15rem;padding:1rem .4rem}
    .badge{display:inline-block;min-width:1.4em;padding:0 .4em;margin-left:.3em;border-radius:1em;background:#fff;color:var(--red);font-size:.85em;font-weight:700}
    .card.notice{border-left:4px solid var(--line)}.card.notice.unread{border-left-color:var(--red)}.card.notice.urgent{border-left-color:#b00020;background:#fff8f7}
    .notice-body{font-size:1.05rem}.notice-body ul,.notice-body ol{padding-left:1.4rem}
    .poster{max-width:190mm;margin:auto;background:#fff;padding:12mm;border:1px solid var(--line)}.poster h2{font-size:1.8rem;text-align:center;color:var(--red)}
    .poster figure.qr{max-width:60mm;margin:1rem auto}.poster .sign-off{text-align:right}
    @media print{@page{size:A4;margin:10mm}.poster{border:0;padding:0}}
    .scroll-box{max-height:18rem;overflow:auto;border:1px solid var(--line);border-radius:6px;padding:.4rem .6rem;background:#fff}
    body.care{font-size:1.3rem;--muted:#333;--line:#777}
    body.care main{max-width:40rem}body.care .card{border-width:2px}
    body.care .button,body.care button{min-height:3.5rem;font-size:1.3rem}
    body.care .tiles{grid-template-columns:1fr}body.care .tiles .button.big{font-size:1.6rem;padding:1.3rem .5rem}
    body.care main a:not(.button):not(.stat){color:#002f6c}body.care .muted{color:#222}
    pre.errors{white-space:pre-wrap;background:#fff;border:1px solid var(--line);padding:.6rem;max-height:24rem;overflow:auto}
    a.card{display:block;color:inherit;text-decoration:none}a.card b{color:var(--red)}
    .materials{display:flex;flex-wrap:wrap;gap:.6rem}.materials figure{margin:0;max-width:10rem}.materials img{max-width:100%;height:auto;border:1px solid var(--line)}
    .place-map{display:block;width:100%;height:auto}figure.map{padding:.4rem}.card.place.open{border-left:4px solid #2e7d32}
    .button.call{display:block;margin:.4rem 0}.button.call small{display:block;font-weight:400;opacity:.9}tr.today{font-weight:700}
    """

    package static let js = """
    // Small improvements on top of pages that already work without JavaScript.
    document.addEventListener('submit', function (e) {
      var msg = e.target.getAttribute('data-confirm');
      if (msg && !window.confirm(msg)) { e.preventDefault(); }
    });
    document.addEventListener('change', function (e) {
      if (e.target.matches('[data-autosubmit]')) { e.target.form.submit(); }
    });
    // The navigation's section menus: one open at a time, closed by a click elsewhere or Escape.
    document.addEventListener('toggle', function (e) {
      if (!e.target.matches || !e.target.matches('details.navsec') || !e.target.open) return;
      document.querySelectorAll('details.navsec[open]').forEach(function (d) { if (d !== e.target) d.open = false; });
    }, true);
    document.addEventListener('keydown', function (e) {
      if (e.key !== 'Escape') return;
      document.querySelectorAll('details.navsec[open]').forEach(function (d) { d.open = false; d.querySelector('summary').focus(); });
    });
    document.addEventListener('click', function (e) {
      if (!e.target.closest('details.navsec')) document.querySelectorAll('details.navsec[open]').forEach(function (d) { d.open = false; });
      if (e.target.matches('[data-back]') && history.length > 1) { e.preventDefault(); history.back(); }
      if (e.target.matches('[data-print]')) { window.print(); }
    });
    // A list that keeps itself current ([data-live-page="seconds"]): the page is fetched again and the part swapped
    // in place, unless the user is working in it (a box ticked, a field focused).
    document.querySelectorAll('[data-live-page]').forEach(function (part, i) {
      var every = Math.max(10, parseInt(part.getAttribute('data-live-page'), 10) || 30) * 1000;
      var busy = function () { return part.querySelector('input:checked, :focus') !== null; };
      var refresh = function () {
        if (document.hidden || busy()) { setTimeout(refresh, every); return; }
        fetch(location.href, {credentials: 'same-origin', headers: {'Accept': 'text/html'}})
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) {
            if (!html || busy()) return;
            var fresh = new DOMParser().parseFromString(html, 'text/html').querySelectorAll('[data-live-page]')[i];
            if (fresh && fresh.innerHTML !== part.innerHTML) { part.innerHTML = fresh.innerHTML; part.setAttribute('data-refreshed', Date.now()); }
          })
          .catch(function () {})
          .then(function () { setTimeout(refresh, every); });
      };
      setTimeout(refresh, every);
    });
    // A screen that must stay current (the venue's rotating check-in code) reloads itself; without script it offers a link.
    document.querySelectorAll('[data-reload-every]').forEach(function (el) {
      setTimeout(function () { location.reload(); }, Math.max(10, parseInt(el.getAttribute('data-reload-every'), 10) || 60) * 1000);
    });
    // The hotline page: Ctrl+Enter files; a known caller's phone fills in their home and lists their open cases.
    (function () {
      var form = document.getElementById('hotline-form');
      if (!form) return;
      form.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : form.submit(); }
      });
      var phone = form.elements.reporterPhone, place = form.elements.place, known = document.getElementById('caller-known');
      phone.addEventListener('change', function () {
        if (!/^1\\d{10}$/.test(phone.value)) return;
        var body = new URLSearchParams({phone: phone.value, _csrf: form.elements._csrf.value});
        fetch(form.dataset.caller, {method: 'POST', body: body, credentials: 'same-origin'})
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (k) {
            if (!k) return;
            if (k.place && !place.value) place.value = k.place;
            var text = [];
            if (k.place) text.push(form.getAttribute('data-lives-at') + '：' + k.place);
            if (k.openCases.length) text.push(form.getAttribute('data-open-cases') + '：' + k.openCases.join('、'));
            known.textContent = text.join('；');
          });
      });
    })();
    """

    package static func register(_ app: Application) {
        app.get(SiteURL.Pattern.stylesheet) { _ -> Response in
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])
            headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
            return Response(status: .ok, headers: headers, body: .init(string: css))
        }
        app.get(SiteURL.Pattern.script) { _ -> Response in
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "application", subType: "javascript", parameters: ["charset": "utf-8"])
            headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
            return Response(status: .ok, headers: headers, body: .init(string: js))
        }
    }
}
