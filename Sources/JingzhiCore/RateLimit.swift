import Fluent
import Vapor

/// Hourly limits on public submissions, counted in the database so every app server shares them.
package enum RateLimit {
    /// Counts one use of `key`; past `perHour` uses in the current hour, refuses with 429 and `Retry-After`.
    package static func hit(_ key: String, perHour: Int, on db: any Database, now: Date, message: String) async throws {
        let row = try await LoginThrottle.query(on: db).filter(\.$key == key).first() ?? LoginThrottle(key: key, failures: 0, lastFailureAt: now)
        if now.timeIntervalSince(row.lastFailureAt) > 3600 { row.failures = 0; row.lastFailureAt = now }
        guard row.failures < perHour else {
            var e = APIError(.tooManyRequests, code: "rate_limited", message)
            e.headers.replaceOrAdd(name: .retryAfter, value: String(max(1, Int(3600 - now.timeIntervalSince(row.lastFailureAt)))))
            throw e
        }
        if row.failures == 0 { row.lastFailureAt = now }
        row.failures += 1
        try await row.save(on: db)
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
