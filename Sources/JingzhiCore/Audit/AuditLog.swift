import Fluent
import Vapor

/// One line of the audit trail (操作日志): who changed what, when, from where.
package final class AuditEntry: Model, PathScoped, @unchecked Sendable {
    package static let schema = "audit_log"
    package static var pathKey: KeyPath<AuditEntry, FieldProperty<AuditEntry, String>> { \.$nodePath }

    @ID(key: .id) package var id: UUID?
    @Field(key: "at") package var at: Date
    @OptionalField(key: "actor_id") package var actorID: UUID?
    @Field(key: "actor_name") package var actorName: String
    @Field(key: "action") package var action: String
    @Field(key: "entity") package var entity: String
    @OptionalField(key: "entity_id") package var entityID: UUID?
    /// Path of the node the changed record belongs to, so audit views follow data scopes.
    @Field(key: "node_path") package var nodePath: String
    @Field(key: "ip") package var ip: String
    @Field(key: "summary") package var summary: String
    /// JSON object of changed fields: `{"field": [old, new]}`.
    @OptionalField(key: "changes") package var changes: String?

    package init() {}
}

/// Who is acting, as the audit log needs it: a web or API user, or the command line.
package struct AuditSource: Sendable {
    package let actorID: UUID?
    package let actorName: String
    package let ip: String

    package init(actorID: UUID?, actorName: String, ip: String) {
        self.actorID = actorID
        self.actorName = actorName
        self.ip = ip
    }

    /// The platform itself (schedulers, sweepers).
    package static func system(_ what: String = "系统") -> AuditSource { AuditSource(actorID: nil, actorName: what, ip: "local") }

    package static func cli(_ what: String = "cli") -> AuditSource { AuditSource(actorID: nil, actorName: "命令行(\(what))", ip: "local") }
}

package enum AuditLog {
    /// Writes one entry on `db`; call it inside the transaction that makes the change.
    package static func record(
        on db: any Database, by source: AuditSource, at: Date, action: String, entity: String,
        entityID: UUID?, nodePath: String, summary: String, changes: [String: [String?]]? = nil
    ) async throws {
        let entry = AuditEntry()
        entry.at = at
        entry.actorID = source.actorID
        entry.actorName = source.actorName
        entry.action = action
        entry.entity = entity
        entry.entityID = entityID
        entry.nodePath = nodePath
        entry.ip = source.ip
        entry.summary = String(summary.prefix(500))
        if let changes, !changes.isEmpty,
           let data = try? JSONSerialization.data(withJSONObject: changes.mapValues { $0.map { $0 ?? NSNull() as Any } }, options: [.sortedKeys]) {
            entry.changes = String(decoding: data, as: UTF8.self)
        }
        try await entry.create(on: db)
    }
}

/// Collects old → new values of the fields an update touched.
package struct ChangeSet {
    package init() {}

    package private(set) var changes: [String: [String?]] = [:]

    package mutating func note<T: Equatable & CustomStringConvertible>(_ field: String, _ old: T?, _ new: T?) {
        if old != new { changes[field] = [old?.description, new?.description] }
    }

    /// Like `note`, but never writes the values themselves (personal data stays out of the log).
    package mutating func noteHidden<T: Equatable>(_ field: String, _ old: T?, _ new: T?) {
        if old != new { changes[field] = ["…", "…"] }
    }

    package var isEmpty: Bool { changes.isEmpty }
}
