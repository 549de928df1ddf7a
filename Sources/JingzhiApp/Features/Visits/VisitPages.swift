import Fluent
import JingzhiCore
import Vapor

/// Care visits in the browser: a worker's due and overdue visits with a phone form to record one (and raise a case);
/// for staff also the plans and the month's coverage per grid.
enum VisitPages {
    static func register(_ web: any RoutesBuilder) {
        typealias P = SiteURL.Visits.Pattern
        web.get(P.overview, use: page)
        web.post(P.plans, use: createPlan)
        web.post(P.retirePlan, use: retirePlan)
        web.get(P.record, use: recordForm)
        web.post(P.record, use: record)
    }

    @Sendable static func page(req: Request) async throws -> Response {
        try await render(req, try req.requireActor(), error: nil, status: .ok)
    }

    static func render(_ req: Request, _ actor: Actor, error: String?, status: HTTPStatus) async throws -> Response {
        try actor.require(.logVisits)
        let node = try await VisitsAPI.subtree(req, actor)
        let service = CareVisitService(req: req)
        let f = try Filters(req)
        let tasks = try await service.tasks(under: node.path, tag: f.tag)
        let open = tasks.filter { $0.status != "done" }
        let shown = open.filter { f.status == "open" || $0.status == f.status }
        let page = try PageRequest(req, defaultPer: 30)
        // The month to show: the one asked for; by default this month, or last month while no period has ended in this one.
        var month = f.month ?? String(service.today.prefix(7))
        var (total, grids) = try await service.coverage(under: node, month: month, tag: f.tag, byChild: true)
        if f.month == nil && total.planned == 0 {
            month = ShanghaiTime.month(month + "-01", plus: -1)
            (total, grids) = try await service.coverage(under: node, month: month, tag: f.tag, byChild: true)
        }
        func percent(_ c: GridCoverage) -> String { c.rate.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
        let statusLabel = ["overdue": req.t("已逾期", "overdue"), "due": req.t("待走访", "due"), "done": req.t("已走访", "done")]
        let overdue = open.filter { $0.status == "overdue" }.count
        func link(_ q: [(String, String)]) -> String { SiteURL.Visits.overview(query: q).path }
        let keep = [("node", node.id!.uuidString), ("tag", f.tag ?? ""), ("status", f.status), ("month", f.month ?? "")].filter { !$0.1.isEmpty }
        let areas = try await areaOptions(req, node: node, actor: actor)
        let visible = try await service.addressed(shown[min(page.offset, shown.count)..<min(page.offset + page.per, shown.count)])
        var body: HTML = """
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <p class="muted">\(node.name) · \(req.t("逾期 \(overdue) 户，待走访 \(open.count - overdue) 户，本期已走访 \(tasks.count - open.count) 户",
                                                 "\(overdue) overdue, \(open.count - overdue) due, \(tasks.count - open.count) done this period"))</p>
        <form method="get" action="\(link([]))" class="card filters" id="visit-filters">
          \(Form.select(req.t("范围", "Area"), name: "node", options: areas, selected: node.id!.uuidString))
          \(Form.select(req.t("人群标签", "Tag"), name: "tag", options: ResidentTags.all.map { ($0, $0) }, selected: f.tag, includeBlank: req.t("全部标签", "all tags")))
          \(Form.select(req.t("状态", "Status"), name: "status", options: [("open", req.t("逾期和待走访", "overdue and due")), ("overdue", req.t("已逾期", "overdue")), ("due", req.t("待走访", "due"))], selected: f.status))
          \(Form.field(req.t("覆盖率月份", "Coverage month"), name: "month", value: month, type: "month"))
          <button class="secondary">\(req.t("筛选", "Filter"))</button>
        </form>
        <ul class="tree" id="visit-tasks">\(visible.map { t -> HTML in
            """
            <li class="\(t.status)"><span><b>\(statusLabel[t.status] ?? t.status)</b> \(t.address)<br><span class="tag">\(t.tag)</span> \(t.residents.joined(separator: req.t("、", ", ")))
            <small class="muted">\(t.status == "overdue" ? req.t("应于 \(t.dueBy) 前走访", "was due by \(t.dueBy)") : req.t("截止 \(t.dueBy)", "by \(t.dueBy)"))\(t.lastVisitedOn.map { " · " + req.t("上次 ", "last ") + $0 } ?? "")</small></span>
            <a class="button secondary" href="\(SiteURL.Visits.record(household: t.householdId).path)">\(req.t("记录走访", "Record"))</a></li>
            """
        })</ul>
        \(pager(req, total: shown.count, page: page) { link(keep + [("page", String($0))]) })
        <h2>\(req.t("\(month) 走访覆盖率", "Visit coverage, \(month)"))</h2>
        """
        if total.planned == 0 {
            body = body + "<p class=\"card\" id=\"coverage-none\">\(req.t("\(month) 还没有已结束的走访周期，覆盖率在周期结束后计算；当前逾期和待走访见上方列表。", "No visit period has ended in \(month) yet; coverage is counted once a period ends. Overdue and due visits are listed above."))</p>"
        } else {
            body = body + """
            <div class="table-wrap"><table><thead><tr><th>\(req.t("区域", "Area"))</th><th>\(req.t("应走访", "Planned"))</th><th>\(req.t("按期完成", "Done on time"))</th><th>\(req.t("覆盖率", "Coverage"))</th></tr></thead>
            <tbody>\(grids.map { g -> HTML in
                var name: HTML = "\(g.gridName)"
                if let id = g.gridId, id != node.id {
                    name = "<a href=\"\(link([("node", id.uuidString), ("tag", f.tag ?? ""), ("month", month)].filter { !$0.1.isEmpty }))\">\(g.gridName)</a>"
                }
                return "<tr><td>\(name)</td><td>\(g.planned)</td><td>\(g.done)</td><td>\(percent(g))</td></tr>"
            })
            <tr><th>\(req.t("合计", "Total"))</th><th>\(total.planned)</th><th>\(total.done)</th><th id="coverage-total">\(percent(total))</th></tr></tbody></table></div>
            """
        }
        body = body + """
        <p class="muted"><small>\(req.t("覆盖率 = 按期完成的计划走访 ÷ 应走访次数。应走访：每个走访计划、每户有该标签居民的家庭、每个在本月内结束且已结束的周期（周为周一至周日）各计一次；该周期内有走访记录即为按期完成。",
                                        "Coverage = planned visits done on time ÷ planned visits. " + VisitsAPI.coverageDefinition))</small></p>
        """
        if actor.can(.manageOrg) {
            let plans = try await service.plans(reaching: node.path)
            body = body + """
            <h2>\(req.t("走访计划", "Visit plans"))</h2>
            <ul class="tree">\(plans.map { p -> HTML in
                let retire: HTML = actor.scope.contains(p.nodePath)
                    ? "<form method=\"post\" action=\"\(SiteURL.Visits.retirePlan(p.id!).path)\" class=\"inline\">\(Form.csrf(req))<button class=\"link\">\(req.t("停用", "Retire"))</button></form>" : .empty
                return "<li><span>\(p.nodeName) · <span class=\"tag\">\(p.tag)</span> \(p.period.label(req.lang)) · \(req.t("自", "from")) \(p.startsOn)</span>\(retire)</li>"
            })</ul>
            <form method="post" action="\(SiteURL.Visits.plans.path)" class="card">\(Form.csrf(req))<input type="hidden" name="nodeId" value="\(node.id)">
              \(Form.select(req.t("人群标签", "Tag"), name: "tag", options: ResidentTags.all.map { ($0, $0) }, selected: "独居老人"))
              \(Form.select(req.t("周期", "Period"), name: "period", options: VisitPeriod.allCases.map { ($0.rawValue, $0.label(req.lang)) }, selected: "week"))
              \(Form.field(req.t("开始日期", "Starts on"), name: "startsOn", value: service.today, type: "date"))
              <button>\(req.t("为 \(node.name) 新建计划", "Add a plan for \(node.name)"))</button>
            </form>
            """
        }
        return try await Layout(req: req, title: req.t("民情走访", "Care visits"), wide: actor.role != .gridWorker).render(body).encodeResponse(status: status, for: req)
    }

    /// The page's filters from the query: a known tag, a status, a month.
    struct Filters {
        let tag: String?, status: String, month: String?
        init(_ req: Request) throws {
            let tag = try req.query.get(String?.self, at: "tag").flatMap { $0.isEmpty ? nil : $0 }
            guard tag == nil || ResidentTags.all.contains(tag!) else { throw APIError.invalid("tag", "没有这个人群标签 (unknown tag)") }
            let status = try req.query.get(String?.self, at: "status").flatMap { $0.isEmpty ? nil : $0 } ?? "open"
            guard ["open", "overdue", "due"].contains(status) else { throw APIError.invalid("status", "状态须为逾期或待走访 (unknown status)") }
            let month = try req.query.get(String?.self, at: "month").flatMap { $0.isEmpty ? nil : $0 }
            guard month == nil || (month!.count == 7 && ShanghaiTime.dayNumber(month! + "-01") != nil) else {
                throw APIError.invalid("month", "月份格式应为 YYYY-MM (month must be YYYY-MM)")
            }
            (self.tag, self.status, self.month) = (tag, status, month)
        }
    }

    /// The areas the viewer may narrow to: the node, its ancestors inside the viewer's scope, and its streets,
    /// communities and grids (indented by depth).
    static func areaOptions(_ req: Request, node: OrgNode, actor: Actor) async throws -> [(String, String)] {
        let kinds = [NodeKind.street, .community, .grid].map(\.rawValue)
        let below = try await OrgNode.query(on: req.db).within(DataScope(rootPath: node.path)).filter(\.$kindRaw ~~ kinds)
            .filter(\.$id != node.id!).sort(\.$path).limit(500).all()
        let above = try await OrgService(req: req).ancestors(of: node).filter { $0.id != node.id && actor.scope.contains($0.path) }
        func indent(_ n: OrgNode) -> String { String(repeating: "　", count: max(0, (n.path.count - node.path.count) / PathSegment.width)) }
        return above.map { ($0.id!.uuidString, "↑ " + $0.name) } + [(node.id!.uuidString, node.name)]
            + below.map { n in (n.id!.uuidString, indent(n) + n.name) }
    }

    struct PlanForm: Content { var nodeId: String?; var tag: String?; var period: String?; var startsOn: String? }

    @Sendable static func createPlan(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.manageOrg)
        let f = try req.content.decode(PlanForm.self)
        do {
            let node = try await OrgService(req: req).node(f.nodeId ?? "", within: actor.scope, field: "nodeId")
            _ = try await CareVisitService(req: req).createPlan(node: node, tag: f.tag, period: f.period, startsOn: f.startsOn, by: actor, source: req.auditSource)
        } catch let e as APIError where e.status.code < 500 {
            return try await render(req, actor, error: req.words(e), status: e.status)
        }
        req.flash(req.t("走访计划已保存", "Plan saved"))
        return req.redirect(to: SiteURL.Visits.overview(query: [("node", f.nodeId ?? "")]).path)
    }

