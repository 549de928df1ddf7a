import Fluent
import SQLKit
import Vapor

/// Hourly limits on public submissions, counted in the database so every app server shares them.
package enum RateLimit {
    /// Counts one use of `key`; past `perHour` uses in the current hour, refuses with 429 and `Retry-After`.
    package static func hit(_ key: String, perHour: Int, on db: any Database, now: Date, message: String) async throws {
        let refused = try await db.writeTransaction { tx -> Int? in
            let row = try await LoginThrottle.lockedRow(key, now: now, on: tx)
            if now.timeIntervalSince(row.lastFailureAt) > 3600 { row.failures = 0; row.lastFailureAt = now }
            guard row.failures < perHour else { return max(1, Int(3600 - now.timeIntervalSince(row.lastFailureAt))) }
            if row.failures == 0 { row.lastFailureAt = now }
            row.failures += 1
            try await row.save(on: tx)
            return nil
        }
        if let wait = refused {
            var e = APIError(.tooManyRequests, code: "rate_limited", message)
            e.headers.replaceOrAdd(name: .retryAfter, value: String(wait))
            throw e
        }
    }
}

/// Failed logins per username and per address, shared by every app server through the database.
package final class LoginThrottle: Model, @unchecked Sendable {
    package static let schema = "login_throttles"

    @ID(key: .id) package var id: UUID?
    @Field(key: "key") package var key: String
    @Field(key: "failures") package var failures: Int
    @OptionalField(key: "locked_until") package var lockedUntil: Date?
    @Field(key: "last_failure_at") package var lastFailureAt: Date

    package init() {}

    package init(key: String, failures: Int, lastFailureAt: Date) {
        self.key = key
        self.failures = failures
        self.lastFailureAt = lastFailureAt
    }
}

extension LoginThrottle {
    /// The row of `key` (made when missing), for the caller's write transaction to update. On PostgreSQL it stays locked
    /// until that transaction ends, so counts made on several servers at once all add up and never clash on the unique
    /// key; on SQLite one writer at a time does the same.
    package static func lockedRow(_ key: String, now: Date, on tx: any Database) async throws -> LoginThrottle {
        try await tx.sql.insert(into: schema).columns("id", "key", "failures", "last_failure_at")
            .values(SQLBind(UUID()), SQLBind(key), SQLBind(0), SQLBind(now)).ignoringConflicts(with: ["key"]).run()
        if tx.isPostgres {
            try await tx.sql.raw("SELECT id FROM \(ident: schema) WHERE key = \(bind: key) FOR UPDATE").run()
        }
        guard let row = try await LoginThrottle.query(on: tx).filter(\.$key == key).first() else {
            throw APIError(.internalServerError, code: "throttle_row", "计数失败 (could not count this attempt)")
        }
        return row
    }
}
