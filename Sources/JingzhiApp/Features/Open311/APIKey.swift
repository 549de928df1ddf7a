import Fluent
import Foundation
import JingzhiCore
import NIOConcurrencyHelpers
import Vapor

/// A key an Open311 client (an app, a partner's hotline system) sends as `api_key` to submit requests.
/// Only the SHA-256 of the key is stored; the key itself is shown once, when it is created.
final class APIKey: Model, @unchecked Sendable {
    static let schema = "api_keys"

    @ID(key: .id) var id: UUID?
    /// Who the key was issued to.
    @Field(key: "name") var name: String
    @Field(key: "key_hash") var keyHash: String
    @Field(key: "active") var active: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(name: String, keyHash: String) {
        self.name = name
        self.keyHash = keyHash
        self.active = true
    }
}

struct APIKeyService {
    let db: any Database
    let now: Date

    /// Issues a key for `name`; returns the row and the key text (never stored).
    func create(name raw: String, source: AuditSource) async throws -> (APIKey, key: String) {
        let name = try Validate.text(raw, field: "name", max: 60)!
        let key = Tokens.random()
        let row = APIKey(name: name, keyHash: AccountService.sha256(key))
        try await db.writeTransaction { tx in
            try await row.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "api_key", entityID: row.id,
                                      nodePath: "", summary: "签发 Open311 api_key「\(name)」")
        }
        return (row, key)
    }

    /// The active key with this text, if any.
    func verify(_ key: String?) async throws -> APIKey? {
        guard let key = key?.trimmingCharacters(in: .whitespaces), !key.isEmpty, key.count <= 200 else { return nil }
        return try await APIKey.query(on: db).filter(\.$keyHash == AccountService.sha256(key)).filter(\.$active == true).first()
    }
}

/// At most `limit` submissions per key in any `window` seconds (a sliding window), counted in memory
/// on the app's injectable clock.
final class Open311RateLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let hits = NIOLockedValueBox<[UUID: [Date]]>([:])

    init(limit: Int = 60, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    /// Counts a submission by `key` at `now`. Returns nil when it is allowed, or the seconds until it would be.
    func hit(_ key: UUID, now: Date) -> Int? {
        hits.withLockedValue { all in
            var recent = (all[key] ?? []).filter { now.timeIntervalSince($0) < window }
            defer { all[key] = recent }
            guard recent.count < limit else {
                return max(1, Int((window - now.timeIntervalSince(recent[0])).rounded(.up)))
            }
            recent.append(now)
            return nil
        }
    }
}

extension Application {
    private struct Open311RateLimiterKey: StorageKey { typealias Value = Open311RateLimiter }

    /// Set once when the routes are registered; tests may swap it before sending requests.
    var open311RateLimiter: Open311RateLimiter {
        get { storage[Open311RateLimiterKey.self] ?? Open311RateLimiter() }
        set { storage[Open311RateLimiterKey.self] = newValue }
    }
}
