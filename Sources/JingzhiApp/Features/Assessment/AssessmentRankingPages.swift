import Fluent
import JingzhiCore
import Vapor

/// Rankings of a published round (红榜/黑榜, movement), its A4 print and CSV/xlsx export, the 擂台赛 side by side,
/// and a unit's scores over time with the indicators that cost it points.
enum AssessmentRankingPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Assessment.Pattern
        staff.get(P.ranking, use: ranking)
        staff.get(P.print, use: print)
        staff.get(P.export, use: export)
        staff.get(P.arena, use: arena)
        staff.get(P.unit, use: unit)
    }

    static func load(_ req: Request) async throws -> (AssessmentRound, Ranking) {
        let actor = try AssessmentPages.viewer(req)
        let service = AssessmentService(req: req)
        let r = try await service.round(try req.idParameter(), for: actor)
        guard r.roundState != .open else { throw APIError.conflict("考核尚未发布 (the round is not published yet)", code: "not_published") }
        return (r, try await service.ranking(r, node: nil, for: actor))
    }

    static func move(_ now: Int?, _ before: Int?) -> String {
        guard let now, let before else { return "—" }
        return now < before ? "↑\(before - now)" : now > before ? "↓\(now - before)" : "→"
    }

    static func table(_ req: Request, _ r: AssessmentRound, _ k: Ranking, pick: Bool) -> HTML {
        let dims = r.definition.dimensions
        let rows = k.items.map { l -> HTML in
            let mark: HTML = l.list == "red" ? "<span class=\"tag ok\">\(req.t("红榜", "Red list"))</span>" : l.list == "black" ? "<span class=\"tag error\">\(req.t("黑榜", "Black list"))</span>" : .empty
            let veto: HTML = l.vetoed ? " <span class=\"tag error\">\(req.t("一票否决", "Vetoed"))</span>" : .empty
            let d = dims.map { dim -> HTML in "<td data-label=\"\(dim.name)\">\(AssessmentPages.fmt(l.dimensions.first { $0.code == dim.code }?.score))</td>" }
            let box: HTML = pick ? "<td><input type=\"checkbox\" name=\"u\" value=\"\(l.nodeId)\" aria-label=\"\(req.t("选择", "Pick")) \(l.name)\"></td>" : .empty
            return """
            <tr>\(box)<td data-label="\(req.t("名次", "Rank"))">\(l.rank.map(String.init) ?? "—")</td>
            <td data-label="\(req.t("单位", "Unit"))"><a href="\(SiteURL.Assessment.result(l.resultId).path)">\(l.name)</a> \(mark)\(veto)</td>
            <td data-label="\(req.t("总分", "Total"))"><b>\(AssessmentPages.fmt(l.score))</b></td>\(d)
            <td data-label="\(req.t("较上期", "vs last period"))">\(move(l.rank, l.previousRank))</td><td data-label="\(req.t("较去年同期", "vs a year ago"))">\(move(l.rank, l.lastYearRank))</td></tr>
            """
        }
        let head = dims.map { d -> HTML in "<th>\(d.name)</th>" }
        return """
        <div class="table-wrap"><table class="list stack ranking"><thead><tr>\(pick ? HTML("<th>\(req.t("擂台赛", "Arena"))</th>") : .empty)<th>\(req.t("名次", "Rank"))</th><th>\(req.t("单位", "Unit"))</th><th>\(req.t("总分", "Total"))</th>\(head)
        <th>\(req.t("较上期", "vs last period"))</th><th>\(req.t("较去年同期", "vs a year ago"))</th></tr></thead><tbody>\(rows)</tbody></table></div>
        """
    }

    @Sendable static func ranking(req: Request) async throws -> HTML {
        let (r, k) = try await load(req)
        let red = k.items.filter { $0.list == "red" }.map(\.name), black = k.items.filter { $0.list == "black" }.map(\.name)
        return Layout(req: req, title: req.t("排名", "Ranking") + " · " + r.title, wide: true).render("""
        <p class="actions"><a class="button secondary" href="\(SiteURL.Assessment.print(r.id!).path)">\(req.t("打印 A4", "Print A4"))</a>
        <a class="button secondary" href="\(SiteURL.Assessment.export(r.id!, format: "csv").path)">CSV</a>
        <a class="button secondary" href="\(SiteURL.Assessment.export(r.id!, format: "xlsx").path)">\(req.t("电子表格", "Spreadsheet"))</a></p>
        <div class="grid2"><section class="card"><h2>\(req.t("红榜", "Red list")) (≥ \(String(format: "%g", r.definition.redAt)))</h2><p>\(red.isEmpty ? "—" : red.joined(separator: "、"))</p></section>
        <section class="card"><h2>\(req.t("黑榜", "Black list")) (< \(String(format: "%g", r.definition.blackBelow)) \(req.t("或一票否决", "or vetoed")))</h2><p>\(black.isEmpty ? "—" : black.joined(separator: "、"))</p></section></div>
        <form method="get" action="\(SiteURL.Assessment.arena(r.id!).path)">
        \(table(req, r, k, pick: true))
        <button>\(req.t("擂台赛对比（选 2–6 个）", "Compare side by side (pick 2–6)"))</button></form>
        <p><a href="\(SiteURL.Assessment.round(r.id!).path)">\(req.t("返回本轮考核", "Back to the round"))</a></p>
        """)
    }

    @Sendable static func print(req: Request) async throws -> Response {
        let (r, k) = try await load(req)
        let lang = req.lang == .zh ? "zh-CN" : "en"
        let html: HTML = """
        <!doctype html>
        <html lang="\(lang)"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(r.title)</title><link rel="stylesheet" href="\(SiteURL.stylesheet.path)"><script src="\(SiteURL.script.path)" defer></script>
        <style>@page{size:A4;margin:12mm}main{max-width:186mm;margin:auto}table{font-size:10pt}@media print{.no-print{display:none}}</style></head>
        <body class="print"><p class="no-print actions"><button type="button" data-print>\(req.t("打印", "Print"))</button>
        <a href="\(SiteURL.Assessment.ranking(r.id!).path)">\(req.t("返回排名", "Back to the ranking"))</a></p>
        <main id="main"><h1>\(r.title) \(req.t("考核排名", "ranking"))</h1>
        <p>\(r.fromDay) – \(r.toDay) · \(req.t("发布于", "Published")) \(r.publishedAt.map { ShanghaiTime.format($0) } ?? "—")</p>
        \(table(req, r, k, pick: false))</main></body></html>
        """
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: .ok, headers: headers, body: .init(string: html.raw))
    }

    @Sendable static func export(req: Request) async throws -> Response {
        let (r, k) = try await load(req)
        let dims = r.definition.dimensions
        let header = ["名次", "单位", "总分"] + dims.map(\.name) + ["一票否决", "红黑榜", "上期名次", "去年同期名次"]
        func cells(_ l: RankingLine) -> [String] {
            [l.rank.map(String.init) ?? "", l.name, AssessmentPages.fmt(l.score)] + dims.map { d in AssessmentPages.fmt(l.dimensions.first { $0.code == d.code }?.score) }
                + [l.vetoed ? "是" : "", l.list == "red" ? "红榜" : l.list == "black" ? "黑榜" : "", l.previousRank.map(String.init) ?? "", l.lastYearRank.map(String.init) ?? ""]
        }
        let name = "assessment-\(r.systemCode)-\(r.period)"
        if req.parameters.get("format") == "xlsx" {
            let rows = k.items.map { l in cells(l).enumerated().map { i, v -> SpreadsheetCell in
                (i == 0 || i >= 2) && i < 3 + dims.count ? (Double(v).map(SpreadsheetCell.number) ?? .text(v)) : .text(v)
            } }
            return Response.xlsx(try Spreadsheet.write(sheet: "排名", header: header, rows: rows, modified: req.now), filename: name + ".xlsx")
        }
        guard req.parameters.get("format") == "csv" else { throw APIError.notFound }
        return Response.csv(CSV.utf8BOM + CSV.line(header) + k.items.map { CSV.line(cells($0)) }.joined(), filename: name + ".csv")
    }

    @Sendable static func arena(req: Request) async throws -> HTML {
        let actor = try AssessmentPages.viewer(req)
        let service = AssessmentService(req: req)
        let r = try await service.round(try req.idParameter(), for: actor)
        let raw = (try? req.query.get([String].self, at: "u")) ?? ((try? req.query.get(String.self, at: "u")).map { [$0] } ?? [])
        let ids = raw.flatMap { $0.split(separator: ",") }.compactMap { UUID(uuidString: String($0)) }
        let a: (results: [AssessmentResult], rows: [ArenaRow], scores: [UnitScore])
        do {
            a = try await service.arena(r, units: ids, for: actor)
        } catch let e as APIError where e.status == .unprocessableEntity || e.status == .badRequest {
            req.flash(AssessmentPages.words(req, e), kind: "error")
            return Layout(req: req, title: req.t("擂台赛", "Arena")).render("<p><a href=\"\(SiteURL.Assessment.ranking(r.id!).path)\">\(req.t("返回排名重新选择", "Back to the ranking to choose"))</a></p>")
        }
        let head = a.results.map { res -> HTML in "<th scope=\"col\">\(res.unitName)</th>" }
        let totals = a.scores.map { s -> HTML in "<td><b>\(AssessmentPages.fmt(s.total))</b>\(s.vetoed ? HTML(" <span class=\"tag error\">\(req.t("否决", "veto"))</span>") : .empty)</td>" }
        let dimRows = r.definition.dimensions.map { d -> HTML in
            "<tr class=\"dim\"><th scope=\"row\">\(d.name)</th>\(a.scores.map { s -> HTML in "<td>\(AssessmentPages.fmt(s.dimensions.first { $0.code == d.code }?.score))</td>" })</tr>"
        }
        let rows = a.rows.map { row -> HTML in
            let best = row.cells.compactMap(\.points).max()
            let cells = row.cells.map { c -> HTML in
                let rawNums: HTML = c.numerator != nil ? "<br><small>\(AssessmentPages.fmt(c.numerator)) / \(AssessmentPages.fmt(c.denominator))</small>" : row.kind == "computed" ? "<br><small class=\"muted\">\(req.t("无数据", "no data"))</small>" : .empty
                let top = c.points != nil && c.points == best && row.cells.count > 1
                return "<td\(HTML(raw: top ? " class=\"best\"" : ""))>\(c.points.map { String(format: "%g", ($0 * 100).rounded() / 100) } ?? "—")\(rawNums)</td>"
            }
            return "<tr><td>\(row.dimension) · \(row.name)</td>\(cells)</tr>"
        }
        return Layout(req: req, title: req.t("擂台赛", "Arena") + " · " + r.title, wide: true).render("""
        <div class="table-wrap"><table class="list arena"><thead><tr><th scope="col">\(req.t("指标", "Indicator"))</th>\(head)</tr></thead>
        <tbody><tr><th scope="row">\(req.t("总分", "Total"))</th>\(totals)</tr>\(dimRows)\(rows)</tbody></table></div>
        <p><a href="\(SiteURL.Assessment.ranking(r.id!).path)">\(req.t("返回排名", "Back to the ranking"))</a></p>
        """)
    }

    @Sendable static func unit(req: Request) async throws -> HTML {
        let actor = try AssessmentPages.viewer(req)
        let service = AssessmentService(req: req)
        let code = (try? req.query.get(String.self, at: "system")) ?? AssessmentTemplates.fourTypeCode
        let history = try await service.history(unit: try req.idParameter(), system: code, for: actor)
        guard let last = history.last else { throw APIError.notFound }
        let dims = last.round.definition.dimensions
        let lastYear = sameTimeLastYear(history)
        let rows = history.reversed().map { h -> HTML in
            let bar = Int((h.result.total ?? 0).rounded())
            let scores = Dictionary(h.result.dimensions.map { ($0.code, $0.score) }, uniquingKeysWith: { a, _ in a })
            let cells = dims.map { d -> HTML in "<td data-label=\"\(d.name)\">\(AssessmentPages.fmt(scores[d.code] ?? nil))</td>" }
            return """
            <tr><td data-label="\(req.t("周期", "Period"))"><a href="\(SiteURL.Assessment.result(h.result.id!).path)">\(h.round.period)</a></td>
            <td data-label="\(req.t("总分", "Total"))">\(AssessmentPages.fmt(h.result.total)) <meter min="0" max="100" value="\(bar)" aria-label="\(req.t("得分", "Score"))"></meter></td>
            \(cells)<td data-label="\(req.t("去年同期总分", "Same period last year"))">\(AssessmentPages.fmt(lastYear[h.round.period] ?? nil))</td><td data-label="\(req.t("名次", "Rank"))">\(h.result.rank.map(String.init) ?? "—")</td><td>\(h.result.vetoed ? req.t("一票否决", "vetoed") : "")</td></tr>
            """
        }
        let losses = try await service.score(last.round, last.result).losses.prefix(8).map { l -> HTML in "<li>\(l.name)：−\(AssessmentPages.fmt(l.points))</li>" }
        return Layout(req: req, title: "\(last.result.unitName) · \(last.round.systemName)").render("""
        <section class="card"><h2>\(req.t("最近一期失分指标", "Indicators that cost points, latest period")) (\(last.round.period))</h2><ul>\(losses.isEmpty ? ["<li>—</li>"] : Array(losses))</ul></section>
        \(historyChart(req, history, dims: dims))
        <div class="table-wrap"><table class="list stack" id="unit-history"><caption>\(req.t("历次得分（图中数据）", "Scores over time (the chart's figures)"))</caption>
        <thead><tr><th>\(req.t("周期", "Period"))</th><th>\(req.t("总分", "Total"))</th>\(dims.map { d -> HTML in "<th>\(d.name)</th>" })<th>\(req.t("去年同期总分", "Same period last year"))</th><th>\(req.t("名次", "Rank"))</th><th>\(req.t("备注", "Note"))</th></tr></thead>
        <tbody>\(rows)</tbody></table></div>
        """)
    }

    /// Each period's total of the same period a year before (nil: not assessed or published then).
    static func sameTimeLastYear(_ history: [(round: AssessmentRound, result: AssessmentResult)]) -> [String: Double?] {
        let totals = Dictionary(history.map { ($0.round.period, $0.result.total) }, uniquingKeysWith: { a, _ in a })
        return Dictionary(history.map { h in (h.round.period, h.round.periodKind.lastYear(h.round.period).flatMap { totals[$0] } ?? nil) },
                          uniquingKeysWith: { a, _ in a })
    }

    /// The unit's total and dimension scores over the periods as our own SVG line chart (0–100), with a dashed line of
    /// the total of the same period a year before ("compared with the same period last year"); the table below it
    /// carries the same figures for screen readers and for printing. A period with no score leaves a gap.
    static func historyChart(_ req: Request, _ history: [(round: AssessmentRound, result: AssessmentResult)], dims: [DimensionDef]) -> HTML {
        guard history.count > 1 else { return .empty }
        let periods = history.map(\.round.period)
        let lastYear = sameTimeLastYear(history)
        var series = [ChartSeries(name: req.t("总分", "Total"), color: ChartTheme.palette[1], values: history.map(\.result.total))]
        series.append(ChartSeries(name: req.t("去年同期总分", "Total, same period last year"), color: ChartTheme.palette[8],
                                  values: periods.map { lastYear[$0] ?? nil }, dashed: true))
        for (i, d) in dims.enumerated() {
            let values = history.map { h in h.result.dimensions.first { $0.code == d.code }?.score }
            series.append(ChartSeries(name: d.name, color: ChartTheme.palette[(i + 3) % ChartTheme.palette.count], values: values))
        }
        let title = req.t("历次得分走势：\(periods.first!) 至 \(periods.last!)，详见下表", "Scores from \(periods.first!) to \(periods.last!); figures in the table below")
        let svg = TrendChartSVG.lines(xLabels: periods, series: series, ticks: [0, 25, 50, 75, 100], tickLabel: { String(Int($0)) },
                                      valueLabel: { String(format: "%.2f", $0) }, title: title, xTitle: req.t("周期", "Period"), yTitle: req.t("得分", "Score"))
        return "<figure class=\"chart\" id=\"unit-chart\">\(svg)<figcaption>\(title)</figcaption></figure>"
    }

    /// The command centre's panel: the latest published ranking of areas (not companies) in the node's subtree (top ten).
    static func commandCentre(_ req: Request, node: OrgNode?) async throws -> HTML? {
        guard let actor = req.actor, AssessmentPages.canSee(actor), ![.propertyStaff, .departmentStaff].contains(actor.role) else { return nil }
        let service = AssessmentService(req: req)
        var latest: AssessmentRound?
        for r in try await AssessmentRound.query(on: req.db).filter(\.$state == RoundState.published.rawValue)
            .filter(\.$unitKindRaw ~~ AssessmentUnitKind.areas.map(\.rawValue)).sort(\.$toDay, .descending).sort(\.$publishedAt, .descending).limit(20).all()
            where try await service.visible(r, to: actor) {
            latest = r
            break
        }
        guard let r = latest else { return nil }
        let k = try await service.ranking(r, node: node, for: actor)
        guard !k.items.isEmpty else { return nil }
        let rows = k.items.prefix(10).map { l -> HTML in
            "<tr><td>\(l.rank.map(String.init) ?? "—")</td><td>\(l.name)\(l.list == "black" ? HTML(" <span class=\"tag error\">\(req.t("黑榜", "black list"))</span>") : .empty)</td><td>\(AssessmentPages.fmt(l.score))</td><td>\(move(l.rank, l.previousRank))</td></tr>"
        }
        return """
        <section class="card" id="cc-assessment"><h2>\(req.t("考核排名", "Assessment ranking")) · \(r.title) <a class="cc-more" href="\(SiteURL.Assessment.ranking(r.id!).path)">\(req.t("全部", "All"))</a></h2>
        <div class="table-wrap"><table class="list"><thead><tr><th>\(req.t("名次", "Rank"))</th><th>\(req.t("单位", "Unit"))</th><th>\(req.t("总分", "Total"))</th><th>\(req.t("较上期", "vs last period"))</th></tr></thead>
        <tbody>\(rows)</tbody></table></div></section>
        """
    }
}
