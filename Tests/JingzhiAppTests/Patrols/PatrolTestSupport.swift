import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// A patrol of `gt01_grid` on the tiny demo, with positions measured in metres from the middle of its grid.
struct PatrolScene {
    let app: Application
    let token: String
    let grid: OrgNode
    let area: GeoArea
    let start: Date
    var patrolID: String = ""

    static let startTime = ISO8601DateFormatter().date(from: "2026-11-25T01:00:00Z")!

    static func make(_ app: Application, worker: String = "gt01_grid", gridCode: String = "YT-GT-01-G01") async throws -> PatrolScene {
        app.clock.set(startTime)
        let grid = try await app.node(gridCode)
        let area = try GeoArea.parse(text: try #require(grid.boundary))
        var scene = PatrolScene(app: app, token: try await app.token(worker), grid: grid, area: area, start: startTime)
        let res = try await app.api(.POST, "/api/v1/patrols", token: scene.token)
        #expect(res.status == .created)
        scene.patrolID = try #require(try res.json()["id"] as? String)
        return scene
    }

    /// The grid's middle moved `north` and `east` metres.
    func point(north: Double = 0, east: Double = 0) -> GeoPoint {
        let box = area.box!
        let c = GeoPoint(lon: (box.minLon + box.maxLon) / 2, lat: (box.minLat + box.maxLat) / 2)
        let m = Geo.earthRadius * .pi / 180
        return GeoPoint(lon: c.lon + east / (m * cos(c.lat * .pi / 180)), lat: c.lat + north / m)
    }

    /// A fix `seconds` after the start, as JSON.
    func fix(_ id: String, _ seconds: Double, _ p: GeoPoint, accuracy: Double = 10) -> [String: Any] {
        ["id": id, "latitude": p.lat, "longitude": p.lon, "accuracy": accuracy,
         "recordedAt": ISO8601DateFormatter().string(from: start.addingTimeInterval(seconds))]
    }

    @discardableResult
    func send(_ fixes: [[String: Any]], token: String? = nil, patrol: String? = nil) async throws -> TestingHTTPResponse {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["fixes": fixes]), as: UTF8.self)
        return try await app.api(.POST, "/api/v1/patrols/\(patrol ?? patrolID)/fixes", token: token ?? self.token, json: body)
    }

    func report(_ res: TestingHTTPResponse) throws -> [String: Any] { try #require(try res.json()["report"] as? [String: Any]) }
    func patrol(_ res: TestingHTTPResponse) throws -> [String: Any] { try #require(try res.json()["patrol"] as? [String: Any]) }

    func stored() async throws -> Patrol { try #require(try await Patrol.find(UUID(uuidString: patrolID), on: app.db)) }

    /// A building of this grid, and one of another grid.
    func building(inside: Bool) async throws -> OrgNode {
        let buildings = try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.building.rawValue).sort(\.$path).all()
        return try #require(buildings.first { $0.path.hasPrefix(grid.path) == inside })
    }
}
