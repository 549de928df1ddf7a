import Fluent
import JingzhiCore
import Vapor

/// A patrol as the API shows it, with its summary figures.
struct PatrolDTO: Content {
    let id: UUID
    let workerId: UUID
    let workerName: String
    let gridId: UUID
    let state: String
    let startedAt: Date
    let endedAt: Date?
    let durationSeconds: Int
    let distanceMetres: Int
    let fixes: Int
    let flaggedFixes: Int
    let buildingsCovered: Int
    let eventsReported: Int
    let lastLatitude: Double?
    let lastLongitude: Double?
    let lastFixAt: Date?

    init(_ p: Patrol, now: Date) {
        (id, workerId, workerName, gridId, state) = (p.id!, p.workerID, p.workerName, p.gridID, p.state)
        (startedAt, endedAt, durationSeconds) = (p.startedAt, p.endedAt, p.durationSeconds(now: now))
        (distanceMetres, fixes, flaggedFixes) = (Int(p.distanceM.rounded()), p.fixCount, p.flaggedCount)
        (buildingsCovered, eventsReported) = (p.buildingsCovered, p.eventCount)
        (lastLatitude, lastLongitude, lastFixAt) = (p.lastLatitude, p.lastLongitude, p.lastFixAt)
    }
}

/// A worker out on patrol now, for the command centre's "workers on patrol".
struct ActivePatrol: Content, Sendable {
    let patrolId: UUID
    let workerId: UUID
    let workerName: String
    let gridId: UUID
    let gridName: String
    let startedAt: Date
    let lastFixAt: Date?
    let lastLatitude: Double?
    let lastLongitude: Double?
    let distanceMetres: Int
}

/// A patrol's track: its fixes in time order (flagged ones included, marked) and its grid.
struct PatrolTrack: Sendable {
    let patrol: Patrol
    let fixes: [PatrolFix]
    let grid: OrgNode?
    let gridArea: GeoArea?

    /// A GeoJSON Feature whose geometry is the LineString of the fixes; properties carry times and flags.
    var geoJSON: [String: Any] {
        [
            "type": "Feature",
            "geometry": ["type": "LineString", "coordinates": fixes.map { [$0.longitude, $0.latitude] }],
            "properties": [
                "patrolId": patrol.id!.uuidString, "gridId": patrol.gridID.uuidString, "workerName": patrol.workerName,
                "state": patrol.state, "distanceMetres": Int(patrol.distanceM.rounded()),
                "times": fixes.map { ISOTime.format($0.recordedAt) },
                "jumps": fixes.indices.filter { fixes[$0].jump },
                "farOutside": fixes.indices.filter { fixes[$0].farOutside },
                "lowAccuracy": fixes.indices.filter { fixes[$0].lowAccuracy },
            ] as [String: Any],
        ]
    }
}

/// Filters of the patrol list.
struct PatrolFilter: Sendable {
    var node: OrgNode?
    var workerID: UUID?
    var state: String?
    /// Started on or after this day / on or before this day (YYYY-MM-DD, Shanghai).
    var from: String?
    var to: String?
}

extension PatrolService {
    /// Who reads which patrols: county, street and community staff those of their subtree; a grid worker their own.
    static func readable(by actor: Actor, on db: any Database) throws -> QueryBuilder<Patrol> {
        switch actor.role {
        case .admin, .streetStaff, .communityStaff: return Patrol.query(on: db).within(actor.scope)
        case .gridWorker: return Patrol.query(on: db).filter(\.$workerID == actor.userID)
        default: throw APIError.forbidden
        }
    }

    /// A patrol the actor may read; 404 for one outside (the same answer as for an id that does not exist).
    func visible(_ id: UUID?, to actor: Actor) async throws -> Patrol {
        guard let id, [.admin, .streetStaff, .communityStaff, .gridWorker].contains(actor.role),
              let p = try await Self.readable(by: actor, on: db).filter(\.$id == id).first() else { throw APIError.notFound }
        return p
    }

