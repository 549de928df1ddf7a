import Fluent
import Foundation
import JingzhiCore
import SQLKit
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
    /// The client's area (a street or community, say): where a request it sends is placed when its address matches
    /// nothing, for a dispatcher to place. None: the root of the tree.
    @OptionalField(key: "node_id") var nodeID: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(name: String, keyHash: String, nodeID: UUID? = nil) {
        self.name = name
        self.keyHash = keyHash
        self.nodeID = nodeID
        self.active = true
    }
}

struct APIKeyService {
    let db: any Database
    let now: Date

    /// Issues a key for `name` serving the area with code `areaCode` (the whole tree without one);
    /// returns the row and the key text (never stored).
    func create(name raw: String, areaCode: String? = nil, source: AuditSource) async throws -> (APIKey, key: String) {
        let name = try Validate.text(raw, field: "name", max: 60)!
        let area = try await areaCode.asyncMap { code in
            guard let node = try await OrgNode.query(on: db).filter(\.$code == code).first() else {
                throw APIError.invalid("area", "未知地点编码 \(code) (unknown node code \(code))")
            }
            return node
        }
        let key = Tokens.random()
        let row = APIKey(name: name, keyHash: AccountService.sha256(key), nodeID: area?.id)
        try await db.writeTransaction { tx in
            try await row.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "api_key", entityID: row.id,
                                      nodePath: area?.path ?? "", summary: "签发 Open311 api_key「\(name)」" + (area.map { "，区域 \($0.name)" } ?? ""))
        }
        return (row, key)
    }

    /// The active key with this text, if any.
    func verify(_ key: String?) async throws -> APIKey? {
        guard let key = key?.trimmingCharacters(in: .whitespaces), !key.isEmpty, key.count <= 200 else { return nil }
        return try await APIKey.query(on: db).filter(\.$keyHash == AccountService.sha256(key)).filter(\.$active == true).first()
    }

    /// The key's area: its node, or the first root of the tree.
    func area(of key: APIKey) async throws -> OrgNode {
        if let id = key.nodeID, let node = try await OrgNode.find(id, on: db) { return node }
        guard let root = try await OrgNode.query(on: db).filter(\.$depth == 0).sort(\.$path).first() else {
            throw APIError(.serviceUnavailable, code: "no_tree", "尚未建立组织网格 (the org tree is empty)")
        }
        return root
    }
}

/// At most `limit` submissions per key in any `window` seconds (a sliding window), counted in the database on the
/// app's injectable clock, so every server shares one count per key.
final class Open311RateLimiter: Sendable {
    let limit: Int
    let window: TimeInterval

    init(limit: Int = 60, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    /// Counts a submission by `key` at `now`. Returns nil when it is allowed, or the seconds until it would be.
    func hit(_ key: UUID, now: Date, on db: any Database) async throws -> Int? {
        let (limit, window) = (limit, window)
        return try await db.writeTransaction { tx -> Int? in
            // One key's submissions on several servers take turns: its row stays locked until this commits.
            // (SQLite has one writer at a time anyway.)
            if tx.isPostgres {
                try await tx.sql.raw("SELECT id FROM \(ident: APIKey.schema) WHERE id = \(bind: key) FOR UPDATE").run()
            }
            // A stored time may come back a microsecond off: a millisecond of slack keeps the window's edge exact.
            try await Open311Hit.query(on: tx).filter(\.$keyID == key).filter(\.$at <= now.addingTimeInterval(0.001 - window)).delete()
            let recent = try await Open311Hit.query(on: tx).filter(\.$keyID == key).sort(\.$at).all()
            if recent.count >= limit {
                let wait = (window - now.timeIntervalSince(recent[0].at) - 0.001).rounded(.up)
                return Int(min(window, max(1, wait)))
            }
            try await Open311Hit(keyID: key, at: now).create(on: tx)
            return nil
        }
    }
}

/// One counted Open311 submission; rows older than the window go at the key's next submission.
final class Open311Hit: Model, @unchecked Sendable {
    static let schema = "open311_hits"

    @ID(key: .id) var id: UUID?
    @Field(key: "key_id") var keyID: UUID
    @Field(key: "at") var at: Date

    init() {}

    init(keyID: UUID, at: Date) {
        self.keyID = keyID
        self.at = at
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
