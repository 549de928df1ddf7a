import Foundation
import Fluent
import JingzhiCore
import Vapor

/// What a claimer earns when staff confirm a wish: a confirmed service log (it counts in the 双报到 report), points
/// through the Points feature when they are a resident of the staff's area, and a message either way.
extension WishService {
    /// Hours credited when the claimer entered none.
    static let defaultHoursTenths = 10

    /// Hours the claimer spent: more than 0, at most 24, one decimal; as tenths.
    static func claimHours(_ raw: Double?) throws -> Int {
        guard let raw else { throw APIError.missing("hours") }
        let t = (raw * 10).rounded()
        guard raw.isFinite, t >= 1, t <= 240, abs(raw * 10 - t) < 0.001 else {
            throw APIError.invalid("hours", "花费时长须大于 0、不超过 24 小时，最多一位小数 (hours: more than 0, at most 24, one decimal)")
        }
        return Int(t)
    }

    /// The claimer says how long it took (at the hand-over: claimed, with the grid worker, or photo uploaded).
    func recordHours(_ w: Wish, hours: Double?, by actor: Actor) async throws -> WishClaim {
        guard let claim = try await activeClaim(w, of: actor) else {
            throw APIError(.forbidden, code: "not_your_claim", "只有认领人可以填写花费的时间 (only the claimer enters their hours)")
        }
        // A partner retired since (or a registration ended) acts no more: 403.
        try PartnerAccess.requireCovers(try await PartnerAccess.claimer(actor, on: db), category: nil, path: w.nodePath, now: now)
        guard [.claimed, .received, .handedOver].contains(w.state) else {
            throw APIError.conflict("心愿当前不能填写时长 (the wish is \(w.state.rawValue))", code: "illegal_transition")
        }
        let tenths = try Self.claimHours(hours)
        claim.hoursTenths = tenths
        let source = source, now = now, title = w.title
        try await db.writeTransaction { tx in
            try await claim.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "hours", entity: "wish", entityID: w.id, nodePath: w.nodePath,
                                      summary: "微心愿「\(title)」认领人填写花费时长 \(ServiceLogService.hours(tenths)) 小时")
        }
        return claim
    }

    /// Inside the confirm's transaction: the confirmed service log (once: `claim.logID`), the points (once: the
    /// source ref `wish:<id>`; nothing when a cap leaves none) and the claimer's message. Returns the points paid now.
    @discardableResult
    static func credit(_ claim: WishClaim, _ w: Wish, by actor: Actor, source: AuditSource, now: Date, on tx: any Database) async throws -> Int {
        let tenths = claim.hoursTenths ?? defaultHoursTenths
        let fresh = claim.logID == nil
        if fresh {
            let l = ServiceLog()
            l.id = UUID()
            l.userID = claim.userID
            l.partnerID = claim.partnerID
            l.memberID = claim.memberID
            l.unit = claim.unit
            l.who = claim.claimerName
            l.what = "认领微心愿「\(w.title)」"
            l.day = ShanghaiTime.today(now)
            l.tenths = tenths
            // Never the person: service logs are shown to the claimer.
            l.forWhom = "微心愿"
            l.nodePath = w.nodePath
            try await ServiceLogService.writeConfirmed(l, why: "微心愿确认实现", source: source, now: now, on: tx)
            claim.logID = l.id
            try await claim.save(on: tx)
        }
        let paid = try await award(claim, w, by: actor, source: source, now: now, on: tx)
        guard fresh || paid > 0 else { return 0 }
        try await PartnerNotices.tell(claim.userID, kind: "wish_confirmed", at: now, on: tx,
            "您认领的微心愿「\(w.title)」已由社区确认实现，记服务 \(ServiceLogService.hours(tenths)) 小时" + (paid > 0 ? "，获得 \(paid) 积分" : "") + "。感谢您的爱心！")
        return paid
    }

    /// The claimer's resident record (their own account's link, or their 双报到 registration's) when it lies in the
    /// confirming staff's area; points go through the Points feature's service, idempotent by the source ref.
    private static func award(_ claim: WishClaim, _ w: Wish, by actor: Actor, source: AuditSource, now: Date, on tx: any Database) async throws -> Int {
        var rid = try await User.find(claim.userID, on: tx)?.residentID
        if rid == nil, let mid = claim.memberID { rid = try await PartyMember.find(mid, on: tx)?.residentID }
        guard let rid, try await Resident.query(on: tx).filter(\.$id == rid).within(actor.scope).first() != nil else { return 0 }
        do {
            let (entry, created) = try await PointsService(db: tx, now: now, source: source).award(
                residentID: rid, points: Double(points), reason: "认领微心愿「\(w.title)」", sourceRef: "wish:\(w.id!.uuidString)",
                idempotencyKey: nil, by: actor, clip: true)
            return created ? entry.points : 0
        } catch let e as APIError where ["daily_cap", "monthly_cap"].contains(e.code) {
            return 0
        }
    }
}

/// In-app messages (消息) to partners, party members and residents about their wishes and needs.
enum PartnerNotices {
    static func tell(_ userID: UUID?, kind: String, at now: Date, on db: any Database, _ text: String) async throws {
        guard let userID else { return }
        let n = Notification()
        n.userID = userID
        n.kind = kind
        n.text = text
        n.createdAt = now
        try await n.create(on: db)
    }
}
