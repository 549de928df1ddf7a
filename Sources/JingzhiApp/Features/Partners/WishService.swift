import Foundation
import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// What posting a wish carries.
struct WishInput: Sendable {
    var title: String?
    var story: String?
    var category: String?
    var valueYuan: String?
    var beneficiaryName: String?
    var beneficiaryNote: String?
    var beneficiaryResidentID: UUID?
    var nodeID: String?
}

/// Micro-wishes: posting, claiming (a reservation with a deadline), handing over with a photo, confirming; claims that
/// pass their deadline lapse in the minute sweep.
struct WishService {
    let db: any Database
    let now: Date
    let source: AuditSource
    /// How long a claim holds the wish.
    static let claimDays = 7
    /// Points a party member living in the community earns for a fulfilled wish.
    static let points = 10

    init(db: any Database, now: Date, source: AuditSource = .system()) {
        self.db = db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource) }

    func post(_ input: WishInput, by actor: Actor) async throws -> Wish {
        try PartnerAccess.requireStaff(actor)
        let title = try Validate.text(input.title, field: "title", max: 60)!
        guard title.count >= 2 else { throw APIError.invalid("title", "心愿至少 2 个字 (the wish needs at least 2 characters)") }
        let story = try Validate.text(input.story, field: "story", max: 300, required: false) ?? ""
        let category = try PartnerCategory.parse(input.category ?? PartnerCategory.goods.rawValue)
        let value = try Money.parseYuan(input.valueYuan, field: "value")
        guard value >= 100, value <= 100_000 else {
            throw APIError.invalid("value", "心愿价值须在 1–1000 元之间 (the value must be 1–1,000 yuan)")
        }
        let person = try Validate.text(input.beneficiaryName, field: "beneficiaryName", max: 40)!
        let note = try Validate.text(input.beneficiaryNote, field: "beneficiaryNote", max: 300, required: false) ?? ""
        if !story.isEmpty, story.contains(person) {
            throw APIError.invalid("story", "公开描述中不能出现心愿人的姓名 (the public story must not name the person)")
        }
        let node = try await OrgService(db: db, now: now).node(input.nodeID ?? actor.user.nodeID?.uuidString ?? "", within: actor.scope, field: "nodeId")
        if let rid = input.beneficiaryResidentID {
            guard try await Resident.query(on: db).filter(\.$id == rid).within(actor.scope).first() != nil else {
                throw APIError(.notFound, code: "unknown_resident", "居民不存在 (unknown resident)", field: "beneficiaryResidentId")
            }
        }
        let w = Wish()
        w.id = UUID()
        w.title = title
        w.story = story
        w.categoryRaw = category.rawValue
        w.valueFen = value
        w.beneficiaryResidentID = input.beneficiaryResidentID
        w.beneficiaryName = person
        w.beneficiaryNote = note
        w.nodeID = node.id!
        w.nodePath = node.path
        w.stateRaw = WishState.open.rawValue
        w.showClaimer = false
        w.version = 1
        w.createdAt = now
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await w.create(on: tx)
            // The audit summary names the wish, never the person.
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "wish", entityID: w.id, nodePath: w.nodePath,
                                      summary: "微心愿「\(title)」发布（\(Money.yuan(value)) 元）")
        }
        return w
    }

    /// A wish the actor may manage (staff in scope) or act on as its claimer; 404 otherwise.
    func load(_ id: UUID?, for actor: Actor?) async throws -> Wish {
        guard let id, let w = try await Wish.find(id, on: db) else { throw APIError.notFound }
        return w
    }

    /// Claims an open wish for `claimDays`: of two claimers holding the same version only one wins (the lifecycle's
    /// version claim, on either database); the other gets 409 `already_claimed`.
    func claim(_ w: Wish, by actor: Actor, showName: Bool = false) async throws -> Wish {
        let c = try await PartnerAccess.claimer(actor, on: db)
        guard w.state != .cancelled else { throw APIError.notFound }
        try PartnerAccess.requireCovers(c, category: w.category, path: w.nodePath, now: now)
        guard w.state == .open else { throw Self.alreadyClaimed }
        let claim = WishClaim()
        claim.id = UUID()
        claim.wishID = w.id!
        claim.userID = actor.userID
        claim.partnerID = c.partnerID
        claim.memberID = c.memberID
        claim.claimerName = c.name
        claim.unit = c.unit
        claim.claimedAt = now
        claim.deadline = now.addingTimeInterval(Double(Self.claimDays) * 86400)
        claim.outcome = "active"
        claim.nodePath = w.nodePath
        w.claimID = claim.id
        w.claimerName = c.name
        w.showClaimer = showName
        w.claimDeadline = claim.deadline
        let ok = try await WishLifecycle.table.commit(w, .claim, from: .open, to: .claimed, subject: "「\(w.title)」",
                                                      note: "认领人：\(c.name)", by: source, at: now, on: db, write: { tx in
            try await w.save(on: tx)
            try await claim.create(on: tx)
        })
        guard ok else { throw Self.alreadyClaimed }
        return w
    }

    static let alreadyClaimed = APIError.conflict("这个心愿已被认领 (this wish has been claimed already)", code: "already_claimed")

    /// The active claim of a wish, when the actor holds it.
    func activeClaim(_ w: Wish, of actor: Actor) async throws -> WishClaim? {
        guard let id = w.claimID, let c = try await WishClaim.find(id, on: db), c.outcome == "active", c.userID == actor.userID else { return nil }
        return c
    }

    /// Hands the gift over with a photo proof (a picture only; faces may be blurred before upload).
    /// Who passes a gift on: staff or a grid worker of the wish's area; nil for anyone else.
    static func courierRole(_ actor: Actor, _ w: Wish) -> WishRole? {
        guard actor.scope.contains(w.nodePath) else { return nil }
        return PartnerAccess.isStaff(actor) ? .staff : actor.role == .gridWorker ? .courier : nil
    }

    /// The grid worker or community staff record that the claimer gave them the gift to pass on; the claim no longer
    /// lapses (the gift is with the community).
    func receive(_ w: Wish, note rawNote: String?, by actor: Actor) async throws -> Wish {
        guard let role = Self.courierRole(actor, w) else { throw APIError.notFound }
        let note = try Validate.text(rawNote, field: "note", max: 200, required: false)
        try await WishLifecycle.table.perform(.receive, on: w, role: role, subject: "「\(w.title)」",
                                              note: "\(actor.user.displayName) 收到\(note.map { "：\($0)" } ?? "")", by: source, at: now, on: db)
        return w
    }

    func handOver(_ w: Wish, photo: Data, hours: Double? = nil, by actor: Actor) async throws -> Wish {
        let role: WishRole
        let held = try await activeClaim(w, of: actor)
        if held != nil { role = .claimer }
        else if let r = Self.courierRole(actor, w) { role = r }
        else { throw APIError(.forbidden, code: "not_your_claim", "只有认领人或转交的网格员、社区可以上传交付照片 (only the claimer or the courier hands over)") }
        let type = try ImageFiles.check(photo)
        let tenths = try hours.map(Self.claimHours)
        let p = WishPhoto()
        p.wishID = w.id!
        p.contentType = type
        p.bytes = photo
        p.createdAt = now
        let from = w.state
        try WishLifecycle.table.check(.handOver, from: from, role: role)
        w.fulfilledAt = now
        if let tenths, let held { held.hoursTenths = tenths }
        let ok = try await WishLifecycle.table.commit(w, .handOver, from: from, to: WishLifecycle.table.target(.handOver, from: from),
                                                      subject: "「\(w.title)」", note: nil, by: source, at: now, on: db, write: { tx in
            try await w.save(on: tx)
            try await p.create(on: tx)
            if tenths != nil, let held { try await held.save(on: tx) }
        })
        guard ok else { throw WishLifecycle.table.changed }
        return w
    }

    /// Staff moves: confirm the fulfilment, send the photo back, record thanks, cancel an open wish, release a claim.
    func act(_ action: WishAction, _ w: Wish, by actor: Actor, note: String?, version: Int? = nil) async throws -> Wish {
        let staff = PartnerAccess.isStaff(actor) && actor.scope.contains(w.nodePath)
        var holds = false
        if action == .release { holds = try await activeClaim(w, of: actor) != nil }
        let beneficiary = Self.isBeneficiary(actor, of: w)
        let role: WishRole = staff ? .staff : holds ? .claimer : beneficiary ? .beneficiary : .other
        if action == .thank, role == .staff, w.thanksBy == "resident" {
            throw APIError.conflict("居民已亲自写下感谢，不能代为修改 (the resident wrote their own thanks)", code: "already_thanked")
        }
        let text = try Validate.text(note, field: action == .thank ? "thanks" : "note", max: 300, required: [.thank, .reject, .cancel].contains(action))
        let claim = try await w.claimID.asyncFlatMap { try await WishClaim.find($0, on: db) }
        switch action {
        case .claim, .lapse, .handOver, .receive: throw APIError.notFound
        default: break
        }
        let from = w.state
        try WishLifecycle.table.check(action, from: from, role: role)
        try WishLifecycle.table.checkVersion(expected: version, actual: w.version)
        if action == .thank {
            w.thanks = text
            w.thanksBy = role == .beneficiary ? "resident" : "staff"
        }
        if action == .confirm { w.confirmedAt = now }
        if action == .reject, let claim { claim.deadline = max(claim.deadline, now.addingTimeInterval(3 * 86400)); w.claimDeadline = claim.deadline }
        let ended = action == .release || action == .confirm
        if action == .release {
            w.claimID = nil
            w.claimerName = nil
            w.claimDeadline = nil
            w.fulfilledAt = nil
        }
        let now = now, source = source
        let ok = try await WishLifecycle.table.commit(w, action, from: from, to: WishLifecycle.table.target(action, from: from),
                                                      subject: "「\(w.title)」", note: text, by: source, at: now, on: db, write: { tx in
            try await w.save(on: tx)
            if let claim, ended || action == .reject {
                if ended {
                    claim.outcome = action == .confirm ? "fulfilled" : "released"
                    claim.endedAt = now
                }
                try await claim.save(on: tx)
            }
            // The claimer earns hours (and points) and is told, with the move or not at all.
            if action == .confirm, let claim { try await Self.credit(claim, w, by: actor, source: source, now: now, on: tx) }
            if action == .reject, let claim {
                try await PartnerNotices.tell(claim.userID, kind: "wish_returned", at: now, on: tx,
                    "您认领的微心愿「\(w.title)」的交付照片被社区退回：\(text ?? "")。请在 \(ShanghaiTime.format(claim.deadline)) 前重新上传。")
            }
        })
        guard ok else { throw WishLifecycle.table.changed }
        return w
    }

    /// The signed-in resident the wish is for (linked by `beneficiaryResidentID`).
    static func isBeneficiary(_ actor: Actor?, of w: Wish) -> Bool {
        guard let actor, actor.role == .resident, let rid = w.beneficiaryResidentID else { return false }
        return actor.user.residentID == rid
    }

    /// Claims past their deadline go back to the wall; each claimed by its version, so two servers lapse each once.
    func sweep(limit: Int = 200) async throws -> Int {
        let due = try await Wish.query(on: db).filter(\.$stateRaw == WishState.claimed.rawValue).filter(\.$claimDeadline < now)
            .sort(\.$claimDeadline).limit(limit).all()
        var lapsed = 0
        for w in due {
            let claim = try await w.claimID.asyncFlatMap { try await WishClaim.find($0, on: db) }
            let name = w.claimerName ?? ""
            w.claimID = nil
            w.claimerName = nil
            w.claimDeadline = nil
            w.showClaimer = false
            let now = now
            if try await WishLifecycle.table.commit(w, .lapse, from: .claimed, to: .open, subject: "「\(w.title)」",
                                                    note: "\(name) 未在期限内完成", by: .system("认领过期"), at: now, on: db, write: { tx in
                try await w.save(on: tx)
                if let claim {
                    claim.outcome = "lapsed"
                    claim.endedAt = now
                    try await claim.save(on: tx)
                }
            }) { lapsed += 1 }
        }
        return lapsed
    }

    /// A page of wishes under `node`, newest first. The public sees no cancelled wishes.
    func list(under path: String, state: WishState?, publicOnly: Bool, page: PageRequest) async throws -> (items: [Wish], total: Int) {
        let q = Wish.query(on: db).within(DataScope(rootPath: path))
        if let state { q.filter(\.$stateRaw == state.rawValue) }
        if publicOnly { q.filter(\.$stateRaw != WishState.cancelled.rawValue) }
        let total = try await q.count()
        return (try await q.sort(\.$createdAt, .descending).range(page.range).all(), total)
    }
}

extension Optional {
    func asyncFlatMap<T>(_ f: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let v = self else { return nil }
        return try await f(v)
    }
}
