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
            var out: [VisitsCoverage] = []
            for node in nodes {
                let coverage = try await CareVisitService(db: db, now: clock.now()).coverage(under: node, month: String(from.prefix(7)))
                out.append(VisitsCoverage(nodeId: node.id!, planned: coverage.total.planned, onTime: coverage.total.done))
            }
            return out
        }
    }
}
