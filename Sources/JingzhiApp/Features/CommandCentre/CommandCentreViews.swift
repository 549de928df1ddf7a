import JingzhiCore
import Vapor

/// The pieces the desk page and the wall screen share. Each live piece sits in an element with `data-live="name"`,
/// and `/command/live` returns the same pieces freshly rendered, so the script swaps them in without a reload.
enum CommandCentreViews {
    /// Everything one render needs.
    struct Data {
        var node: OrgNode?
        var period: CommandCentrePeriod
        var category: CaseCategory?
        var summary: CommandCentreSummary
        var map: CommandCentreMap
        var grids: [CommandCentreService.MapGrid]
        var outlines: [CommandCentreService.MapOutline]
        var trends: CommandCentreTrends
    }

    static func load(_ req: Request, node: OrgNode?, period: CommandCentrePeriod, category: CaseCategory?) async throws -> Data {
        let service = CommandCentreService(req: req)
        let month = try await service.currentMonth(node: node)
        let summary = try await service.summary(node: node, currentMonth: month)
        let (map, grids) = try await service.map(node: node, period: period, category: category)
        return Data(node: node, period: period, category: category, summary: summary, map: map, grids: grids,
                    outlines: try await service.cachedOutlines(under: node), trends: try await service.trends(node: node, currentMonth: month))
    }

