import Fluent
import JingzhiCore
import Vapor

/// The command centre in the browser (一屏观、一网管): `/command` for a desk, `/command/wall` for a 1920×1080 wall
/// screen. Both work without JavaScript; with it they fetch `/command/live` every 30 seconds and swap the figures,
/// the map, the lists and the charts in place.
enum CommandCentrePages {
    static let refreshSeconds = 30

    static func register(_ app: Application, web: any RoutesBuilder) {
        CommandCentreAssets.register(app)
        typealias P = SiteURL.CommandCentre.Pattern
        web.get(P.desk, use: desk)
        web.get(P.wall, use: wall)
        web.get(P.live, use: live)
        web.post(P.supervise, use: supervise)
        web.get(P.replay, use: replay)
    }

    /// The query as sent: node, period, category.
    struct Params {
        var node: String
        var period: String
        var category: String

        init(_ req: Request) {
            func raw(_ key: String) -> String { ((try? req.query.get(String?.self, at: key)) ?? nil) ?? "" }
            node = raw("node")
            period = raw("period")
            category = raw("category")
        }

        var query: [(String, String)] { [("node", node), ("period", period), ("category", category)] }
    }

    static func data(_ req: Request, _ p: Params) async throws -> CommandCentreViews.Data {
        let node = try await CommandCentreAccess.node(req, raw: p.node)
        let period = try CommandCentreAccess.period(p.period)
        let category = try await CommandCentreAccess.category(p.category, on: req.db)
        return try await CommandCentreViews.load(req, node: node, period: period, category: category)
    }

    /// `{"error": {code, message, field}}`, as the API answers.
    struct ErrorBody: Content {
        struct Detail: Content { var code: String; var message: String; var field: String? }
        var error: Detail
        init(_ e: APIError) { error = Detail(code: e.code, message: e.message, field: e.field) }
    }

    /// Seconds between refreshes: `refresh=` (5–300) or 30.
    static func refresh(_ req: Request) -> Int {
        ((try? req.query.get(Int?.self, at: "refresh")) ?? nil).map { min(300, max(5, $0)) } ?? refreshSeconds
    }

    static func back(_ req: Request) -> String { req.url.path + (req.url.query.map { "?" + $0 } ?? "") }

    @Sendable static func desk(req: Request) async throws -> HTML {
        let p = Params(req)
        let d = try await data(req, p)
        let parts = CommandCentreViews.fragments(req, d, theme: .light, back: back(req))
        let name = d.node?.name ?? req.t("全域", "Everywhere")
        let body: HTML = """
        <link rel="stylesheet" href="\(SiteURL.CommandCentre.stylesheet.path)">
        <div class="cc-desk" data-refresh="\(refresh(req))" data-live-url="\(SiteURL.CommandCentre.live(query: p.query + [("theme", "light")]).path)">
        \(try await filters(req, p, d))
        <p class="actions"><a class="button secondary" href="\(SiteURL.CommandCentre.wall(query: p.query).path)">\(req.t("大屏模式", "Wall screen"))</a>
        \(d.node.map { n in [.street, .community, .county].contains(n.kind) ? HTML("<a class=\"button secondary\" href=\"\(SiteURL.Measures.monthly(query: [("node", n.id!.uuidString)]).path)\">\(req.t("月度通报", "Monthly report"))</a>") : .empty } ?? .empty)
        <span class="muted">\(req.t("更新于", "As of")) <span data-live="asof">\(parts["asof"]!)</span></span></p>
        <section class="cc-counts" data-live="counts">\(parts["counts"]!)</section>
        <section class="card" data-live="rates">\(parts["rates"]!)</section>
        <div class="grid2">
        <section class="card"><h2>\(req.t("网格地图", "Grid map"))</h2><div data-live="map">\(parts["map"]!)</div></section>
        <div>
        <section class="card"><h2>\(req.t("超期诉求", "Overdue")) <a class="cc-more" href="\(CommandCentreViews.casesLink(d.node?.id, state: "overdue"))">\(req.t("全部", "All"))</a></h2><div data-live="overdue">\(parts["overdue"]!)</div></section>
        <section class="card"><h2>\(req.t("即将到期（24小时内）", "Due within 24 hours"))</h2><div data-live="duesoon">\(parts["duesoon"]!)</div></section>
        <section class="card"><h2>\(req.t("正在巡查", "On patrol now"))</h2><div data-live="patrols">\(parts["patrols"]!)</div></section>
        </div></div>
        <section class="card"><h2>\(req.t("趋势", "Trends"))</h2><div class="grid2" data-live="trends">\(parts["trends"]!)</div></section>
        \(try await req.application.commandCentre.sections.asyncMap { try await $0(req, d.node) }.compactMap { $0 })
        </div>
        <script src="\(SiteURL.CommandCentre.script.path)" defer></script>
        """
        return Layout(req: req, title: req.t("指挥中心 · \(name)", "Command centre · \(name)"), wide: true).render(body)
    }

