import Fluent
import JingzhiCore
import Vapor

/// `GET /measures` (考核统计): the case measures of a node and period in the browser — headline figures, one row per
/// street, community, grid, category or month, and two ranking charts (擂台赛). Filters are a plain GET form, so the
/// page works without JavaScript; the figures are `CaseMeasuresService`'s, the same as `/api/v1/measures/cases`.
enum CaseMeasuresPage {
    static func register(_ web: any RoutesBuilder) {
        web.get(SiteURL.Measures.Pattern.page, use: page)
    }

    /// What the breakdown table can be sorted by (`sort=`), always best first: descending, `null` last.
    enum SortKey: String, CaseIterable {
        case total, overdue, response, resolution, satisfaction, ontime, grid, community

        func value(_ m: CaseMeasures) -> Double? {
            switch self {
            case .total: Double(m.counts.total)
            case .overdue: Double(CaseMeasuresPage.overdue(m))
            case .response: m.responseRate
            case .resolution: m.resolutionRate
            case .satisfaction: m.satisfactionRate
            case .ontime: m.onTimeRate
            case .grid: m.gridClosureShare
            case .community: m.communityClosureShare
            }
        }
    }

    /// The form's values as sent; `from` and `to` default to the last 30 days ending today (Asia/Shanghai) when absent.
    struct Params {
        var node = "", from = "", to = "", category = "", department = "", by = "", sort = ""

        init(_ req: Request) {
            func raw(_ key: String) -> String? { (try? req.query.get(String?.self, at: key)) ?? nil }
            node = raw("node") ?? ""
            from = raw("from") ?? ShanghaiTime.today(req.now.addingTimeInterval(-29 * 86400))
            to = raw("to") ?? ShanghaiTime.today(req.now)
            category = raw("category") ?? ""
            department = raw("department") ?? ""
            by = raw("by") ?? ""
            sort = raw("sort") ?? ""
        }

        /// The query of this page with some values replaced.
        func query(_ changes: [(String, String)] = []) -> String {
            var items = [("node", node), ("from", from), ("to", to), ("category", category), ("department", department), ("by", by), ("sort", sort)]
            for (key, value) in changes {
                if let i = items.firstIndex(where: { $0.0 == key }) { items[i].1 = value } else { items.append((key, value)) }
            }
            // An empty date means "open-ended", which must survive the link; other empty values are left out.
            let dates = items.filter { ($0.0 == "from" || $0.0 == "to") && $0.1.isEmpty }.map { "&\($0.0)=" }.joined()
            let rest = SiteURL.query(items)
            return rest.isEmpty ? (dates.isEmpty ? "" : "?" + dates.dropFirst()) : rest + dates
        }
    }

    @Sendable static func page(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard CaseAccess.treeRoles.contains(actor.role) || actor.role == .departmentStaff else { throw APIError.forbidden }
        var p = Params(req)
        // The node first: a foreign or missing node is a 404, not a message on the page.
        var root: OrgNode?
        if !actor.scope.rootPath.isEmpty {
            guard let found = try await OrgNode.query(on: req.db).filter(\.$path == actor.scope.rootPath).first() else { throw APIError.forbidden }
            root = found
        }
        let selected = p.node.isEmpty ? root : try await OrgService(req: req).node(p.node, within: actor.scope, field: "node")
        if p.by.isEmpty { p.by = defaultGrouping(for: selected).rawValue }

        var result: (total: CaseMeasures, breakdown: CaseMeasuresBreakdown)?
        var failure: APIError?
        do {
            guard let by = CaseMeasuresGrouping(rawValue: p.by) else {
                throw APIError.invalid("by", "分组须为 \(CaseMeasuresGrouping.allCases.map(\.rawValue).joined(separator: "、")) (unknown grouping)")
            }
            guard p.sort.isEmpty || SortKey(rawValue: p.sort) != nil else {
                throw APIError.invalid("sort", "排序须为 \(SortKey.allCases.map(\.rawValue).joined(separator: "、")) (unknown sort)")
            }
            var q = try await CaseMeasuresAPI.query(req)
            // The API leaves absent dates open; the page's defaults are in `p`, already checked when they were sent.
            q.from = p.from.isEmpty ? nil : ShanghaiTime.format(try ShanghaiTime.dayStart(p.from, field: "from"), "yyyy-MM-dd")
            q.to = p.to.isEmpty ? nil : ShanghaiTime.format(try ShanghaiTime.dayStart(p.to, field: "to"), "yyyy-MM-dd")
            let service = CaseMeasuresService(req: req)
            var breakdown = try await service.breakdown(q, by: by)
            if by == .grid, selected?.kind != .community { try await nameGridsWithTheirCommunity(&breakdown, on: req.db) }
            result = (try await service.measures(q), breakdown)
        } catch let error as APIError where error.status == .unprocessableEntity {
            failure = error
        }

        let body: HTML = [
            try await filterForm(req, actor: actor, p, root: root, selected: selected),
            failure.map { e -> HTML in
                "<p class=\"error\" role=\"alert\">\(fieldLabel(req, e.field))\(req.words(e))</p>"
            } ?? .empty,
            result.map { figures(req, p, total: $0.total, breakdown: $0.breakdown) } ?? .empty,
            definitions(req),
        ]
        let response = try await Layout(req: req, title: req.t("考核统计", "Case measures"), wide: true).render(body).encodeResponse(for: req)
        if let failure { response.status = failure.status }
        return response
    }

