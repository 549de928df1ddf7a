import Foundation
import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// A text message on its way out, and its delivery log: queued, sent, failed after the last retry, or skipped (opted out).
final class OutboundMessage: Model, PathScoped, @unchecked Sendable {
    static let schema = "outbound_messages"
    static var pathKey: KeyPath<OutboundMessage, FieldProperty<OutboundMessage, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "channel") var channel: String
    @OptionalField(key: "resident_id") var residentID: UUID?
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "phone") var phone: String
    @Field(key: "text") var text: String
    /// What sent it, e.g. `notice`, and its record.
    @Field(key: "kind") var kind: String
    @OptionalField(key: "ref_id") var refID: UUID?
    @Field(key: "node_path") var nodePath: String
    @Field(key: "state") var state: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?

    init() {}
}

/// A resident or account that asked for no text messages (退订).
final class SMSOptOut: Model, @unchecked Sendable {
    static let schema = "sms_opt_outs"

    @ID(key: .id) var id: UUID?
    /// `r:<resident id>` or `u:<user id>`, as on notice recipients.
    @Field(key: "person_key") var personKey: String
    @Field(key: "at") var at: Date

    init() {}
}

/// The outbound channel: the in-app inbox is the notice's recipient row; text messages are queued here and sent by
/// the scheduler, outside quiet hours, retried with a doubling wait, every attempt logged on the row.
struct MessageService {
    let db: any Database
    let now: Date
    let settings: MessageSettings

    static let states = ["queued", "sent", "failed", "skipped"]

    /// One text message to queue.
    struct Outgoing: Sendable {
        let personKey: String
        var residentID: UUID?
        var userID: UUID?
        let phone: String
        let nodePath: String
    }

    /// Queues a text message inside the caller's transaction. An opted-out person's message is kept as skipped.
    func queue(personKey: String, residentID: UUID?, userID: UUID?, phone: String, text: String, kind: String, refID: UUID?,
               nodePath: String) async throws {
        try await queue([Outgoing(personKey: personKey, residentID: residentID, userID: userID, phone: phone, nodePath: nodePath)],
                        text: text, kind: kind, refID: refID)
    }

    /// Queues one text to each person, in batches: opt-outs are read and rows written 500 at a time, so a notice to a
    /// whole street stays a few hundred statements.
    func queue(_ people: [Outgoing], text: String, kind: String, refID: UUID?) async throws {
        let due = settings.quietEnd(after: now) ?? now
        for start in stride(from: 0, to: people.count, by: 500) {
            let batch = Array(people[start..<min(start + 500, people.count)])
            let out = Set(try await SMSOptOut.query(on: db).filter(\.$personKey ~~ batch.map(\.personKey)).all().map(\.personKey))
            try await batch.map { p -> OutboundMessage in
                let m = OutboundMessage()
                m.channel = "sms"
                m.residentID = p.residentID
                m.userID = p.userID
                m.phone = p.phone
                m.text = String(text.prefix(300))
                m.kind = kind
                m.refID = refID
                m.nodePath = p.nodePath
                m.attempts = 0
                m.createdAt = now
                m.state = out.contains(p.personKey) ? "skipped" : "queued"
                m.lastError = out.contains(p.personKey) ? "opted_out" : nil
                m.nextAttemptAt = due
                return m
            }.create(on: db)
        }
    }

    /// Sends what is due through `gateway`; returns how many went out. Each attempt is claimed with a conditional UPDATE on
    /// the attempt count, so several app servers never send one message twice at once.
    func deliverDue(through gateway: any SMSGateway, limit: Int = 600) async throws -> Int {
        if let end = settings.quietEnd(after: now) {
            // In quiet hours nothing goes; what is due waits for the morning.
            try await db.sql.update(OutboundMessage.schema).set("next_attempt_at", to: SQLBind(end))
                .where("state", .equal, SQLBind("queued")).where("next_attempt_at", .lessThan, SQLBind(end)).run()
            return 0
        }
        let due = try await OutboundMessage.query(on: db).filter(\.$state == "queued").filter(\.$nextAttemptAt <= now)
            .sort(\.$nextAttemptAt).limit(limit).all()
        var sent = 0
        for m in due {
            let attempt = m.attempts + 1
            // Hold it for a minute while this server tries, so another server's tick passes it by.
            let claimed = try await db.sql.update(OutboundMessage.schema).set("attempts", to: SQLBind(attempt))
                .set("next_attempt_at", to: SQLBind(now.addingTimeInterval(60)))
                .where("id", .equal, SQLBind(m.id!)).where("attempts", .equal, SQLBind(m.attempts)).where("state", .equal, SQLBind("queued"))
                .returning("id").all()
            guard !claimed.isEmpty else { continue }
            do {
                try await gateway.send(SMSMessage(id: m.id!, phone: m.phone, text: m.text))
                try await db.sql.update(OutboundMessage.schema).set("state", to: SQLBind("sent")).set("sent_at", to: SQLBind(now))
                    .set("last_error", to: SQLLiteral.null).where("id", .equal, SQLBind(m.id!)).run()
                sent += 1
            } catch {
                let last = attempt >= settings.maxAttempts
                let wait = settings.firstRetry * pow(2, Double(attempt - 1))
                try await db.sql.update(OutboundMessage.schema).set("state", to: SQLBind(last ? "failed" : "queued"))
                    .set("next_attempt_at", to: SQLBind(now.addingTimeInterval(wait)))
                    .set("last_error", to: SQLBind(String("\(error)".prefix(200)))).where("id", .equal, SQLBind(m.id!)).run()
            }
        }
        return sent
    }

    /// Counts per state of the messages a record sent (a notice's delivery log).
    static func counts(kind: String, refID: UUID, on db: any Database) async throws -> [String: Int] {
        let rows = try await db.sql.select().column("state").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(OutboundMessage.schema).where("kind", .equal, SQLBind(kind)).where("ref_id", .equal, SQLBind(refID)).groupBy("state").all()
        var out: [String: Int] = [:]
        for r in rows { out[try r.decode(column: "state", as: String.self)] = try r.decode(column: "n", as: Int.self) }
        return out
    }

    /// Turns text messages off (or on again) for a person.
    static func setOptOut(_ personKey: String, _ optOut: Bool, at: Date, on db: any Database) async throws {
        let existing = try await SMSOptOut.query(on: db).filter(\.$personKey == personKey).first()
        if optOut, existing == nil {
            let o = SMSOptOut()
            o.personKey = personKey
            o.at = at
            try await o.create(on: db)
        } else if !optOut, let existing {
            try await existing.delete(on: db)
        }
    }
}