    /// The GET form: subtree, period, category. Nodes offered are the county, streets and communities in scope, and
    /// the grids when the scope is one community or smaller; a scope with a single area names it instead of a select.
    static func filters(_ req: Request, _ p: Params, _ d: CommandCentreViews.Data) async throws -> HTML {
        let actor = try req.requireActor()
        var nodes = try await OrgNode.query(on: req.db).within(actor.scope)
            .filter(\.$kindRaw ~~ [NodeKind.county, .street, .community].map(\.rawValue)).sort(\.$path).limit(400).all()
        if nodes.count <= 1 {
            nodes = try await OrgNode.query(on: req.db).within(actor.scope)
                .filter(\.$kindRaw ~~ [NodeKind.county, .street, .community, .grid].map(\.rawValue)).sort(\.$path).limit(400).all()
        }
        let categories = try await CaseCategory.query(on: req.db).filter(\.$parentID == nil).sort(\.$code).all()
        let area: HTML = nodes.count > 1
            ? Form.select(req.t("范围", "Area"), name: "node", options: nodes.map { ($0.id!.uuidString, String(repeating: "　", count: max(0, $0.depth - (nodes.first?.depth ?? 0))) + $0.name) },
                          selected: d.node?.id?.uuidString)
            : "<p class=\"field\"><span>\(req.t("范围", "Area"))</span> <b>\(d.node?.name ?? nodes.first?.name ?? "")</b></p>"
        return """
        <form method="get" action="\(SiteURL.CommandCentre.desk(query: []).path)" class="filters card">
        \(area)
        \(Form.select(req.t("地图时段", "Map period"), name: "period", options: CommandCentrePeriod.allCases.map { ($0.rawValue, $0.label(req.lang)) }, selected: d.period.rawValue))
        \(Form.select(req.t("诉求类别", "Category"), name: "category", options: categories.map { ($0.code, $0.name) }, selected: d.category?.code, includeBlank: req.t("全部类别", "All")))
        <button>\(req.t("查看", "Show"))</button>
        </form>
        """
    }

    @Sendable static func wall(req: Request) async throws -> Response {
        let p = Params(req)
        let d = try await data(req, p)
        let parts = CommandCentreViews.fragments(req, d, theme: .dark, back: back(req))
        let name = d.node?.name ?? req.t("全域", "Everywhere")
        let html: HTML = """
        <!doctype html>
        <html lang="\(req.lang == .zh ? "zh-CN" : "en")"><head><meta charset="utf-8">
        <meta name="viewport" content="width=1920">
        <title>\(name) · \(req.t("指挥中心", "Command centre"))</title>
        <link rel="stylesheet" href="\(SiteURL.CommandCentre.stylesheet.path)"><script src="\(SiteURL.CommandCentre.script.path)" defer></script>
        </head>
        <body class="cc-wall" data-refresh="\(refresh(req))" data-live-url="\(SiteURL.CommandCentre.live(query: p.query + [("theme", "dark")]).path)">
        <header><h1>\(name) \(req.t("指挥中心", "Command centre")) <small>\(req.t("一屏观、一网管", "one screen, one network"))</small></h1>
        <div class="cc-clock"><span data-live="asof">\(parts["asof"]!)</span> · \(d.period.label(req.lang))\(d.category.map { " · " + $0.name } ?? "")
        · <a href="\(SiteURL.CommandCentre.desk(query: p.query).path)">\(req.t("桌面版", "Desk view"))</a></div></header>
        <main>
        <section class="cc-left"><div class="cc-counts" data-live="counts">\(parts["counts"]!)</div><div data-live="rates">\(parts["rates"]!)</div></section>
        <section class="cc-centre"><div class="cc-map" data-live="map">\(parts["map"]!)</div>
        <div class="cc-trends" data-live="trends">\(CommandCentreViews.wallTrends(req, d.trends))</div></section>
        <section class="cc-right">
        <h2>\(req.t("超期诉求", "Overdue"))</h2><div class="cc-scroll" data-live="overdue">\(parts["overdue"]!)</div>
        <h2>\(req.t("即将到期", "Due soon"))</h2><div class="cc-scroll" data-live="duesoon">\(parts["duesoon"]!)</div>
        <h2>\(req.t("正在巡查", "On patrol now"))</h2><div data-live="patrols">\(parts["patrols"]!)</div>
        </section>
        </main></body></html>
        """
        return try await html.encodeResponse(for: req)
    }