    /// Grid names repeat from one community to the next (every community has its 第一网格): above a community, a grid
    /// row is named "社区 网格".
    static func nameGridsWithTheirCommunity(_ breakdown: inout CaseMeasuresBreakdown, on db: any Database) async throws {
        let ids = breakdown.rows.compactMap { $0.group?.nodeId }
        guard !ids.isEmpty else { return }
        let grids = try await OrgNode.query(on: db).filter(\.$id ~~ ids).all()
        let parents = Dictionary(try await OrgNode.query(on: db).filter(\.$id ~~ grids.compactMap(\.parentID)).all().map { ($0.id!, $0.name) }) { a, _ in a }
        let community = Dictionary(grids.compactMap { g in g.parentID.flatMap { parents[$0] }.map { (g.id!, $0) } }) { a, _ in a }
        for i in breakdown.rows.indices {
            if var group = breakdown.rows[i].group, let id = group.nodeId, let name = community[id] {
                group.name = name + " " + group.name
                breakdown.rows[i].group = group
            }
        }
    }

    /// Communities for a street or the whole tree, grids for a community, categories below that.
    static func defaultGrouping(for node: OrgNode?) -> CaseMeasuresGrouping {
        switch node?.kind {
        case nil, .county?, .street?: .community
        case .community?: .grid
        default: .category
        }
    }

    /// The groupings that make sense under `node`: node levels at or below it, categories and months.
    static func groupings(under node: OrgNode?) -> [CaseMeasuresGrouping] {
        CaseMeasuresGrouping.allCases.filter { g in
            guard let kind = g.nodeKind, let node else { return true }
            return NodeKind.allCases.firstIndex(of: kind)! >= NodeKind.allCases.firstIndex(of: node.kind)!
        }
    }

    static func groupingLabel(_ req: Request, _ g: CaseMeasuresGrouping) -> String {
        switch g {
        case .street: req.t("街道", "Street")
        case .community: req.t("社区", "Community")
        case .grid: req.t("网格", "Grid")
        case .category: req.t("类别", "Category")
        case .month: req.t("月份", "Month")
        }
    }

    static func fieldLabel(_ req: Request, _ field: String?) -> String {
        switch field {
        case "from": req.t("开始日期：", "From: ")
        case "to": req.t("结束日期：", "To: ")
        case "category": req.t("类别：", "Category: ")
        case "by": req.t("分组：", "Group by: ")
        case "sort": req.t("排序：", "Sort: ")
        case "department": req.t("部门：", "Department: ")
        default: ""
        }
    }

    // MARK: - Formatting

    static func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
    static func hours(_ v: Double?) -> String { v.map { String(format: "%.1f", $0) } ?? "—" }
    /// Assessed cases not answered and past their resolution deadline (the resolution rate's shortfall).
    static func overdue(_ m: CaseMeasures) -> Int { m.basis.resolution.denominator - m.basis.resolution.numerator }
    /// Every case not finished: neither closed, merged nor rejected (a replied case waits for its rating).
    static func open(_ m: CaseMeasures) -> Int {
        m.counts.total - [CaseState.closed, .merged, .rejected].reduce(0) { $0 + (m.counts.byState[$1.rawValue] ?? 0) }
    }

