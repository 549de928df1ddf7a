import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// A known set of cases on the tiny demo, measured at 2026-11-20 15:00 (Asia/Shanghai). All are 治安隐患 (zhian:
/// respond in 1 h, reply in 24 h, calendar hours, handled by the community).
///
/// | case | where | created | moves | now |
/// |---|---|---|---|---|
/// | A | 古亭 G01 compound | 11-20 09:00 | — | submitted, reply due 11-21 09:00 (due soon) |
/// | B | 古亭 G01 compound | 11-20 10:00 | accept, dispatch, reply | replied |
/// | C | 古亭 G01 compound | 11-20 08:00 | accept, dispatch, reply, close | closed |
/// | D | 古亭 G01 compound | 11-05 09:00 | — | submitted, overdue since 11-06 09:00 |
/// | E | 古亭 G02 compound | 11-10 09:00 | reject | rejected |
/// | F | 古亭 G01 compound | 10-30 09:00 | — | submitted, overdue since 10-31 09:00 |
/// | G | 站前 G01 compound | 11-20 11:00 | — | submitted (another street) |
///
/// A, B, C, D and F carry coordinates inside 古亭社区 G01 (A and D at the same spot); G inside 站前 G01.
struct CommandCentreScenario {
    static let now = CaseMeasuresTests.shanghai("2026-11-20 15:00")

    var ids: [String: String] = [:]
    /// Where each located case was put, `(lon, lat)`.
    var points: [String: (Double, Double)] = [:]

    static func firstCompound(under code: String, _ app: Application) async throws -> OrgNode {
        let grid = try await app.node(code)
        return try #require(try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.compound.rawValue)
            .within(DataScope(rootPath: grid.path)).sort(\.$path).first())
    }

    /// A point at (`fx`, `fy`) of the way across the grid's boundary box.
    static func point(in code: String, _ fx: Double, _ fy: Double, _ app: Application) async throws -> (Double, Double) {
        let grid = try await app.node(code)
        let text = try #require(grid.boundary)
        let box = try #require(GeoBox(boundaries: [try Boundary.parse(text: text)]))
        return (box.west + (box.east - box.west) * fx, box.south + (box.north - box.south) * fy)
    }

    static func build(_ app: Application) async throws -> CommandCentreScenario {
        var s = CommandCentreScenario()
        let resident = try await app.token("resident_demo"), staff = try await app.token("gt01_community")
        let g1 = try await firstCompound(under: "YT-GT-01-G01", app), g2 = try await firstCompound(under: "YT-GT-01-G02", app)
        let bh = try await firstCompound(under: "YT-BH-01-G01", app)
        let plan: [(String, OrgNode, String, String?, (Double, Double)?, [(Double, String, String)])] = [
            ("A", g1, "2026-11-20 09:00", nil, (0.2, 0.2), []),
            ("B", g1, "2026-11-20 10:00", nil, (0.25, 0.2), [(0.2, "accept", "{}"), (0.3, "dispatch", #"{"level":"community"}"#), (1, "reply", #"{"note":"已处理"}"#)]),
            ("C", g1, "2026-11-20 08:00", nil, (0.8, 0.8), [(0.2, "accept", "{}"), (0.3, "dispatch", #"{"level":"community"}"#), (1, "reply", #"{"note":"已处理"}"#), (2, "close", "{}")]),
            ("D", g1, "2026-11-05 09:00", nil, (0.2, 0.2), []),
            ("E", g2, "2026-11-10 09:00", nil, nil, [(0.5, "reject", #"{"note":"非本辖区事项"}"#)]),
            ("F", g1, "2026-10-30 09:00", nil, (0.5, 0.5), []),
            ("G", bh, "2026-11-20 11:00", "YT-BH-01-G01", (0.5, 0.5), []),
        ]
        for (name, place, created, pointGrid, fraction, steps) in plan {
            let at = CaseMeasuresTests.shanghai(created)
            app.clock.set(at)
            var json = #"{"categoryCode":"zhian","nodeId":"\#(place.id!)","description":"测试诉求 \#(name)""#
            if let fraction {
                let p = try await point(in: pointGrid ?? "YT-GT-01-G01", fraction.0, fraction.1, app)
                s.points[name] = p
                json += #","longitude":\#(p.0),"latitude":\#(p.1)"#
            }
            let filed = try await app.api(.POST, "/api/v1/cases", token: resident, json: json + "}")
            #expect(filed.status == .created, "\(name): \(filed.text)")
            let id = try #require(try filed.json()["id"] as? String)
            s.ids[name] = id
            for (hours, action, body) in steps {
                app.clock.set(at.addingTimeInterval(hours * 3600))
                let res = try await app.api(.POST, "/api/v1/cases/\(id)/actions/\(action)", token: name == "G" ? try await app.token("bh01_community") : staff, json: body)
                #expect(res.status == .ok, "\(name) \(action): \(res.text)")
            }
        }
        app.clock.set(now)
        return s
    }
}
