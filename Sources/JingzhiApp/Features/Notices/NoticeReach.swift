import Foundation
import Fluent
import JingzhiCore
import SQLKit

/// Who a notice reaches. The preview's count and the rows publishing writes come from the same two queries
/// (`residentsSQL`, `accountsSQL`), so the number staff see before sending is the number of receipts.
struct NoticeReach: Sendable {
    struct Target: Sendable, Equatable {
        let path: String
        let tags: [String]
    }

    let targets: [Target]
    let audiences: [NoticeAudience]

    /// One person the notice reaches.
    struct Person: Sendable {
        let personKey: String
        let residentID: UUID?
        let userID: UUID?
        let nodePath: String
        let audience: NoticeAudience
    }

    /// Residents of the register (not removed) inside any target, with one of its tags when it names some.
    /// A resident inside two targets is one row: the targets are or-ed on each resident.
    var residentsSQL: SQLQueryString? {
        guard audiences.contains(.residents), !targets.isEmpty else { return nil }
        let each: [SQLQueryString] = targets.map { t in
            var c = DataScope.subtree(t.path, column: "r.node_path")
            if !t.tags.isEmpty {
                let tags = t.tags.map { (tag: String) -> SQLQueryString in "\(bind: tag)" }.joined(separator: ", ")
                c = c + " AND EXISTS (SELECT 1 FROM \(ident: ResidentTag.schema) t WHERE t.resident_id = r.id AND t.tag IN (" + tags + "))"
            }
            return "(" + c + ")"
        }
        return "SELECT r.id AS resident_id, r.node_path AS node_path FROM \(ident: Resident.schema) r WHERE r.deleted_at IS NULL AND ("
            + each.joined(separator: " OR ") + ")"
    }

    /// Active accounts of the non-resident audiences whose node lies inside any target (tags narrow residents only).
    var accountsSQL: SQLQueryString? {
        let roles = audiences.flatMap(\.roles)
        guard !roles.isEmpty, !targets.isEmpty else { return nil }
        let inRoles = roles.map { (r: Role) -> SQLQueryString in "\(bind: r.rawValue)" }.joined(separator: ", ")
        let inTargets = targets.map { "(" + DataScope.subtree($0.path, column: "n.path") + ")" }.joined(separator: " OR ")
        return "SELECT u.id AS user_id, u.role AS role, n.path AS node_path FROM \(ident: User.schema) u JOIN \(ident: OrgNode.schema) n ON n.id = u.node_id "
            + "WHERE u.active = \(bind: true) AND u.role IN (" + inRoles + ") AND (" + inTargets + ")"
    }

    /// How many people it reaches now.
    func count(on db: any Database) async throws -> Int {
        var n = 0
        for sql in [residentsSQL, accountsSQL].compactMap({ $0 }) {
            let row = try await db.sql.raw("SELECT COUNT(*) AS n FROM (" + sql + ") AS reach").first()
            n += try row?.decode(column: "n", as: Int.self) ?? 0
        }
        return n
    }

    /// Writes one recipient row per person it reaches now for `noticeID`, straight from the same two queries
    /// (`INSERT … SELECT`: a city's 1.9 million rows never pass through Swift); answers how many rows it wrote. A notice that
    /// has rows already gets none (a retry writes nobody twice). Rows go in path order with ids that count up under the
    /// notice's own id prefix, so the primary key and the (notice, path) index grow at one end instead of at random places.
    func insertRecipients(_ noticeID: UUID, on db: any Database) async throws -> Int {
        func written() async throws -> Int {
            let row = try await db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: NoticeRecipient.schema) WHERE notice_id = \(bind: noticeID)").first()
            return try row?.decode(column: "n", as: Int.self) ?? 0
        }
        let any = try await db.sql.raw("SELECT 1 AS x FROM \(ident: NoticeRecipient.schema) WHERE notice_id = \(bind: noticeID) LIMIT 1").first()
        guard any == nil else { return try await written() }
        let pg = db.isPostgres
        // Id: the notice's first four groups, then 0 (residents) or 1 (accounts) and the row's number in path order.
        let prefix = String(noticeID.uuidString.prefix(24))
        func newID(_ kind: String) -> SQLQueryString {
            let n: SQLQueryString = "ROW_NUMBER() OVER (ORDER BY x.node_path)"
            return pg ? "CAST(CAST(\(bind: prefix + kind) AS TEXT) || lpad(to_hex(" + n + "), 11, '0') AS uuid)"
                : "\(bind: prefix + kind) || printf('%011X', " + n + ")"
        }
        // The person key `r:<id>` / `u:<id>` as Swift writes it (SQLite keeps UUIDs as upper-case text).
        func key(_ prefix: String, _ column: String) -> SQLQueryString {
            pg ? "'\(unsafeRaw: prefix):' || upper(CAST(x.\(unsafeRaw: column) AS TEXT))" : "'\(unsafeRaw: prefix):' || x.\(unsafeRaw: column)"
        }
        let into: SQLQueryString = "INSERT INTO \(ident: NoticeRecipient.schema) (id, notice_id, person_key, resident_id, user_id, node_path, audience) "
        try await db.withSQLitePageCache(kibibytes: 262_144) {
            if let sql = residentsSQL {
                try await db.sql.raw(into + "SELECT " + newID("0") + ", \(bind: noticeID), " + key("r", "resident_id") + ", x.resident_id, NULL, x.node_path, "
                    + "\(bind: NoticeAudience.residents.rawValue) FROM (" + sql + ") x ORDER BY x.node_path").run()
            }
            if let sql = accountsSQL {
                let audience: SQLQueryString = "CASE" + NoticeAudience.allCases.filter { !$0.roles.isEmpty }.map { a -> SQLQueryString in
                    " WHEN x.role IN (" + a.roles.map { (r: Role) -> SQLQueryString in "\(bind: r.rawValue)" }.joined(separator: ", ") + ") THEN \(bind: a.rawValue)"
                }.joined(separator: "") + " ELSE \(bind: NoticeAudience.staff.rawValue) END"
                try await db.sql.raw(into + "SELECT " + newID("1") + ", \(bind: noticeID), " + key("u", "user_id") + ", NULL, x.user_id, x.node_path, "
                    + audience + " FROM (" + sql + ") x ORDER BY x.node_path").run()
            }
        }
        return try await written()
    }

    /// Everyone it reaches now, one entry per person.
    func people(on db: any Database) async throws -> [Person] {
        var out: [Person] = []
        if let sql = residentsSQL {
            for row in try await db.sql.raw(sql).all() {
                let id = try row.decode(column: "resident_id", as: UUID.self)
                out.append(Person(personKey: "r:" + id.uuidString, residentID: id, userID: nil,
                                  nodePath: try row.decode(column: "node_path", as: String.self), audience: .residents))
            }
        }
        if let sql = accountsSQL {
            for row in try await db.sql.raw(sql).all() {
                let id = try row.decode(column: "user_id", as: UUID.self)
                let role = Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .communityStaff
                let audience = NoticeAudience.allCases.first { $0.roles.contains(role) } ?? .staff
                out.append(Person(personKey: "u:" + id.uuidString, residentID: nil, userID: id,
                                  nodePath: try row.decode(column: "node_path", as: String.self), audience: audience))
            }
        }
        return out
    }
}
