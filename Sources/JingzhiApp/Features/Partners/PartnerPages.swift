import Foundation
import Fluent
import JingzhiCore
import Vapor

/// Staff pages for partners: the list with filters, adding, a partner's page with its review; the residents' "our
/// partners" page; the 双报到 registration and report.
enum PartnerPages {
    static func register(web: any RoutesBuilder, staff: any RoutesBuilder) {
        typealias P = SiteURL.Partners.Pattern
        staff.get(P.list, use: list)
        staff.get(P.new, use: { try await form($0, PartnersAPI.CreateBody(), error: nil) })
        staff.post(P.new, use: create)
        staff.get(P.show, use: show)
        staff.post(P.act, use: act)
        staff.get(P.report, use: report)
        staff.get(P.register, use: { try await registerForm($0) })
        staff.post(P.register, use: registerMember)
        staff.post(P.endRegistration, use: endRegistration)
        staff.post(P.evaluate, use: evaluate)
        web.get(P.ours, use: ours)
    }

    /// Runs a page action; an error a person can fix comes back as a flash in words.
    static func attempt(_ req: Request, to path: String, done: String, _ body: () async throws -> Void) async throws -> Response {
        do {
            try await body()
            req.flash(done)
        } catch let e as APIError where e.status.code < 500 {
            req.flash(req.words(e), kind: "error")
        }
        return req.redirect(to: path)
    }

    static func tag(_ text: String) -> HTML { "<span class=\"tag\">\(text)</span>" }

    static func kinds(_ req: Request) -> [(value: String, label: String)] { PartnerKind.allCases.map { ($0.rawValue, $0.label(req.lang)) } }

    @Sendable static func list(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard PartnerAccess.isStaff(actor) else {
            // A partner account opens its own partner, or applies; others are sent to the public list.
            if let p = try await PartnerAccess.partner(of: actor, on: req.db) { return try await page(req, actor, p).encodeResponse(for: req) }
            if actor.role == .partner { return try await form(req, PartnersAPI.CreateBody(), error: nil) }
            return req.redirect(to: SiteURL.Partners.ours(query: "").path)
        }
        let page = try PageRequest(req)
        let kindRaw = try req.query.get(String?.self, at: "kind") ?? ""
        let stateRaw = try req.query.get(String?.self, at: "state") ?? ""
        let kind = PartnerKind(rawValue: kindRaw), state = PartnerState(rawValue: stateRaw)
        let (items, total) = try await PartnerService(req: req).list(node: nil, kind: kind, states: state.map { [$0] }, within: actor.scope, page: page)
        let rows = items.map { p -> HTML in
            """
            <tr><td data-label="\(req.t("名称", "Name"))"><a href="\(SiteURL.Partners.show(p.id!).path)">\(p.name)</a></td>
            <td data-label="\(req.t("类型", "Kind"))">\(p.kind.label(req.lang))</td><td data-label="\(req.t("提供", "Offers"))">\(p.offers)</td>
            <td data-label="\(req.t("协议期限", "Term"))">\(p.agreementFrom ?? "—") – \(p.agreementTo ?? "—")</td>
            <td data-label="\(req.t("状态", "State"))">\(tag(p.state.label(req.lang)))</td></tr>
            """
        }
        let q = { (n: Int) in SiteURL.Partners.list(query: SiteURL.query([("kind", kindRaw), ("state", stateRaw), ("page", String(n))])).path }
        return try await Layout(req: req, title: req.t("红色合伙人", "Partners"), wide: true).render("""
        <p><a class="button" href="\(SiteURL.Partners.new.path)">\(req.t("登记合伙人", "Add a partner"))</a>
        <a href="\(SiteURL.Partners.needs(query: "").path)">\(req.t("需求清单", "Needs"))</a> ·
        <a href="\(SiteURL.Partners.resources(query: "").path)">\(req.t("资源清单", "Resources"))</a> ·
        <a href="\(SiteURL.Partners.projects(query: "").path)">\(req.t("项目清单", "Projects"))</a> ·
        <a href="\(SiteURL.Partners.wishes(query: "").path)">\(req.t("微心愿", "Micro-wishes"))</a> ·
        <a href="\(SiteURL.Partners.logs(query: "").path)">\(req.t("服务记录", "Service logs"))</a> ·
        <a href="\(SiteURL.Partners.report(query: "").path)">\(req.t("双报到报表", "双报到 report"))</a></p>
        <form method="get" class="filters">
        \(Form.select(req.t("类型", "Kind"), name: "kind", options: kinds(req), selected: kindRaw, includeBlank: req.t("全部", "All")))
        \(Form.select(req.t("状态", "State"), name: "state", options: PartnerState.allCases.map { ($0.rawValue, $0.label(req.lang)) }, selected: stateRaw, includeBlank: req.t("全部", "All")))
        <button>\(req.t("筛选", "Filter"))</button></form>
        <div class="table-wrap"><table class="list stack"><thead><tr><th>\(req.t("名称", "Name"))</th><th>\(req.t("类型", "Kind"))</th>
        <th>\(req.t("提供", "Offers"))</th><th>\(req.t("协议期限", "Term"))</th><th>\(req.t("状态", "State"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"5\" class=\"muted\">\(req.t("没有符合条件的合伙人", "No partners match"))</td></tr>"] : rows)</tbody></table></div>
        \(pager(req, total: total, page: page, base: q))
        """).encodeResponse(for: req)
    }

