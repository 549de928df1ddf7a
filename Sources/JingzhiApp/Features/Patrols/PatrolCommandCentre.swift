import Fluent
import JingzhiCore
import Vapor

/// Tells the command centre and the monthly reports about patrols and care visits (`app.commandCentre`).
enum PatrolCommandCentre {
    static func register(_ app: Application) {
        let clock = app.clock
        app.commandCentre.patrols = { db, scope, now, viewer in
            // A grid worker follows their own patrol, not their colleagues' positions.
            try await PatrolService(db: db, now: now).active(within: scope)
                .filter { viewer?.role != .gridWorker || $0.workerId == viewer?.userID }.map {
                PatrolOnMap(patrolId: $0.patrolId, workerName: $0.workerName, gridId: $0.gridId, gridName: $0.gridName, startedAt: $0.startedAt,
                            lastFixAt: $0.lastFixAt, latitude: $0.lastLatitude, longitude: $0.lastLongitude, distanceMeters: Double($0.distanceMetres))
            }
        }
        app.commandCentre.track = { db, viewer, id in
            let track: PatrolTrack
            do {
                let service = PatrolService(db: db, now: clock.now())
                _ = try await service.visible(id, to: viewer)
                track = try await service.track(id, within: viewer.scope)
            } catch let e as APIError where e.status == .notFound || e.status == .forbidden { return nil }
            return TrackOnMap(patrolId: id, workerName: track.patrol.workerName, gridId: track.patrol.gridID,
                              points: track.fixes.map { PatrolTrackPoint(latitude: $0.latitude, longitude: $0.longitude, at: $0.recordedAt) })
        }
        app.commandCentre.visits = { db, nodes, from, _ in
            // The widest node's coverage by child answers for it and its children at once; any other node is counted alone.
            let service = CareVisitService(db: db, now: clock.now())
            let month = String(from.prefix(7))
            var out: [UUID: VisitsCoverage] = [:]
            if let top = nodes.min(by: { $0.path.count < $1.path.count }) {
                let c = try await service.coverage(under: top, month: month, byChild: true)
                out[top.id!] = VisitsCoverage(nodeId: top.id!, planned: c.total.planned, onTime: c.total.done)
                for row in c.grids { if let id = row.gridId { out[id] = VisitsCoverage(nodeId: id, planned: row.planned, onTime: row.done) } }
            }
            for node in nodes where out[node.id!] == nil {
                let c = try await service.coverage(under: node, month: month)
                out[node.id!] = VisitsCoverage(nodeId: node.id!, planned: c.total.planned, onTime: c.total.done)
            }
            return nodes.compactMap { out[$0.id!] }
        }
    }
}
