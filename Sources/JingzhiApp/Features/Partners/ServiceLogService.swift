import Foundation
import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// Service logs of partners and party members, the community's confirmation, party-member registration (双报到) and
/// the per-unit, per-year report.
struct ServiceLogService {
    let db: any Database
    let now: Date
    let source: AuditSource

    init(db: any Database, now: Date, source: AuditSource = .system()) {
        self.db = db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource) }

    /// Hours as tenths: 0.5–24 a day.
    static func tenths(_ raw: Double?) throws -> Int {
        guard let raw else { throw APIError.missing("hours") }
        let t = (raw * 10).rounded()
        guard raw.isFinite, t >= 5, t <= 240, abs(raw * 10 - t) < 0.001 else {
            throw APIError.invalid("hours", "服务时长须在 0.5–24 小时之间，最多一位小数 (hours: 0.5–24, one decimal)")
        }
        return Int(t)
    }

    func log(what: String?, day: String?, hours: Double?, forWhom: String?, by actor: Actor) async throws -> ServiceLog {
        let c = try await PartnerAccess.claimer(actor, on: db)
        try PartnerAccess.requireCovers(c, category: nil, path: c.nodePath, now: now)
        let w = try Validate.text(what, field: "what", max: 200)!
        let d = try ShanghaiTime.parseDay(day, field: "day")
        let today = ShanghaiTime.today(now)
        guard d <= today, d >= ShanghaiTime.add(-366, to: today) else {
            throw APIError.invalid("day", "服务日期须在过去一年内，且不晚于今天 (the day must be within the last year, not in the future)")
        }
        let l = ServiceLog()
        l.id = UUID()
        l.userID = actor.userID
        l.partnerID = c.partnerID
        l.memberID = c.memberID
        l.unit = c.unit
        l.who = c.name
        l.what = w
        l.day = d
        l.tenths = try Self.tenths(hours)
        l.forWhom = try Validate.text(forWhom, field: "forWhom", max: 100, required: false) ?? ""
        l.nodePath = c.nodePath
        l.stateRaw = ServiceLogState.logged.rawValue
        l.version = 1
        l.createdAt = now
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await l.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "log", entity: "service_log", entityID: l.id, nodePath: l.nodePath,
                                      summary: "服务记录：\(c.name) \(d) \(Self.hours(l.tenths)) 小时「\(w)」")
        }
        return l
    }

    /// Saves a log made already confirmed, inside the caller's transaction, for work the community itself vouches for
    /// (a wish it confirmed): its history shows the confirmation with `why`, and the audit trail says so.
    static func writeConfirmed(_ l: ServiceLog, why: String, source: AuditSource, now: Date, on tx: any Database) async throws {
        l.stateRaw = ServiceLogState.confirmed.rawValue
        l.version = 1
        l.createdAt = now
        try await l.create(on: tx)
        try await LifecycleEvent.write(entity: ServiceLogLifecycle.table.entity, id: l.id!, action: ServiceLogAction.confirm.rawValue,
                                       from: ServiceLogState.logged.rawValue, to: ServiceLogState.confirmed.rawValue, note: why,
                                       nodePath: l.nodePath, by: source, at: now, on: tx)
        try await AuditLog.record(on: tx, by: source, at: now, action: ServiceLogAction.confirm.rawValue, entity: ServiceLogLifecycle.table.entity,
                                  entityID: l.id, nodePath: l.nodePath, summary: "服务记录：\(l.who) \(l.day) \(hours(l.tenths)) 小时「\(l.what)」（\(why)）")
    }

    static func hours(_ tenths: Int) -> String { tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)" }

    func act(_ action: ServiceLogAction, _ l: ServiceLog, note: String?, by actor: Actor) async throws -> ServiceLog {
        guard actor.scope.contains(l.nodePath) || !PartnerAccess.isStaff(actor) else { throw APIError.notFound }
        let reason = try Validate.text(note, field: "note", max: 300, required: action == .reject)
        try await ServiceLogLifecycle.table.perform(action, on: l, role: PartnerAccess.listRole(actor), subject: "\(l.who) \(l.day)", note: reason,
                                                    by: source, at: now, on: db)
        return l
    }

    /// 双报到: the account registers to the community where it lives or is assigned.
    func register(nodeID: String?, unit: String?, kind: String?, name: String?, by actor: Actor) async throws -> PartyMember {
        guard actor.role == .resident || actor.role == .partner || actor.role == .gridWorker else {
            throw APIError(.forbidden, code: "forbidden", "工作人员账号无需报到 (staff accounts do not register)")
        }
        let u = try Validate.text(unit, field: "unit", max: 80)!
        let k = kind ?? "member"
        guard ["member", "organisation"].contains(k) else { throw APIError.invalid("kind", "类型须为 member 或 organisation (member or organisation)") }
        guard let node = try await OrgService(db: db, now: now).find(codeOrID: nodeID ?? ""), node.kind == .community else {
            throw APIError(.notFound, code: "unknown_node", "请选择报到的社区 (choose the community)", field: "nodeId")
        }
        // An ended registration is registered again in its own row: the end stays in its history and the audit.
        let existing = try await PartyMember.query(on: db).filter(\.$userID == actor.userID).first()
        if let existing, existing.active { throw APIError.conflict("您已报到到社区 (you are registered already)", code: "already_registered") }
        let m = existing ?? PartyMember()
        if existing == nil { m.id = UUID() }
        m.userID = actor.userID
        m.residentID = actor.user.residentID
        m.name = try Validate.text(name, field: "name", max: 40, required: false) ?? actor.user.displayName
        m.kind = k
        m.unit = u
        m.nodeID = node.id!
        m.nodePath = node.path
        m.active = true
        m.registeredAt = now
        m.endedAt = nil
        m.endReason = nil
        let source = source, now = now, again = existing != nil
        try await db.writeTransaction { tx in
            if again { try await m.save(on: tx) } else { try await m.create(on: tx) }
            try await AuditLog.record(on: tx, by: source, at: now, action: "register", entity: "party_member", entityID: m.id, nodePath: m.nodePath,
                                      summary: "双报到：\(u) \(k == "member" ? "在职党员" : "党组织")报到到\(node.name)")
        }
        return m
    }

    /// Ends a 双报到 registration with a reason (the member themselves, or staff of the community); kept in the record
    /// as a history event and in the audit. 409 when it has ended already; 404 for staff outside the area.
    func endRegistration(_ m: PartyMember, note: String?, by actor: Actor) async throws -> PartyMember {
        let own = m.userID == actor.userID
        guard own || (PartnerAccess.isStaff(actor) && actor.scope.contains(m.nodePath)) else {
            if PartnerAccess.isStaff(actor) { throw APIError.notFound }
            throw APIError.forbidden
        }
        let reason = try Validate.text(note, field: "note", max: 300)!
        guard m.active else { throw APIError.conflict("报到已结束 (the registration has ended already)", code: "already_ended") }
        let source = source, now = now
        try await db.writeTransaction { tx in
            let rows = try await tx.sql.raw("""
                UPDATE \(ident: PartyMember.schema) SET active = \(bind: false), ended_at = \(bind: now), end_reason = \(bind: reason) WHERE id = \(bind: m.id!) AND active = \(bind: true) RETURNING id
                """).all()
            guard !rows.isEmpty else { throw APIError.conflict("报到已结束 (the registration has ended already)", code: "already_ended") }
            try await LifecycleEvent.write(entity: "party_member", id: m.id!, action: "end", from: "active", to: "ended", note: reason,
                                           nodePath: m.nodePath, by: source, at: now, on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "end", entity: "party_member", entityID: m.id, nodePath: m.nodePath,
                                      summary: "双报到结束：\(m.unit)（\(own ? "本人" : "社区")）：\(reason)")
        }
        m.active = false
        m.endedAt = now
        m.endReason = reason
        return m
    }

    struct ReportLine: Sendable {
        let unit: String
        var hoursTenths = 0
        var activities = 0
        var claimsFulfilled = 0
        var needsMet = 0
    }

    /// Per unit for a year in `scope`: confirmed hours and activities, claims fulfilled (wishes, posts, small requests),
    /// needs met by its resources.
    func report(year: Int, within scope: DataScope) async throws -> [ReportLine] {
        let from = String(format: "%04d-01-01", year), to = String(format: "%04d-12-31", year)
        let start = ShanghaiTime.dayStart(from), end = ShanghaiTime.dayStart(String(format: "%04d-01-01", year + 1))
        var lines: [String: ReportLine] = [:]
        func bump(_ unit: String, _ f: (inout ReportLine) -> Void) {
            var l = lines[unit] ?? ReportLine(unit: unit)
            f(&l)
            lines[unit] = l
        }
        for r in try await db.sql.raw("""
            SELECT unit, CAST(SUM(tenths) AS BIGINT) AS t, COUNT(*) AS n FROM \(ident: ServiceLog.schema)
            WHERE state = \(bind: ServiceLogState.confirmed.rawValue) AND day >= \(bind: from) AND day <= \(bind: to) AND \(scope.sqlCondition())
            GROUP BY unit
            """).all() {
            let unit = try r.decode(column: "unit", as: String.self)
            let t = try r.decode(column: "t", as: Int.self), n = try r.decode(column: "n", as: Int.self)
            bump(unit) { $0.hoursTenths += t; $0.activities += n }
        }
        // Claims of every kind (三领): wishes, volunteer posts and small requests.
        for table in [WishClaim.schema, TaskClaim.schema] {
            for r in try await db.sql.raw("""
                SELECT unit, COUNT(*) AS n FROM \(ident: table)
                WHERE outcome = 'fulfilled' AND ended_at >= \(bind: start) AND ended_at < \(bind: end) AND \(scope.sqlCondition())
                GROUP BY unit
                """).all() {
                let unit = try r.decode(column: "unit", as: String.self), n = try r.decode(column: "n", as: Int.self)
                bump(unit) { $0.claimsFulfilled += n }
            }
        }
        for r in try await db.sql.raw("""
            SELECT p.name AS unit, COUNT(DISTINCT m.need_id) AS n FROM \(ident: PartnerMatch.schema) m
            JOIN \(ident: Need.schema) n ON n.id = m.need_id JOIN \(ident: Partner.schema) p ON p.id = m.partner_id
            WHERE n.state = 'met' AND m.delivered > 0 AND m.delivered_at >= \(bind: start) AND m.delivered_at < \(bind: end)
              AND \(scope.sqlCondition(column: "m.node_path"))
            GROUP BY p.name
            """).all() {
            let unit = try r.decode(column: "unit", as: String.self), n = try r.decode(column: "n", as: Int.self)
            bump(unit) { $0.needsMet += n }
        }
        return lines.values.sorted { ($0.hoursTenths, $0.unit) > ($1.hoursTenths, $1.unit) }
    }
}
