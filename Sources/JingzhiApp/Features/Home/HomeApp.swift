import JingzhiCore
import Vapor

/// The installable web app (添加到主屏幕): a manifest, a small service worker that keeps the shell (styles, script,
/// icon, the offline page) and answers a page it cannot fetch with the offline page. Pages themselves are never
/// cached, so nothing personal stays on a shared phone.
enum HomeApp {
    static func register(_ web: any RoutesBuilder) {
        typealias P = SiteURL.Home.Pattern
        web.get(P.manifest, use: manifest)
        web.get(P.serviceWorker, use: serviceWorker)
        web.get(P.offline, use: offline)
        web.get(P.icon, use: icon)
        web.get(P.register, use: registration)
    }

    /// Bump when the shell changes, so phones drop the old copy.
    static let version = "jz-shell-1"

    static var shell: [String] {
        [SiteURL.stylesheet.path, SiteURL.script.path, SiteURL.Home.offline.path, SiteURL.Home.icon.path, SiteURL.Home.register.path]
    }

    static func head(_ req: Request) -> HTML {
        """
        <link rel="manifest" href="\(SiteURL.Home.manifest.path)"><meta name="theme-color" content="#b71c1c">
        <link rel="icon" href="\(SiteURL.Home.icon.path)" type="image/svg+xml"><link rel="apple-touch-icon" href="\(SiteURL.Home.icon.path)">
        <script src="\(SiteURL.Home.register.path)" defer></script>
        """
    }

    static func response(_ body: String, type: String, cache: String = "no-cache") -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: type)
        headers.replaceOrAdd(name: .cacheControl, value: cache)
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }

    @Sendable static func manifest(req: Request) async throws -> Response {
        let name = req.t("精治 · 我的社区", "Jingzhi · My community")
        let json = """
        {"name":"\(name)","short_name":"\(req.t("精治", "Jingzhi"))","lang":"\(req.lang == .zh ? "zh-CN" : "en")","start_url":"/","scope":"/",
        "display":"standalone","background_color":"#ffffff","theme_color":"#b71c1c",
        "icons":[{"src":"\(SiteURL.Home.icon.path)","sizes":"any","type":"image/svg+xml","purpose":"any maskable"}]}
        """
        return response(json, type: "application/manifest+json")
    }

    @Sendable static func serviceWorker(req: Request) async throws -> Response {
        let shell = Self.shell.map { "'\($0)'" }.joined(separator: ",")
        let js = """
        const SHELL = '\(version)';
        self.addEventListener('install', e => { e.waitUntil(caches.open(SHELL).then(c => c.addAll([\(shell)])).then(() => self.skipWaiting())); });
        self.addEventListener('activate', e => { e.waitUntil(caches.keys().then(ks => Promise.all(ks.filter(k => k !== SHELL).map(k => caches.delete(k)))).then(() => self.clients.claim())); });
        self.addEventListener('fetch', e => {
          const r = e.request;
          if (r.method !== 'GET' || new URL(r.url).origin !== location.origin) return;
          if (r.mode === 'navigate') {
            e.respondWith(fetch(r).catch(() => caches.match('\(SiteURL.Home.offline.path)')));
            return;
          }
          const path = new URL(r.url).pathname;
          if ([\(shell)].includes(path)) {
            e.respondWith(fetch(r).then(res => { const copy = res.clone(); caches.open(SHELL).then(c => c.put(r, copy)); return res; })
              .catch(() => caches.match(r)));
          }
        });
        """
        var res = response(js, type: "text/javascript")
        res.headers.replaceOrAdd(name: "Service-Worker-Allowed", value: "/")
        return res
    }

    /// No site chrome: the page is kept on the phone, so it must carry nothing about whoever was signed in.
    @Sendable static func offline(req: Request) async throws -> Response {
        let html = """
        <!doctype html><html lang="\(req.lang == .zh ? "zh-CN" : "en")"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(req.t("网络未连接", "You are offline")) · \(req.t("精治", "Jingzhi"))</title><link rel="stylesheet" href="\(SiteURL.stylesheet.path)"></head>
        <body><main id="main" class="narrow"><h1>\(req.t("网络未连接", "You are offline"))</h1>
        <div class="card"><p>\(req.t("手机暂时没有网络，连上后再试。", "The phone has no connection right now; try again once it is back."))</p>
        <p>\(req.t("紧急情况请直接拨打网格员电话或 110、120。", "In an emergency call your grid worker, or 110 / 120."))</p>
        <p><a class="button big" href="\(SiteURL.home.path)">\(req.t("重新加载", "Try again"))</a></p></div></main></body></html>
        """
        return response(html, type: "text/html; charset=utf-8")
    }

    /// Registers the service worker (a file, as the content security policy allows no inline script).
    @Sendable static func registration(req: Request) async throws -> Response {
        let js = "if ('serviceWorker' in navigator) { addEventListener('load', function () { navigator.serviceWorker.register('\(SiteURL.Home.serviceWorker.path)').catch(function () {}); }); }"
        return response(js, type: "text/javascript", cache: "public, max-age=3600")
    }

    @Sendable static func icon(req: Request) async throws -> Response {
        let svg = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 192 192"><rect width="192" height="192" rx="36" fill="#b71c1c"/>
        <text x="96" y="128" font-size="104" text-anchor="middle" fill="#fff" font-family="sans-serif" font-weight="700">精</text></svg>
        """
        return response(svg, type: "image/svg+xml", cache: "public, max-age=86400")
    }
}
