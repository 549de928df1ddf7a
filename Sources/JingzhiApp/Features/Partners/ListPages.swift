import Foundation
import Fluent
import JingzhiCore
import Vapor

/// The three lists on staff's wide pages (filters, pagination, forms), and a project's page with its matches,
/// suggestions, deliveries and the joint meeting's minutes. Partners offer resources from the resources page.
enum ListPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Partners.Pattern
        staff.get(P.needs, use: { try await needs($0, form: ListsAPI.NeedBody(), error: nil) })
        staff.post(P.needs, use: createNeed)
        staff.post(P.needAct, use: reviewNeed)
        staff.get(P.myNeeds, use: { try await NeedRaisePages.page($0, form: ListsAPI.NeedBody(), error: nil) })
        staff.post(P.myNeeds, use: NeedRaisePages.create)
        staff.get(P.resources, use: { try await resources($0, form: ListsAPI.ResourceBody(), error: nil) })
        staff.post(P.resources, use: createResource)
        staff.get(P.projects, use: { try await projects($0, error: nil) })
        staff.post(P.projects, use: createProject)
        staff.get(P.project, use: project)
        staff.post(P.matches, use: match)
        staff.post(P.deliver, use: deliver)
        staff.post(P.review, use: review)
    }

    static func categories(_ req: Request) -> [(value: String, label: String)] { PartnerCategory.allCases.map { ($0.rawValue, $0.label(req.lang)) } }

    static func errorLine(_ error: String?) -> HTML { error.map { HTML("<p class=\"flash error\" role=\"alert\">\($0)</p>") } ?? .empty }

    static func needs(_ req: Request, form f: ListsAPI.NeedBody, error: String?) async throws -> HTML {
        let actor = try req.requireActor()
        if actor.role == .resident { throw Abort.redirect(to: SiteURL.Partners.myNeeds.path) }
        let page = try PageRequest(req)
        let stateRaw = try req.query.get(String?.self, at: "state") ?? ""
        let catRaw = try req.query.get(String?.self, at: "category") ?? ""
        let q = try await ListsAPI.needQuery(req)
        let reviewer = PartnerAccess.isStaff(actor)
        if let s = NeedState(rawValue: stateRaw) { q.filter(\.$stateRaw == s.rawValue) }
        if let c = PartnerCategory(rawValue: catRaw) { q.filter(\.$categoryRaw == c.rawValue) }
        let total = try await q.count()
        let items = try await q.sort(\.$dueDay).range(page.range).all()
        let rows = items.map { n -> HTML in
            """
            <tr><td data-label="\(req.t("需求", "Need"))">\(n.title)</td><td data-label="\(req.t("类别", "Category"))">\(n.category.label(req.lang))</td>
            <td data-label="\(req.t("对象", "For whom"))">\(n.forWhom)</td><td data-label="\(req.t("数量", "Quantity"))">\(n.quantity)\(n.unit)</td>
            <td data-label="\(req.t("承诺/交付", "Committed/delivered"))">\(n.committed) / \(n.delivered)</td><td data-label="\(req.t("期限", "By"))">\(n.dueDay)</td>
            <td data-label="\(req.t("状态", "State"))">\(PartnerPages.tag(n.state.label(req.lang))) \(n.claimable ? PartnerPages.tag(req.t("可认领", "claimable")) : HTML.empty)
            \(reviewer && n.state == .proposed ? reviewForms(req, n) : HTML.empty)\(n.reviewNote.map { HTML("<br><small>\($0)</small>") } ?? HTML.empty)</td></tr>
            """
        }
        let base = { (p: Int) in SiteURL.Partners.needs(query: SiteURL.query([("state", stateRaw), ("category", catRaw), ("page", String(p))])).path }
        let canRaise = PartnerAccess.isStaff(actor) || actor.role == .gridWorker
        let places = canRaise ? try await PartnerPages.places(req, actor, kinds: [.community, .grid, .compound]) : []
        return Layout(req: req, title: req.t("需求清单", "Needs"), wide: true).render("""
        <form method="get" class="filters">
        \(Form.select(req.t("状态", "State"), name: "state", options: NeedState.allCases.map { ($0.rawValue, $0.label(req.lang)) }, selected: stateRaw, includeBlank: req.t("全部", "All")))
        \(Form.select(req.t("类别", "Category"), name: "category", options: categories(req), selected: catRaw, includeBlank: req.t("全部", "All")))
        <button>\(req.t("筛选", "Filter"))</button></form>
        <div class="table-wrap"><table class="list stack"><thead><tr><th>\(req.t("需求", "Need"))</th><th>\(req.t("类别", "Category"))</th><th>\(req.t("对象", "For whom"))</th>
        <th>\(req.t("数量", "Quantity"))</th><th>\(req.t("承诺/交付", "Committed/delivered"))</th><th>\(req.t("期限", "By"))</th><th>\(req.t("状态", "State"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"7\" class=\"muted\">\(req.t("没有符合条件的需求", "No needs match"))</td></tr>"] : rows)</tbody></table></div>
        \(pager(req, total: total, page: page, base: base))
        \(canRaise ? HTML("""
        <h2>\(req.t("登记需求", "Raise a need"))</h2>\(errorLine(error))
        <form method="post" action="\(SiteURL.Partners.needs(query: "").path)">\(Form.csrf(req))
        \(Form.field(req.t("需求内容", "What is needed"), name: "title", value: f.title, required: true))
        \(Form.select(req.t("类别", "Category"), name: "category", options: categories(req), selected: f.category, required: true))
        \(Form.field(req.t("数量", "Quantity"), name: "quantity", value: f.quantity.map(String.init), type: "number", required: true, attrs: "min=\"1\""))
        \(Form.field(req.t("单位", "Unit"), name: "unit", value: f.unit ?? "项"))
        \(Form.select(req.t("服务人群（按标签，可选）", "For a group by tag (optional)"), name: "forTag", options: ResidentTags.all.map { ($0, $0) }, selected: f.forTag, includeBlank: req.t("不按标签", "No tag")))
        \(Form.field(req.t("服务对象（选小区或标签时可不填）", "For whom (may be left out for a compound or a tag)"), name: "forWhom", value: f.forWhom))
        \(Form.select(req.t("地点", "Place"), name: "nodeId", options: places, selected: f.nodeId, required: true))
        \(Form.field(req.t("期限", "By when"), name: "dueDay", value: f.dueDay, type: "date", required: true))
        <label class="check"><input type="checkbox" name="claimable" value="1"\(f.claimable == true ? " checked" : "")> \(req.t("可认领的小需求（不超过 \(TaskClaimService.smallQuantity)，合伙人和在职党员可直接认领）", "A small request partners and party members may claim (at most \(TaskClaimService.smallQuantity))"))</label>
        <button class="button">\(req.t("登记", "Add"))</button></form>
        """) : .empty)
        """)
    }

    /// Accept (optionally as a claimable small request) or decline, with a reason, a need a resident raised.
    static func reviewForms(_ req: Request, _ n: Need) -> HTML {
        """
        <form method="post" action="\(SiteURL.Partners.needAct(n.id!, action: "accept").path)" class="inline">\(Form.csrf(req))
        \(n.quantity <= TaskClaimService.smallQuantity ? HTML("<label class=\"check\"><input type=\"checkbox\" name=\"claimable\" value=\"1\"> \(req.t("可认领", "Claimable"))</label>") : HTML.empty)
        <button>\(req.t("采纳", "Accept"))</button></form>
        <form method="post" action="\(SiteURL.Partners.needAct(n.id!, action: "decline").path)" class="inline">\(Form.csrf(req))
        <label><span class="sr-only">\(req.t("不采纳的原因", "Reason for declining"))</span><input name="note" required aria-label="\(req.t("不采纳的原因", "Reason for declining"))" placeholder="\(req.t("原因", "Reason"))"></label>
        <button class="secondary">\(req.t("不采纳", "Decline"))</button></form>
        """
    }

    struct NeedReviewForm: Content {
        var note: String?
        var claimable: String?
    }

    @Sendable static func reviewNeed(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let n = try await Need.find(try req.idParameter(), within: try await ListsAPI.area(req), on: req.db)
        let accept = req.parameters.get("action") == "accept"
        guard accept || req.parameters.get("action") == "decline" else { throw APIError.notFound }
        let f = try req.content.decode(NeedReviewForm.self)
        return try await PartnerPages.attempt(req, to: SiteURL.Partners.needs(query: "?state=proposed").path,
                                              done: accept ? req.t("已采纳「\(n.title)」，已列入需求清单。", "Accepted: \(n.title) is on the list.")
                                                  : req.t("已不采纳「\(n.title)」，原因已告知居民。", "Declined: \(n.title); the resident sees the reason.")) {
            _ = try await ListService(req: req).review(n, accept: accept, note: f.note, claimable: f.claimable == "1", by: actor)
        }
    }

    @Sendable static func createNeed(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(ListsAPI.NeedBody.self)
        do {
            let n = try await ListService(req: req).createNeed(NeedInput(title: f.title, category: f.category, quantity: f.quantity, unit: f.unit,
                                                                         forWhom: f.forWhom, nodeID: f.nodeId, dueDay: f.dueDay,
                                                                         claimable: f.claimable, forTag: f.forTag), by: actor)
            req.flash(req.t("已登记需求「\(n.title)」。", "Need added: \(n.title)."))
            return req.redirect(to: SiteURL.Partners.needs(query: "").path)
        } catch let e as APIError where e.status.code < 500 {
            return try await needs(req, form: f, error: req.words(e)).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    static func resources(_ req: Request, form f: ListsAPI.ResourceBody, error: String?) async throws -> HTML {
        let actor = try req.requireActor()
        let scope = try await ListsAPI.area(req)
        let page = try PageRequest(req)
        let catRaw = try req.query.get(String?.self, at: "category") ?? ""
        let q = ListsAPI.resourceQuery(req, scope)
        if let c = PartnerCategory(rawValue: catRaw) { q.filter(\.$categoryRaw == c.rawValue) }
        let total = try await q.count()
        let items = try await q.sort(\.$createdAt, .descending).range(page.range).all()
        let names = Dictionary(try await Partner.query(on: req.db).filter(\.$id ~~ Set(items.map(\.partnerID))).all().map { ($0.id!, $0.name) }) { a, _ in a }
        let rows = items.map { r -> HTML in
            """
            <tr><td data-label="\(req.t("资源", "Resource"))">\(r.title)</td><td data-label="\(req.t("合伙人", "Partner"))">\(names[r.partnerID] ?? "")</td>
            <td data-label="\(req.t("类别", "Category"))">\(r.category.label(req.lang))</td><td data-label="\(req.t("数量/剩余", "Quantity/left"))">\(r.quantity) / \(r.left)\(r.unit)</td>
            <td data-label="\(req.t("时间", "When"))">\(r.availableFrom) – \(r.availableTo)</td><td data-label="\(req.t("地点", "Where"))">\(r.place)</td></tr>
            """
        }
        let partner = try await PartnerAccess.partner(of: actor, on: req.db)
        let partners = PartnerAccess.isStaff(actor)
            ? try await Partner.query(on: req.db).within(actor.scope).filter(\.$stateRaw ~~ ["approved", "warned"]).sort(\.$name).limit(300).all() : []
        let canOffer = partner != nil || !partners.isEmpty
        let base = { (p: Int) in SiteURL.Partners.resources(query: SiteURL.query([("category", catRaw), ("page", String(p))])).path }
        return Layout(req: req, title: req.t("资源清单", "Resources"), wide: partner == nil).render("""
        <form method="get" class="filters">\(Form.select(req.t("类别", "Category"), name: "category", options: categories(req), selected: catRaw, includeBlank: req.t("全部", "All")))
        <button>\(req.t("筛选", "Filter"))</button></form>
        <div class="table-wrap"><table class="list stack"><thead><tr><th>\(req.t("资源", "Resource"))</th><th>\(req.t("合伙人", "Partner"))</th><th>\(req.t("类别", "Category"))</th>
        <th>\(req.t("数量/剩余", "Quantity/left"))</th><th>\(req.t("时间", "When"))</th><th>\(req.t("地点", "Where"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"6\" class=\"muted\">\(req.t("暂无资源", "No resources"))</td></tr>"] : rows)</tbody></table></div>
        \(pager(req, total: total, page: page, base: base))
        \(canOffer ? HTML("""
        <h2>\(req.t("提供资源", "Offer a resource"))</h2>\(errorLine(error))
        <form method="post" action="\(SiteURL.Partners.resources(query: "").path)">\(Form.csrf(req))
        \(partners.isEmpty ? HTML.empty : Form.select(req.t("合伙人", "Partner"), name: "partnerId", options: partners.map { ($0.id!.uuidString, $0.name) }, selected: f.partnerId?.uuidString, required: true))
        \(Form.field(req.t("资源名称", "Resource"), name: "title", value: f.title, required: true))
        \(Form.select(req.t("类别", "Category"), name: "category", options: categories(req), selected: f.category, required: true))
        \(Form.field(req.t("数量", "Quantity"), name: "quantity", value: f.quantity.map(String.init), type: "number", required: true, attrs: "min=\"1\""))
        \(Form.field(req.t("单位", "Unit"), name: "unit", value: f.unit ?? "项"))
        \(Form.field(req.t("可提供自", "Available from"), name: "availableFrom", value: f.availableFrom, type: "date", required: true))
        \(Form.field(req.t("可提供至", "Available to"), name: "availableTo", value: f.availableTo, type: "date", required: true))
        \(Form.field(req.t("地点", "Where"), name: "place", value: f.place))
        <button class="button">\(req.t("提供", "Offer"))</button></form>
        """) : .empty)
        """)
    }

    @Sendable static func createResource(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(ListsAPI.ResourceBody.self)
        do {
            let r = try await ListService(req: req).createResource(ResourceInput(partnerID: f.partnerId, title: f.title, category: f.category, quantity: f.quantity,
                                                                                 unit: f.unit, availableFrom: f.availableFrom, availableTo: f.availableTo,
                                                                                 place: f.place), by: actor)
            req.flash(req.t("已提供资源「\(r.title)」。", "Resource offered: \(r.title)."))
            return req.redirect(to: SiteURL.Partners.resources(query: "").path)
        } catch let e as APIError where e.status.code < 500 {
            return try await resources(req, form: f, error: req.words(e)).encodeResponse(status: e.status == .forbidden ? .forbidden : .unprocessableEntity, for: req)
        }
    }

    static func projects(_ req: Request, error: String?) async throws -> HTML {
        let actor = try req.requireActor()
        try PartnerAccess.requireStaff(actor)
        let page = try PageRequest(req)
        let q = PartnerProject.query(on: req.db).within(actor.scope)
        let total = try await q.count()
        let items = try await q.sort(\.$startDay, .descending).range(page.range).all()
        let rows = items.map { p -> HTML in
            """
            <tr><td data-label="\(req.t("项目", "Project"))"><a href="\(SiteURL.Partners.project(p.id!).path)">\(p.title)</a></td>
            <td data-label="\(req.t("负责人", "Owner"))">\(p.owner)</td><td data-label="\(req.t("周期", "Schedule"))">\(p.startDay) – \(p.endDay)</td>
            <td data-label="\(req.t("进度", "Progress"))">\(p.progress)%</td></tr>
            """
        }
        let places = try await PartnerPages.places(req, actor, kinds: [.street, .community, .grid])
        return Layout(req: req, title: req.t("项目清单", "Projects"), wide: true).render("""
        <div class="table-wrap"><table class="list stack"><thead><tr><th>\(req.t("项目", "Project"))</th><th>\(req.t("负责人", "Owner"))</th>
        <th>\(req.t("周期", "Schedule"))</th><th>\(req.t("进度", "Progress"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"4\" class=\"muted\">\(req.t("暂无项目", "No projects"))</td></tr>"] : rows)</tbody></table></div>
        \(pager(req, total: total, page: page) { SiteURL.Partners.projects(query: SiteURL.query([("page", String($0))])).path })
        <h2>\(req.t("新建项目", "New project"))</h2>\(errorLine(error))
        <form method="post" action="\(SiteURL.Partners.projects(query: "").path)">\(Form.csrf(req))
        \(Form.field(req.t("项目名称", "Title"), name: "title", required: true))\(Form.field(req.t("负责人", "Owner"), name: "owner", required: true))
        \(Form.select(req.t("所属", "Area"), name: "nodeId", options: places, selected: nil, required: true))
        \(Form.field(req.t("开始", "Start"), name: "startDay", type: "date", required: true))\(Form.field(req.t("结束", "End"), name: "endDay", type: "date", required: true))
        <button class="button">\(req.t("新建", "Create"))</button></form>
        """)
    }

    @Sendable static func createProject(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(ListsAPI.ProjectBody.self)
        do {
            let p = try await ListService(req: req).createProject(title: f.title, owner: f.owner, nodeID: f.nodeId, startDay: f.startDay, endDay: f.endDay, by: actor)
            req.flash(req.t("已新建项目「\(p.title)」。", "Project created: \(p.title)."))
            return req.redirect(to: SiteURL.Partners.project(p.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await projects(req, error: req.words(e)).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }
}
