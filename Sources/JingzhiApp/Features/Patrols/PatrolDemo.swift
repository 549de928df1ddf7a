import Fluent
import Foundation
import JingzhiCore

/// Demo patrols and visit plans for the county demo: the two demo grid workers walk loops inside their grids on the
/// demo's last five days, check in at buildings, one reports an event; 独居老人 weekly and 困难家庭 monthly plans.
/// Written through the services (with their clocks set to the demo's days), so the figures are the real ones.
enum PatrolDemo {
    static func seed(under county: OrgNode, asOf lastDay: Int, on tx: any Database) async throws -> Int {
        // The plans start on the Monday 12–18 days before the as-of day (day 4 since 1970 was a Monday).
        let start = lastDay - 18 + (7 - (lastDay - 18 - 4) % 7) % 7
        for (tag, period) in [("独居老人", VisitPeriod.week), ("困难家庭", .month)] {
            let plan = VisitPlan()
            plan.nodeID = county.id!
            plan.nodePath = county.path
            plan.nodeName = county.name
            plan.tag = tag
            plan.periodRaw = period.rawValue
            plan.startsOn = DemoDate.string(start)
            plan.active = true
            plan.createdAt = DemoDate.instant(start, hour: 9)
            try await plan.create(on: tx)
        }
        var made = 0
        for username in ["gt01_grid", "bh01_grid"] {
            guard let user = try await User.query(on: tx).filter(\.$username == username).first() else { continue }
            let actor = try await Actor.load(user, on: tx, now: DemoDate.instant(lastDay, hour: 9))
            guard let grid = try await OrgNode.find(user.nodeID, on: tx), let text = grid.boundary else { continue }
            let outline = try Boundary.parse(text: text)
            let buildings = try await OrgNode.query(on: tx).filter(\.$kindRaw == NodeKind.building.rawValue)
                .within(DataScope(rootPath: grid.path)).sort(\.$path).limit(6).all()
            for (i, day) in ((lastDay - 4)...lastDay).enumerated() {
                made += 1
                try await walk(actor, grid: outline, buildings: buildings, start: DemoDate.instant(day, hour: 9, minute: 5 * i), loop: i, on: tx)
            }
        }
        return made
    }

    /// One lap round the grid's outline shrunk about its middle (so it stays inside a convex grid), a fix every 15 s at
    /// about 1.2 m/s.
    private static func walk(_ actor: Actor, grid: Boundary, buildings: [OrgNode], start: Date, loop: Int, on tx: any Database) async throws {
        let keep = 1 - 2 * (0.2 + 0.05 * Double(loop % 3))
        let middle = grid.centroid
        let corners = grid.rings[0].dropLast().map { GeoPoint(lon: middle.lon + ($0[0] - middle.lon) * keep, lat: middle.lat + ($0[1] - middle.lat) * keep) }
        var points: [GeoPoint] = []
        for k in corners.indices {
            let a = corners[k], b = corners[(k + 1) % corners.count]
            let steps = max(1, Int(Geo.distance(a, b) / 18))
            for s in 0..<steps {
                let t = Double(s) / Double(steps)
                points.append(GeoPoint(lon: a.lon + (b.lon - a.lon) * t, lat: a.lat + (b.lat - a.lat) * t))
            }
        }
        points.append(corners[0])
        let patrol = try await PatrolService(db: tx, now: start).start(by: actor, source: .cli("seed"))
        var fixes: [FixInput] = []
        for (n, p) in points.enumerated() {
            fixes.append(FixInput(seq: n, latitude: p.lat, longitude: p.lon, accuracy: 8, recordedAt: start.addingTimeInterval(Double(n + 1) * 15)))
        }
        let end = start.addingTimeInterval(Double(points.count + 2) * 15)
        for batch in stride(from: 0, to: fixes.count, by: 100) {
            let upTo = min(batch + 100, fixes.count)
            _ = try await PatrolService(db: tx, now: fixes[upTo - 1].recordedAt!).addFixes(Array(fixes[batch..<upTo]), to: patrol)
        }
        for (k, building) in buildings.enumerated() where k % 2 == loop % 2 {
            let at = start.addingTimeInterval(Double(k + 1) * 300)
            let fresh = try await Patrol.find(patrol.id, on: tx)!
            _ = try await PatrolService(db: tx, now: at).checkIn(fresh, buildingID: building.id, latitude: nil, longitude: nil, note: nil, source: .cli("seed"))
        }
        if loop == 2 {
            let fresh = try await Patrol.find(patrol.id, on: tx)!
            _ = try await PatrolService(db: tx, now: end).reportEvent(fresh, PatrolEventInput(categoryCode: "huanjing", description: "巡查发现路边堆放建筑垃圾"),
                                                                       by: actor, idempotencyKey: nil)
        }
        _ = try await PatrolService(db: tx, now: end).end(try await Patrol.find(patrol.id, on: tx)!, source: .cli("seed"))
    }
}
