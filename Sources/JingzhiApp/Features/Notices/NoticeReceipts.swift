import Foundation
import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// Who reads which notice, read receipts, acknowledgements and deliveries in person.
struct NoticeReceipts {
    let db: any Database
    let now: Date
    let source: AuditSource

    init(db: any Database, now: Date, source: AuditSource = .system()) {
        self.db = db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource) }

    /// Staff who follow notices over an area: senders and grid workers.
    static func followsArea(_ actor: Actor) -> Bool {
        [.admin, .streetStaff, .communityStaff, .gridWorker].contains(actor.role)
    }

    /// The SQL condition "the notice concerns this area": sent from inside it, or aimed at a subtree inside it or above it.
    static func concerns(_ actor: Actor) -> SQLQueryString {
        let sent = actor.scope.sqlCondition(column: "notices.node_path")
        let aimed = actor.scope.sqlCondition(column: "t.node_path")
        return "(" + sent + " OR notices.id IN (SELECT t.notice_id FROM \(ident: NoticeTarget.schema) t WHERE (" + aimed
            + ") OR substr(\(bind: actor.nodePath), 1, length(t.node_path)) = t.node_path))"
    }

    /// The recipient row of the actor on a notice: by their resident entry for residents, by account otherwise.
    func row(_ noticeID: UUID, for actor: Actor) async throws -> NoticeRecipient? {
        let q = NoticeRecipient.query(on: db).filter(\.$noticeID == noticeID)
        if actor.role == .resident {
            guard let rid = actor.user.residentID else { return nil }
            return try await q.filter(\.$residentID == rid).first()
        }
        return try await q.filter(\.$userID == actor.userID).first()
    }

    /// The notice if the actor may read it: staff whose area it concerns (withdrawn ones included, they stay in the record);
    /// anyone else only while it is live and addressed to them. 404 otherwise, as for an id that does not exist.
    func load(_ id: UUID?, for actor: Actor) async throws -> Notice {
        guard let id, let n = try await Notice.find(id, on: db) else { throw APIError.notFound }
        if Self.followsArea(actor) {
            let hit = try await db.sql.raw("SELECT notices.id FROM \(ident: Notice.schema) notices WHERE notices.id = \(bind: id) AND " + Self.concerns(actor)).first()
            if hit != nil { return n }
        }
        guard n.isLive(at: now), try await row(id, for: actor) != nil else { throw APIError.notFound }
        return n
    }

    /// The live notices addressed to the actor: pinned first, then unread, newest first.
    func mine(_ actor: Actor, limit: Int = 50) async throws -> [(Notice, NoticeRecipient)] {
        let rows: [NoticeRecipient]
        if actor.role == .resident {
            guard let rid = actor.user.residentID else { return [] }
            rows = try await NoticeRecipient.query(on: db).filter(\.$residentID == rid).all()
        } else {
            rows = try await NoticeRecipient.query(on: db).filter(\.$userID == actor.userID).all()
        }
        guard !rows.isEmpty else { return [] }
        let notices = try await Notice.query(on: db).filter(\.$id ~~ rows.map(\.noticeID)).filter(\.$stateRaw == NoticeState.published.rawValue).all()
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.noticeID, $0) })
        return notices.filter { $0.isLive(at: now) }.compactMap { n in byID[n.id!].map { (n, $0) } }
            .sorted { a, b in
                if a.0.pinned != b.0.pinned { return a.0.pinned }
                if (a.1.readAt == nil) != (b.1.readAt == nil) { return a.1.readAt == nil }
                return (a.0.publishedAt ?? a.0.publishAt) > (b.0.publishedAt ?? b.0.publishAt)
            }.prefix(limit).map { $0 }
    }

    func unreadCount(_ actor: Actor) async throws -> Int {
        try await mine(actor, limit: 500).filter { $0.1.readAt == nil }.count
    }

    /// Marks the notice read by the actor (the first time counts); 404 when it is not theirs.
    @discardableResult
    func read(_ n: Notice, by actor: Actor) async throws -> NoticeRecipient {
        guard n.isLive(at: now), let r = try await row(n.id!, for: actor) else { throw APIError.notFound }
        if r.readAt == nil {
            r.readAt = now
            try await r.save(on: db)
        }
        return r
    }

    /// Acknowledges an urgent notice (收到确认); reading it is implied.
    func acknowledge(_ n: Notice, by actor: Actor) async throws -> NoticeRecipient {
        guard n.urgent else {
            throw APIError.conflict("这条通知不需要确认收到 (this notice asks for no acknowledgement)", code: "no_ack_needed")
        }
        let r = try await read(n, by: actor)
        if r.ackedAt == nil {
            r.ackedAt = now
            try await r.save(on: db)
        }
        return r
    }

    /// A grid worker (or community staff) marks a resident told in person. Only residents inside the actor's area.
    func deliver(_ n: Notice, recipient id: UUID?, by actor: Actor) async throws -> NoticeRecipient {
        guard [.admin, .communityStaff, .gridWorker].contains(actor.role) else { throw APIError.forbidden }
        guard n.isLive(at: now) else { throw APIError.conflict("通知已撤回或已过期 (the notice was withdrawn or has expired)", code: "not_live") }
        guard let id, let r = try await NoticeRecipient.query(on: db).filter(\.$id == id).filter(\.$noticeID == n.id!).within(actor.scope).first(),
              r.residentID != nil else { throw APIError.notFound }
        guard r.deliveredAt == nil else { return r }
        r.deliveredAt = now
        r.deliveredBy = actor.userID
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await r.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "deliver", entity: "notice", entityID: n.id, nodePath: r.nodePath,
                                      summary: "通知「\(n.title)」：上门告知一位居民")
        }
        return r
    }

    /// Reach and read of one grid (or of the rest of the area, outside any grid).
    struct GridLine: Sendable {
        let gridID: UUID?
        let name: String
        var recipients = 0
        var read = 0
        var acked = 0
        var delivered = 0
        /// Neither read nor told in person.
        var unreached = 0
    }

    /// Receipts inside the actor's area, per grid, with a line for what lies in no grid, and the total first.
    func perGrid(_ n: Notice, for actor: Actor) async throws -> (total: GridLine, grids: [GridLine]) {
        let inScope = actor.scope.sqlCondition(column: "r.node_path")
        let sums: SQLQueryString = "COUNT(*) AS n, SUM(CASE WHEN r.read_at IS NULL THEN 0 ELSE 1 END) AS nread, "
            + "SUM(CASE WHEN r.acked_at IS NULL THEN 0 ELSE 1 END) AS nacked, SUM(CASE WHEN r.delivered_at IS NULL THEN 0 ELSE 1 END) AS ndelivered, "
            + "SUM(CASE WHEN r.read_at IS NULL AND r.delivered_at IS NULL THEN 1 ELSE 0 END) AS nunreached"
        func line(_ row: any SQLRow, id: UUID?, name: String) throws -> GridLine {
            var l = GridLine(gridID: id, name: name)
            l.recipients = try row.decode(column: "n", as: Int?.self) ?? 0
            l.read = try row.decode(column: "nread", as: Int?.self) ?? 0
            l.acked = try row.decode(column: "nacked", as: Int?.self) ?? 0
            l.delivered = try row.decode(column: "ndelivered", as: Int?.self) ?? 0
            l.unreached = try row.decode(column: "nunreached", as: Int?.self) ?? 0
            return l
        }
        // One range scan of the area in the (notice, path) index, grouped by the path's first L characters for each length L
        // of the grid paths inside the area (usually one): a group whose prefix is a grid's path is that grid's line.
        var grids = try await OrgNode.query(on: db).filter(\.$kindRaw == NodeKind.grid.rawValue).within(actor.scope).sort(\.$path).all()
        if grids.isEmpty {
            // An area inside one grid: that grid's line.
            let above = (1...max(actor.nodePath.count, 1)).map { String(actor.nodePath.prefix($0)) }
            grids = try await OrgNode.query(on: db).filter(\.$kindRaw == NodeKind.grid.rawValue).filter(\.$path ~~ above).all()
        }
        let gridByPath = Dictionary(grids.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        var lines: [String: GridLine] = [:]
        var total = GridLine(gridID: nil, name: "")
        var lengths = Array(Set(grids.map { $0.path.count })).sorted()
        if lengths.isEmpty { lengths = [0] }
        for (i, length) in lengths.enumerated() {
            let rows = try await db.sql.raw("SELECT substr(r.node_path, 1, \(unsafeRaw: String(max(length, 1)))) AS prefix, " + sums
                + " FROM \(ident: NoticeRecipient.schema) r WHERE r.notice_id = \(bind: n.id!) AND " + inScope + " GROUP BY substr(r.node_path, 1, \(unsafeRaw: String(max(length, 1))))").all()
            for row in rows {
                let prefix = try row.decode(column: "prefix", as: String.self)
                let l = try line(row, id: nil, name: "")
                if i == 0 {
                    total.recipients += l.recipients; total.read += l.read; total.acked += l.acked
                    total.delivered += l.delivered; total.unreached += l.unreached
                }
                if length > 0, let g = gridByPath[prefix] { lines[g.path] = try line(row, id: g.id, name: g.name) }
            }
        }
        var out = grids.compactMap { lines[$0.path] }
        var rest = GridLine(gridID: nil, name: "")
        rest.recipients = total.recipients - out.map(\.recipients).reduce(0, +)
        rest.read = total.read - out.map(\.read).reduce(0, +)
        rest.acked = total.acked - out.map(\.acked).reduce(0, +)
        rest.delivered = total.delivered - out.map(\.delivered).reduce(0, +)
        rest.unreached = total.unreached - out.map(\.unreached).reduce(0, +)
        if rest.recipients > 0 { out.append(rest) }
        return (total, out)
    }

    /// A resident who has not been reached yet: what a grid worker needs to knock on the door.
    struct Unreached: Sendable {
        let recipientID: UUID
        let name: String
        let address: String
        let phone: String?
        let tags: String
    }

    /// Residents inside the actor's area who neither read the notice nor were told in person.
    func unreached(_ n: Notice, for actor: Actor, limit: Int = 200) async throws -> [Unreached] {
        let rows = try await NoticeRecipient.query(on: db).filter(\.$noticeID == n.id!).filter(\.$residentID != nil)
            .filter(\.$readAt == nil).filter(\.$deliveredAt == nil).within(actor.scope).sort(\.$nodePath).limit(limit).all()
        let residents = try await Resident.query(on: db).filter(\.$id ~~ rows.compactMap(\.residentID)).all()
        let households = try await Household.query(on: db).filter(\.$id ~~ residents.map(\.householdID)).all()
        let rByID = Dictionary(uniqueKeysWithValues: residents.map { ($0.id!, $0) })
        let hByID = Dictionary(uniqueKeysWithValues: households.map { ($0.id!, $0) })
        return rows.compactMap { row in
            guard let r = row.residentID.flatMap({ rByID[$0] }) else { return nil }
            let phone = actor.role.seesFullPhone ? r.phone : Mask.phone(r.phone)
            actor.revealed("resident", id: r.id, path: r.nodePath, actor.unmasked(idNumber: nil, phone: r.phone, own: false))
            return Unreached(recipientID: row.id!, name: r.name, address: hByID[r.householdID]?.address ?? "", phone: phone, tags: r.tags)
        }
    }
}
