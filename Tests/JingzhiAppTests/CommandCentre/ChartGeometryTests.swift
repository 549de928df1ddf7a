import Foundation
import JingzhiCore
import Testing
@testable import JingzhiApp

/// The drawing code of the command centre on known geometry: projection, classes, binning, charts, the map.
@Suite struct ChartGeometryTests {
    /// At 60° N a degree of longitude is half a degree of latitude on the ground, so this box is square.
    let box = GeoBox(west: 0, south: 59.5, east: 2, north: 60.5)

    func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-6) -> Bool { abs(a - b) <= tolerance }

    @Test func projectionFitsTheBoxNorthUpAndRoundTrips() {
        // setup
        let p = MapProjection(box: box, width: 120, height: 120, padding: 10)
        // act
        let nw = p.project(lon: 0, lat: 60.5), se = p.project(lon: 2, lat: 59.5), mid = p.project(lon: 1, lat: 60)
        // check
        #expect(close(p.scale, 100))
        #expect(close(nw.x, 10) && close(nw.y, 10))
        #expect(close(se.x, 110) && close(se.y, 110))
        #expect(close(mid.x, 60) && close(mid.y, 60))
        let back = p.unproject(x: 35, y: 85)
        let again = p.project(lon: back.lon, lat: back.lat)
        #expect(close(again.x, 35) && close(again.y, 85))
    }

    @Test func aWideViewBoxCentresTheMapAcross() {
        let p = MapProjection(box: box, width: 220, height: 120, padding: 10)
        // The height limits the scale; the 100-unit map sits in the middle of 220.
        #expect(close(p.scale, 100))
        #expect(close(p.project(lon: 0, lat: 60).x, 60))
        #expect(close(p.project(lon: 2, lat: 60).x, 160))
    }

    @Test func pathDataHasOneClosedSubpathPerRing() {
        let p = MapProjection(box: box, width: 120, height: 120, padding: 10)
        let square = Boundary(rings: [[[0, 59.5], [2, 59.5], [2, 60.5], [0, 60.5], [0, 59.5]],
                                      [[0.5, 59.75], [1.5, 59.75], [1.5, 60.25], [0.5, 60.25], [0.5, 59.75]]])
        let d = p.pathData(square)
        #expect(d.hasPrefix("M10.0,110.0L110.0,110.0L110.0,10.0L10.0,10.0L10.0,110.0Z"))
        #expect(d.filter { $0 == "M" }.count == 2 && d.filter { $0 == "Z" }.count == 2)
        #expect(d.contains("M35.0,85.0"))
    }

    @Test func niceStepsAreOneTwoTwoAndAHalfOrFive() {
        #expect(ChoroplethScale.niceStep(7.4) == 10)
        #expect(ChoroplethScale.niceStep(2.2) == 2.5)
        #expect(ChoroplethScale.niceStep(0.3) == 0.5)
        #expect(ChoroplethScale.niceStep(20) == 20)
        #expect(ChoroplethScale.niceStep(0) == 1)
    }

    @Test func choroplethClassesCoverZeroToTheLargestValue() {
        // setup: cases per 1,000 households from 0 to 37
        let scale = ChoroplethScale(maxValue: 37)
        // check
        #expect(scale.step == 10)
        #expect(scale.labels() == ["0–10", "10–20", "20–30", "≥30"])
        #expect(scale.classIndex(0) == 0 && scale.classIndex(9.99) == 0 && scale.classIndex(10) == 1 && scale.classIndex(37) == 3)
        #expect(scale.classIndex(500) == 3)
        #expect(scale.classIndex(nil) == nil)
        #expect(scale.color(nil) == ChoroplethScale.noData)
        // Four classes spread over the whole ramp: lightest first, darkest last.
        #expect(scale.colors.first == ChoroplethScale.ramp.first && scale.colors.last == ChoroplethScale.ramp.last)
        #expect(Set(scale.colors).count == 4)
        let legend = scale.legend(title: "每千户诉求", noDataLabel: "无住户", x: 0, y: 0, theme: .light)
        #expect(legend.components(separatedBy: "<rect").count - 1 == 5)
        #expect(legend.contains("≥30") && legend.contains("无住户"))
    }

    @Test func heatBinningCountsPointsPerSquareCell() {
        // setup: 4 columns of 0.5° longitude = 0.25° latitude at 60° N, so 4 rows
        let grid = HeatGrid(box: box, columns: 4)
        #expect(grid.rows == 4 && close(grid.cellLat, 0.25))
        // act
        let counts = grid.bin([(0.1, 59.6), (0.2, 59.7), (0.49, 59.74),   // three in the south-west cell
                               (0.5, 60.1),                               // on a west edge: column 1 (row 2)
                               (2, 60.5), (1.99, 60.49),                  // the north-east corner closes the last cell
                               (2.1, 60.0), (1.0, 61.0), (.nan, 60)])     // outside: left out
        // check
        #expect(counts == [HeatGrid.Cell(column: 0, row: 0): 3, HeatGrid.Cell(column: 1, row: 2): 1, HeatGrid.Cell(column: 3, row: 3): 2])
        #expect(grid.bounds(HeatGrid.Cell(column: 1, row: 2)) == GeoBox(west: 0.5, south: 60.0, east: 1.0, north: 60.25))
        #expect(HeatGrid.intensity(25, max: 100) == 0.5 && HeatGrid.intensity(0, max: 100) == 0 && HeatGrid.intensity(3, max: 0) == 0)
    }

    @Test func pointInPolygonHonoursEdgesAndHoles() {
        let ring = Boundary(rings: [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]])
        #expect(ring.contains(longitude: 0.5, latitude: 0.5))
        #expect(ring.contains(longitude: 4, latitude: 2))          // on the outer edge
        #expect(!ring.contains(longitude: 2, latitude: 2))         // inside the hole
        #expect(ring.contains(longitude: 1, latitude: 2))          // on the hole's edge: still the grid's
        #expect(!ring.contains(longitude: 5, latitude: 2))
    }

    @Test func axisTicksAreRoundAndReachTheTop() {
        #expect(AxisTicks.nice(max: 37) == [0, 10, 20, 30, 40])
        #expect(AxisTicks.nice(max: 3, integers: true) == [0, 1, 2, 3])
        // Nothing to show still gets an axis from 0 to 1.
        #expect(AxisTicks.nice(max: 0).first == 0 && close(AxisTicks.nice(max: 0).last!, 1))
    }

    @Test func stackedColumnsHaveLabelledAxesAndExactTooltips() {
        // setup
        let days = ["11-01", "11-02", "11-03"]
        let series = [ChartSeries(name: "环境卫生", color: "#e53935", values: [2, 0, 5]),
                      ChartSeries(name: "物业服务", color: "#1e88e5", values: [1, 3, nil])]
        // act
        let svg = TrendChartSVG.columns(xLabels: days, series: series, title: "每日诉求", xTitle: "日期", yTitle: "诉求数").raw
        // check: one rect per non-zero value (plus two legend swatches), totals in the column titles
        #expect(svg.components(separatedBy: "<rect").count - 1 == 4 + 2)
        #expect(svg.contains("11-01 环境卫生：2") && svg.contains("11-02 物业服务：3") && svg.contains("11-01：3"))
        #expect(svg.contains(">日期</text>") && svg.contains(">诉求数</text>") && svg.contains("rotate(-90"))
        #expect(svg.contains(">5</text>") || svg.contains(">6</text>"))   // the y axis reaches the tallest column (5)
    }

    @Test func rateLinesBreakWhereThereIsNothingToMeasure() {
        let svg = TrendChartSVG.rates(xLabels: ["2026-09", "2026-10", "2026-11", "2026-12"],
                                      series: [ChartSeries(name: "满意率", color: "#43a047", values: [0.9, nil, 0.8, 0.85])],
                                      title: "三率", xTitle: "月份", yTitle: "比率").raw
        let path = svg.components(separatedBy: "<path d=\"")[1].components(separatedBy: "\"")[0]
        #expect(path.filter { $0 == "M" }.count == 2)
        #expect(svg.contains("2026-11 满意率：80.0%") && svg.contains(">100%</text>") && svg.contains(">月份</text>"))
    }

    @Test func theMapLinksEachGridAndDrawsTheHeatOnTop() {
        // setup: two grids side by side, values 4 and none
        let west = Boundary(rings: [[[0, 59.5], [1, 59.5], [1, 60.5], [0, 60.5], [0, 59.5]]])
        let east = Boundary(rings: [[[1, 59.5], [2, 59.5], [2, 60.5], [1, 60.5], [1, 59.5]]])
        let scale = ChoroplethScale(maxValue: 4)
        let heat = HeatGrid(box: box, columns: 4)
        // act
        let svg = GridMapSVG.render(areas: [.init(id: "G1", label: "第一网格", boundary: west, value: 4, detail: "4.0", href: "/cases?node=G1"),
                                            .init(id: "G2", label: "第二网格", boundary: east, value: nil, detail: "无住户", href: nil)],
                                    scale: scale, heat: .init(grid: heat, counts: heat.bin([(0.1, 59.6), (0.2, 59.6), (1.7, 60.3)])),
                                    labels: .init(title: "地图", legendTitle: "每千户", noData: "无数据", heat: "诉求热力"), theme: .dark).raw
        // check
        #expect(svg.contains("<a href=\"/cases?node=G1\"><path") && svg.contains("fill=\"\(scale.color(4))\""))
        #expect(svg.contains("data-area=\"G2\"") && svg.contains("fill=\"\(ChoroplethScale.noData)\""))
        #expect(svg.contains("data-count=\"2\"") && svg.contains("data-count=\"1\""))
        #expect(svg.contains("class=\"heat\" pointer-events=\"none\""))
    }

    @Test func aTrackWithTimesIsDrawnForReplayWithItsPointsWhereTheMapPutsThem() throws {
        // setup: one grid, a track of three fixes from its south-west corner to its north-east corner
        let grid = Boundary(rings: [[[0, 59.5], [1, 59.5], [1, 60.5], [0, 60.5], [0, 59.5]]])
        let points: [(lon: Double, lat: Double)] = [(0, 59.5), (0.5, 60), (1, 60.5)]
        let labels = GridMapSVG.Labels(title: "轨迹", legendTitle: "", noData: "网格", heat: "")
        let area = GridMapSVG.Area(id: "G1", label: "第一网格", boundary: grid, value: nil, detail: "", href: nil)
        // act
        let replay = GridMapSVG.render(areas: [area], scale: ChoroplethScale(maxValue: 1),
                                       tracks: [.init(label: "张网格", points: points, color: "#1e88e5", times: ["08:00:00", "08:01:00", "08:02:00"])],
                                       labels: labels, width: 800, height: 600).raw
        let plain = GridMapSVG.render(areas: [area], scale: ChoroplethScale(maxValue: 1),
                                      tracks: [.init(label: "张网格", points: points, color: "#1e88e5")], labels: labels, width: 800, height: 600).raw
        // check: the points carried for the script are the projected fixes, in order, and start and end are marked
        let carried = try #require(replay.components(separatedBy: "data-points=\"").dropFirst().first?.components(separatedBy: "\"").first)
        let xy = carried.split(separator: " ").map { $0.split(separator: ",").map { Double($0)! } }
        #expect(xy.count == 3)
        #expect(xy[0][0] < xy[1][0] && xy[1][0] < xy[2][0], "west to east is left to right")
        #expect(xy[0][1] > xy[1][1] && xy[1][1] > xy[2][1], "south to north is bottom to top")
        #expect(abs((xy[0][0] + xy[2][0]) / 2 - xy[1][0]) < 0.5 && abs((xy[0][1] + xy[2][1]) / 2 - xy[1][1]) < 0.5, "the midpoint lies midway")
        #expect(replay.contains("data-times=\"08:00:00|08:01:00|08:02:00\""))
        #expect(replay.contains("class=\"track-start\" cx=\"\(SVGNumber.format(xy[0][0]))\"") && replay.contains("<title>08:00:00</title>"))
        #expect(replay.contains("class=\"track-end\" cx=\"\(SVGNumber.format(xy[2][0]))\"") && replay.contains("class=\"track-head\""))
        // …while a track without times is a plain line
        #expect(plain.contains("class=\"track\"") && !plain.contains("data-points") && !plain.contains("track-head"))
    }
}
