import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// What a batch of fixes did: how many were stored, seen before, refused (each with its reason) and flagged.
struct FixBatchReport: Content, Sendable {
    struct Refused: Content, Sendable {
        let index: Int
        let clientKey: String?
        let code: String
        let message: String
    }
    var accepted = 0
    var duplicates = 0
    var flagged = 0
    var refused: [Refused] = []
}

/// Patrols (网格巡查): start, fixes, check-ins, events, end, automatic closing. Every write is one transaction.
struct PatrolService {
    let db: any Database
    let now: Date

    init(db: any Database, now: Date) {
        self.db = db
        self.now = now
    }

    init(req: Request) { self.init(db: req.db, now: req.now) }

    // MARK: Start and end

    /// Opens a patrol of the worker's grid. One open patrol per worker: a second start answers 409 naming the first.
    func start(by actor: Actor, source: AuditSource) async throws -> Patrol {
        guard actor.role == .gridWorker else {
            throw APIError(.forbidden, code: "forbidden", "只有网格员可以开始巡查 (only grid workers patrol)")
        }
        guard let gridID = actor.user.nodeID, let grid = try await OrgNode.find(gridID, on: db), grid.kind == .grid else {
            throw APIError.conflict("您的账号未绑定网格，无法巡查 (your account is not bound to a grid)", code: "no_grid")
        }
        if let open = try await openPatrol(of: actor.userID) {
            throw APIError.conflict("您已有进行中的巡查 \(open.id!) (you already have an open patrol)", code: "patrol_open")
        }
        let p = Patrol()
        p.workerID = actor.userID
        p.workerName = actor.user.displayName
        p.gridID = gridID
        p.nodePath = grid.path
        p.state = Patrol.open
        p.openWorkerID = actor.userID
        p.startedAt = now
        p.lastActivityAt = now
        (p.distanceM, p.fixCount, p.flaggedCount, p.buildingsCovered, p.eventCount) = (0, 0, 0, 0, 0)
        do {
            try await db.writeTransaction { tx in
                try await p.create(on: tx)
                try await AuditLog.record(on: tx, by: source, at: now, action: "start", entity: "patrol", entityID: p.id,
                                          nodePath: p.nodePath, summary: "开始巡查 \(grid.name)")
            }
        } catch let e as any DatabaseError where e.isConstraintFailure {
            throw APIError.conflict("您已有进行中的巡查 (you already have an open patrol)", code: "patrol_open")
        }
        return p
    }

    func openPatrol(of workerID: UUID) async throws -> Patrol? {
        try await Patrol.query(on: db).filter(\.$openWorkerID == workerID).first()
    }