    static func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }

    /// The live pieces by name.
    static func fragments(_ req: Request, _ d: Data, theme: ChartTheme, back: String) -> [String: HTML] {
        [
            "asof": HTML(stringLiteral: ShanghaiTime.format(d.summary.asOf, "yyyy-MM-dd HH:mm:ss")),
            "counts": counts(req, d.summary),
            "rates": rates(req, d.summary.rates),
            // The desk's map sits in half a page: a smaller drawing keeps its text readable there.
            "map": theme == .dark ? map(req, d, theme: theme, width: 900, height: 560) : map(req, d, theme: theme, width: 600, height: 460),
            "overdue": list(req, d.summary.overdue, empty: req.t("没有超期诉求", "Nothing overdue"), back: back,
                            shown: theme == .dark ? wallListLength : nil, total: d.summary.backlog.overdue, all: casesLink(d.node?.id, state: "overdue")),
            "duesoon": list(req, d.summary.dueSoon, empty: req.t("24 小时内没有到期的诉求", "Nothing due in 24 hours"), back: back,
                            shown: theme == .dark ? wallListLength : nil, total: d.summary.backlog.dueSoon, all: casesLink(d.node?.id, state: "open")),
            "patrols": patrols(req, d.summary.patrols),
            "trends": trends(req, d.trends, theme: theme),
        ]
    }

    static func counts(_ req: Request, _ s: CommandCentreSummary) -> HTML {
        func block(_ title: String, _ t: CommandCentreTally) -> HTML {
            """
            <div class="cc-tally"><h3>\(title)</h3><dl>
            <div><dt>\(req.t("新增", "New"))</dt><dd data-figure="new">\(t.new)</dd></div>
            <div><dt>\(req.t("办理中", "In progress"))</dt><dd data-figure="inProgress">\(t.inProgress)</dd></div>
            <div class="bad"><dt>\(req.t("其中超期", "Overdue"))</dt><dd data-figure="overdue">\(t.overdue)</dd></div>
            <div><dt>\(req.t("待评价", "Awaiting rating"))</dt><dd>\(t.awaitingRating)</dd></div>
            <div class="good"><dt>\(req.t("已办结", "Closed"))</dt><dd data-figure="closed">\(t.closed)</dd></div>
            </dl></div>
            """
        }
        let b = s.backlog
        return """
        \(block(req.t("今日（\(s.today.from)）", "Today (\(s.today.from))"), s.today))
        \(block(req.t("本月（\(s.month.from) 起）", "This month (from \(s.month.from))"), s.month))
        <div class="cc-tally"><h3>\(req.t("全部在办", "All unanswered now"))</h3><dl>
        <div><dt>\(req.t("在办", "Open"))</dt><dd data-figure="backlogOpen"><a href="\(casesLink(s.node?.id, state: "open"))">\(b.open)</a></dd></div>
        <div class="bad"><dt>\(req.t("超期", "Overdue"))</dt><dd data-figure="backlogOverdue"><a href="\(casesLink(s.node?.id, state: "overdue"))">\(b.overdue)</a></dd></div>
        <div class="warn"><dt>\(req.t("24小时内到期", "Due in 24 h"))</dt><dd>\(b.dueSoon)</dd></div>
        </dl></div>
        <p class="cc-note">\(req.t("按登记时间统计：今日、本月登记的诉求现在所处的状态。", "By creation: where the cases created today and this month stand now."))</p>
        """
    }

    static func rates(_ req: Request, _ r: CommandCentreRates) -> HTML {
        let items: [(String, Double?)] = [(req.t("响应率", "Response"), r.responseRate), (req.t("解决率", "Resolution"), r.resolutionRate),
                                          (req.t("满意率", "Satisfaction"), r.satisfactionRate), (req.t("按时办结率", "On time"), r.onTimeRate),
                                          (req.t("小事不出网格", "Closed in grid"), r.gridClosureShare)]
        // n: the cases each rate is taken over (its denominator).
        let fractions = [r.basis.response, r.basis.resolution, r.basis.satisfaction, r.basis.onTime, r.basis.gridClosure]
        return """
        <h3>\(req.t("\(r.month) 三率", "Rates, \(r.month)"))</h3>
        <dl class="cc-rates">\(zip(items, fractions).map { item, f -> HTML in
            "<div><dt>\(item.0)</dt><dd>\(percent(item.1))<small class=\"cc-n\" title=\"\(f.numerator)/\(f.denominator)\">n=\(f.denominator)</small></dd></div>"
        })</dl>
        """
    }

    static func map(_ req: Request, _ d: Data, theme: ChartTheme, width: Double = 900, height: Double = 620) -> HTML {
        let figures = Dictionary(d.map.grids.map { ($0.id, $0) }) { a, _ in a }
        let areas = d.grids.compactMap { g -> GridMapSVG.Area? in
            guard let boundary = g.boundary, let f = figures[g.node.id!] else { return nil }
            let label = d.grids.count > 40 ? "" : g.node.name
            let detail = f.casesPer1000Households.map { req.t("每千户 \(ChoroplethScale.short($0)) 件（\(f.cases) 件 / \(f.households) 户）", "\(ChoroplethScale.short($0)) per 1,000 households (\(f.cases) cases / \(f.households) households)") }
                ?? req.t("\(f.cases) 件，无住户数据", "\(f.cases) cases, no households")
            return GridMapSVG.Area(id: g.node.code, label: label.isEmpty ? (g.community.map { $0 + " " } ?? "") + g.node.name : label,
                                   boundary: boundary, value: f.casesPer1000Households, detail: detail,
                                   href: SiteURL.Cases.queue(query: [("node", g.node.id!.uuidString)]).path)
        }
        let scale = ChoroplethScale(maxValue: areas.compactMap(\.value).max() ?? 0)
        var heat: GridMapSVG.Heat?
        if let h = d.map.heat {
            let grid = HeatGrid(box: GeoBox(west: h.west, south: h.south, east: h.east, north: h.north), columns: h.columns)
            heat = .init(grid: grid, counts: Dictionary(h.cells.map { (HeatGrid.Cell(column: $0.column, row: $0.row), $0.count) }) { a, b in a + b })
        }
        var markers = d.summary.patrols.active.compactMap { p -> GridMapSVG.Marker? in
            guard let lat = p.latitude, let lon = p.longitude else { return nil }
            return .init(label: p.workerName + (p.gridName.map { " · " + $0 } ?? ""), lon: lon, lat: lat, href: SiteURL.CommandCentre.replay(patrol: p.patrolId).path)
        }
        markers += deviceMarkers(req, d)
        let outlines = d.outlines.map { GridMapSVG.Outline(label: $0.name, boundary: $0.boundary, major: $0.street) }
        let svg = GridMapSVG.render(areas: areas, scale: scale, heat: heat, markers: markers, outlines: outlines,
                                    labels: .init(title: req.t("网格地图：每千户诉求数与诉求热力", "Grid map: cases per 1,000 households and case heat"),
                                                  legendTitle: req.t("每千户诉求", "Per 1,000 households"), noData: req.t("无住户", "No households"),
                                                  heat: req.t("有坐标的诉求", "Located cases"), colon: req.t("：", ": "),
                                                  diamond: req.t("网格内的设备", "Devices of a grid"), diamondAlert: req.t("设备告警中", "Device alarm")),
                                    width: width, height: height, theme: theme, showAreaNames: areas.count <= 40 && d.outlines.count < 2)
        let located = d.map.heat.map { req.t("有坐标 \($0.located) 件 / 共 \($0.total) 件", "\($0.located) of \($0.total) cases located") } ?? ""
        return """
        \(svg)<p class="cc-note">\(d.period.label(req.lang))\(d.category.map { " · " + $0.name } ?? "") · \(located) · \(req.t("点击网格查看其诉求", "Click a grid to open its cases"))</p>
        """
    }

    /// One diamond per grid with devices, inside the grid off its centre; red while any of them has an active alarm.
    static func deviceMarkers(_ req: Request, _ d: Data) -> [GridMapSVG.Marker] {
        let grids = Dictionary(d.grids.map { ($0.node.id!, $0) }) { a, _ in a }
        return (d.map.devices ?? []).compactMap { g -> GridMapSVG.Marker? in
            guard let grid = grids[g.gridId], let b = grid.boundary, let corner = b.rings.first?.first else { return nil }
            let c = b.centroid
            let label = req.t("\(grid.node.name)：设备 \(g.devices) 台，离线 \(g.offline) 台，告警 \(g.alarmed) 台",
                              "\(grid.node.name): \(g.devices) devices, \(g.offline) offline, \(g.alarmed) alarmed")
            let status = g.alarmed > 0 ? "alarm" : g.offline > 0 ? "offline" : ""
            return .init(label: label, lon: c.lon + 0.3 * (corner[0] - c.lon), lat: c.lat + 0.3 * (corner[1] - c.lat),
                         href: req.application.commandCentre.devicesLink?(grid.node.id!, status),
                         diamond: true, alert: g.alarmed > 0)
        }
    }

    /// Cases a wall screen lists of each kind: as many as fit its column without scrolling; the rest are counted.
    static let wallListLength = 4

    /// The case list of the node (all the viewer may see without one) in the given state.
    static func casesLink(_ node: UUID?, state: String) -> String {
        SiteURL.Cases.queue(query: [("state", state), ("node", node?.uuidString ?? "")]).path
    }

    /// A dispatch list with 督办 buttons: the first `shown` cases (all given without it), then how many more of
    /// `total` there are, linked to the full list.
    static func list(_ req: Request, _ cases: [CommandCentreCase], empty: String, back: String, shown: Int? = nil, total: Int = 0,
                     all: String = SiteURL.Cases.queue(query: []).path) -> HTML {
        guard !cases.isEmpty else { return "<p class=\"muted\">\(empty)</p>" }
        let listed = Array(cases.prefix(shown ?? cases.count))
        let more = max(0, total - listed.count)
        let moreLine: HTML = more > 0
            ? "<p class=\"cc-note cc-more-cases\"><a href=\"\(all)\">\(req.t("另有 \(more) 件，查看全部", "\(more) more: see all"))</a></p>" : .empty
        let rows = listed.map { c -> HTML in
            let due = c.hoursOverdue.map { h in h > 0 ? req.t("超期 \(ChoroplethScale.short(h)) 小时", "\(ChoroplethScale.short(h)) h overdue") : req.t("剩 \(ChoroplethScale.short(-h)) 小时", "\(ChoroplethScale.short(-h)) h left") } ?? ""
            let action: HTML = c.supervisedAt.map { at in
                "<span class=\"cc-done\">\(req.t("已督办", "Supervised")) \(ShanghaiTime.format(at, "MM-dd HH:mm"))</span>"
            } ?? .empty
            return """
            <li><a href="\(SiteURL.Cases.detail(c.id).path)">\(c.number)</a> <span class="cc-cat">\(c.categoryName)</span> <span class="cc-place">\(c.place)</span>
            <span class="cc-due\(HTML(raw: (c.hoursOverdue ?? 0) > 0 ? " bad" : ""))">\(due)</span> \(action)
            <form method="post" action="\(SiteURL.CommandCentre.supervise.path)" class="cc-supervise" data-supervise>\(Form.csrf(req))
            <input type="hidden" name="caseId" value="\(c.id)"><input type="hidden" name="back" value="\(back)">
            <button class="secondary">\(req.t("督办", "Supervise"))</button></form></li>
            """
        }
        return "<ul class=\"cc-list\">\(rows)</ul>\(moreLine)"
    }

    static func patrols(_ req: Request, _ p: CommandCentrePatrolsBlock) -> HTML {
        guard p.available else { return "<p class=\"muted\">\(req.t("暂无巡查数据", "No patrol data yet"))</p>" }
        guard !p.active.isEmpty else { return "<p class=\"muted\">\(req.t("当前没有网格员在巡查", "Nobody is on patrol now"))</p>" }
        return "<ul class=\"cc-list\">\(p.active.map { a -> HTML in "<li><a href=\"\(SiteURL.CommandCentre.replay(patrol: a.patrolId).path)\">\(a.workerName)</a> \(a.gridName ?? "") <span class=\"muted\">\(req.t("开始于", "since")) \(ShanghaiTime.format(a.startedAt, "HH:mm"))\(a.distanceMeters.map { " · \(Int($0)) m" } ?? "")</span></li>" })</ul>"
    }

    /// The wall's two charts, drawn at the size they show (half the centre column), with the three largest categories
    /// and the rest as 其他, so a legend of large type leaves the plot room.
    static func wallTrends(_ req: Request, _ t: CommandCentreTrends) -> HTML {
        var t = t
        if t.categories.count > 4 {
            let rest = t.categories.dropFirst(3)
            let other = CommandCentreCategoryDays(code: CommandCentreService.otherCategory, name: req.t("其他", "Other"),
                                                  counts: t.days.indices.map { i in rest.reduce(0) { $0 + $1.counts[i] } })
            t.categories = Array(t.categories.prefix(3)) + [other]
        }
        return trends(req, t, theme: .dark, width: 440, height: 370)
    }

    static func trends(_ req: Request, _ t: CommandCentreTrends, theme: ChartTheme, width: Double = 640, height: Double = 280) -> HTML {
        let days = t.days.map { String($0.suffix(5)) }
        let series = t.categories.enumerated().map { i, c in
            ChartSeries(name: c.name, color: ChartTheme.palette[i % ChartTheme.palette.count], values: c.counts.map { Double($0) })
        }
        let rateSeries = [
            ChartSeries(name: req.t("响应率", "Response"), color: ChartTheme.palette[1], values: t.months.map(\.responseRate)),
            ChartSeries(name: req.t("解决率", "Resolution"), color: ChartTheme.palette[2], values: t.months.map(\.resolutionRate)),
            ChartSeries(name: req.t("满意率", "Satisfaction"), color: ChartTheme.palette[0], values: t.months.map(\.satisfactionRate)),
        ]
        return """
        <figure class="cc-chart">\(TrendChartSVG.columns(xLabels: days, series: series, title: req.t("近30天每日诉求（按类别）", "Cases per day by category, 30 days"),
                                                         xTitle: req.t("日期", "Day"), yTitle: req.t("诉求数", "Cases"), width: width, height: height, theme: theme))</figure>
        <figure class="cc-chart">\(TrendChartSVG.rates(xLabels: t.months.map(\.month), series: rateSeries,
                                                       title: req.t("近12个月三率", "Rates per month, 12 months"), xTitle: req.t("月份", "Month"),
                                                       yTitle: req.t("比率", "Rate"), width: width, height: height, theme: theme))</figure>
        """
    }
}
