import Fluent
import Foundation
import JingzhiCore
import Vapor

/// The rules of awarding and reversing points, and reading a resident's passbook (积分存折).
struct PointsService {
    let db: any Database
    let now: Date
    let source: AuditSource

    init(db: any Database, now: Date, source: AuditSource = .system()) {
        self.db = db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource) }

    /// The roles that award, reverse and keep the supermarket, inside their scope.
    static let staffRoles: Set<Role> = [.admin, .streetStaff, .communityStaff]
    /// The most one award may pay.
    static let maxAward = 10_000

    static func requireStaff(_ actor: Actor) throws {
        guard staffRoles.contains(actor.role) else { throw APIError.forbidden }
    }

    /// Whole points from 1 to `max`: zero, negative, fractional and oversized amounts are refused with 400, as the
    /// contract says (other fields answer 422 as everywhere else).
    static func points(_ raw: Double?, field: String = "points", max: Int = maxAward) throws -> Int {
        guard let raw else { throw APIError(.badRequest, code: "missing_field", "字段 \(field) 必填 (field \(field) is required)", field: field) }
        guard raw.isFinite, raw == raw.rounded(), raw >= 1, raw <= Double(max) else {
            throw APIError(.badRequest, code: "invalid_points", "\(field) 须为 1–\(max) 之间的整数 (must be a whole number from 1 to \(max))", field: field)
        }
        return Int(raw)
    }

    /// A body whose amount is not a number at all is as wrong as a fractional one: 400.
    static func decode<T: Decodable>(_ type: T.Type, _ req: Request, amounts: Set<String>) throws -> T {
        do { return try req.decodeJSON(type) } catch let e as APIError where e.field.map(amounts.contains) == true {
            throw APIError(.badRequest, code: "invalid_points", e.message, field: e.field)
        }
    }

    /// A resident inside `scope`; outside it the same 404 as a missing one.
    func resident(_ id: UUID?, within scope: DataScope) async throws -> Resident {
        guard let id, let r = try await Resident.query(on: db).filter(\.$id == id).within(scope).first() else {
            throw PointsError.unknownResident
        }
        return r
    }

    /// The community a resident lives in.
    func community(of resident: Resident) async throws -> OrgNode {
        guard let node = try await OrgNode.find(resident.nodeID, on: db),
              let community = try await OrgService(db: db, now: now).ancestors(of: node).last(where: { $0.kind == .community }) else {
            throw PointsError.noCommunity
        }
        return community
    }

    func account(of resident: Resident) async throws -> PointsAccount {
        try await PointsLedger.account(.resident, community: try await community(of: resident), resident: resident, now: now, on: db)
    }

    /// A household's passbook (户积分存折): each member's balance, read without opening accounts.
    func household(_ h: Household) async throws -> [(resident: Resident, balance: Int)] {
        let members = try await ResidentService(db: db, now: now).members(of: h)
        let keys = members.map { "resident:\($0.id!.uuidString)" }
        let accounts = try await PointsAccount.query(on: db).filter(\.$key ~~ keys).all()
        let balances = Dictionary(accounts.compactMap { a in a.residentID.map { ($0, a.balance) } }) { a, _ in a }
        return members.map { ($0, balances[$0.id!] ?? 0) }
    }

    /// Pays `points` from the resident's community to the resident. A repeated `sourceRef`, or a repeated idempotency
    /// key from the same caller, pays nothing more and answers with the first entry (created: false). The community's
    /// monthly caps for the award's path (read from `sourceRef`) apply: past them 409 `monthly_cap`; with `clip`, an
    /// award that only partly fits pays what fits (an event earned on a path, not an amount staff typed).
    func award(residentID: UUID?, points raw: Double?, reason rawReason: String?, sourceRef rawRef: String?,
               idempotencyKey rawKey: String?, by actor: Actor, clip: Bool = false) async throws -> (entry: PointsEntry, created: Bool) {
        try Self.requireStaff(actor)
        let points = try Self.points(raw)
        let reason = try Validate.text(rawReason, field: "reason", max: 200)!
        let ref = try Validate.text(rawRef, field: "sourceRef", max: 200, required: false)
        let key = try Self.idempotencyKey(rawKey, owner: actor.userID, action: "award")
        if let seen = try await earlier(sourceRef: ref, key: key) { return (seen, false) }
        let resident = try await resident(residentID, within: actor.scope)
        let community = try await community(of: resident)
        let from = try await PointsLedger.account(.issuing, community: community, now: now, on: db)
        let to = try await PointsLedger.account(.resident, community: community, resident: resident, now: now, on: db)
        let e = entry(.award, points: points, reason: reason, nodePath: community.path)
        e.sourceRef = ref
        e.idempotencyKey = key
        do {
            try await db.writeTransaction { [source, now] tx in
                try await PointsRules.lock(to, on: tx)
                if let a = try await PointsRules(db: tx, now: now).allowance(to, source: PointsSource(sourceRef: ref)), a.left < e.points {
                    guard clip, a.left > 0 else {
                        throw a.daily
                            ? APIError.conflict("已达今日积分上限，今天还可获得 \(a.left) 分 (today's cap leaves \(a.left) points)", code: "daily_cap")
                            : APIError.conflict("已达本月积分上限，本月还可获得 \(a.left) 分 (this month's cap leaves \(a.left) points)", code: "monthly_cap")
                    }
                    e.points = a.left
                }
                try await PointsLedger.post(e, from: from, to: to, on: tx)
                try await AuditLog.record(on: tx, by: source, at: now, action: "award", entity: "points_entry", entityID: e.id,
                                          nodePath: resident.nodePath, summary: "积分 \(resident.name) +\(e.points)：\(reason)",
                                          changes: ["points": [nil, String(e.points)], "sourceRef": [nil, ref]])
            }
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            // The same award arriving twice at once: the first one won.
            if let seen = try await earlier(sourceRef: ref, key: key) { return (seen, false) }
            throw error
        }
        return (e, true)
    }

    /// Reverses an entry in the staff's scope with a reason: the same points move back. An entry is reversed once;
    /// a resident who has already spent the points cannot be reversed below zero (409 `insufficient_points`).
    func reverse(entryID: UUID?, reason rawReason: String?, by actor: Actor) async throws -> PointsEntry {
        try Self.requireStaff(actor)
        let reason = try Validate.text(rawReason, field: "reason", max: 200)!
        guard let entryID, let original = try await PointsEntry.query(on: db).filter(\.$id == entryID).within(actor.scope).first() else {
            throw APIError(.notFound, code: "unknown_entry", "积分记录不存在 (unknown entry)", field: "entryId")
        }
        guard original.kind == .award else {
            throw APIError.conflict("只能冲正发放的积分 (only awards can be reversed)", code: "not_reversible")
        }
        if try await PointsEntry.query(on: db).filter(\.$reversesID == entryID).first() != nil { throw PointsError.alreadyReversed }
        guard let from = try await PointsAccount.find(original.toAccountID, on: db),
              let to = try await PointsAccount.find(original.fromAccountID, on: db) else { throw APIError.notFound }
        let e = entry(.reversal, points: original.points, reason: reason, nodePath: original.nodePath)
        e.reversesID = original.id
        do {
            try await db.writeTransaction { [source, now] tx in
                try await PointsLedger.post(e, from: from, to: to, on: tx)
                try await AuditLog.record(on: tx, by: source, at: now, action: "reverse", entity: "points_entry", entityID: e.id,
                                          nodePath: from.nodePath, summary: "积分冲正 -\(original.points)：\(reason)",
                                          changes: ["reverses": [nil, original.id!.uuidString]])
            }
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            throw PointsError.alreadyReversed
        }
        return e
    }

    /// A new entry by this service's caller; the ledger fills in its accounts when it posts it.
    func entry(_ kind: PointsEntryKind, points: Int, reason: String, nodePath: String) -> PointsEntry {
        let e = PointsEntry()
        e.id = UUID()
        e.points = points
        e.kindRaw = kind.rawValue
        e.reason = reason
        e.nodePath = nodePath
        e.actorID = source.actorID
        e.actorName = source.actorName
        e.createdAt = now
        return e
    }

    private func earlier(sourceRef: String?, key: String?) async throws -> PointsEntry? {
        if let sourceRef, let e = try await PointsEntry.query(on: db).filter(\.$sourceRef == sourceRef).first() { return e }
        if let key, let e = try await PointsEntry.query(on: db).filter(\.$idempotencyKey == key).first() { return e }
        return nil
    }

    /// A caller's `Idempotency-Key`, bounded and prefixed by who sent it and what for, so keys never collide.
    static func idempotencyKey(_ raw: String?, owner: UUID, action: String) throws -> String? {
        guard let raw else { return nil }
        let k = raw.trimmingCharacters(in: .whitespaces)
        guard (1...200).contains(k.count) else {
            throw APIError.invalid("Idempotency-Key", "幂等键须为 1–200 个字符 (key must be 1–200 characters)")
        }
        return "\(action):\(owner.uuidString):\(k)"
    }
}