    /// Ends an open patrol now.
    func end(_ patrol: Patrol, source: AuditSource) async throws -> Patrol {
        try await db.writeTransaction { tx in
            guard let p = try await Self.lock(patrol.id!, on: tx), p.isOpen else {
                throw APIError.conflict("巡查已结束 (the patrol has already ended)", code: "patrol_ended")
            }
            p.state = Patrol.ended
            p.openWorkerID = nil
            p.endedAt = now
            p.lastActivityAt = now
            try await p.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "end", entity: "patrol", entityID: p.id, nodePath: p.nodePath,
                                      summary: "结束巡查：\(Int(p.distanceM.rounded())) 米，打卡 \(p.buildingsCovered) 栋，上报 \(p.eventCount) 件")
            return p
        }
    }

    /// Closes patrols idle for longer than `idle` seconds, ending them at their last activity (so the duration is
    /// not inflated by the forgotten hours). Claimed with a conditional UPDATE: each is closed once, by one server.
    func autoClose(idle: TimeInterval) async throws -> Int {
        let stale = try await Patrol.query(on: db).filter(\.$state == Patrol.open)
            .filter(\.$lastActivityAt < now.addingTimeInterval(-idle)).limit(500).all()
        var closed = 0
        for p in stale {
            let won = try await db.writeTransaction { tx -> Bool in
                let rows = try await tx.sql.update(Patrol.schema).set("state", to: SQLBind(Patrol.autoClosed))
                    .set("ended_at", to: SQLBind(p.lastActivityAt)).set("open_worker_id", to: SQLLiteral.null)
                    .where("id", .equal, SQLBind(p.id!)).where("state", .equal, SQLBind(Patrol.open)).returning("id").all()
                guard !rows.isEmpty else { return false }
                let minutes = Int(idle / 60)
                try await AuditLog.record(on: tx, by: AuditSource(actorID: nil, actorName: "系统", ip: "local"), at: now, action: "auto_close",
                                          entity: "patrol", entityID: p.id, nodePath: p.nodePath,
                                          summary: "巡查 \(minutes) 分钟无活动，系统自动结束 (closed after \(minutes) idle minutes)")
                return true
            }
            if won { closed += 1 }
        }
        return closed
    }

    // MARK: Fixes

    /// Stores a batch of fixes. Duplicates are skipped, impossible ones refused one by one, the rest stored in time
    /// order whatever order they came in, flagged where the rules say, and the distance recomputed from the first
    /// new fix on. Fixes recorded before the end are still taken after the patrol ended (phones send late batches).
    func addFixes(_ inputs: [FixInput], to patrol: Patrol) async throws -> FixBatchReport {
        guard inputs.count <= PatrolRules.maxBatch else {
            throw APIError.invalid("fixes", "每批最多 \(PatrolRules.maxBatch) 个定位点 (at most \(PatrolRules.maxBatch) fixes a batch)")
        }
        let area = try await gridArea(of: patrol)
        return try await db.writeTransaction { tx in
            guard let p = try await Self.lock(patrol.id!, on: tx) else { throw APIError.notFound }
            var report = FixBatchReport()
            var fresh: [String: PatrolFix] = [:]
            var valid: [(Int, FixInput, String)] = []
            for (i, input) in inputs.enumerated() {
                do {
                    let key = try check(input, patrol: p)
                    valid.append((i, input, key))
                } catch let refusal as FixRefusal {
                    report.refused.append(.init(index: i, clientKey: input.clientKey, code: refusal.code, message: refusal.message))
                }
            }
            let keys = valid.map(\.2)
            let seen = keys.isEmpty ? [] : Set(try await PatrolFix.query(on: tx).filter(\.$patrolID == p.id!)
                .filter(\.$clientKey ~~ keys).all(\.$clientKey))
            for (_, input, key) in valid {
                if seen.contains(key) || fresh[key] != nil { report.duplicates += 1; continue }
                let f = PatrolFix()
                f.patrolID = p.id!
                f.clientKey = key
                f.recordedAt = input.recordedAt!
                f.receivedAt = now
                f.latitude = input.latitude!
                f.longitude = input.longitude!
                f.accuracy = input.accuracy
                f.lowAccuracy = (input.accuracy ?? 0) > PatrolRules.worstAccuracy
                f.outsideM = area.map { $0.distance(from: f.point) } ?? 0
                f.farOutside = f.outsideM > PatrolRules.farOutside
                (f.segmentM, f.jump) = (0, false)
                fresh[key] = f
            }
            guard !fresh.isEmpty else { return report }
            report.accepted = fresh.count
            let added = fresh.values.sorted { ($0.recordedAt, $0.clientKey) < ($1.recordedAt, $1.clientKey) }
            let changes = try await replay(p, adding: added, on: tx)
            try await added.create(on: tx)
            report.flagged = added.filter(\.flagged).count
            p.distanceM += changes.distance
            p.flaggedCount += changes.flagged
            p.fixCount += added.count
            if let last = added.last, p.lastFixAt.map({ last.recordedAt >= $0 }) ?? true {
                (p.lastLatitude, p.lastLongitude, p.lastFixAt) = (last.latitude, last.longitude, last.recordedAt)
            }
            if p.isOpen { p.lastActivityAt = now }
            try await p.save(on: tx)
            return report
        }
    }

    /// The duplicate key of a fix that may be stored, or the reason it may not.
    private func check(_ f: FixInput, patrol p: Patrol) throws -> String {
        guard let lat = f.latitude, let lon = f.longitude, GeoPoint(lon: lon, lat: lat).isValid else { throw FixRefusal.coordinates }
        guard !f.unreadableTime else { throw FixRefusal.unreadableTime }
        guard let at = f.recordedAt, let key = f.clientKey else { throw FixRefusal.missingTime }
        if let a = f.accuracy, !(a.isFinite && a >= 0) { throw FixRefusal.accuracy }
        guard at <= now.addingTimeInterval(PatrolRules.clockSkew) else { throw FixRefusal.future }
        guard at >= p.startedAt.addingTimeInterval(-PatrolRules.clockSkew) else { throw FixRefusal.beforeStart }
        if let end = p.endedAt, at > end.addingTimeInterval(PatrolRules.clockSkew) { throw FixRefusal.afterEnd }
        return key
    }

    /// Recomputes segments from the earliest new fix on: the walker resumes from the stored fixes before it, then
    /// walks the new fixes merged with any stored ones recorded after (which a late batch may change).
    /// Returns what the patrol's distance and flagged count change by, so counters never rescan the track.
    private func replay(_ p: Patrol, adding added: [PatrolFix], on tx: any Database) async throws -> (distance: Double, flagged: Int) {
        let t0 = added[0].recordedAt
        var walker = TrackWalker()
        let before = PatrolFix.query(on: tx).filter(\.$patrolID == p.id!).filter(\.$recordedAt < t0).filter(\.$lowAccuracy == false)
        if let last = try await before.copy().sort(\.$recordedAt, .descending).sort(\.$clientKey, .descending).first() {
            if last.jump {
                walker.lastJump = .init(point: last.point, time: last.recordedAt)
                if let trusted = try await before.filter(\.$jump == false).sort(\.$recordedAt, .descending).sort(\.$clientKey, .descending).first() {
                    walker.anchor = .init(point: trusted.point, time: trusted.recordedAt)
                }
            } else {
                walker.anchor = .init(point: last.point, time: last.recordedAt)
            }
        }
        let later = try await PatrolFix.query(on: tx).filter(\.$patrolID == p.id!).filter(\.$recordedAt >= t0).all()
        let merged = (added + later).sorted { ($0.recordedAt, $0.clientKey) < ($1.recordedAt, $1.clientKey) }
        var distance = 0.0, flagged = 0
        for f in merged {
            let stored = f.$id.exists
            let (oldSegment, wasFlagged) = (stored ? f.segmentM : 0, stored && f.flagged)
            let (segment, jump) = walker.step(f.point, at: f.recordedAt, lowAccuracy: f.lowAccuracy)
            let changed = f.segmentM != segment || f.jump != jump
            (f.segmentM, f.jump) = (segment, jump)
            distance += segment - oldSegment
            flagged += (f.flagged ? 1 : 0) - (wasFlagged ? 1 : 0)
            if stored && changed { try await f.save(on: tx) }
        }
        return (distance, flagged)
    }

    /// The patrol re-read inside `tx` after touching its row: on PostgreSQL that holds the row's lock until commit,
    /// so two batches (or a batch and a check-in) of one patrol apply one after the other and no counter is lost.
    /// SQLite writers already queue.
    static func lock(_ id: UUID, on tx: any Database) async throws -> Patrol? {
        try await tx.sql.update(Patrol.schema).set("fix_count", to: SQLIdentifier("fix_count")).where("id", .equal, SQLBind(id)).run()
        return try await Patrol.find(id, on: tx)
    }

    func gridArea(of p: Patrol) async throws -> GeoArea? {
        guard let text = try await OrgNode.find(p.gridID, on: db)?.boundary else { return nil }
        return try? GeoArea.parse(text: text)
    }
}
