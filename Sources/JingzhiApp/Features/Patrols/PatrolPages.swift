import Fluent
import JingzhiCore
import Vapor

/// The grid worker's phone page (/patrol): start, live distance and time, check-ins, events with photos, end.
/// Without JavaScript every form still works; with it, the page records the track and sends it in batches.
enum PatrolPages {
    static func register(_ web: any RoutesBuilder) {
        typealias P = SiteURL.Patrols.Pattern
        web.get(P.patrol, use: page)
        web.post(P.start, use: start)
        web.post(P.fixes, use: fixes)
        web.post(P.checkin, use: checkin)
        web.on(.POST, P.event, body: .collect(maxSize: "50mb"), use: event)
        web.post(P.end, use: end)
        web.get(P.script) { _ -> Response in
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "text/javascript; charset=utf-8")
            headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
            return Response(status: .ok, headers: headers, body: .init(string: PatrolScript.js))
        }
    }

    static func requireWorker(_ req: Request) throws -> Actor {
        let actor = try req.requireActor()
        guard actor.role == .gridWorker else {
            throw APIError(.forbidden, code: "forbidden", "巡查页面供网格员使用 (the patrol page is for grid workers)")
        }
        return actor
    }

    @Sendable static func page(req: Request) async throws -> Response {
        try await render(req, try requireWorker(req), error: nil, status: .ok)
    }

    static func render(_ req: Request, _ actor: Actor, error: String?, status: HTTPStatus) async throws -> Response {
        let service = PatrolService(req: req)
        let open = try await service.openPatrol(of: actor.userID)
        let errorLine: HTML = error.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? .empty
        let body: HTML
        if let p = open {
            body = try await openView(req, p, errorLine)
        } else {
            let recent = try await Patrol.query(on: req.db).filter(\.$workerID == actor.userID).sort(\.$startedAt, .descending).limit(5).all()
            body = """
            \(errorLine)
            <form method="post" action="\(SiteURL.Patrols.start.path)" class="card" id="patrol-start">\(Form.csrf(req))
              <p>\(req.t("开始后，本页会记录您的巡查轨迹（需允许定位）。", "Once started, this page records your track (allow location access)."))</p>
              <button>\(req.t("开始巡查", "Start patrol"))</button>
            </form>
            <p><a href="\(SiteURL.Visits.overview(query: []).path)">\(req.t("我的走访任务", "My care visits")) ›</a></p>
            <h2>\(req.t("最近巡查", "Recent patrols"))</h2>
            <ul class="tree">\(recent.map { p -> HTML in
                "<li><a href=\"\(SiteURL.Patrols.detail(p.id!).path)\">\(ShanghaiTime.format(p.startedAt))</a><span>\(Int(p.distanceM.rounded())) \(req.t("米", "m")) · \(stateLabel(p.state, req))</span></li>"
            })</ul>
            <div id="patrol-leftovers" data-csrf="\(req.csrfToken)" \(HTML(raw: scriptWords(req)))></div>
            <script src="\(SiteURL.Patrols.script.path)" defer></script>
            """
        }
        return try await Layout(req: req, title: req.t("网格巡查", "Patrol")).render(body).encodeResponse(status: status, for: req)
    }

    private static func openView(_ req: Request, _ p: Patrol, _ errorLine: HTML) async throws -> HTML {
        let buildings = try await OrgNode.query(on: req.db).filter(\.$kindRaw == NodeKind.building.rawValue)
            .within(DataScope(rootPath: p.nodePath)).sort(\.$path).all()
        let compounds = Dictionary(uniqueKeysWithValues: try await OrgNode.query(on: req.db).filter(\.$kindRaw == NodeKind.compound.rawValue)
            .within(DataScope(rootPath: p.nodePath)).all().map { ($0.id!, $0.name) })
        let categories = try await CaseCategory.query(on: req.db).filter(\.$active == true).sort(\.$code).all()
        let position: HTML = """
        <input type="hidden" name="latitude" value="" data-lat><input type="hidden" name="longitude" value="" data-lon>
        """
        return """
        \(errorLine)
        <section class="card" id="patrol" data-patrol="\(p.id)" data-started="\(Int(p.startedAt.timeIntervalSince1970 * 1000))" data-csrf="\(req.csrfToken)" \(HTML(raw: scriptWords(req)))>
          <div class="stats compact">
            <div class="stat"><b id="patrol-distance">\(Int(p.distanceM.rounded()))</b>\(req.t("米", "metres"))</div>
            <div class="stat"><b id="patrol-duration">\(clock(p.durationSeconds(now: req.now)))</b>\(req.t("用时", "elapsed"))</div>
            <div class="stat"><b id="patrol-buildings">\(p.buildingsCovered)</b>\(req.t("已打卡楼栋", "buildings"))</div>
            <div class="stat"><b>\(p.eventCount)</b>\(req.t("上报事件", "events"))</div>
          </div>
          <p class="muted" id="gps-status" aria-live="polite">\(req.t("需开启浏览器定位以记录轨迹", "Turn on location to record the track"))</p>
          <p class="muted" id="patrol-pending"></p>
        </section>
        <form method="post" action="\(SiteURL.Patrols.end(p.id!).path)" id="end-form" class="actions">\(Form.csrf(req))
          <button class="secondary">\(req.t("结束巡查", "End patrol"))</button>
        </form>
        <h2>\(req.t("楼栋打卡", "Check in at a building"))</h2>
        <form method="post" action="\(SiteURL.Patrols.checkin(p.id!).path)" class="card" id="checkin-form">\(Form.csrf(req))\(position)
          <label class="field"><span>\(req.t("楼栋（按离您的远近排列）", "Building (nearest first)"))</span><select name="buildingId" data-nearest>\(buildings.map { b -> HTML in
              let at = b.boundary.flatMap { try? Boundary.parse(text: $0) }?.centroid
              let position = at.map { " data-lat=\"\($0.lat)\" data-lon=\"\($0.lon)\"" } ?? ""
              return "<option value=\"\(b.id!)\"\(HTML(raw: position))>\((compounds[b.parentID ?? UUID()] ?? "") + " " + b.name)</option>"
          })</select></label>
          <button>\(req.t("打卡", "Check in"))</button>
        </form>
        <h2>\(req.t("上报事件", "Report an event"))</h2>
        <form method="post" action="\(SiteURL.Patrols.event(p.id!).path)" enctype="multipart/form-data" class="card" id="event-form">\(Form.csrf(req))\(position)
          <input type="hidden" name="idempotencyKey" value="\(UUID().uuidString)">
          \(Form.select(req.t("类别", "Category"), name: "categoryCode", options: categories.map { ($0.code, $0.name) }, selected: nil,
                        includeBlank: req.t("请选择", "Choose")))
          \(Form.textarea(req.t("情况描述", "What you saw"), name: "description"))
          <label class="field"><span>\(req.t("照片（可多张）", "Photos"))</span><input type="file" name="photos[]" accept="image/*" capture="environment" multiple></label>
          <button>\(req.t("上报", "Report"))</button>
        </form>
        <p><a href="\(SiteURL.Patrols.detail(p.id!).path)">\(req.t("查看轨迹", "View the track")) ›</a></p>
        <script src="\(SiteURL.Patrols.script.path)" defer></script>
        """
    }

    /// What the page's script says, in the page's language only.
    static func scriptWords(_ req: Request) -> String {
        [("pending", req.t("{n} 个定位点待发送（联网后自动补传）", "{n} fixes waiting to be sent")),
         ("tracking", req.t("定位中，精度约 {n} 米", "Tracking, ±{n} m")),
         ("no-geo", req.t("此浏览器不支持定位", "This browser cannot share its location")),
         ("no-location", req.t("无法定位：{n}", "Location unavailable: {n}")),
         ("offline", req.t("网络不可用，定位点已保存在本机", "Offline: the fixes are kept on this phone"))]
            .map { "data-say-\($0.0)=\"\(HTML.escape($0.1))\"" }.joined(separator: " ")
    }

    static func clock(_ seconds: Int) -> String { String(format: "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60) }

    static func stateLabel(_ state: String, _ req: Request) -> String {
        switch state {
        case Patrol.open: req.t("进行中", "open")
        case Patrol.autoClosed: req.t("系统结束", "closed by the system")
        default: req.t("已结束", "ended")
        }
    }

    // MARK: Posts

    /// Runs `body`; a refusal shows the page again with the reason instead of an error page.
    private static func attempt(_ req: Request, _ actor: Actor, success: String, _ body: () async throws -> Void) async throws -> Response {
        do {
            try await body()
        } catch let e as APIError where e.status.code < 500 {
            return try await render(req, actor, error: req.words(e), status: e.status)
        }
        req.flash(success)
        return req.redirect(to: SiteURL.Patrols.patrol.path)
    }

    @Sendable static func start(req: Request) async throws -> Response {
        let actor = try requireWorker(req)
        return try await attempt(req, actor, success: req.t("巡查已开始", "Patrol started")) {
            _ = try await PatrolService(req: req).start(by: actor, source: req.auditSource)
        }
    }

    struct FixForm: Decodable { var fixes: [FixInput]? }

    /// The page's script posts its batches here (session and CSRF token instead of a bearer token).
    @Sendable static func fixes(req: Request) async throws -> PatrolsAPI.FixResult {
        let actor = try requireWorker(req)
        let service = PatrolService(req: req)
        let p = try await service.own(try req.idParameter(), by: actor)
        guard let inputs = try req.decodeJSON(FixForm.self).fixes else { throw APIError.missing("fixes") }
        let report = try await service.addFixes(inputs, to: p)
        PatrolsAPI.countAccepted(report, req)
        return PatrolsAPI.FixResult(report: report, patrol: PatrolDTO(try await service.own(p.id, by: actor), now: req.now))
    }

    struct CheckinForm: Content { var buildingId: String?; var latitude: String?; var longitude: String? }

    @Sendable static func checkin(req: Request) async throws -> Response {
        let actor = try requireWorker(req)
        let f = try req.content.decode(CheckinForm.self)
        return try await attempt(req, actor, success: req.t("打卡成功", "Checked in")) {
            let service = PatrolService(req: req)
            let p = try await service.own(try req.idParameter(), by: actor)
            guard let id = f.buildingId.flatMap(UUID.init(uuidString:)) else { throw APIError.missing("buildingId") }
            _ = try await service.checkIn(p, buildingID: id, latitude: number(f.latitude), longitude: number(f.longitude), note: nil, source: req.auditSource)
        }
    }

    struct EventForm: Content {
        var categoryCode: String?
        var description: String?
        var latitude: String?
        var longitude: String?
        var photos: [File]?
        /// Fresh per form: pressing the button twice files one case.
        var idempotencyKey: String?
    }

    @Sendable static func event(req: Request) async throws -> Response {
        let actor = try requireWorker(req)
        let f = try req.content.decode(EventForm.self)
        var number = ""
        let response = try await attempt(req, actor, success: req.t("事件已上报", "Event reported")) {
            let service = PatrolService(req: req)
            let p = try await service.own(try req.idParameter(), by: actor)
            let photos = (f.photos ?? []).filter { $0.data.readableBytes > 0 }.map { Data(buffer: $0.data) }
            let input = PatrolEventInput(categoryCode: f.categoryCode, description: f.description, latitude: self.number(f.latitude),
                                         longitude: self.number(f.longitude), photos: photos)
            number = try await service.reportEvent(p, input, by: actor, idempotencyKey: f.idempotencyKey).0.number
        }
        if !number.isEmpty { req.flash(req.t("事件已上报，编号 \(number)", "Event reported as \(number)")) }
        return response
    }

    @Sendable static func end(req: Request) async throws -> Response {
        let actor = try requireWorker(req)
        return try await attempt(req, actor, success: req.t("巡查已结束", "Patrol ended")) {
            let service = PatrolService(req: req)
            _ = try await service.end(try await service.own(try req.idParameter(), by: actor), source: req.auditSource)
        }
    }

    private static func number(_ raw: String?) -> Double? { raw.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } }
}