    /// The actor's own patrol; anyone else's is 404, even for staff who may read it: only its worker acts on it.
    func own(_ id: UUID?, by actor: Actor) async throws -> Patrol {
        guard let id, let p = try await Patrol.find(id, on: db), p.workerID == actor.userID else { throw APIError.notFound }
        return p
    }

    func list(_ filter: PatrolFilter, for actor: Actor, page: PageRequest) async throws -> (items: [Patrol], total: Int) {
        var q = try Self.readable(by: actor, on: db)
        if let node = filter.node { q = q.within(DataScope(rootPath: node.path)) }
        if let worker = filter.workerID { q = q.filter(\.$workerID == worker) }
        if let state = filter.state, !state.isEmpty {
            guard [Patrol.open, Patrol.ended, Patrol.autoClosed].contains(state) else {
                throw APIError.invalid("state", "状态须为 open、ended 或 auto_closed (unknown state)")
            }
            q = q.filter(\.$state == state)
        }
        if let from = try day(filter.from, field: "from") { q = q.filter(\.$startedAt >= from) }
        if let to = try day(filter.to, field: "to") { q = q.filter(\.$startedAt < to.addingTimeInterval(86400)) }
        let total = try await q.copy().count()
        let rows = try await q.sort(\.$startedAt, .descending).range(page.range).all()
        return (rows, total)
    }

    private func day(_ raw: String?, field: String) throws -> Date? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let date = Validate.date(raw) else { throw APIError.invalid(field, "日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)") }
        return date.addingTimeInterval(-8 * 3600)  // the day starts at midnight in Shanghai (UTC+8, no summer time)
    }

    /// Workers on patrol now under a subtree: for the command centre.
    func active(within scope: DataScope) async throws -> [ActivePatrol] {
        let open = try await Patrol.query(on: db).filter(\.$state == Patrol.open).within(scope).sort(\.$startedAt).all()
        let grids = try await OrgNode.query(on: db).filter(\.$id ~~ Set(open.map(\.gridID))).all()
        let names = Dictionary(uniqueKeysWithValues: grids.map { ($0.id!, $0.name) })
        return open.map {
            ActivePatrol(patrolId: $0.id!, workerId: $0.workerID, workerName: $0.workerName, gridId: $0.gridID, gridName: names[$0.gridID] ?? "",
                         startedAt: $0.startedAt, lastFixAt: $0.lastFixAt, lastLatitude: $0.lastLatitude, lastLongitude: $0.lastLongitude,
                         distanceMetres: Int($0.distanceM.rounded()))
        }
    }

    /// A patrol's track inside `scope` (404 outside): the fixes in time order and the grid with its boundary.
    func track(_ id: UUID, within scope: DataScope) async throws -> PatrolTrack {
        try await track(of: try await Patrol.find(id, within: scope, on: db))
    }

    func track(of p: Patrol) async throws -> PatrolTrack {
        let fixes = try await PatrolFix.query(on: db).filter(\.$patrolID == p.id!).sort(\.$recordedAt).sort(\.$clientKey).all()
        let grid = try await OrgNode.find(p.gridID, on: db)
        return PatrolTrack(patrol: p, fixes: fixes, grid: grid, gridArea: grid?.boundary.flatMap { try? GeoArea.parse(text: $0) })
    }

    func checkins(of p: Patrol) async throws -> [PatrolCheckin] {
        try await PatrolCheckin.query(on: db).filter(\.$patrolID == p.id!).sort(\.$at).all()
    }

    func events(of p: Patrol) async throws -> [(PatrolEvent, Case)] {
        let events = try await PatrolEvent.query(on: db).filter(\.$patrolID == p.id!).sort(\.$at).all()
        let cases = try await Case.query(on: db).filter(\.$id ~~ events.map(\.caseID)).all()
        let byID = Dictionary(uniqueKeysWithValues: cases.map { ($0.id!, $0) })
        return events.compactMap { e in byID[e.caseID].map { (e, $0) } }
    }
}
