import Fluent
import Vapor

/// Hourly limits on public submissions, counted in the database so every app server shares them.
enum RateLimit {
    /// Counts one use of `key`; past `perHour` uses in the current hour, refuses with 429 and `Retry-After`.
    static func hit(_ key: String, perHour: Int, on db: any Database, now: Date, message: String) async throws {
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