    static func places(_ req: Request, _ actor: Actor, kinds: [NodeKind] = [.street, .community]) async throws -> [(value: String, label: String)] {
        try await OrgNode.query(on: req.db).within(actor.scope).filter(\.$kindRaw ~~ kinds.map(\.rawValue)).sort(\.$path).limit(300).all()
            .map { ($0.id!.uuidString, $0.name) }
    }

    static func categoryBoxes(_ req: Request, chosen: [String]) -> HTML {
        HTML(PartnerCategory.allCases.map { c -> HTML in
            "<label class=\"check\"><input type=\"checkbox\" name=\"categories[]\" value=\"\(c.rawValue)\"\(HTML(raw: chosen.contains(c.rawValue) ? " checked" : ""))> \(c.label(req.lang))</label>"
        })
    }

    static func form(_ req: Request, _ f: PartnersAPI.CreateBody, error: String?) async throws -> Response {
        let actor = try req.requireActor()
        let staff = PartnerAccess.isStaff(actor)
        guard staff || actor.role == .partner else { throw APIError.forbidden }
        // A partner account applies for the community (or street) its account belongs to.
        let places = staff ? try await places(req, actor)
            : try await OrgNode.query(on: req.db).filter(\.$id == actor.user.nodeID ?? UUID()).all().map { ($0.id!.uuidString, $0.name) }
        let html = Layout(req: req, title: staff ? req.t("登记合伙人", "Add a partner") : req.t("申请成为红色合伙人", "Apply to be a partner")).render("""
        \(error.map { HTML("<p class=\"flash error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <form method="post" action="\(SiteURL.Partners.new.path)">\(Form.csrf(req))
        \(Form.field(req.t("单位名称", "Name"), name: "name", value: f.name, required: true))
        \(Form.select(req.t("合伙人类型", "Kind"), name: "kind", options: kinds(req), selected: f.kind, required: true))
        \(Form.field(req.t("统一社会信用代码", "Credit code"), name: "creditCode", value: f.creditCode, required: true, hint: req.t("18 位", "18 characters")))
        \(Form.textarea(req.t("提供什么", "What they offer"), name: "offers", value: f.offers, required: true))
        \(Form.field(req.t("联系人", "Contact"), name: "contactName", value: f.contactName, required: true))
        \(Form.field(req.t("联系电话", "Phone"), name: "contactPhone", value: f.contactPhone, type: "tel", required: true))
        \(Form.field(req.t("党组织", "Party branch"), name: "partyBranch", value: f.partyBranch))
        \(Form.select(req.t("登记到（服务多个社区的选街道）", "Registered at (a street for several communities)"), name: "nodeId", options: places, selected: f.nodeId, required: true))
        <fieldset><legend>\(req.t("协议范围", "Agreement covers"))</legend>\(categoryBoxes(req, chosen: f.categories ?? []))</fieldset>
        \(Form.field(req.t("协议开始", "Agreement from"), name: "agreementFrom", value: f.agreementFrom, type: "date"))
        \(Form.field(req.t("协议结束", "Agreement to"), name: "agreementTo", value: f.agreementTo, type: "date"))
        <button class="button">\(req.t("提交，待审核", "Submit for review"))</button></form>
        """)
        return try await html.encodeResponse(status: error == nil ? .ok : .unprocessableEntity, for: req)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(PartnersAPI.CreateBody.self)
        do {
            let p = try await PartnerService(req: req).create(f.input, by: actor)
            req.flash(req.t("已登记「\(p.name)」，待审核。", "\(p.name) was added and waits for review."))
            return req.redirect(to: SiteURL.Partners.show(p.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await form(req, f, error: req.words(e))
        }
    }

    @Sendable static func show(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        return try await page(req, actor, try await PartnerService(req: req).load(try req.idParameter(), for: actor))
    }

    static func page(_ req: Request, _ actor: Actor, _ p: Partner) async throws -> HTML {
        let node = try await OrgNode.find(p.nodeID, on: req.db)
        let role = PartnerAccess.role(actor, for: p, nodeKind: node?.kind ?? .community)
        let actions = PartnerLifecycle.table.actions(from: p.state, role: role)
        let buttons = actions.map { a -> HTML in
            let needsNote = [.reject, .warn, .retire].contains(a)
            let term: HTML = a == .renew ? """
            \(Form.field(req.t("新协议开始", "New term from"), name: "agreementFrom", value: p.agreementTo.map { ShanghaiTime.add(1, to: $0) }, type: "date", required: true))
            \(Form.field(req.t("新协议结束", "New term to"), name: "agreementTo", type: "date", required: true))
            <fieldset><legend>\(req.t("协议范围", "Agreement covers"))</legend>\(categoryBoxes(req, chosen: p.categories.map(\.rawValue)))</fieldset>
            \(Form.textarea(req.t("说明（可选，记入档案）", "Note (optional, kept in the record)"), name: "note"))
            """ : a == .approve ? """
            \(Form.field(req.t("协议开始", "Agreement from"), name: "agreementFrom", value: p.agreementFrom, type: "date", required: true))
            \(Form.field(req.t("协议结束", "Agreement to"), name: "agreementTo", value: p.agreementTo, type: "date", required: true))
            """ : .empty
            return """
            <form method="post" action="\(SiteURL.Partners.act(p.id!, action: a.rawValue).path)" class="card">\(Form.csrf(req))
            <input type="hidden" name="version" value="\(p.version)">\(term)
            \(needsNote ? Form.textarea(req.t("原因（记入档案）", "Reason (kept in the record)"), name: "note", required: true) : .empty)
            <button class="\(a == .retire || a == .reject ? "danger" : "button")">\(req.t(a.zh, a.en))</button></form>
            """
        }
        let history = try await LifecycleEvent.history("partner", p.id!, on: req.db).map { e -> HTML in
            "<li>\(ShanghaiTime.format(e.at)) · \(e.actorName) · \(e.action)\(e.note.map { "：" + $0 } ?? "")</li>"
        }
        let full = PartnerAccess.isStaff(actor) || p.userID == actor.userID
        return Layout(req: req, title: p.name).render("""
        <p>\(tag(p.kind.label(req.lang))) \(tag(p.state.label(req.lang)))</p>
        <dl class="facts"><dt>\(req.t("提供", "Offers"))</dt><dd>\(p.offers)</dd>
        <dt>\(req.t("登记到", "Registered at"))</dt><dd>\(node?.name ?? "")</dd>
        <dt>\(req.t("党组织", "Party branch"))</dt><dd>\(p.partyBranch.isEmpty ? "—" : p.partyBranch)</dd>
        <dt>\(req.t("协议范围", "Agreement covers"))</dt><dd>\(p.categories.map { $0.label(req.lang) }.joined(separator: "、"))</dd>
        <dt>\(req.t("协议期限", "Term"))</dt><dd>\(p.agreementFrom ?? "—") – \(p.agreementTo ?? "—")</dd>
        \(full ? HTML("<dt>\(req.t("信用代码", "Credit code"))</dt><dd>\(p.creditCode)</dd><dt>\(req.t("联系人", "Contact"))</dt><dd>\(p.contactName) \(p.contactPhone)</dd>") : .empty)
        \(p.stateReason.map { HTML("<dt>\(req.t("原因", "Reason"))</dt><dd>\($0)</dd>") } ?? .empty)</dl>
        \(HTML(buttons))
        \(try await evaluations(req, actor, p))
        <h2>\(req.t("记录", "History"))</h2><ul>\(history.isEmpty ? ["<li class=\"muted\">\(req.t("暂无", "None yet"))</li>"] : history)</ul>
        <p><a href="\(SiteURL.Partners.list(query: "").path)">\(req.t("返回合伙人列表", "Back to partners"))</a></p>
        """)
    }

    /// The annual evaluations and, for staff, the checklist form.
    static func evaluations(_ req: Request, _ actor: Actor, _ p: Partner) async throws -> HTML {
        let rows = try await PartnerEvaluation.query(on: req.db).filter(\.$partnerID == p.id!).sort(\.$year, .descending).all().map { e -> HTML in
            """
            <tr><td data-label="\(req.t("年度", "Year"))">\(e.year)</td><td data-label="\(req.t("得分", "Score"))">\(e.total)（\(req.t(e.grade.zh, e.grade.en))）</td>
            <td data-label="\(req.t("荣誉", "Award"))">\(e.award.isEmpty ? "—" : e.award)</td><td data-label="\(req.t("评议", "By"))">\(e.byName)</td></tr>
            """
        }
        let table: HTML = rows.isEmpty ? "<p class=\"muted\">\(req.t("暂无年度考评", "No evaluations yet"))</p>" : """
        <div class="table-wrap"><table class="list stack"><thead><tr><th>\(req.t("年度", "Year"))</th><th>\(req.t("得分", "Score"))</th><th>\(req.t("荣誉", "Award"))</th><th>\(req.t("评议", "By"))</th></tr></thead>
        <tbody>\(rows)</tbody></table></div>
        """
        guard PartnerAccess.isStaff(actor), actor.role != .admin, [.approved, .warned, .retired].contains(p.state) else {
            return "<h2>\(req.t("年度考评", "Annual evaluation"))</h2>\(table)"
        }
        let items = PartnerEvaluations.items.map { i -> HTML in
            Form.field(req.t(i.zh, i.en) + req.t("（0–20）", " (0–20)"), name: i.key, type: "number", required: true, attrs: "min=\"0\" max=\"20\"")
        }
        return """
        <h2>\(req.t("年度考评", "Annual evaluation"))</h2>\(table)
        <form method="post" action="\(SiteURL.Partners.evaluate(p.id!).path)" class="card">\(Form.csrf(req))
        \(Form.field(req.t("年度", "Year"), name: "year", value: String(ShanghaiTime.today(req.now).prefix(4)), type: "number", required: true))
        \(HTML(items))\(Form.field(req.t("荣誉称号（可选）", "Award (optional)"), name: "award"))\(Form.textarea(req.t("评语", "Remarks"), name: "note"))
        <button class="button">\(req.t("提交考评", "Submit evaluation"))</button></form>
        """
    }

    struct EvaluateForm: Content {
        var year: Int?
        var service: Int?
        var delivery: Int?
        var satisfaction: Int?
        var partyBuilding: Int?
        var agreement: Int?
        var award: String?
        var note: String?
    }

    @Sendable static func evaluate(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let p = try await PartnerService(req: req).load(try req.idParameter(), for: actor)
        let f = try req.content.decode(EvaluateForm.self)
        let scores = ["service": f.service, "delivery": f.delivery, "satisfaction": f.satisfaction, "partyBuilding": f.partyBuilding,
                      "agreement": f.agreement].compactMapValues { $0 }
        var said = ""
        let r = try await attempt(req, to: SiteURL.Partners.show(p.id!).path, done: req.t("已提交年度考评。", "Evaluation saved.")) {
            let e = try await PartnerEvaluations.evaluate(p, year: f.year, scores: scores, award: f.award, note: f.note, by: actor, db: req.db,
                                                          now: req.now, source: req.auditSource)
            said = req.t("已提交 \(e.year) 年度考评：\(e.total) 分，\(e.grade.zh)。", "Evaluation \(e.year): \(e.total), \(e.grade.en).")
        }
        if !said.isEmpty { req.flash(said) }
        return r
    }

    struct ActForm: Content {
        var note: String?
        var version: Int?
        var agreementFrom: String?
        var agreementTo: String?
        var categories: [String]?
    }

    @Sendable static func act(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let service = PartnerService(req: req)
        let p = try await service.load(try req.idParameter(), for: actor)
        guard let action = req.parameters.get("action").flatMap(PartnerAction.init(rawValue:)) else { throw APIError.notFound }
        let f = try req.content.decode(ActForm.self)
        return try await attempt(req, to: SiteURL.Partners.show(p.id!).path, done: req.t("已\(action.zh)：\(p.name)", "Done: \(action.en) \(p.name)")) {
            _ = try await service.review(action, p, by: actor, note: f.note, version: f.version, agreementFrom: f.agreementFrom, agreementTo: f.agreementTo,
                                         categories: action == .renew ? f.categories ?? [] : nil)
        }
    }

    /// Residents and the public: who our partners are and what they offer (approved ones, no contacts).
    @Sendable static func ours(req: Request) async throws -> HTML {
        let page = try PageRequest(req)
        let code = try req.query.get(String?.self, at: "node") ?? ""
        let node = code.isEmpty ? nil : try await OrgService(req: req).find(codeOrID: code)
        let (items, total) = try await PartnerService(req: req).list(node: node, kind: nil, states: [.approved, .warned], within: nil, page: page)
        let cards = items.map { p -> HTML in
            "<div class=\"card\"><b>\(p.name)</b> \(tag(p.kind.label(req.lang)))<br>\(p.offers)<br><small>\(p.categories.map { $0.label(req.lang) }.joined(separator: "、"))</small></div>"
        }
        return Layout(req: req, title: req.t("我们的合伙人", "Our partners")).render("""
        <p>\(req.t("这些单位与社区签订了共建协议，为居民提供服务。", "These organisations work with the community under an agreement."))
        <a href="\(SiteURL.Partners.wall(query: SiteURL.query([("node", code)])).path)">\(req.t("看看微心愿", "See the micro-wishes"))</a></p>
        \(cards.isEmpty ? "<p class=\"muted\">\(req.t("暂无合伙人", "No partners yet"))</p>" : HTML(cards))
        \(pager(req, total: total, page: page) { SiteURL.Partners.ours(query: SiteURL.query([("node", code), ("page", String($0))])).path })
        """)
    }

    @Sendable static func report(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        try PartnerAccess.requireStaff(actor)
        let thisYear = Int(ShanghaiTime.today(req.now).prefix(4))!
        let year = try req.query.get(Int?.self, at: "year") ?? thisYear
        guard (2000...2100).contains(year) else { throw APIError.invalid("year", "年份须在 2000–2100 之间 (year 2000–2100)") }
        let lines = try await ServiceLogService(req: req).report(year: year, within: actor.scope)
        let rows = lines.map { l -> HTML in
            """
            <tr><td data-label="\(req.t("单位", "Unit"))">\(l.unit)</td><td data-label="\(req.t("服务时长", "Hours"))">\(ServiceLogService.hours(l.hoursTenths))</td>
            <td data-label="\(req.t("活动次数", "Activities"))">\(l.activities)</td><td data-label="\(req.t("认领完成", "Claims fulfilled"))">\(l.claimsFulfilled)</td>
            <td data-label="\(req.t("满足需求", "Needs met"))">\(l.needsMet)</td></tr>
            """
        }
        return Layout(req: req, title: req.t("双报到报表 \(year) 年", "双报到 report \(year)"), wide: true).render("""
        <form method="get" class="filters">\(Form.field(req.t("年份", "Year"), name: "year", value: String(year), type: "number", attrs: "min=\"2000\" max=\"2100\""))
        <button>\(req.t("查看", "Show"))</button></form>
        <div class="table-wrap"><table class="list stack"><thead><tr><th>\(req.t("单位", "Unit"))</th><th>\(req.t("服务时长（小时）", "Hours"))</th>
        <th>\(req.t("活动次数", "Activities"))</th><th>\(req.t("认领完成", "Claims fulfilled"))</th><th>\(req.t("满足需求", "Needs met"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"5\" class=\"muted\">\(req.t("本年度暂无记录", "Nothing this year"))</td></tr>"] : rows)</tbody></table></div>
        """)
    }

    static func registerForm(_ req: Request, error: String? = nil) async throws -> HTML {
        let actor = try req.requireActor()
        let existing = try await PartnerAccess.member(of: actor, on: req.db)
        let communities = try await OrgNode.query(on: req.db).filter(\.$kindRaw == NodeKind.community.rawValue).sort(\.$path).limit(500).all()
        return Layout(req: req, title: req.t("在职党员双报到", "Party members: register to your community")).render("""
        \(error.map { HTML("<p class=\"flash error\" role=\"alert\">\($0)</p>") } ?? .empty)
        \(existing.map { HTML("""
        <p class="card">\(req.t("您已报到：\($0.unit)", "You are registered: \($0.unit)"))</p>
        <form method="post" action="\(SiteURL.Partners.endRegistration.path)" class="card" data-confirm="\(req.t("确定结束报到？", "End your registration?"))">\(Form.csrf(req))
        \(Form.field(req.t("结束原因（如：工作调动、搬离）", "Why it ends (e.g. moved away)"), name: "note", required: true))
        <button class="secondary">\(req.t("结束报到", "End my registration"))</button></form>
        """) } ?? .empty)
        \(existing == nil ? HTML("""
        <form method="post" action="\(SiteURL.Partners.register.path)">\(Form.csrf(req))
        \(Form.select(req.t("报到社区", "Community"), name: "nodeId", options: communities.map { ($0.id!.uuidString, $0.name) }, selected: nil, required: true))
        \(Form.field(req.t("工作单位 / 党组织", "Work unit / party organisation"), name: "unit", required: true))
        \(Form.select(req.t("报到类型", "Registering as"), name: "kind", options: [("member", req.t("在职党员", "Party member")), ("organisation", req.t("在职党组织", "Party organisation"))], selected: "member"))
        <button class="button big">\(req.t("报到", "Register"))</button></form>
        """) : .empty)
        """)
    }

    struct EndForm: Content { var note: String? }

    @Sendable static func endRegistration(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let m = try await PartnerAccess.member(of: actor, on: req.db) else { throw APIError.notFound }
        let f = try req.content.decode(EndForm.self)
        return try await attempt(req, to: SiteURL.Partners.register.path, done: req.t("已结束报到，记录已保存。", "Your registration has ended; the record is kept.")) {
            _ = try await ServiceLogService(req: req).endRegistration(m, note: f.note, by: actor)
        }
    }

    @Sendable static func registerMember(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(PartnersAPI.RegisterBody.self)
        do {
            _ = try await ServiceLogService(req: req).register(nodeID: f.nodeId, unit: f.unit, kind: f.kind, name: nil, by: actor)
            req.flash(req.t("报到成功，可以认领微心愿了。", "Registered. You can now claim micro-wishes."))
            return req.redirect(to: SiteURL.Partners.wishes(query: "").path)
        } catch let e as APIError where e.status.code < 500 {
            return try await registerForm(req, error: req.words(e)).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }
}
