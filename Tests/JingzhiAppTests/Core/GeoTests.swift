import Foundation
import JingzhiCore
import Testing
@testable import JingzhiApp

/// The geometry under patrol tracks, on shapes whose answers are known by hand.
@Suite struct GeoTests {
    /// A 0.01° square at the equator (about 1.11 km a side) with a 0.002° hole in its middle.
    let squareWithHole = """
    {"type":"Polygon","coordinates":[[[0,0],[0.01,0],[0.01,0.01],[0,0.01],[0,0]],
      [[0.004,0.004],[0.006,0.004],[0.006,0.006],[0.004,0.006],[0.004,0.004]]]}
    """
    let metresPerDegree = Geo.earthRadius * .pi / 180  // ≈ 111 195 m

    @Test func haversineMatchesKnownDistances() {
        // a degree of latitude anywhere, a degree of longitude at the equator
        #expect(abs(Geo.distance(GeoPoint(lon: 116, lat: 35), GeoPoint(lon: 116, lat: 36)) - metresPerDegree) < 0.01)
        #expect(abs(Geo.distance(GeoPoint(lon: 0, lat: 0), GeoPoint(lon: 1, lat: 0)) - metresPerDegree) < 0.01)
        // a degree of longitude at 60° is half as long
        #expect(abs(Geo.distance(GeoPoint(lon: 0, lat: 60), GeoPoint(lon: 1, lat: 60)) - metresPerDegree / 2) < 20)
        // Beijing to Shanghai, about 1 068 km
        let km = Geo.distance(GeoPoint(lon: 116.4074, lat: 39.9042), GeoPoint(lon: 121.4737, lat: 31.2304)) / 1000
        #expect((1060...1075).contains(km))
        #expect(Geo.distance(GeoPoint(lon: 116.6, lat: 35), GeoPoint(lon: 116.6, lat: 35)) == 0)
    }

    @Test func pointInPolygonHonoursHolesAndEdges() throws {
        let area = try GeoArea.parse(text: squareWithHole)
        #expect(area.contains(GeoPoint(lon: 0.002, lat: 0.002)))
        #expect(!area.contains(GeoPoint(lon: 0.005, lat: 0.005)), "inside the hole is outside the area")
        #expect(area.contains(GeoPoint(lon: 0.01, lat: 0.005)), "the outer edge counts as inside")
        #expect(area.contains(GeoPoint(lon: 0.004, lat: 0.005)), "the hole's edge belongs to the area")
        #expect(!area.contains(GeoPoint(lon: 0.011, lat: 0.005)))
        #expect(!area.contains(GeoPoint(lon: -0.0001, lat: 0.0001)))
    }

    @Test func multiPolygonIsInsideWhenInAnyPart() throws {
        let area = try GeoArea.parse(text: """
        {"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[
          [[[0,0],[1,0],[1,1],[0,1],[0,0]]], [[[2,0],[3,0],[3,1],[2,1],[2,0]]]]}}
        """)
        #expect(area.polygons.count == 2)
        #expect(area.contains(GeoPoint(lon: 0.5, lat: 0.5)))
        #expect(area.contains(GeoPoint(lon: 2.5, lat: 0.5)))
        #expect(!area.contains(GeoPoint(lon: 1.5, lat: 0.5)), "the gap between the parts")
        // from the gap's middle, half a degree to either part
        let toEdge = Geo.distance(GeoPoint(lon: 1.5, lat: 0.5), GeoPoint(lon: 1, lat: 0.5))
        #expect(abs(area.distance(from: GeoPoint(lon: 1.5, lat: 0.5)) - toEdge) < 1)
        #expect(area.box == GeoBox(minLon: 0, minLat: 0, maxLon: 3, maxLat: 1))
    }

    @Test func distanceToPolygonIsZeroInsideAndToTheNearestEdgeOutside() throws {
        let area = try GeoArea.parse(text: squareWithHole)
        #expect(area.distance(from: GeoPoint(lon: 0.002, lat: 0.002)) == 0)
        // 0.01° east of the east edge: 0.01° of longitude at the equator
        #expect(abs(area.distance(from: GeoPoint(lon: 0.02, lat: 0.005)) - metresPerDegree * 0.01) < 0.5)
        // beyond a corner: straight to the corner (3-4-5 triangle of 0.001° units)
        #expect(abs(area.distance(from: GeoPoint(lon: 0.013, lat: 0.014)) - metresPerDegree * 0.005) < 0.5)
        // the hole's centre is 0.001° from the hole's edge
        #expect(abs(area.distance(from: GeoPoint(lon: 0.005, lat: 0.005)) - metresPerDegree * 0.001) < 0.5)
    }

    @Test func boxesGrowByMetres() {
        let box = GeoBox([GeoPoint(lon: 0, lat: 0), GeoPoint(lon: 0.01, lat: -0.01), GeoPoint(lon: 0.005, lat: 0.02)])!
        #expect(box == GeoBox(minLon: 0, minLat: -0.01, maxLon: 0.01, maxLat: 0.02))
        let grown = box.expanded(byMetres: metresPerDegree)
        #expect(abs(grown.minLat - (-1.01)) < 1e-9 && abs(grown.maxLat - 1.02) < 1e-9)
        #expect(grown.minLon < -1 && grown.maxLon > 1.01)
        #expect(GeoBox([]) == nil)
    }

    @Test func badGeoJSONIsRefusedWithAReason() {
        #expect(throws: GeoError.self) { try GeoArea.parse(text: #"{"type":"Point","coordinates":[0,0]}"#) }
        #expect(throws: GeoError.self) { try GeoArea.parse(text: #"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0.5]]]}"#) }
        #expect(throws: GeoError.self) { try GeoArea.parse(text: #"{"type":"Polygon","coordinates":[[[0,0],[200,0],[1,1],[0,0]]]}"#) }
        #expect(!GeoPoint(lon: 0, lat: 91).isValid && !GeoPoint(lon: .nan, lat: 0).isValid)
    }
}
