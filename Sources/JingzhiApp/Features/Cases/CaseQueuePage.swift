import Fluent
import JingzhiCore
import Vapor

/// The case list: staff work from queue tabs (待受理, 我的待办, 待评价, 已办结) with counts, search and filters;
/// residents and partners see their own requests by state. `state=`, `mine=1` and `node=` links keep working.
enum CaseQueuePage {
    /// What the list shows: one queue, or (with no queue) every case readable, optionally in one state.
    struct Selection {
        var queue: CaseQueue?
        var state = ""
        var mine = false
        var place: OrgNode?
        var filters = CaseFilters()

        var params: [(String, String)] {
            [("queue", queue?.rawValue ?? ""), ("state", state), ("mine", mine ? "1" : ""), ("node", place?.id?.uuidString ?? "")] + filters.params
        }
    }

    /// The readable cases narrowed by place, filters and "my unit only", before any queue or state.
    static func base(_ req: Request, _ actor: Actor, _ unit: CaseUnit, _ s: Selection) throws -> QueryBuilder<Case> {
        let q = Case.query(on: req.db).visible(to: actor)
        if let place = s.place { _ = q.within(DataScope(rootPath: place.path)) }
        if s.mine { unit.handles(q) }
        return try s.filters.apply(q)
    }

    /// The count of every queue, for the tabs and the homes.
    static func counts(_ req: Request, _ actor: Actor, _ unit: CaseUnit, _ s: Selection) async throws -> [CaseQueue: Int] {
        var counts: [CaseQueue: Int] = [:]
        for queue in CaseQueue.allCases { counts[queue] = try await queue.filter(try base(req, actor, unit, s), unit: unit).count() }
        return counts
    }

    static func selection(_ req: Request, _ actor: Actor) async throws -> Selection {
        var s = Selection()
        s.state = (try req.query.get(String?.self, at: "state")) ?? ""
        s.mine = (try req.query.get(String?.self, at: "mine")) == "1"
        s.filters = try CaseFilters { try req.query.get(String?.self, at: $0) }
        // A part of the tree, e.g. a grid clicked on the command centre's map.
        if let raw = try req.query.get(String?.self, at: "node"), !raw.isEmpty, actor.role != .resident {
            s.place = try await OrgService(req: req).node(raw, within: actor.scope, field: "node")
        }
        if let raw = try req.query.get(String?.self, at: "queue"), !raw.isEmpty, raw != "all" {
            guard let queue = CaseQueue(rawValue: raw) else { throw APIError.invalid("queue", "未知队列 (unknown queue)") }
            guard CaseQueue.available(to: actor) else { throw APIError.forbidden }
            s.queue = queue
        }
        if !s.state.isEmpty, s.state != "open", s.state != "overdue", CaseState(rawValue: s.state) == nil {
            throw APIError.invalid("state", "未知状态 (unknown state)")
        }
        return s
    }

    /// The rows of the selection, a page of them, and how many there are.
    static func rows(_ req: Request, _ actor: Actor, _ unit: CaseUnit, _ s: Selection, page: PageRequest) async throws -> ([Case], Int) {
        var q = try base(req, actor, unit, s)
        if let queue = s.queue {
            q = queue.query(q, unit: unit)
        } else {
            switch s.state {
            case "open": q.filter(\.$stateRaw !~ CaseQueue.finished.map(\.rawValue))
            case "overdue": q.filter(\.$resolutionOverdueAt != nil).filter(\.$stateRaw !~ (CaseQueue.finished + [.replied]).map(\.rawValue))
            case "": break
            default: q.filter(\.$stateRaw == s.state)
            }
            q.sort(\.$createdAt, .descending).sort(\.$number, .descending)
        }
        let total = try await q.count()
        return (try await q.range(page.range).all(), total)
    }