    static func label(_ req: Request, _ key: String) -> String {
        let d = CaseMeasures.definition(key)
        return req.t(d.zh, d.en)
    }

    /// The rates of a measures object, in the order of the cards and the table, with their sort key.
    static func rates(_ m: CaseMeasures) -> [(key: String, sort: SortKey, value: Double?, basis: CaseMeasures.Fraction)] {
        [("responseRate", .response, m.responseRate, m.basis.response), ("resolutionRate", .resolution, m.resolutionRate, m.basis.resolution),
         ("satisfactionRate", .satisfaction, m.satisfactionRate, m.basis.satisfaction), ("onTimeRate", .ontime, m.onTimeRate, m.basis.onTime),
         ("gridClosureShare", .grid, m.gridClosureShare, m.basis.gridClosure),
         ("communityClosureShare", .community, m.communityClosureShare, m.basis.communityClosure)]
    }

    // MARK: - Parts

    static func filterForm(_ req: Request, actor: Actor, _ p: Params, root: OrgNode?, selected: OrgNode?) async throws -> HTML {
        // Streets and communities in tree order, communities indented; the scope's own node is "全部".
        var nodes = try await OrgNode.query(on: req.db).within(actor.scope)
            .filter(\.$kindRaw ~~ [NodeKind.street.rawValue, NodeKind.community.rawValue]).sort(\.$path).all()
            .filter { $0.path != root?.path }
        if let selected, selected.path != root?.path, !nodes.contains(where: { $0.id == selected.id }) {
            nodes.append(selected)
            nodes.sort { $0.path < $1.path }
        }
        let nodeOptions = nodes.map { n in
            (value: n.code, label: (n.kind == .street || nodes.allSatisfy { $0.kind != .street } ? "" : "\u{3000}") + n.name)
        }
        let all = root.map { req.t("全部（\($0.name)）", "All (\($0.name))") } ?? req.t("全部", "All")
        let categories = try await CaseCategory.query(on: req.db).sort(\.$code).all()
        var categoryOptions: [(value: String, label: String)] = []
        func add(_ parent: UUID?, depth: Int) {
            for c in categories where c.parentID == parent {
                categoryOptions.append((c.code, String(repeating: "\u{3000}", count: depth) + c.name))
                add(c.id, depth: depth + 1)
            }
        }
        add(nil, depth: 0)
        let selectedNode = selected.flatMap { $0.path == root?.path ? nil : $0.code } ?? ""
        return """
        <form method="get" action="\(SiteURL.Measures.page(query: "").path)" class="filters card" role="search">
          \(Form.select(req.t("范围", "Area"), name: "node", options: nodeOptions, selected: selectedNode, includeBlank: all))
          \(Form.field(req.t("开始日期", "From"), name: "from", value: p.from, type: "date"))
          \(Form.field(req.t("结束日期", "To"), name: "to", value: p.to, type: "date"))
          \(Form.select(req.t("诉求类别", "Category"), name: "category", options: categoryOptions, selected: p.category, includeBlank: req.t("全部类别", "All categories")))
          \(Form.select(req.t("分组", "Group by"), name: "by", options: groupings(under: selected).map { ($0.rawValue, groupingLabel(req, $0)) }, selected: p.by))
          \(p.department.isEmpty ? HTML.empty : "<input type=\"hidden\" name=\"department\" value=\"\(p.department)\">")
          \(p.sort.isEmpty ? HTML.empty : "<input type=\"hidden\" name=\"sort\" value=\"\(p.sort)\">")
          <button>\(req.t("统计", "Show"))</button>
        </form>
        """
    }

