import Foundation
import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// What a partner or party member claims besides wishes (三领): a volunteer post or a small residents' request.
enum TaskClaimKind: String, CaseIterable, Sendable, Codable {
    case post, need

    func label(_ lang: Lang) -> String { self == .post ? lang.t("志愿岗位", "volunteer post") : lang.t("居民小需求", "small request") }
}

/// One claim of a post or a request: a reservation until `deadline`. It ends fulfilled (with a service log the
/// community confirms), released, or lapsed by the minute sweep; ended claims stay in the record.
final class TaskClaim: Model, PathScoped, @unchecked Sendable {
    static let schema = "partner_task_claims"
    static var pathKey: KeyPath<TaskClaim, FieldProperty<TaskClaim, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kindRaw: String
    @Field(key: "target_id") var targetID: UUID
    @Field(key: "title") var title: String
    @Field(key: "user_id") var userID: UUID
    @OptionalField(key: "partner_id") var partnerID: UUID?
    @OptionalField(key: "member_id") var memberID: UUID?
    @Field(key: "claimer_name") var claimerName: String
    @Field(key: "unit") var unit: String
    @Field(key: "claimed_at") var claimedAt: Date
    @Field(key: "deadline") var deadline: Date
    /// active / fulfilled / released / lapsed.
    @Field(key: "outcome") var outcome: String
    @OptionalField(key: "ended_at") var endedAt: Date?
    @Field(key: "note") var note: String
    /// "kind:target" while active, nil after: unique, so one active claim per post or request.
    @OptionalField(key: "hold_key") var holdKey: String?
    @OptionalField(key: "log_id") var logID: UUID?
    @Field(key: "node_path") var nodePath: String

    init() {}

    var kind: TaskClaimKind { TaskClaimKind(rawValue: kindRaw) ?? .post }
    var active: Bool { outcome == "active" }

    static func outcomeLabel(_ raw: String, _ lang: Lang) -> String {
        switch raw {
        case "active": lang.t("认领中", "claimed")
        case "fulfilled": lang.t("已完成", "fulfilled")
        case "released": lang.t("已放弃", "given up")
        default: lang.t("已过期", "lapsed")
        }
    }
}

/// Claims of volunteer posts (through the Points feature's `VolunteerService`) and of small requests (needs marked
/// claimable): claim, fulfil (logging the service), give up; claims past their deadline lapse.
struct TaskClaimService {
    let db: any Database
    let now: Date
    let source: AuditSource
    static let claimDays = 7
    /// A request of at most this many units may be marked claimable.
    static let smallQuantity = 10