    @Sendable static func retirePlan(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.manageOrg)
        let plan = try await VisitPlan.find(try req.idParameter(), within: actor.scope, on: req.db)
        try await CareVisitService(req: req).retire(plan, source: req.auditSource)
        req.flash(req.t("计划已停用", "Plan retired"))
        return req.redirect(to: SiteURL.Visits.overview(query: []).path)
    }

    static func form(_ req: Request, _ h: Household, error: String?, status: HTTPStatus) async throws -> Response {
        let categories = try await CaseCategory.query(on: req.db).filter(\.$active == true).sort(\.$code).all()
        let body: HTML = """
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <p><a href="\(SiteURL.Residents.household(h.id!).path)">\(h.address)</a></p>
        <form method="post" action="\(SiteURL.Visits.record(household: nil).path)" class="card" id="visit-form">\(Form.csrf(req))<input type="hidden" name="householdId" value="\(h.id)">
          \(Form.field(req.t("日期", "Date"), name: "visitedOn", value: ShanghaiTime.today(req.now), type: "date", required: true))
          \(Form.select(req.t("类型", "Kind"), name: "kind", options: Visit.kinds.map { ($0, $0) }, selected: "关爱探访"))
          \(Form.textarea(req.t("发现的情况", "What you found"), name: "notes"))
          \(Form.select(req.t("需要办理的问题（可选，将生成诉求）", "Raise a case (optional)"), name: "caseCategoryCode",
                        options: categories.map { ($0.code, $0.name) }, selected: nil, includeBlank: req.t("无", "none")))
          \(Form.textarea(req.t("诉求描述（默认用走访记录）", "Case description (defaults to the notes)"), name: "caseDescription"))
          <button>\(req.t("保存走访", "Save visit"))</button>
        </form>
        """
        return try await Layout(req: req, title: req.t("记录走访", "Record a visit")).render(body).encodeResponse(status: status, for: req)
    }

    @Sendable static func recordForm(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.logVisits)
        let id = (try req.query.get(String?.self, at: "household")).flatMap(UUID.init(uuidString:))
        return try await form(req, try await Household.find(id, within: actor.scope, on: req.db), error: nil, status: .ok)
    }

    @Sendable static func record(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.logVisits)
        let f = try req.content.decode(VisitsAPI.RecordBody.self)
        let h = try await Household.find(f.householdId, within: actor.scope, on: req.db)
        do {
            let (_, c) = try await CareVisitService(req: req).record(household: h, visitedOn: f.visitedOn, kind: f.kind, notes: f.notes,
                                                                     caseCategory: f.caseCategoryCode, caseDescription: f.caseDescription,
                                                                     by: actor, source: req.auditSource)
            req.flash(c.map { req.t("走访已记录，已生成诉求 \($0.number)", "Visit saved; case \($0.number) raised") } ?? req.t("走访已记录", "Visit saved"))
        } catch let e as APIError where e.status.code < 500 {
            return try await form(req, h, error: req.words(e), status: e.status)
        }
        return req.redirect(to: SiteURL.Visits.overview(query: []).path)
    }
}
