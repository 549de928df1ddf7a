import Foundation
import Fluent
import JingzhiCore
import Vapor

/// Service logs: partners and party members log on the phone; staff confirm on a wide page.
enum LogPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Partners.Pattern
        staff.get(P.logs, use: { try await list($0, error: nil) })
        staff.post(P.logs, use: create)
        staff.post(P.logAct, use: act)
    }

    static func list(_ req: Request, error: String?) async throws -> HTML {
        let actor = try req.requireActor()
        let staff = PartnerAccess.isStaff(actor)
        let page = try PageRequest(req)
        let stateRaw = try req.query.get(String?.self, at: "state") ?? ""
        let q = ServiceLog.query(on: req.db)
        if staff { q.within(actor.scope) } else { q.filter(\.$userID == actor.userID) }
        if let s = ServiceLogState(rawValue: stateRaw) { q.filter(\.$stateRaw == s.rawValue) }
        let total = try await q.count()
        let items = try await q.sort(\.$day, .descending).sort(\.$createdAt, .descending).range(page.range).all()
        let rows = items.map { l -> HTML in
            let actions: HTML = staff && l.state == .logged ? """
            <form method="post" action="\(SiteURL.Partners.logAct(l.id!, action: "confirm").path)" class="inline">\(Form.csrf(req))<button>\(req.t("确认", "Confirm"))</button></form>
            <form method="post" action="\(SiteURL.Partners.logAct(l.id!, action: "reject").path)" class="inline">\(Form.csrf(req))
            <label><span class="sr-only">\(req.t("原因", "Reason"))</span><input name="note" required aria-label="\(req.t("不予确认的原因", "Reason for rejecting"))" placeholder="\(req.t("原因", "Reason"))"></label><button class="secondary">\(req.t("不予确认", "Reject"))</button></form>
            """ : PartnerPages.tag(l.state.label(req.lang))
            return """
            <tr><td data-label="\(req.t("日期", "Day"))">\(l.day)</td><td data-label="\(req.t("服务人", "Who"))">\(l.who)（\(l.unit)）</td>
            <td data-label="\(req.t("内容", "What"))">\(l.what)</td><td data-label="\(req.t("时长", "Hours"))">\(ServiceLogService.hours(l.tenths))</td>
            <td data-label="\(req.t("对象", "For whom"))">\(l.forWhom)</td><td data-label="\(req.t("状态", "State"))">\(actions)</td></tr>
            """
        }
        var canLog = false
        if !staff { canLog = (try? await PartnerAccess.claimer(actor, on: req.db)) != nil }
        let base = { (p: Int) in SiteURL.Partners.logs(query: SiteURL.query([("state", stateRaw), ("page", String(p))])).path }
        return Layout(req: req, title: req.t("服务记录", "Service logs"), wide: staff).render("""
        \(canLog ? HTML("""
        <h2>\(req.t("记录一次服务", "Log a service"))</h2>\(ListPages.errorLine(error))
        <form method="post" action="\(SiteURL.Partners.logs(query: "").path)">\(Form.csrf(req))
        \(Form.field(req.t("服务内容", "What"), name: "what", required: true))
        \(Form.field(req.t("日期", "Day"), name: "day", value: ShanghaiTime.today(req.now), type: "date", required: true))
        \(Form.field(req.t("时长（小时）", "Hours"), name: "hours", type: "number", required: true, attrs: "min=\"0.5\" max=\"24\" step=\"0.5\""))
        \(Form.field(req.t("服务对象", "For whom"), name: "forWhom"))
        <button class="button big">\(req.t("提交", "Submit"))</button></form>
        """) : .empty)
        <form method="get" class="filters">\(Form.select(req.t("状态", "State"), name: "state", options: ServiceLogState.allCases.map { ($0.rawValue, $0.label(req.lang)) }, selected: stateRaw, includeBlank: req.t("全部", "All")))
        <button>\(req.t("筛选", "Filter"))</button></form>
        <div class="table-wrap"><table class="list stack"><thead><tr><th>\(req.t("日期", "Day"))</th><th>\(req.t("服务人", "Who"))</th><th>\(req.t("内容", "What"))</th>
        <th>\(req.t("时长", "Hours"))</th><th>\(req.t("对象", "For whom"))</th><th>\(req.t("状态", "State"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"6\" class=\"muted\">\(req.t("暂无记录", "No logs"))</td></tr>"] : rows)</tbody></table></div>
        \(pager(req, total: total, page: page, base: base))
        """)
    }

    struct LogForm: Content {
        var what: String?
        var day: String?
        var hours: String?
        var forWhom: String?
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(LogForm.self)
        do {
            let hours = try f.hours.map { raw -> Double in
                guard let h = Double(raw) else { throw APIError.invalid("hours", "服务时长须为数字 (hours must be a number)") }
                return h
            }
            let l = try await ServiceLogService(req: req).log(what: f.what, day: f.day, hours: hours, forWhom: f.forWhom, by: actor)
            req.flash(req.t("已记录 \(ServiceLogService.hours(l.tenths)) 小时服务，等待社区确认。", "Logged \(ServiceLogService.hours(l.tenths)) hours; the community will confirm."))
            return req.redirect(to: SiteURL.Partners.logs(query: "").path)
        } catch let e as APIError where e.status.code < 500 {
            return try await list(req, error: req.words(e)).encodeResponse(status: e.status == .forbidden ? .forbidden : .unprocessableEntity, for: req)
        }
    }

    struct ActForm: Content { var note: String? }

    @Sendable static func act(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let l = try await ServiceLog.find(try req.idParameter(), on: req.db), actor.scope.contains(l.nodePath) || !PartnerAccess.isStaff(actor) else {
            throw APIError.notFound
        }
        guard let action = req.parameters.get("action").flatMap(ServiceLogAction.init(rawValue:)) else { throw APIError.notFound }
        let f = try req.content.decode(ActForm.self)
        return try await PartnerPages.attempt(req, to: SiteURL.Partners.logs(query: "").path, done: req.t("已\(action == .confirm ? "确认" : "不予确认")：\(l.who) \(l.day)", "Done: \(action.rawValue)")) {
            _ = try await ServiceLogService(req: req).act(action, l, note: f.note, by: actor)
        }
    }
}
