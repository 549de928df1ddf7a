import JingzhiCore
import Vapor

/// The command centre's and the reports' stylesheet and script, served from memory like `Assets`.
enum CommandCentreAssets {
    static let css = """
    .cc-counts{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:.8rem;margin:0 0 1rem}
    .cc-tally{background:#fff;border:1px solid var(--line,#ddd);border-radius:8px;padding:.6rem .8rem}
    .cc-tally h3,.card h3{font-size:.95rem;margin:0 0 .4rem;color:var(--muted,#666)}
    .cc-tally dl,.cc-rates{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;margin:0}
    .cc-tally dt,.cc-rates dt{font-size:.8rem;color:var(--muted,#666)}
    .cc-tally dd,.cc-rates dd{margin:0;font-size:1.5rem;font-weight:700}
    .cc-rates .cc-n{font-size:.75rem;font-weight:400;margin-left:.3rem;color:var(--muted,#666)}
    .cc-tally .bad dd,.cc-due.bad{color:#b00020}.cc-tally .good dd{color:#1b5e20}.cc-tally .warn dd{color:#e65100}
    .cc-note{font-size:.85rem;color:var(--muted,#666);margin:.3rem 0;grid-column:1/-1}
    .cc-list{list-style:none;margin:0;padding:0}
    .cc-list li{display:flex;flex-wrap:wrap;gap:.2rem .6rem;align-items:center;padding:.35rem 0;border-bottom:1px solid var(--line,#ddd)}
    .cc-cat{font-size:.85rem;padding:0 .3rem;border-radius:4px;background:#eef2f8}
    .cc-place{color:var(--muted,#666);font-size:.9rem}
    .cc-done{font-size:.85rem;color:#1b5e20}
    .cc-supervise{margin-left:auto}.cc-supervise button{min-height:2rem;padding:.15rem .7rem}
    .cc-more{font-size:.85rem;font-weight:400;margin-left:.6rem}
    svg.gridmap,figure.cc-chart svg{display:block;width:100%;height:auto}
    figure.cc-chart{margin:0}
    .cc-replay svg.gridmap{max-height:70vh}
    .cc-replay-controls{display:flex;gap:.8rem;align-items:center}.cc-replay-controls input{flex:1}
    .cc-replay-controls output{font-variant-numeric:tabular-nums;min-width:5.5em}
    .cc-wall *{box-sizing:border-box}
    body.cc-wall{margin:0;width:100vw;height:100vh;overflow:hidden;background:#0b1426;color:#e8eef7;
      font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;font-size:20px}
    .cc-wall a{color:#90caf9}
    .cc-wall header{height:7vh;display:flex;align-items:center;justify-content:space-between;padding:0 1.5vw;
      background:linear-gradient(90deg,#7f0000,#b71c1c 40%,#0b1426);border-bottom:2px solid #d32f2f}
    .cc-wall h1{font-size:2.1rem;margin:0;letter-spacing:.1em}.cc-wall h1 small{font-size:1rem;opacity:.8;letter-spacing:0}
    .cc-wall .cc-clock{font-size:1.1rem}
    .cc-wall main{height:93vh;display:grid;grid-template-columns:23% 1fr 27%;gap:1vw;padding:1vh 1vw;box-sizing:border-box}
    .cc-wall section{min-height:0;overflow:hidden}
    .cc-wall h2{font-size:1.1rem;margin:.6vh 0;color:#ffcdd2}
    .cc-wall .cc-counts{grid-template-columns:1fr;gap:.8vh;margin:0 0 1vh}
    .cc-wall .cc-tally{background:#12203a;border-color:#1f3358;padding:.5vh .8vw}
    .cc-wall .cc-tally h3,.cc-wall h3{color:#9fb0c8;font-size:.95rem;margin:0 0 .3vh}
    .cc-wall .cc-tally dt,.cc-wall .cc-rates dt,.cc-wall .cc-note{color:#9fb0c8}
    .cc-wall .cc-tally dd,.cc-wall .cc-rates dd{font-size:1.9rem;color:#fff}
    .cc-wall .cc-tally .bad dd,.cc-wall .cc-due.bad{color:#ff5252}.cc-wall .cc-tally .good dd{color:#69f0ae}.cc-wall .cc-tally .warn dd{color:#ffab40}
    .cc-wall .cc-centre{display:grid;grid-template-rows:62% 38%;gap:1vh}
    .cc-wall .cc-map{background:#0f1a2e;border:1px solid #1f3358;border-radius:6px;display:flex;flex-direction:column;min-height:0}
    .cc-wall .cc-map svg{flex:1 1 auto;min-height:0;width:100%;height:100%}
    .cc-wall .cc-map .cc-note{margin:.2vh .6vw}
    .cc-wall .cc-trends{display:grid;grid-template-columns:1fr 1fr;gap:1vw;min-height:0;align-items:start}
    .cc-wall .cc-trends svg{width:100%;height:auto;max-height:36vh}
    .cc-wall .cc-scroll{max-height:31vh;overflow:hidden}
    .cc-wall .cc-list li{border-color:#1f3358;padding:.3vh 0;font-size:.95rem}
    .cc-wall .cc-cat{background:#1f3358}.cc-wall .cc-place,.cc-wall .muted{color:#9fb0c8}
    /* Wall text is read from 3 m: nothing under 20 px. */
    .cc-wall .cc-tally h3,.cc-wall h3,.cc-wall .cc-tally dt,.cc-wall .cc-rates dt,.cc-wall .cc-note,.cc-wall .cc-list li,
    .cc-wall .cc-cat,.cc-wall .cc-place,.cc-wall .cc-done,.cc-wall .cc-rates .cc-n{font-size:20px}
    .cc-wall h2{font-size:24px}.cc-wall .cc-clock{font-size:22px}.cc-wall h1 small{font-size:20px}
    .cc-wall .cc-tally dd,.cc-wall .cc-rates dd{font-size:34px}
    .cc-wall .cc-rates .cc-n{color:#9fb0c8;margin-left:.4rem}
    .cc-wall .cc-supervise button{font-size:20px;min-height:2.2rem}
    .cc-wall .cc-supervise button{background:#b71c1c;color:#fff;border:1px solid #ff5252;border-radius:4px;font:inherit;cursor:pointer}
    .report h2{border-left:4px solid var(--red,#b71c1c);padding-left:.5rem}
    .report table td.num,.report table th.num{text-align:right;font-variant-numeric:tabular-nums}
    .report .figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.6rem}
    .report .figures div{background:#fff;border:1px solid var(--line,#ddd);border-radius:6px;padding:.5rem}
    .report .figures b{display:block;font-size:1.4rem}
    body.print{background:#fff;margin:0 auto;max-width:190mm;padding:8mm 0;font-size:11pt}
    body.print table{font-size:10pt}body.print th,body.print td{padding:.2rem .35rem}
    @page{size:A4;margin:12mm}
    @media print{body.print{padding:0;max-width:none}.no-print{display:none}
      .report section{break-inside:avoid}.report table{break-inside:auto}.report tr{break-inside:avoid}
      .report .figures div{border-color:#999}}
    """

