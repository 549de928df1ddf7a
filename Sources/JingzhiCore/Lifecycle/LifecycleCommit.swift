import Fluent
import SQLKit
import Vapor

/// A record a lifecycle moves. Every move claims its `version`, so of two writers holding the same version one wins
/// and the other is told (409) instead of overwriting.
package protocol LifecycleRecord: Model where IDValue == UUID {
    var version: Int { get set }
    /// The state's raw value as stored.
    var lifecycleState: String { get set }
    /// The node the record belongs to, for the audit trail's scope.
    var nodePath: String { get }
}

/// One line of a record's history, for features that keep no history table of their own.
package final class LifecycleEvent: Model, PathScoped, @unchecked Sendable {
    package static let schema = "lifecycle_events"
    package static var pathKey: KeyPath<LifecycleEvent, FieldProperty<LifecycleEvent, String>> { \.$nodePath }

    @ID(key: .id) package var id: UUID?
    @Field(key: "entity") package var entity: String
    @Field(key: "entity_id") package var entityID: UUID
    @Field(key: "at") package var at: Date
    @OptionalField(key: "actor_id") package var actorID: UUID?
    @Field(key: "actor_name") package var actorName: String
    @Field(key: "action") package var action: String
    @Field(key: "from_state") package var fromState: String
    @Field(key: "to_state") package var toState: String
    @OptionalField(key: "note") package var note: String?
    @Field(key: "node_path") package var nodePath: String

    package init() {}

    /// Writes one history line outside `commit`, inside the caller's transaction: a record made in its first state,
    /// or a move the feature claimed with its own guarded UPDATE. The caller writes the audit entry beside it.
    package static func write(entity: String, id: UUID, action: String, from: String, to: String, note: String?,
                              nodePath: String, by source: AuditSource, at: Date, on tx: any Database) async throws {
        let e = LifecycleEvent()
        e.entity = entity
        e.entityID = id
        e.at = at
        e.actorID = source.actorID
        e.actorName = source.actorName
        e.action = action
        e.fromState = from
        e.toState = to
        e.note = note.map { String($0.prefix(2000)) }
        e.nodePath = nodePath
        try await e.create(on: tx)
    }

    /// A record's history, oldest first.
    package static func history(_ entity: String, _ id: UUID, on db: any Database) async throws -> [LifecycleEvent] {
        try await query(on: db).filter(\.$entity == entity).filter(\.$entityID == id).sort(\.$at).all()
    }
}

extension Lifecycle {
    /// Writes one move in one transaction: claims the version, saves the record (`write`, when given, saves it and
    /// whatever goes with it), writes its history event (`history`, when given, writes the feature's own; otherwise a
    /// `LifecycleEvent`) and its audit entry. False when another writer claimed the version first; the record is
    /// then left as it was.
    package func commit<R: LifecycleRecord>(
        _ record: R, _ action: Action, from: State, to: State, subject: String, note: String?,
        by source: AuditSource, at: Date, on db: any Database, changes: [String: [String?]] = [:],
        write: (@Sendable (any Database) async throws -> Void)? = nil,
        history: (@Sendable (any Database) async throws -> Void)? = nil
    ) async throws -> Bool {
        let version = record.version
        let before = record.lifecycleState
        record.lifecycleState = to.rawValue
        let entity = entity, name = zh, auditedNote = auditsNotes ? note.map { "：\($0)" } ?? "" : ""
        let claimed = try await db.writeTransaction { tx in
            let rows = try await tx.sql.update(R.schema).set("version", to: SQLBind(version + 1))
                .where("id", .equal, SQLBind(record.id!)).where("version", .equal, SQLBind(version)).returning("id").all()
            guard !rows.isEmpty else { return false }
            record.version = version + 1
            if let write { try await write(tx) } else { try await record.save(on: tx) }
            if let history {
                try await history(tx)
            } else {
                try await LifecycleEvent.write(entity: entity, id: record.id!, action: action.rawValue, from: from.rawValue, to: to.rawValue,
                                               note: note, nodePath: record.nodePath, by: source, at: at, on: tx)
            }
            let move = from == to ? from.zh : "\(from.zh) → \(to.zh)"
            var changed = changes
            if from != to { changed["state"] = [from.rawValue, to.rawValue] }
            try await AuditLog.record(on: tx, by: source, at: at, action: action.rawValue, entity: entity, entityID: record.id,
                                      nodePath: record.nodePath, summary: "\(name) \(subject)：\(move)\(auditedNote)", changes: changed)
            return true
        }
        if !claimed {
            record.version = version
            record.lifecycleState = before
        }
        return claimed
    }

    /// The whole move for a lifecycle with no side work: refuses what the table refuses, checks the version the
    /// caller saw, applies `change`, and commits; 409 when another writer moved the record first.
    package func perform<R: LifecycleRecord>(
        _ action: Action, on record: R, role: Role, expectedVersion: Int? = nil, subject: String, note: String? = nil,
        by source: AuditSource, at: Date, on db: any Database, changes: (R) -> [String: [String?]] = { _ in [:] },
        change: (R) throws -> Void = { _ in }
    ) async throws {
        guard let from = State(rawValue: record.lifecycleState) else { throw APIError.conflict("未知状态 (unknown state)") }
        try check(action, from: from, role: role)
        try checkVersion(expected: expectedVersion, actual: record.version)
        try change(record)
        guard try await commit(record, action, from: from, to: target(action, from: from), subject: subject, note: note,
                               by: source, at: at, on: db, changes: changes(record)) else { throw changed }
    }
}