    init(db: any Database, now: Date, source: AuditSource = .system()) {
        self.db = db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource) }

    static let unknownTarget = APIError(.notFound, code: "unknown_target", "岗位或需求不存在 (unknown post or request)", field: "targetId")
    static let unknownClaim = APIError(.notFound, code: "unknown_claim", "认领记录不存在 (unknown claim)")

    /// Open posts and open claimable requests in the claimer's area.
    func claimable(for actor: Actor) async throws -> (posts: [VolunteerPost], needs: [Need]) {
        let c = try await PartnerAccess.claimer(actor, on: db)
        let posts = try await VolunteerService(db: db, now: now).openPosts(under: c.nodePath)
        let held = try await TaskClaim.query(on: db).filter(\.$kindRaw == TaskClaimKind.need.rawValue).filter(\.$outcome == "active")
            .within(DataScope(rootPath: c.nodePath)).all().map(\.targetID)
        let q = Need.query(on: db).within(DataScope(rootPath: c.nodePath)).filter(\.$claimable == true)
            .filter(\.$stateRaw ~~ [NeedState.open.rawValue, NeedState.partlyMet.rawValue])
        if !held.isEmpty { q.filter(\.$id !~ held) }
        return (posts, try await q.sort(\.$dueDay).limit(100).all())
    }

    /// Claims a post or a request for `claimDays`. 403 beyond the agreement, after retirement or outside the member's
    /// community; 400 for a request not marked claimable; 409 when it is held already (one active claim, by the
    /// database's unique hold key and, for posts, the post's version claim).
    func claim(kind raw: String?, targetID: UUID?, by actor: Actor) async throws -> TaskClaim {
        guard let raw, let kind = TaskClaimKind(rawValue: raw) else {
            throw APIError.invalid("kind", "认领类型须为 post（志愿岗位）或 need（居民小需求） (kind must be post or need)")
        }
        let c = try await PartnerAccess.claimer(actor, on: db)
        let volunteers = VolunteerService(db: db, now: now, source: source)
        let t = TaskClaim()
        t.id = UUID()
        t.kindRaw = kind.rawValue
        var post: VolunteerPost?
        switch kind {
        case .post:
            guard let p = try await volunteers.post(targetID) else { throw Self.unknownTarget }
            try PartnerAccess.requireCovers(c, category: .volunteers, path: p.nodePath, now: now)
            guard p.postState == .open else { throw WishService.alreadyClaimed }
            post = p
            t.targetID = p.id!
            t.title = p.place.isEmpty ? p.title : "\(p.title)（\(p.place)）"
            t.nodePath = p.nodePath
        case .need:
            guard let id = targetID, let n = try await Need.find(id, on: db) else { throw Self.unknownTarget }
            try PartnerAccess.requireCovers(c, category: n.category, path: n.nodePath, now: now)
            guard n.claimable else {
                throw APIError(.badRequest, code: "not_claimable", "这项需求不是可认领的小需求 (this need is not open to claims)", field: "targetId")
            }
            guard n.state == .open || n.state == .partlyMet else {
                throw APIError.conflict("需求当前为「\(n.state.zh)」 (the need is \(n.state.en))", code: "illegal_transition")
            }
            t.targetID = n.id!
            t.title = n.title
            t.nodePath = n.nodePath
        }
        t.userID = actor.userID
        t.partnerID = c.partnerID
        t.memberID = c.memberID
        t.claimerName = c.name
        t.unit = c.unit
        t.claimedAt = now
        t.deadline = now.addingTimeInterval(Double(Self.claimDays) * 86400)
        t.outcome = "active"
        t.note = ""
        t.holdKey = "\(kind.rawValue):\(t.targetID.uuidString)"
        let source = source, now = now, held = post
        try await db.writeTransaction { tx in
            do { try await t.create(on: tx) } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
                throw WishService.alreadyClaimed
            }
            if let held { try await VolunteerService(db: tx, now: now, source: source).hold(held, holder: c.name) }
            try await AuditLog.record(on: tx, by: source, at: now, action: "claim", entity: "task_claim", entityID: t.id, nodePath: t.nodePath,
                                      summary: "认领\(kind.label(.zh))「\(t.title)」：\(c.name)，期限 \(ShanghaiTime.today(t.deadline))")
        }
        return t
    }

    /// The claimer's active claim, or a claim staff of its area may see; 404 otherwise.
    func load(_ id: UUID?, for actor: Actor) async throws -> TaskClaim {
        guard let id, let t = try await TaskClaim.find(id, on: db) else { throw Self.unknownClaim }
        if t.userID == actor.userID { return t }
        guard PartnerAccess.isStaff(actor), actor.scope.contains(t.nodePath) else { throw Self.unknownClaim }
        return t
    }

    /// The claimer reports it done: the service is logged (hours, for the community to confirm), the claim ends
    /// fulfilled, a request becomes met and a post opens again for the next claimer.
    func fulfil(_ t: TaskClaim, hours: Double?, note rawNote: String?, by actor: Actor) async throws -> TaskClaim {
        guard t.userID == actor.userID else {
            throw APIError(.forbidden, code: "not_your_claim", "只有认领人可以报告完成 (only the claimer reports it done)")
        }
        guard t.active else { throw APIError.conflict("认领已结束（\(TaskClaim.outcomeLabel(t.outcome, .zh))） (the claim has ended)", code: "claim_ended") }
        guard t.deadline >= now else { throw APIError.conflict("认领已过期限 (the claim is past its deadline)", code: "claim_ended") }
        let note = try Validate.text(rawNote, field: "note", max: 200, required: false) ?? ""
        let tenths = try ServiceLogService.tenths(hours)
        var need: Need?
        if t.kind == .need {
            need = try await Need.find(t.targetID, on: db)
            guard let n = need, n.state == .open || n.state == .partlyMet else {
                throw APIError.conflict("需求已不再开放 (the request is no longer open)", code: "illegal_transition")
            }
        }
        let source = source, now = now, kind = t.kind, target = need
        try await db.writeTransaction { tx in
            let ended = try await tx.sql.raw("""
                UPDATE \(ident: TaskClaim.schema) SET outcome = 'fulfilled', hold_key = NULL, ended_at = \(bind: now), note = \(bind: note) WHERE id = \(bind: t.id!) AND outcome = 'active' RETURNING id
                """).all()
            guard !ended.isEmpty else { throw APIError.conflict("认领已结束 (the claim has ended)", code: "claim_ended") }
            let what = "认领\(kind.label(.zh))：\(t.title)" + (note.isEmpty ? "" : "（\(note)）")
            let log = try await ServiceLogService(db: tx, now: now, source: source)
                .log(what: what, day: ShanghaiTime.today(now), hours: Double(tenths) / 10, forWhom: target?.forWhom, by: actor)
            try await tx.sql.raw("UPDATE \(ident: TaskClaim.schema) SET log_id = \(bind: log.id!) WHERE id = \(bind: t.id!)").run()
            t.logID = log.id
            if let n = target {
                guard try await NeedLifecycle.table.commit(n, .fulfil, from: n.state, to: .met, subject: "「\(n.title)」",
                                                           note: "\(t.claimerName) 认领完成", by: source, at: now, on: tx) else {
                    throw NeedLifecycle.table.changed
                }
            } else {
                try await VolunteerService(db: tx, now: now, source: source).endHold(t.targetID, holder: t.claimerName, note: "\(t.claimerName) 已完成")
            }
        }
        t.outcome = "fulfilled"
        t.holdKey = nil
        t.endedAt = now
        t.note = note
        return t
    }

    /// The claimer gives it up, or staff of its area take it back; the post or request is open again.
    func release(_ t: TaskClaim, by actor: Actor) async throws -> TaskClaim {
        guard t.userID == actor.userID || (PartnerAccess.isStaff(actor) && actor.scope.contains(t.nodePath)) else { throw Self.unknownClaim }
        guard t.active else { throw APIError.conflict("认领已结束 (the claim has ended)", code: "claim_ended") }
        guard try await end(t, outcome: "released", note: actor.userID == t.userID ? "认领人放弃" : "社区收回", by: source) else {
            throw APIError.conflict("认领已结束 (the claim has ended)", code: "claim_ended")
        }
        return t
    }

    /// Ends an active claim once (a conditional update: several servers sweeping end each claim once) and opens its post.
    private func end(_ t: TaskClaim, outcome: String, note: String, by source: AuditSource) async throws -> Bool {
        let now = now
        let ok = try await db.writeTransaction { tx -> Bool in
            let rows = try await tx.sql.raw("""
                UPDATE \(ident: TaskClaim.schema) SET outcome = \(bind: outcome), hold_key = NULL, ended_at = \(bind: now) WHERE id = \(bind: t.id!) AND outcome = 'active' RETURNING id
                """).all()
            guard !rows.isEmpty else { return false }
            if t.kind == .post {
                try await VolunteerService(db: tx, now: now, source: source).endHold(t.targetID, holder: t.claimerName, note: note)
            }
            try await AuditLog.record(on: tx, by: source, at: now, action: outcome, entity: "task_claim", entityID: t.id, nodePath: t.nodePath,
                                      summary: "认领\(t.kind.label(.zh))「\(t.title)」（\(t.claimerName)）：\(note)")
            return true
        }
        if ok {
            t.outcome = outcome
            t.holdKey = nil
            t.endedAt = now
        }
        return ok
    }

    /// Staff freed a held post on the Points side (inside that transaction): its active claim ends released, so no
    /// claim is left holding a post that is open again. Nothing when no claim holds it.
    func postFreed(_ postID: UUID, holder: String) async throws {
        let key = "\(TaskClaimKind.post.rawValue):\(postID.uuidString)"
        guard let t = try await TaskClaim.query(on: db).filter(\.$holdKey == key).filter(\.$outcome == "active").first() else { return }
        let now = now
        let rows = try await db.sql.raw("""
            UPDATE \(ident: TaskClaim.schema) SET outcome = 'released', hold_key = NULL, ended_at = \(bind: now), note = \(bind: "社区收回岗位")
            WHERE id = \(bind: t.id!) AND outcome = 'active' RETURNING id
            """).all()
        guard !rows.isEmpty else { return }
        try await AuditLog.record(on: db, by: source, at: now, action: "released", entity: "task_claim", entityID: t.id, nodePath: t.nodePath,
                                  summary: "认领志愿岗位「\(t.title)」（\(holder)）：社区收回岗位")
        try await PartnerNotices.tell(t.userID, kind: "claim_released", at: now, on: db, "社区收回了您认领的志愿岗位「\(t.title)」，认领已结束。")
    }

    /// Claims past their deadline lapse; the post or request is open again.
    func sweep(limit: Int = 200) async throws -> Int {
        let due = try await TaskClaim.query(on: db).filter(\.$outcome == "active").filter(\.$deadline < now).sort(\.$deadline).limit(limit).all()
        var n = 0
        for t in due {
            if try await end(t, outcome: "lapsed", note: "未在期限内完成", by: .system("认领过期")) { n += 1 }
        }
        return n
    }

    /// Staff: the claims of their area; others: their own. Newest first.
    func list(for actor: Actor, activeOnly: Bool, page: PageRequest) async throws -> (items: [TaskClaim], total: Int) {
        let q = TaskClaim.query(on: db)
        if PartnerAccess.isStaff(actor) { q.within(actor.scope) } else { q.filter(\.$userID == actor.userID) }
        if activeOnly { q.filter(\.$outcome == "active") }
        let total = try await q.count()
        return (try await q.sort(\.$claimedAt, .descending).range(page.range).all(), total)
    }
}