    @Sendable static func queue(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        let page = try PageRequest(req)
        let unit = try await CaseUnit.of(actor, on: req.db)
        var s = try await selection(req, actor)
        let staff = CaseQueue.available(to: actor)
        let counts = staff ? try await counts(req, actor, unit, s) : [:]
        // `queue=all` or a `state=` (even an empty one) asks for the plain list.
        let stateGiven = try req.query.get(String?.self, at: "state") != nil
        let explicitAll = try req.query.get(String?.self, at: "queue") == "all" || stateGiven
        // Opening the list with nothing chosen starts on the work: new requests when there are some, else my to-dos.
        if staff, s.queue == nil, !explicitAll {
            s.queue = (counts[.toAccept] ?? 0) > 0 ? .toAccept : .mine
        }
        let (rows, total) = try await rows(req, actor, unit, s, page: page)
        let table = try await CaseQueueTable.render(req, actor, rows: rows)
        let tabs = staff ? queueTabs(req, s, counts: counts, all: s.queue == nil) : stateTabs(req, s)
        let filters: HTML = try await staff ? filterForm(req, actor, s) : .empty
        let body: HTML = """
        <div class="actions"><a class="button" href="\(SiteURL.Cases.new(node: nil).path)">+ \(actor.role == .resident ? req.t("我要反映", "Report a problem") : req.t("登记诉求", "New case"))</a>
        \(s.place.map { p -> HTML in
            var without = s
            without.place = nil
            return HTML("<span class=\"tag\">\(p.name)</span> <a href=\"\(SiteURL.Cases.queue(query: without.params).path)\">\(req.t("看全部", "All places"))</a>")
        } ?? .empty)
        \(staff ? mineToggle(req, s) : .empty)</div>
        \(filters)
        <div data-live-page="30">\(tabs)
        \(table)
        \(pager(req, total: total, page: page) { SiteURL.Cases.queue(query: s.params + [("page", String($0))]).path })</div>
        """
        return Layout(req: req, title: actor.role == .resident ? req.t("我的诉求", "My requests") : req.t("诉求办理", "Cases"), wide: actor.role.isStaff).render(body)
    }

