import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Grid boundaries are GeoJSON Polygons. Anything else is refused with field "boundary", and the stored
/// boundary stays as it was.
@Suite struct OrgBoundaryTests {
    static let square = #"{"type":"Polygon","coordinates":[[[116.64,34.99],[116.65,34.99],[116.65,35.0],[116.64,35.0],[116.64,34.99]]]}"#

    static let notPolygons: [(String, String)] = [
        ("point", #"{"type":"Point","coordinates":[116.64,34.99]}"#),
        ("line", #"{"type":"LineString","coordinates":[[116.64,34.99],[116.65,34.99],[116.65,35.0]]}"#),
        ("unclosed ring", #"{"type":"Polygon","coordinates":[[[116.64,34.99],[116.65,34.99],[116.65,35.0],[116.64,35.0],[116.641,34.99]]]}"#),
        ("too few points", #"{"type":"Polygon","coordinates":[[[116.64,34.99],[116.65,34.99],[116.64,34.99]]]}"#),
        ("no coordinates", #"{"type":"Polygon","coordinates":[]}"#),
        ("latitude out of range", #"{"type":"Polygon","coordinates":[[[116.64,94.99],[116.65,34.99],[116.65,35.0],[116.64,94.99]]]}"#),
        ("text coordinates", #"{"type":"Polygon","coordinates":[[["a","b"],["c","d"],["e","f"],["a","b"]]]}"#),
        ("feature of a point", #"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{}}"#),
        ("feature without geometry", #"{"type":"Feature","properties":{}}"#),
        ("no type", #"{"coordinates":[[[1,2],[3,4],[5,6],[1,2]]]}"#),
        ("array", #"[1,2,3]"#),
        ("garbage", "这不是 JSON <polygon>"),
        ("truncated", #"{"type":"Polygon","coordinates":[[[116.64,34.99],"#),
    ]

    @Test(arguments: notPolygons)
    func somethingThatIsNotAPolygonIsRefusedAndTheOldBoundaryStays(_ name: String, _ body: String) async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let grid = try await app.node("YT-GT-01-G01")
            let before = try await Fixture.counts(app)
            // act
            let res = try await Fixture.send(app, .PUT, "/api/v1/org/nodes/\(grid.id!)/boundary", token: token, body: body,
                                             contentType: HTTPMediaType(type: "application", subType: "geo+json"))
            // check
            #expect(res.status == .unprocessableEntity, "\(name): \(res.status)")
            #expect(res.errorField == "boundary")
            #expect(!Fixture.leaksInternals(res.text))
            let stored = try #require(try await OrgNode.find(grid.id, on: app.db))
            #expect(stored.boundary == grid.boundary)
            #expect(grid.boundary != nil)
            #expect(try await Fixture.counts(app) == before, "no audit entry for a refused boundary")
        }
    }

    @Test func emptyBodyIsRefusedToo() async throws {
        try await withDemoApp { app in
            // setup
            let grid = try await app.node("YT-GT-01-G01")
            // act
            let res = try await app.api(.PUT, "/api/v1/org/nodes/\(grid.id!)/boundary", token: try await app.token("gt01_community"))
            // check
            #expect(res.status == .unprocessableEntity)
            #expect(res.errorField == "boundary")
            #expect(try await OrgNode.find(grid.id, on: app.db)?.boundary == grid.boundary)
        }
    }

    @Test func aPolygonOrAFeatureOfOneIsStoredAndServedBack() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let grid = try await app.node("YT-GT-01-G02")
            let feature = #"{"type":"Feature","properties":{"name":"x"},"geometry":"# + Self.square + "}"
            // act
            let put = try await Fixture.send(app, .PUT, "/api/v1/org/nodes/\(grid.id!)/boundary", token: token, body: feature,
                                             contentType: HTTPMediaType(type: "application", subType: "geo+json"))
            let get = try await app.api(.GET, "/api/v1/org/nodes/\(grid.id!)/boundary", token: token)
            // check
            #expect(put.status == .ok)
            #expect(try put.json()["hasBoundary"] as? Bool == true)
            #expect(get.status == .ok)
            let geo = try get.json()
            #expect(geo["type"] as? String == "Polygon")
            let ring = try #require((geo["coordinates"] as? [[[Double]]])?.first)
            #expect(ring.count == 5 && ring.first == [116.64, 34.99])
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entityID == grid.id!).filter(\.$action == "update").count()
            #expect(audit == 1)
        }
    }

    @Test func gridWorkerMayReadButNotRedrawTheBoundary() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_grid")
            let grid = try await app.node("YT-GT-01-G01")
            // act
            let get = try await app.api(.GET, "/api/v1/org/nodes/\(grid.id!)/boundary", token: token)
            let put = try await app.api(.PUT, "/api/v1/org/nodes/\(grid.id!)/boundary", token: token, json: Self.square)
            // check
            #expect(get.status == .ok)
            #expect(put.status == .forbidden)
            #expect(try await OrgNode.find(grid.id, on: app.db)?.boundary == grid.boundary)
        }
    }
}