    static func figures(_ req: Request, _ p: Params, total m: CaseMeasures, breakdown: CaseMeasuresBreakdown) -> HTML {
        let by = CaseMeasuresGrouping(rawValue: breakdown.by) ?? .community
        let scopeName = m.filters.node?.name ?? req.t("全县", "Whole county")
        let period = m.period.from == nil && m.period.to == nil ? req.t("全部时间", "all time")
            : "\(m.period.from ?? "…") \(req.t("至", "to")) \(m.period.to ?? "…")"
        let h = req.t(" 小时", " h")
        let cards: [HTML] = rates(m).map { r in
            "<div class=\"stat\"><span>\(label(req, r.key))</span><b>\(percent(r.value))</b><small class=\"muted\">\(r.basis.numerator)/\(r.basis.denominator)</small></div>"
        } + [
            "<div class=\"stat\"><span>\(req.t("诉求数", "Cases"))</span><b>\(m.counts.total)</b></div>",
            "<div class=\"stat\"><span>\(req.t("未办结", "Not closed"))</span><b>\(open(m))</b></div>",
            "<div class=\"stat\"><span>\(req.t("超期未答复", "Overdue, no answer"))</span><b>\(overdue(m))</b></div>",
            "<div class=\"stat\"><span>\(label(req, "hoursToRespond"))</span><b>\(hours(m.medianHoursToRespond))<small>\(h)</small></b><small class=\"muted\">\(req.t("中位数", "median")) · P90 \(hours(m.p90HoursToRespond))</small></div>",
            "<div class=\"stat\"><span>\(label(req, "hoursToResolve"))</span><b>\(hours(m.medianHoursToResolve))<small>\(h)</small></b><small class=\"muted\">\(req.t("中位数", "median")) · P90 \(hours(m.p90HoursToResolve))</small></div>",
        ]

        // The table, sorted as asked; the default is the breakdown's own order (tree, code or month).
        var rows = Array(breakdown.rows.enumerated())
        if let key = SortKey(rawValue: p.sort) {
            rows.sort { a, b in
                switch (key.value(a.element), key.value(b.element)) {
                case let (x?, y?) where x != y: x > y
                case (_?, nil): true
                case (nil, _?): false
                default: a.offset < b.offset
                }
            }
        }
        func link(_ row: CaseMeasures) -> HTML {
            guard let g = row.group else { return .empty }
            switch by {
            case .street, .community, .grid:
                return "<a href=\"\(SiteURL.Measures.page(query: p.query([("node", g.key), ("by", ""), ("sort", "")])).path)\">\(g.name)</a>"
            case .category:
                return "<a href=\"\(SiteURL.Measures.page(query: p.query([("category", g.key), ("by", ""), ("sort", "")])).path)\">\(g.name)</a>"
            case .month:
                return "\(g.name)"
            }
        }
        func cells(_ row: CaseMeasures) -> HTML {
            let counts: HTML = """
            <td data-label="\(req.t("诉求数", "Cases"))">\(row.counts.total)</td>\
            <td data-label="\(req.t("未办结", "Not closed"))">\(open(row))</td>\
            <td data-label="\(req.t("超期未答复", "Overdue"))">\(overdue(row))</td>
            """
            let rateCells = rates(row).map { r -> HTML in
                "<td data-label=\"\(label(req, r.key))\">\(percent(r.value)) <small class=\"muted\">\(r.basis.numerator)/\(r.basis.denominator)</small></td>"
            }
            return """
            \(counts)\(rateCells)<td data-label="\(label(req, "hoursToRespond"))">\(hours(row.medianHoursToRespond)) / \(hours(row.p90HoursToRespond))</td>\
            <td data-label="\(label(req, "hoursToResolve"))">\(hours(row.medianHoursToResolve)) / \(hours(row.p90HoursToResolve))</td>
            """
        }
        func header(_ text: String, _ key: SortKey?) -> HTML {
            let current = key?.rawValue ?? "" == p.sort
            let attrs = HTML(raw: current && key != nil ? " aria-sort=\"descending\"" : "")
            let title = key == nil ? req.t("按默认顺序", "default order") : req.t("按此列从高到低排序", "sort by this column, highest first")
            return "<th\(attrs)><a href=\"\(SiteURL.Measures.page(query: p.query([("sort", key?.rawValue ?? "")])).path)\" title=\"\(title)\">\(text)</a>\(current && key != nil ? " ↓" : "")</th>"
        }
        let headers: [HTML] = [
            header(groupingLabel(req, by), nil), header(req.t("诉求数", "Cases"), .total), "<th>\(req.t("未办结", "Not closed"))</th>",
            header(req.t("超期未答复", "Overdue"), .overdue),
        ] + rates(m).map { header(label(req, $0.key), $0.sort) } + [
            "<th>\(label(req, "hoursToRespond"))<br><small>\(req.t("中位 / P90 小时", "median / P90 h"))</small></th>",
            "<th>\(label(req, "hoursToResolve"))<br><small>\(req.t("中位 / P90 小时", "median / P90 h"))</small></th>",
        ]
        let body: [HTML] = rows.isEmpty
            ? ["<tr><td colspan=\"14\" class=\"muted\">\(req.t("没有可分组的数据", "Nothing to group"))</td></tr>"]
            : rows.map { "<tr><th scope=\"row\" data-label=\"\(groupingLabel(req, by))\">\(link($0.element))</th>\(cells($0.element))</tr>" }

        // The rankings (擂台赛): best first, ties share a rank, groups with nothing to rate last; months stay in order.
        func chart(_ key: String, _ value: (CaseMeasures) -> Double?) -> HTML {
            var ranked = breakdown.rows.map { (name: $0.group?.name ?? "", value: value($0)) }
            var labels: [String]
            if by == .month {
                labels = ranked.map(\.name)
            } else {
                ranked = ranked.enumerated().sorted { a, b in
                    switch (a.element.value, b.element.value) {
                    case let (x?, y?) where x != y: x > y
                    case (_?, nil): true
                    case (nil, _?): false
                    default: a.offset < b.offset
                    }
                }.map(\.element)
                labels = ranked.enumerated().map { i, r in
                    guard let v = r.value else { return r.name }
                    let rank = (ranked.firstIndex { $0.value == v } ?? i) + 1
                    return "\(rank). \(r.name)"
                }
            }
            let title = req.t("\(label(req, key))（按\(groupingLabel(req, by))）", "\(label(req, key)) by \(groupingLabel(req, by).lowercased())")
            return """
            <figure class="card" style="margin:0"><figcaption><b>\(title)</b></figcaption>
            \(BarChartSVG.render(rows: zip(labels, ranked).map { ($0, $1.value) }, title: title, format: percent))</figure>
            """
        }

        let api = "/api/v1/measures/cases"
        let apiQuery = [("node", m.filters.node?.code ?? ""), ("from", m.period.from ?? ""), ("to", m.period.to ?? ""),
                        ("category", m.filters.category ?? ""), ("department", m.filters.department ?? "")]
        return """
        <p class="muted">\(scopeName) · \(period)\(m.filters.category.map { " · " + $0 } ?? "") · \(req.t("截至", "as of")) \(ShanghaiTime.format(m.asOf)) · \
        <a href="#definitions">\(req.t("指标口径", "Definitions"))</a></p>
        <div class="stats">\(cards)</div>
        <h2>\(req.t("擂台赛", "Rankings"))</h2>
        <div class="grid2">\(chart("satisfactionRate") { $0.satisfactionRate })\(chart("resolutionRate") { $0.resolutionRate })</div>
        <h2>\(req.t("按\(groupingLabel(req, by))", "By \(groupingLabel(req, by).lowercased())"))</h2>
        <div class="table-wrap"><table class="stack measures">
        <thead><tr>\(headers)</tr></thead>
        <tbody>\(body)</tbody>
        <tfoot><tr><th scope="row">\(req.t("合计", "Total"))</th>\(cells(m))</tr></tfoot>
        </table></div>
        <p class="muted">JSON: <a href="\(api)\(SiteURL.query(apiQuery))">\(req.t("总体", "totals"))</a> · \
        <a href="\(api)/breakdown\(SiteURL.query(apiQuery + [("by", by.rawValue)]))">\(req.t("分组", "breakdown"))</a> \
        \(req.t("（API，需令牌）", "(API, token required)"))</p>
        """
    }

    /// 指标口径: the definitions from `CaseMeasures.definitions`, the one place their text is kept for pages.
    static func definitions(_ req: Request) -> HTML {
        let items = CaseMeasures.definitions.map { d -> HTML in
            "<dt>\(req.t(d.zh, d.en))</dt><dd>\(req.t(d.textZh, d.textEn))</dd>"
        }
        return """
        <section class="card" id="definitions"><h2 style="margin-top:0">\(req.t("指标口径", "Definitions"))</h2>
        <dl class="props" style="grid-template-columns:minmax(8rem,auto) 1fr">\(items)</dl>
        <p class="muted">\(req.t("统计登记日期在所选期间（北京时间，含首尾两日）、位于所选范围内的诉求；比率的分母为 0 时显示“—”。",
                                 "Cases created on the chosen days (Beijing time, both inclusive) inside the chosen area; a rate whose denominator is 0 shows “—”."))</p>
        </section>
        """
    }
}
