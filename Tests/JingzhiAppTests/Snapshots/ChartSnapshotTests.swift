import Foundation
import JingzhiCore
import SnapshotTesting
import Testing
@testable import JingzhiApp

/// Markup, one element a line, so a snapshot's diff shows which element changed.
func markupLines(_ html: HTML) -> String { html.raw.replacingOccurrences(of: "><", with: ">\n<") }

/// The drawings from fixed data: any change to what they draw shows up as a diff of the recorded SVG
/// (`__Snapshots__/`; delete a file to record it again, and review the new one before committing it).
@Suite struct ChartSnapshotTests {
    static let west = Boundary(rings: [[[116.60, 34.98], [116.63, 34.98], [116.63, 35.01], [116.60, 35.01], [116.60, 34.98]]])
    static let east = Boundary(rings: [[[116.63, 34.98], [116.66, 34.98], [116.66, 35.01], [116.63, 35.01], [116.63, 34.98]],
                                      [[116.64, 34.99], [116.65, 34.99], [116.65, 35.00], [116.64, 35.00], [116.64, 34.99]]])

    @Test func gridMapWithClassesNamesAndAMarker() {
        let svg = GridMapSVG.render(
            areas: [.init(id: "g1", label: "第一网格", boundary: Self.west, value: 12, detail: "12 件/千户", href: "/org/1"),
                    .init(id: "g2", label: "第二网格 <东>", boundary: Self.east, value: nil, detail: "无住户", href: nil)],
            scale: ChoroplethScale(maxValue: 37),
            markers: [.init(label: "督办", lon: 116.645, lat: 34.995, href: "/cases/1")],
            labels: .init(title: "网格地图", legendTitle: "每千户诉求", noData: "无住户", heat: "热力", colon: ": "),
            width: 400, height: 240)
        assertSnapshot(of: markupLines(svg), as: .lines)
    }

    @Test func boundaryDrawingOfTwoGridsOneHighlighted() {
        let svg = BoundarySVG.render([.init(boundary: Self.west, label: "第一网格", href: "/org/1", highlighted: true),
                                      .init(boundary: Self.east, label: "第二网格", href: nil, highlighted: false)],
                                     width: 320, title: "网格边界")
        assertSnapshot(of: markupLines(svg), as: .lines)
    }

    @Test func trendColumnsAndRates() {
        let labels = ["7月", "8月", "9月", "10月"]
        let columns = TrendChartSVG.columns(xLabels: labels, series: [ChartSeries(name: "热线", color: "#1565c0", values: [12, 30, nil, 7]),
                                                                     ChartSeries(name: "扫码", color: "#2e7d32", values: [3, 0, 9, 11])],
                                            title: "诉求量", xTitle: "月份", yTitle: "件")
        let rates = TrendChartSVG.rates(xLabels: labels, series: [ChartSeries(name: "满意率", color: "#b71c1c", values: [0.9, 0.95, nil, 1])],
                                        title: "满意率", xTitle: "月份", yTitle: "%")
        assertSnapshot(of: markupLines(columns), as: .lines, named: "columns")
        assertSnapshot(of: markupLines(rates), as: .lines, named: "rates")
    }
}
