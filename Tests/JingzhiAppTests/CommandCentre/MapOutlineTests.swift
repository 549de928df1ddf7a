import Foundation
import JingzhiCore
import Testing
@testable import JingzhiApp

/// Streets and communities are drawn over the grids with their names, and names do not sit on top of each other.
@Suite struct MapOutlineTests {
    @Test func outlinesAreDrawnAndNamedWithoutCoveringEachOther() {
        let street = Boundary(rings: [[[0, 59.5], [2, 59.5], [2, 60.5], [0, 60.5], [0, 59.5]]])
        let community = Boundary(rings: [[[0.5, 60.2], [1.5, 60.2], [1.5, 60.5], [0.5, 60.5], [0.5, 60.2]]])
        let area = GridMapSVG.Area(id: "G1", label: "第一网格", boundary: street, value: 1, detail: "", href: nil)
        let svg = GridMapSVG.render(areas: [area], scale: ChoroplethScale(maxValue: 4),
                                    outlines: [.init(label: "谷亭街道", boundary: street, major: true), .init(label: "古亭社区", boundary: community, major: false)],
                                    labels: .init(title: "地图", legendTitle: "每千户", noData: "无数据", heat: ""), theme: .dark).raw
        #expect(svg.contains("class=\"outlines\"") && svg.contains("stroke-dasharray"))
        #expect(svg.contains(">谷亭街道</text>") && svg.contains(">古亭社区</text>"))
        func y(_ cls: String) -> Double? {
            svg.range(of: "class=\"\(cls)\" x=\"").flatMap { r in
                let rest = svg[r.upperBound...]
                return rest.range(of: "y=\"").flatMap { Double(rest[$0.upperBound...].prefix { $0 != "\"" }) }
            }
        }
        let streetY = try! #require(y("street")), communityY = try! #require(y("community"))
        #expect(abs(streetY - communityY) >= ChartTheme.dark.fontSize)
    }
}