    static func queueTabs(_ req: Request, _ s: Selection, counts: [CaseQueue: Int], all: Bool) -> HTML {
        var links: [HTML] = CaseQueue.allCases.map { queue in
            var t = s
            t.queue = queue
            t.state = ""
            let current = s.queue == queue
            return HTML("<a href=\"\(SiteURL.Cases.queue(query: t.params).path)\"\(HTML(raw: current ? " aria-current=\"page\"" : ""))>\(req.lang.t(queue.zh, queue.en)) <span class=\"count\">\(counts[queue] ?? 0)</span></a>")
        }
        var t = s
        t.queue = nil
        let allParams = t.params.map { $0.0 == "queue" ? ("queue", "all") : $0 }
        links.append(HTML("<a href=\"\(SiteURL.Cases.queue(query: allParams).path)\"\(HTML(raw: all ? " aria-current=\"page\"" : ""))>\(req.t("全部", "All"))</a>"))
        return "<nav class=\"tabs\" aria-label=\"\(req.t("诉求队列", "Case queues"))\">\(links)</nav>"
    }

    static func stateTabs(_ req: Request, _ s: Selection) -> HTML {
        let tabs: [(String, String)] = [("open", req.t("办理中", "Open")), ("replied", req.t("待评价", "Awaiting rating")),
                                        ("closed", req.t("已办结", "Closed")), ("", req.t("全部", "All"))]
        return "<nav class=\"tabs\" aria-label=\"\(req.t("按状态", "By state"))\">\(tabs.map { state, label -> HTML in HTML("<a href=\"\(SiteURL.Cases.queue(query: [("state", state)]).path)\"\(HTML(raw: state == s.state ? " aria-current=\"page\"" : ""))>\(label)</a>") })</nav>"
    }

    static func mineToggle(_ req: Request, _ s: Selection) -> HTML {
        var t = s
        t.mine.toggle()
        return "<a href=\"\(SiteURL.Cases.queue(query: t.params).path)\">\(s.mine ? req.t("看全部单位", "All units") : req.t("只看本单位", "My unit only"))</a>"
    }

    static func filterForm(_ req: Request, _ actor: Actor, _ s: Selection) async throws -> HTML {
        let categories = try await CaseCategory.query(on: req.db).sort(\.$code).all()
        let f = s.filters
        // The tree's staff pick a street, community or grid of their area; the others' cases are not sorted by the tree.
        let places = CaseAccess.treeRoles.contains(actor.role)
            ? try await OrgNode.query(on: req.db).within(actor.scope).filter(\.$kindRaw ~~ [NodeKind.street, .community, .grid].map(\.rawValue))
                .sort(\.$path).limit(500).all() : []
        // Handlers: any unit of a level, each department, and each street, community or grid of the viewer's area.
        let departments = try await Department.query(on: req.db).filter(\.$active == true).sort(\.$code).all()
        let handlerOptions = HandlerLevel.allCases.map { ($0.rawValue, req.t("全部", "Any ") + $0.label(req.lang)) }
            + departments.map { ("dept:\($0.code)", "\(HandlerLevel.department.label(req.lang)) · \($0.name)") }
            + places.map { ("node:\($0.id!.uuidString)", "\(req.t("本级", "Unit")) · \($0.name)") }
        let hidden = [("queue", s.queue?.rawValue ?? "all"), ("state", s.state), ("mine", s.mine ? "1" : ""),
                      ("node", places.isEmpty ? s.place?.id?.uuidString ?? "" : "")]
            .filter { !$0.1.isEmpty }.map { HTML("<input type=\"hidden\" name=\"\($0.0)\" value=\"\($0.1)\">") }
        return """
        <details class="card"\(HTML(raw: f.isEmpty ? "" : " open"))><summary>\(req.t("搜索与筛选", "Search and filter"))</summary>
        <form method="get" action="\(SiteURL.Cases.queue(query: []).path)" class="filters" role="search">\(hidden)
        \(Form.field(req.t("编号、地点、来电号码或内容", "Number, place, caller's phone or words"), name: "q", value: f.text, type: "search"))
        \(Form.select(req.t("类别", "Category"), name: "category", options: categories.map { ($0.code, $0.name) }, selected: f.category, includeBlank: req.t("全部", "All")))
        \(Form.select(req.t("渠道", "Channel"), name: "channel", options: CaseFilters.channels.map { ($0, channelLabel($0, req.lang)) }, selected: f.channel, includeBlank: req.t("全部", "All")))
        \(places.isEmpty ? .empty : Form.select(req.t("地点", "Place"), name: "node", options: places.map { ($0.id!.uuidString, $0.name) }, selected: s.place?.id?.uuidString, includeBlank: req.t("全部", "All")))
        \(Form.select(req.t("承办单位", "Handled by"), name: "handler", options: handlerOptions, selected: f.handler, includeBlank: req.t("全部", "All")))
        \(Form.field(req.t("受理起", "Received from"), name: "from", value: f.from, type: "date"))
        \(Form.field(req.t("受理止", "Received to"), name: "to", value: f.to, type: "date"))
        <label class="check"><input type="checkbox" name="unplaced" value="1"\(HTML(raw: f.unplaced ? " checked" : ""))> \(req.t("只看地点待核实", "Only places to verify"))</label>
        <div class="actions"><button>\(req.t("查找", "Search"))</button></div>
        </form></details>
        """
    }

    static func channelLabel(_ channel: String, _ lang: Lang) -> String {
        switch channel {
        case "web": lang.t("网上", "web")
        case "qr": lang.t("扫码", "QR code")
        case "hotline": lang.t("热线", "hotline")
        case "patrol": lang.t("巡查上报", "patrol")
        case "device": lang.t("物联设备", "device")
        case "deliberation": lang.t("议事协商", "deliberation")
        case "open311": "Open311"
        default: "API"
        }
    }
}