    /// The live pieces as JSON `{"asOf": …, "parts": {name: html}}` for the script on both pages.
    @Sendable static func live(req: Request) async throws -> Response {
        let p = Params(req)
        let dark = (try? req.query.get(String.self, at: "theme")) == "dark"
        let d = try await data(req, p)
        let desk = SiteURL.CommandCentre.desk(query: []).path
        let from = req.headers.first(name: "X-Page") ?? desk
        var parts = CommandCentreViews.fragments(req, d, theme: dark ? .dark : .light, back: from.hasPrefix(desk) ? from : desk)
        if dark { parts["trends"] = CommandCentreViews.wallTrends(req, d.trends) }
        let json: [String: Any] = ["asOf": ShanghaiTime.format(d.summary.asOf, "yyyy-MM-dd HH:mm:ss"), "parts": parts.mapValues(\.raw)]
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: try JSONSerialization.data(withJSONObject: json)))
    }

    struct SuperviseForm: Content {
        var caseId: String?
        var note: String?
        var back: String?
    }

    /// 督办 from either page: records the notice and goes back; a script on the page does the same without leaving.
    @Sendable static func supervise(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard CommandCentreAccess.roles.contains(actor.role) else { throw CommandCentreAccess.notForYou }
        let f = try req.content.decode(SuperviseForm.self)
        let desk = SiteURL.CommandCentre.desk(query: []).path
        let back = (f.back ?? "").hasPrefix(desk) ? f.back! : desk
        let wantsJSON = req.headers.accept.contains { $0.mediaType == .json }
        do {
            let outcome = try await CaseSupervision(db: req.db, now: req.now)
                .supervise(caseID: f.caseId.flatMap(UUID.init(uuidString:)), note: f.note, by: actor, source: req.auditSource)
            // The page's script asked: answer in JSON (errors come back as JSON too, see below).
            if wantsJSON { return try await outcome.encodeResponse(status: .created, for: req) }
            req.flash(req.t("已督办诉求 \(outcome.number)，已通知 \(outcome.notified) 人", "Supervised \(outcome.number); \(outcome.notified) notified"))
        } catch let e as APIError where e.status == .conflict || wantsJSON {
            if wantsJSON { return try await ErrorBody(e).encodeResponse(status: e.status, for: req) }
            req.flash(req.words(e), kind: "error")
        }
        return req.redirect(to: back, redirectType: .normal)
    }

    /// A patrol's track drawn on its grid (or on the scope's grids) once the patrol feature provides tracks.
    @Sendable static func replay(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        guard CommandCentreAccess.roles.contains(actor.role) else { throw CommandCentreAccess.notForYou }
        guard let provider = req.application.commandCentre.track else {
            throw APIError(.notFound, code: "no_patrols", "暂无巡查数据 (patrol tracks are not available)")
        }
        guard let id = req.parameters.get("id", as: UUID.self), let track = try await provider(req.db, actor, id) else { throw APIError.notFound }
        var grid: OrgNode?
        if let id = track.gridId { grid = try await OrgNode.find(id, within: actor.scope, on: req.db) }
        if grid == nil { grid = try await CommandCentreAccess.node(req, raw: nil) }
        let grids = try await CommandCentreService(req: req).grids(under: grid)
        let areas = grids.compactMap { g in g.boundary.map { GridMapSVG.Area(id: g.node.code, label: g.node.name, boundary: $0, value: nil, detail: "", href: nil) } }
        let svg = GridMapSVG.render(areas: areas, scale: ChoroplethScale(maxValue: 1),
                                    tracks: [.init(label: track.workerName, points: track.points.map { ($0.longitude, $0.latitude) }, color: "#1e88e5",
                                                   times: track.points.map { ShanghaiTime.format($0.at, "HH:mm:ss") })],
                                    labels: .init(title: req.t("巡查轨迹回放", "Patrol track"), legendTitle: "", noData: req.t("网格", "Grid"), heat: ""),
                                    width: 900, height: 600, plainFill: "#eef2f8")
        return Layout(req: req, title: req.t("巡查轨迹 · \(track.workerName)", "Patrol track · \(track.workerName)"), wide: true).render("""
        <link rel="stylesheet" href="\(SiteURL.CommandCentre.stylesheet.path)">
        <section class="card cc-replay" data-replay data-play-label="\(req.t("播放", "Play"))" data-pause-label="\(req.t("暂停", "Pause"))"
         data-slider-label="\(req.t("回放位置", "Replay position"))">\(svg)
        <p class="muted">\(req.t("共 \(track.points.count) 个定位点", "\(track.points.count) positions"))\(track.points.first.map { "，\(ShanghaiTime.format($0.at, "HH:mm")) – " } ?? "")\(track.points.last.map { ShanghaiTime.format($0.at, "HH:mm") } ?? "")</p>
        <p><a href="\(SiteURL.Patrols.detail(track.patrolId).path)">\(req.t("巡查详情（打卡、事件、异常定位）", "Patrol details (check-ins, events, flagged fixes)"))</a> ·
        <a href="\(SiteURL.CommandCentre.desk(query: []).path)">\(req.t("返回指挥中心", "Back to the command centre"))</a></p></section>
        <script src="\(SiteURL.CommandCentre.script.path)" defer></script>
        """)
    }
}
