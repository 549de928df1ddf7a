import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// How long the personal data of residents who moved away (迁出) is kept (个人信息保护法: no longer than needed). One row.
final class RetentionSetting: Model, @unchecked Sendable {
    static let schema = "retention_settings"
    static let defaultMonths = 24
    static let allowedMonths = 1...120

    @ID(key: .id) var id: UUID?
    @Field(key: "moved_away_months") var movedAwayMonths: Int
    @OptionalField(key: "updated_at") var updatedAt: Date?
    @OptionalField(key: "updated_by") var updatedBy: String?
    /// The last time the task anonymised someone.
    @OptionalField(key: "last_run_at") var lastRunAt: Date?

    init() {}
}

struct RetentionDTO: Content {
    var movedAwayMonths: Int
    var updatedAt: Date?
    var updatedBy: String?
    var lastRunAt: Date?
    /// Residents whose personal data has been anonymised so far.
    var anonymised: Int
    /// Moved away longer ago than the period and not yet anonymised (the next run takes them).
    var due: Int
}

struct RetentionBody: Content {
    var movedAwayMonths: Int?
}

/// The setting and the task that applies it: removed residents whose reason is 迁出 and who left more than the set months
/// ago keep their household, node, gender and history, but their name, ID number, phone, birth date and note are
/// replaced. Each resident is claimed by a conditional UPDATE, so servers ticking together anonymise each once.
struct ResidentRetention {
    static let movedAway = "迁出"
    static let placeholder = "（已匿名）"
    static let batch = 200

    let db: any Database
    let now: Date
    /// Other features' copies of the person's name or phone, erased in the same transaction.
    var erasers = PersonalDataErasers()

    func setting() async throws -> RetentionSetting {
        if let s = try await RetentionSetting.query(on: db).first() { return s }
        let s = RetentionSetting()
        s.movedAwayMonths = RetentionSetting.defaultMonths
        return s
    }

    func cutoff(months: Int) -> Date {
        Calendar(identifier: .gregorian).date(byAdding: .month, value: -months, to: now) ?? now
    }

    func dto() async throws -> RetentionDTO {
        let s = try await setting()
        let done = try await Resident.query(on: db).withDeleted().filter(\.$removedReason == Self.movedAway).filter(\.$anonymisedAt != nil).count()
        let due = try await dueQuery(months: s.movedAwayMonths).count()
        return RetentionDTO(movedAwayMonths: s.movedAwayMonths, updatedAt: s.updatedAt, updatedBy: s.updatedBy, lastRunAt: s.lastRunAt,
                            anonymised: done, due: due)
    }

    func dueCount(months: Int) async throws -> Int { try await dueQuery(months: months).count() }

    private func dueQuery(months: Int) -> QueryBuilder<Resident> {
        Resident.query(on: db).withDeleted().filter(\.$deletedAt != nil).filter(\.$deletedAt < cutoff(months: months))
            .filter(\.$removedReason == Self.movedAway).filter(\.$anonymisedAt == nil)
    }

    /// Changes the period (admins only), audited.
    func update(months: Int?, actor: Actor, source: AuditSource) async throws -> RetentionDTO {
        guard actor.role == .admin else { throw APIError.forbidden }
        guard let months else { throw APIError.missing("movedAwayMonths") }
        guard RetentionSetting.allowedMonths.contains(months) else {
            throw APIError.invalid("movedAwayMonths", "保存期限应为 1 到 120 个月 (the period must be 1 to 120 months)")
        }
        let current = try await setting()
        let old = current.movedAwayMonths
        try await db.writeTransaction { tx in
            current.movedAwayMonths = months
            current.updatedAt = now
            current.updatedBy = source.actorName
            try await current.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "update", entity: "retention_setting", entityID: current.id, nodePath: "",
                                      summary: "迁出居民个人信息保存期限：\(old) → \(months) 个月", changes: ["movedAwayMonths": [String(old), String(months)]])
        }
        return try await dto()
    }

    /// Anonymises up to `batch` residents past the period; returns how many this call did.
    @discardableResult
    func run(source: AuditSource = .system("个人信息保存期限")) async throws -> Int {
        let s = try await setting()
        let candidates = try await dueQuery(months: s.movedAwayMonths).sort(\.$deletedAt).limit(Self.batch).all()
        var done = 0
        for r in candidates {
            let claimed = try await db.writeTransaction { tx -> Bool in
                let rows = try await tx.sql.raw("""
                    UPDATE residents SET name = \(bind: Self.placeholder), id_number = NULL, phone = NULL, birth_date = NULL, note = NULL,
                      tags = '', import_key = \(bind: "anonymised:" + r.id!.uuidString), anonymised_at = \(bind: now)
                    WHERE id = \(bind: r.id!) AND anonymised_at IS NULL RETURNING id
                    """).all()
                guard !rows.isEmpty else { return false }
                // The name leaves the trail's summaries of this person too, and their link requests.
                if r.name.count >= 2 {
                    try await tx.sql.raw("""
                        UPDATE audit_log SET summary = REPLACE(summary, \(bind: r.name), \(bind: Self.placeholder)) WHERE entity_id = \(bind: r.id!)
                        """).run()
                }
                try await tx.sql.raw("UPDATE link_requests SET name = \(bind: Self.placeholder) WHERE resident_id = \(bind: r.id!)").run()
                let users = try await tx.sql.raw("SELECT id FROM users WHERE resident_id = \(bind: r.id!)").all().map { try $0.decode(column: "id", as: UUID.self) }
                let person = ErasedPerson(residentID: r.id!, userIDs: users, phone: r.phone, placeholder: Self.placeholder)
                var copies = 0
                for eraser in erasers.all { copies += try await eraser.erase(person, tx) }
                try await AuditLog.record(on: tx, by: source, at: now, action: "anonymise", entity: "resident", entityID: r.id, nodePath: r.nodePath,
                                          summary: "迁出已满 \(s.movedAwayMonths) 个月，个人信息已匿名化，另有 \(copies) 处副本 (personal data anonymised after the retention period, and \(copies) copies elsewhere)")
                return true
            }
            if claimed { done += 1 }
        }
        if done > 0, let id = s.id {
            try await RetentionSetting.query(on: db).filter(\.$id == id).set(\.$lastRunAt, to: now).update()
        }
        return done
    }

    /// The minute task: at most one batch a minute; quiet unless it did something.
    static func tick(_ app: Application) async {
        do {
            let n = try await ResidentRetention(db: app.db, now: app.clock.now(), erasers: app.personalDataErasers).run()
            if n > 0 { app.logger.info("retention: anonymised \(n) residents who moved away") }
        } catch {
            app.logger.report(error: error)
        }
    }
}