    static let js = """
    // Live refresh of the command centre: fetch the freshly rendered pieces and swap them in place.
    (function () {
      var root = document.querySelector('[data-live-url]');
      if (root) {
        var every = Math.max(5, parseInt(root.getAttribute('data-refresh'), 10) || 30) * 1000;
        var refresh = function () {
          fetch(root.getAttribute('data-live-url'), {credentials: 'same-origin',
                headers: {'Accept': 'application/json', 'X-Page': location.pathname + location.search}})
            .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
            .then(function (data) {
              Object.keys(data.parts).forEach(function (name) {
                document.querySelectorAll('[data-live="' + name + '"]').forEach(function (el) { el.innerHTML = data.parts[name]; });
              });
              root.setAttribute('data-refreshed', data.asOf);
              root.removeAttribute('data-stale');
            })
            .catch(function () { root.setAttribute('data-stale', '1'); })
            .then(function () { setTimeout(refresh, every); });
        };
        setTimeout(refresh, every);
      }
      // Track replay: a play button and a slider step the drawn part of the track and its head through the fixes.
      document.querySelectorAll('[data-replay]').forEach(function (box) {
        var g = box.querySelector('g.replay');
        if (!g) { return; }
        var pts = g.getAttribute('data-points').split(' '), times = g.getAttribute('data-times').split('|');
        var done = g.querySelector('.track-done'), head = g.querySelector('.track-head'), last = pts.length - 1;
        var controls = document.createElement('p'), play = document.createElement('button');
        var slider = document.createElement('input'), time = document.createElement('output');
        controls.className = 'cc-replay-controls';
        play.type = 'button';
        play.className = 'secondary';
        play.textContent = box.getAttribute('data-play-label');
        slider.type = 'range'; slider.min = '0'; slider.max = String(last); slider.value = String(last);
        slider.setAttribute('aria-label', box.getAttribute('data-slider-label'));
        time.textContent = times[last];
        controls.appendChild(play); controls.appendChild(slider); controls.appendChild(time);
        box.insertBefore(controls, g.ownerSVGElement.nextSibling);
        var show = function (i) {
          done.setAttribute('d', 'M' + pts.slice(0, i + 1).join('L'));
          var c = pts[i].split(',');
          head.setAttribute('cx', c[0]); head.setAttribute('cy', c[1]);
          time.textContent = times[i];
          slider.value = String(i);
          box.setAttribute('data-at', String(i));
        };
        var timer = null;
        var stop = function () { clearInterval(timer); timer = null; play.textContent = box.getAttribute('data-play-label'); };
        play.addEventListener('click', function () {
          if (timer) { stop(); return; }
          var i = +slider.value >= last ? 0 : +slider.value, step = Math.max(1, Math.ceil(pts.length / 200));
          play.textContent = box.getAttribute('data-pause-label');
          show(i);
          timer = setInterval(function () { i = Math.min(last, i + step); show(i); if (i >= last) { stop(); } }, 50);
        });
        slider.addEventListener('input', function () { if (timer) { stop(); } show(+slider.value); });
      });
      // 督办 without leaving the page; without the script the form posts and comes back.
      document.addEventListener('submit', function (e) {
        var form = e.target;
        if (!form.matches || !form.matches('form[data-supervise]')) { return; }
        e.preventDefault();
        var button = form.querySelector('button');
        button.disabled = true;
        fetch(form.action, {method: 'POST', credentials: 'same-origin', headers: {'Accept': 'application/json'},
                            body: new URLSearchParams(new FormData(form))})
          .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
          .then(function (res) {
            button.textContent = res.ok ? '已督办' : (res.body.error ? res.body.error.message.split(' (')[0] : '督办失败');
            form.classList.add(res.ok ? 'done' : 'failed');
          })
          .catch(function () { button.disabled = false; });
      });
    })();
    """

    static func register(_ app: Application) {
        app.get(SiteURL.CommandCentre.Pattern.stylesheet) { _ in serve(css, type: HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])) }
        app.get(SiteURL.CommandCentre.Pattern.script) { _ in serve(js, type: HTTPMediaType(type: "application", subType: "javascript", parameters: ["charset": "utf-8"])) }
    }

    private static func serve(_ text: String, type: HTTPMediaType) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = type
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}
