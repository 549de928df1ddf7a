import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The measures page (`/measures`) on the scenario of `CaseMeasuresTests`, measured at 2026-11-06 09:30 Shanghai:
/// the default period (2026-10-08…2026-11-06) holds every case of the scenario.
@Suite struct CaseMeasuresPageTests {
    /// The `<svg class="bars">` charts of a page, in order.
    static func charts(_ html: String) -> [String] {
        html.components(separatedBy: "<svg class=\"bars\"").dropFirst().map { $0.components(separatedBy: "</svg>")[0] }
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    /// The table body of a page.
    static func tbody(_ html: String) -> String {
        guard let start = html.range(of: "<tbody>"), let end = html.range(of: "</tbody>", range: start.upperBound..<html.endIndex) else { return "" }
        return String(html[start.upperBound..<end.lowerBound])
    }

    @Test func streetStaffSeeTheStreetsFiguresACommunityRowEachAndTheRankings() async throws {
        try await withDemoApp { app in
            // setup
            try await CaseMeasuresTests().buildScenario(app)
            let browser = Browser(app)
            try await browser.login("gt_street")
            // act
            let page = try await browser.get("/measures")
            // check: the street's headline (see CaseMeasuresTests: 7/12, 9/11, 6/7, 6/9, 4/8, 7/8; 14 cases)
            #expect(page.status == .ok)
            let html = page.text
            #expect(html.contains("<a href=\"/measures\" aria-current=\"page\">考核统计</a>"))
            for (label, value, basis) in [("响应率", "58.3%", "7/12"), ("解决率", "81.8%", "9/11"), ("满意率", "85.7%", "6/7"),
                                          ("按时办结率", "66.7%", "6/9"), ("小事不出网格", "50.0%", "4/8"), ("大事不出社区", "87.5%", "7/8")] {
                #expect(html.contains("<span>\(label)</span><b>\(value)</b><small class=\"muted\">\(basis)</small>"), "\(label)")
            }
            #expect(html.contains("<span>诉求数</span><b>14</b>"))
            #expect(html.contains("<span>超期未答复</span><b>2</b>"))      // C9 and O2 are past their deadline without a standing reply
            #expect(html.contains("<span>响应时长</span><b>0.8<small> 小时</small></b><small class=\"muted\">中位数 · P90 2.0</small>"))    // median 0.75 h, 90th percentile 2 h
            // the default filters: the last 30 days, by community
            #expect(html.contains("name=\"from\" value=\"2026-10-08\""))
            #expect(html.contains("name=\"to\" value=\"2026-11-06\""))
            #expect(html.contains("<option value=\"community\" selected>"))
            #expect(html.contains("<option value=\"YT-GT-01\">"))
            #expect(!html.contains("<option value=\"YT-BH-01\">"))
            // one row per community, in tree order: 古亭 5/6 satisfied, 鱼城 1/1
            let rows = Self.tbody(html)
            #expect(Self.count("<tr>", in: rows) == 2)
            let gt = try #require(rows.range(of: ">古亭社区</a>")), yc = try #require(rows.range(of: ">鱼城社区</a>"))
            #expect(gt.lowerBound < yc.lowerBound)
            #expect(rows.contains("83.3% <small class=\"muted\">5/6</small>"))
            #expect(rows.contains("100.0% <small class=\"muted\">1/1</small>"))
            // two charts, one bar per community each, best first: satisfaction 鱼城 100 % > 古亭 83.3 %; resolution 古亭 8/9 > 鱼城 1/2
            let charts = Self.charts(html)
            #expect(charts.count == 2)
            #expect(charts.allSatisfy { Self.count("<g class=\"bar\">", in: $0) == 2 })
            let satisfaction = charts[0], resolution = charts[1]
            #expect(satisfaction.contains("role=\"img\" aria-label=\"满意率（按社区）\""))
            #expect(satisfaction.contains(">1. 鱼城社区</text>") && satisfaction.contains(">2. 古亭社区</text>"))
            #expect(resolution.contains(">1. 古亭社区</text>") && resolution.contains(">2. 鱼城社区</text>"))
            #expect(resolution.contains(">88.9%</text>") && resolution.contains(">50.0%</text>"))
            // the same data as JSON, and the definitions
            #expect(html.contains("href=\"/api/v1/measures/cases?node=YT-GT&amp;from=2026-10-08&amp;to=2026-11-06\""))
            #expect(html.contains("href=\"/api/v1/measures/cases/breakdown?node=YT-GT&amp;from=2026-10-08&amp;to=2026-11-06&amp;by=community\""))
            #expect(html.contains("id=\"definitions\""))
            #expect(html.contains("<dt>满意率</dt><dd>\(CaseMeasures.definition("satisfactionRate").textZh)</dd>"))
        }
    }

    @Test func theTableSortsServerSideAndFiltersNarrowTheFigures() async throws {
        try await withDemoApp { app in
            // setup
            try await CaseMeasuresTests().buildScenario(app)
            let browser = Browser(app)
            try await browser.login("gt_street")
            // act
            let bySatisfaction = try await browser.get("/measures?sort=satisfaction")
            let period = try await browser.get("/measures?node=YT-GT-01&from=2026-11-03&to=2026-11-04")
            let community = Browser(app)
            try await community.login("gt01_community")
            let grids = try await community.get("/measures")
            let badSort = try await browser.get("/measures?sort=nope")
            let streetGrids = try await browser.get("/measures?by=grid")
            let grid = try await app.node("YT-GT-01-G01")
            // check: 鱼城 (100 %) now above 古亭 (83.3 %)
            let rows = Self.tbody(bySatisfaction.text)
            let gt = try #require(rows.range(of: ">古亭社区</a>")), yc = try #require(rows.range(of: ">鱼城社区</a>"))
            #expect(yc.lowerBound < gt.lowerBound)
            #expect(bySatisfaction.text.contains("aria-sort=\"descending\""))
            // 古亭社区 on 11-03…11-04: 4/6, 5/6, 2/3, 3/5; a community node groups by grid
            for (value, basis) in [("66.7%", "4/6"), ("83.3%", "5/6"), ("66.7%", "2/3"), ("60.0%", "3/5")] {
                #expect(period.text.contains("<b>\(value)</b><small class=\"muted\">\(basis)</small>"), "\(basis)")
            }
            #expect(period.text.contains("<option value=\"grid\" selected>"))
            #expect(!period.text.contains("<option value=\"street\""))
            // community staff: their grids by default, G02 satisfied 1/2 and answered 2/2
            #expect(grids.status == .ok)
            #expect(grids.text.contains("<option value=\"grid\" selected>"))
            #expect(Self.charts(grids.text).allSatisfy { Self.count("<g class=\"bar\">", in: $0) == 2 })
            #expect(Self.tbody(grids.text).contains("50.0% <small class=\"muted\">1/2</small>"))
            #expect(badSort.status == .unprocessableEntity)
            // above a community, grids are named with their community (every community has a grid of the same name)
            #expect(Self.tbody(streetGrids.text).contains(">古亭社区 \(grid.name)</a>"))
            #expect(Self.charts(streetGrids.text).first?.contains("古亭社区 \(grid.name)</text>") == true)
        }
    }

    @Test func aForeignNodeIsNotFoundAndResidentsAndPartnersAreRefused() async throws {
        try await withDemoApp { app in
            // setup
            let other = Browser(app)
            try await other.login("bh01_community")
            let resident = Browser(app)
            try await resident.login("resident_demo")
            let partner = Browser(app)
            try await partner.login("partner_demo")
            // act
            let foreign = try await other.get("/measures?node=YT-GT-01")
            let missing = try await other.get("/measures?node=nope")
            let own = try await other.get("/measures")
            let refused = try await resident.get("/measures")
            let partnerPage = try await partner.get("/measures")
            let anonymous = try await Browser(app).get("/measures")
            // check
            #expect(foreign.status == .notFound)
            #expect(!foreign.text.contains("古亭社区"))
            #expect(missing.status == .notFound)
            #expect(own.status == .ok)
            #expect(refused.status == .forbidden)
            #expect(!refused.text.contains("href=\"/measures\""))
            #expect(partnerPage.status == .forbidden)
            #expect(anonymous.status == .seeOther)
        }
    }

    @Test func badDatesAre422WithTheMessageOnThePage() async throws {
        try await withDemoApp { app in
            // setup
            let browser = Browser(app)
            try await browser.login("gt_street")
            // act
            let malformed = try await browser.get("/measures?from=2026-13-01&to=2026-11-06")
            let backwards = try await browser.get("/measures?from=2026-11-05&to=2026-11-01")
            let category = try await browser.get("/measures?category=nope")
            // check: the form stays, with what was sent, and says what is wrong
            #expect(malformed.status == .unprocessableEntity)
            #expect(malformed.text.contains("<p class=\"error\" role=\"alert\">开始日期：日期格式应为 YYYY-MM-DD</p>"))
            #expect(malformed.text.contains("name=\"from\" value=\"2026-13-01\""))
            #expect(!malformed.text.contains("<svg class=\"bars\""))
            #expect(backwards.status == .unprocessableEntity)
            #expect(backwards.text.contains("结束日期：结束日期早于开始日期"))
            #expect(category.status == .unprocessableEntity)
            #expect(category.text.contains("未知诉求类别 nope"))
        }
    }

    @Test func englishShowsEnglishLabels() async throws {
        try await withDemoApp { app in
            // setup
            try await CaseMeasuresTests().buildScenario(app)
            let browser = Browser(app)
            try await browser.login("gt_street")
            // act
            try await browser.get("/lang/en?back=/measures")
            let page = try await browser.get("/measures")
            let bad = try await browser.get("/measures?from=2026-13-01")
            // check
            #expect(page.status == .ok)
            for label in ["<h1>Case measures</h1>", ">Measures</a>", "<span>Response rate</span>", "<span>Resolution rate</span>",
                          "<span>Satisfaction rate</span>", "<span>On-time rate</span>", "<span>Closed in the grid</span>",
                          "aria-label=\"Satisfaction rate by community\"", ">Definitions</h2>", "All (谷亭街道)"] {
                #expect(page.text.contains(label), "\(label)")
            }
            #expect(!page.text.contains("考核统计") && !page.text.contains("满意率"))
            #expect(bad.text.contains("From: date must be YYYY-MM-DD"))
        }
    }
}

/// The bar chart on its own: every row gets a group, `nil` no bar, values clamp to 0…1, text is escaped.
@Suite struct BarChartSVGTests {
    @Test func drawsOneBarPerRowEscapesLabelsAndLeavesNullsEmpty() {
        // act
        let svg = BarChartSVG.render(rows: [("a<b & \"c\"", 0.5), ("零", 0), ("满", 1), ("空", nil), ("over", 1.7)],
                                     title: "满意率 <排名>", format: { String(format: "%.1f%%", $0 * 100) }).raw
        // check
        #expect(svg.hasPrefix("<svg class=\"bars\" xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("role=\"img\" aria-label=\"满意率 &lt;排名&gt;\""))
        #expect(svg.contains("<title>满意率 &lt;排名&gt;</title>"))
        #expect(svg.components(separatedBy: "<g class=\"bar\">").count - 1 == 5)
        #expect(svg.components(separatedBy: "<rect class=\"value\"").count - 1 == 4)   // no bar for nil
        #expect(svg.contains(">a&lt;b &amp; &quot;c&quot;</text>"))
        #expect(!svg.contains("a<b"))
        #expect(svg.contains(">—</text>") && svg.contains(">0.0%</text>") && svg.contains(">100.0%</text>") && svg.contains(">50.0%</text>"))
        #expect(svg.contains(">170.0%</text>"))   // the value is shown as given, the bar clamped
        // widths: 0 is an empty bar, 1 and 1.7 fill the track
        let widths = svg.components(separatedBy: "<rect class=\"value\"").dropFirst().compactMap { part -> Double? in
            guard let r = part.range(of: "width=\""), let end = part[r.upperBound...].firstIndex(of: "\"") else { return nil }
            return Double(part[r.upperBound..<end])
        }
        let track = svg.components(separatedBy: "fill=\"#f3f1ee\"").first.flatMap { part -> Double? in
            guard let r = part.range(of: "width=\"", options: .backwards), let end = part[r.upperBound...].firstIndex(of: "\"") else { return nil }
            return Double(part[r.upperBound..<end])
        }
        #expect(widths.count == 4 && track != nil)
        if let track, widths.count == 4 {
            #expect(abs(widths[0] - track / 2) < 0.11)
            #expect(widths[1] == 0)
            #expect(widths[2] == track && widths[3] == track)
        }
        #expect(!svg.contains("<script") && !svg.contains("href"))
    }

    @Test func anEmptyChartIsStillAnImageAndLongLabelsAreCut() {
        let empty = BarChartSVG.render(rows: [], title: "无数据", format: { "\($0)" }).raw
        #expect(empty.contains("role=\"img\"") && !empty.contains("<g class=\"bar\">"))
        let long = String(repeating: "很长的社区名称", count: 10)
        let svg = BarChartSVG.render(rows: [(long, 0.3)], title: "t", format: { "\($0)" }).raw
        #expect(svg.contains("…</text>"))
        #expect(svg.contains("<title>\(long): 0.3</title>"))
    }
}
