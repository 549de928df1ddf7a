import Foundation
import Fluent
import JingzhiCore
import SQLKit
import Vapor

struct NeedInput: Sendable {
    var title: String?
    var category: String?
    var quantity: Int?
    var unit: String?
    var forWhom: String?
    var nodeID: String?
    var dueDay: String?
    /// A small request partners and party members may claim (三领).
    var claimable: Bool? = nil
    /// For whom as a group by resident tag (特殊人群标签).
    var forTag: String? = nil
}

struct ResourceInput: Sendable {
    var partnerID: UUID?
    var title: String?
    var category: String?
    var quantity: Int?
    var unit: String?
    var availableFrom: String?
    var availableTo: String?
    var place: String?
}

/// The three lists: needs, resources, projects; matches with committed and delivered quantities; suggested matches.
struct ListService {
    let db: any Database
    let now: Date
    let source: AuditSource

    init(db: any Database, now: Date, source: AuditSource = .system()) {
        self.db = db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource) }

    static func quantity(_ raw: Int?, field: String = "quantity") throws -> Int {
        guard let raw else { throw APIError.missing(field) }
        guard (1...1_000_000).contains(raw) else { throw APIError.invalid(field, "数量须为 1–1000000 的整数 (a whole number from 1 to 1,000,000)") }
        return raw
    }

    /// Community staff and grid workers (from their visits) raise needs for a place in their area; a resident raises one
    /// from the phone for their compound or a group by tag in their community, and it waits for the community's review.
    func createNeed(_ input: NeedInput, by actor: Actor) async throws -> Need {
        let resident = actor.role == .resident ? try await Self.resident(of: actor, on: db) : nil
        guard PartnerAccess.isStaff(actor) || actor.role == .gridWorker || resident != nil else { throw APIError.forbidden }
        let title = try Validate.text(input.title, field: "title", max: 80)!
        let category = try PartnerCategory.parse(input.category)
        let qty = try Self.quantity(input.quantity)
        let unit = try Validate.text(input.unit, field: "unit", max: 10, required: false) ?? "项"
        let tag = try Self.tag(input.forTag)
        let due = try ShanghaiTime.parseDay(input.dueDay, field: "dueDay")
        guard due >= ShanghaiTime.today(now) else { throw APIError.invalid("dueDay", "期限不能早于今天 (the date cannot be in the past)") }
        let org = OrgService(db: db, now: now)
        let node: OrgNode
        if let resident {
            // The resident's compound, or their community for a group by tag.
            guard let home = try await OrgNode.find(resident.nodeID, on: db) else { throw APIError.notFound }
            let chain = try await org.ancestors(of: home)
            let community = chain.last { $0.kind == .community }, compound = chain.last { $0.kind == .compound }
            node = tag != nil ? (community ?? home) : (compound ?? community ?? home)
        } else {
            node = try await org.node(input.nodeID ?? actor.user.nodeID?.uuidString ?? "", within: actor.scope, field: "nodeId")
        }
        let named = try Validate.text(input.forWhom, field: "forWhom", max: 100, required: tag == nil && node.kind != .compound)
        let forWhom = named ?? tag.map { "\($0)（\(node.name)）" } ?? node.name
        let n = Need()
        n.id = UUID()
        n.title = title
        n.categoryRaw = category.rawValue
        n.quantity = qty
        n.unit = unit
        n.forWhom = forWhom
        n.nodeID = node.id!
        n.nodePath = node.path
        n.dueDay = due
        n.source = resident != nil ? "resident" : actor.role == .gridWorker ? "grid" : "community"
        n.stateRaw = (resident != nil ? NeedState.proposed : NeedState.open).rawValue
        n.claimable = resident == nil && input.claimable == true
        n.forTag = tag
        n.raisedBy = resident != nil ? actor.userID : nil
        if n.claimable, qty > TaskClaimService.smallQuantity {
            throw APIError.invalid("claimable", "可认领的小需求数量不超过 \(TaskClaimService.smallQuantity) (a claimable request is at most \(TaskClaimService.smallQuantity))")
        }
        n.committed = 0
        n.delivered = 0
        n.createdBy = actor.user.displayName
        n.version = 1
        n.createdAt = now
        try await record(n, action: "create", path: n.nodePath, summary: "需求「\(title)」登记：\(qty)\(unit)，\(forWhom)\(n.claimable ? "（可认领）" : "")")
        return n
    }

    /// The resident record behind a resident's account; 403 when the account is not linked to one.
    static func resident(of actor: Actor, on db: any Database) async throws -> Resident {
        guard let id = actor.user.residentID, let r = try await Resident.find(id, on: db) else {
            throw APIError(.forbidden, code: "not_a_resident", "您的账号尚未关联居民信息，请联系社区 (your account is not linked to a resident)")
        }
        return r
    }

    /// A tag of the register's special groups, or nil when none is chosen.
    static func tag(_ raw: String?) throws -> String? {
        guard let t = raw?.trimmingCharacters(in: .whitespaces), !t.isEmpty else { return nil }
        guard ResidentTags.all.contains(t) else {
            throw APIError.invalid("forTag", "未知的人群标签：\(t) (unknown group tag)")
        }
        return t
    }

    /// The community reviews a need a resident raised: accepted it is on the list (and may be marked claimable),
    /// declined it stays in the record with the reason. 404 outside the staff's area; 409 when already reviewed.
    func review(_ n: Need, accept: Bool, note: String?, claimable: Bool?, by actor: Actor) async throws -> Need {
        try PartnerAccess.requireStaff(actor)
        guard actor.scope.contains(n.nodePath) else { throw APIError.notFound }
        let reason = try Validate.text(note, field: "note", max: 300, required: !accept)
        let small = accept && claimable == true
        if small, n.quantity > TaskClaimService.smallQuantity {
            throw APIError.invalid("claimable", "可认领的小需求数量不超过 \(TaskClaimService.smallQuantity) (a claimable request is at most \(TaskClaimService.smallQuantity))")
        }
        let lc = NeedLifecycle.table, action: NeedAction = accept ? .accept : .decline, from = n.state
        try lc.check(action, from: from, role: .staff)
        n.reviewNote = reason
        if small { n.claimable = true }
        // The resident who raised it is told in 消息, with the review or not at all.
        let text = accept ? "您提出的需求「\(n.title)」社区已受理，已列入需求清单\(reason.map { "：\($0)" } ?? "")。"
            : "您提出的需求「\(n.title)」社区暂不受理：\(reason ?? "")"
        let now = now
        guard try await lc.commit(n, action, from: from, to: lc.target(action, from: from), subject: "「\(n.title)」", note: reason,
                                  by: source, at: now, on: db, write: { tx in
            try await n.save(on: tx)
            try await PartnerNotices.tell(n.raisedBy, kind: accept ? "need_accepted" : "need_declined", at: now, on: tx, text)
        }) else { throw lc.changed }
        return n
    }

    /// A partner offers a resource within its agreement (or staff enter it for a partner of their area).
    func createResource(_ input: ResourceInput, by actor: Actor) async throws -> PartnerResource {
        let partner: Partner
        if PartnerAccess.isStaff(actor) {
            guard let id = input.partnerID, let p = try await Partner.query(on: db).filter(\.$id == id).within(actor.scope).first() else {
                throw APIError(.notFound, code: "unknown_partner", "合伙人不存在 (unknown partner)", field: "partnerId")
            }
            partner = p
        } else {
            guard let p = try await PartnerAccess.partner(of: actor, on: db) else { throw APIError.forbidden }
            partner = p
        }
        let category = try PartnerCategory.parse(input.category)
        try PartnerAccess.requireCovers(.partner(partner), category: category, path: partner.nodePath, now: now)
        let title = try Validate.text(input.title, field: "title", max: 80)!
        let qty = try Self.quantity(input.quantity)
        let unit = try Validate.text(input.unit, field: "unit", max: 10, required: false) ?? "项"
        let from = try ShanghaiTime.parseDay(input.availableFrom, field: "availableFrom")
        let to = try ShanghaiTime.parseDay(input.availableTo, field: "availableTo")
        guard from <= to else { throw APIError.invalid("availableTo", "结束日期须晚于开始日期 (the end must be after the start)") }
        let r = PartnerResource()
        r.id = UUID()
        r.partnerID = partner.id!
        r.title = title
        r.categoryRaw = category.rawValue
        r.quantity = qty
        r.unit = unit
        r.committed = 0
        r.availableFrom = from
        r.availableTo = to
        r.place = try Validate.text(input.place, field: "place", max: 80, required: false) ?? ""
        r.nodePath = partner.nodePath
        r.active = true
        r.createdAt = now
        try await record(r, action: "create", path: r.nodePath, summary: "资源「\(title)」（\(partner.name)）：\(qty)\(unit)")
        return r
    }

    func createProject(title: String?, owner: String?, nodeID: String?, startDay: String?, endDay: String?, by actor: Actor) async throws -> PartnerProject {
        try PartnerAccess.requireStaff(actor)
        let t = try Validate.text(title, field: "title", max: 80)!
        let o = try Validate.text(owner, field: "owner", max: 40)!
        let start = try ShanghaiTime.parseDay(startDay, field: "startDay")
        let end = try ShanghaiTime.parseDay(endDay, field: "endDay")
        guard start <= end else { throw APIError.invalid("endDay", "结束日期须晚于开始日期 (the end must be after the start)") }
        let node = try await OrgService(db: db, now: now).node(nodeID ?? actor.user.nodeID?.uuidString ?? "", within: actor.scope, field: "nodeId")
        let p = PartnerProject()
        p.id = UUID()
        p.title = t
        p.owner = o
        p.nodePath = node.path
        p.startDay = start
        p.endDay = end
        p.progress = 0
        p.minutes = ""
        p.createdAt = now
        try await record(p, action: "create", path: p.nodePath, summary: "项目「\(t)」立项，负责人 \(o)")
        return p
    }

    /// Progress and the joint meeting's minutes (联席会议纪要).
    func review(_ p: PartnerProject, progress: Int?, minutes: String?, by actor: Actor) async throws -> PartnerProject {
        try PartnerAccess.requireStaff(actor)
        guard actor.scope.contains(p.nodePath) else { throw APIError.notFound }
        if let progress {
            guard (0...100).contains(progress) else { throw APIError.invalid("progress", "进度须在 0–100 之间 (progress is 0–100)") }
            p.progress = progress
        }
        if let m = try Validate.text(minutes, field: "minutes", max: 2000, required: false) {
            p.minutes = "【\(ShanghaiTime.today(now)) 联席会议】\(m)" + (p.minutes.isEmpty ? "" : "\n" + p.minutes)
        }
        try await record(p, action: "review", path: p.nodePath, summary: "项目「\(p.title)」联席会议审议，进度 \(p.progress)%", create: false)
        return p
    }

    private func record<M: Model>(_ m: M, action: String, path: String, summary: String, create: Bool = true) async throws where M.IDValue == UUID {
        let source = source, now = now
        try await db.writeTransaction { tx in
            if create { try await m.create(on: tx) } else { try await m.save(on: tx) }
            try await AuditLog.record(on: tx, by: source, at: now, action: action, entity: M.schema, entityID: m.id, nodePath: path, summary: summary)
        }
    }

    /// Matches a need with a resource in a project: the need must lie in the staff's scope and the partner's area (404
    /// otherwise); what is committed cannot exceed what the resource has left (400).
    func match(_ project: PartnerProject, needID: UUID?, resourceID: UUID?, committed raw: Int?, by actor: Actor) async throws -> PartnerMatch {
        try PartnerAccess.requireStaff(actor)
        guard actor.scope.contains(project.nodePath) else { throw APIError.notFound }
        guard let needID, let need = try await Need.query(on: db).filter(\.$id == needID).within(actor.scope).first() else {
            throw APIError(.notFound, code: "unknown_need", "需求不存在或不在您的辖区 (unknown need, or outside your area)", field: "needId")
        }
        guard let resourceID, let r = try await PartnerResource.find(resourceID, on: db), need.nodePath.hasPrefix(r.nodePath),
              r.active else {
            throw APIError(.notFound, code: "unknown_resource", "资源不存在或不覆盖该需求的地点 (unknown resource, or it does not serve that place)", field: "resourceId")
        }
        guard need.state == .open || need.state == .partlyMet else {
            throw APIError.conflict("需求当前为「\(need.state.zh)」，不能再对接 (the need is \(need.state.en))", code: "illegal_transition")
        }
        guard let partner = try await Partner.find(r.partnerID, on: db) else { throw APIError.notFound }
        try PartnerAccess.requireCovers(.partner(partner), category: r.category, path: need.nodePath, now: now)
        guard let c = raw else { throw APIError(.badRequest, code: "missing_field", "字段 committed 必填 (committed is required)", field: "committed") }
        guard c >= 1, c <= r.left else {
            throw APIError(.badRequest, code: "exceeds_offer", "承诺数量须在 1–\(r.left) 之间（资源剩余 \(r.left)\(r.unit)） (commit 1–\(r.left))", field: "committed")
        }
        let m = PartnerMatch()
        m.id = UUID()
        m.projectID = project.id!
        m.needID = need.id!
        m.resourceID = r.id!
        m.partnerID = partner.id!
        m.committed = c
        m.delivered = 0
        m.nodePath = need.nodePath
        m.createdAt = now
        let source = source, now = now
        try await db.writeTransaction { tx in
            // The resource's remainder is claimed in the same statement that spends it: two matches cannot overcommit it.
            let rows = try await tx.sql.raw("""
                UPDATE \(ident: PartnerResource.schema) SET committed = committed + \(bind: c) WHERE id = \(bind: r.id!) AND committed + \(bind: c) <= quantity RETURNING id
                """).all()
            guard !rows.isEmpty else {
                throw APIError(.badRequest, code: "exceeds_offer", "资源剩余不足 (the resource has not that much left)", field: "committed")
            }
            try await tx.sql.raw("UPDATE \(ident: Need.schema) SET committed = committed + \(bind: c) WHERE id = \(bind: need.id!)").run()
            try await m.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "match", entity: "partner_match", entityID: m.id, nodePath: m.nodePath,
                                      summary: "项目「\(project.title)」对接：需求「\(need.title)」← 资源「\(r.title)」承诺 \(c)\(r.unit)")
        }
        r.committed += c
        return m
    }

    /// Records a delivery on a match (staff in scope, or the partner that made the promise); more than was committed is
    /// refused with 400. The need's state follows, through its lifecycle.
    func deliver(_ m: PartnerMatch, quantity raw: Int?, by actor: Actor) async throws -> (PartnerMatch, Need) {
        var role = ListRole.other
        if PartnerAccess.isStaff(actor), actor.scope.contains(m.nodePath) { role = .staff }
        else if let p = try await PartnerAccess.partner(of: actor, on: db), p.id == m.partnerID {
            try PartnerAccess.requireCovers(.partner(p), category: nil, path: m.nodePath, now: now)
            role = .partner
        } else if !PartnerAccess.isStaff(actor) { throw APIError.forbidden } else { throw APIError.notFound }
        guard let q = raw else { throw APIError(.badRequest, code: "missing_field", "字段 quantity 必填 (quantity is required)", field: "quantity") }
        guard q >= 1, m.delivered + q <= m.committed else {
            throw APIError(.badRequest, code: "over_delivery",
                           "交付数量超过承诺：已承诺 \(m.committed)，已交付 \(m.delivered) (cannot deliver more than committed: \(m.committed) promised, \(m.delivered) delivered)",
                           field: "quantity")
        }
        guard let need = try await Need.find(m.needID, on: db) else { throw APIError.notFound }
        let from = need.state
        try NeedLifecycle.table.check(.deliver, from: from, role: role)
        need.delivered += q
        let to = NeedState.from(delivered: need.delivered, of: need.quantity)
        let now = now, mid = m.id!
        let ok = try await NeedLifecycle.table.commit(need, .deliver, from: from, to: to, subject: "「\(need.title)」",
                                                      note: "交付 \(q)\(need.unit)", by: source, at: now, on: db,
                                                      changes: ["delivered": [String(need.delivered - q), String(need.delivered)]], write: { tx in
            let rows = try await tx.sql.raw("""
                UPDATE \(ident: PartnerMatch.schema) SET delivered = delivered + \(bind: q), delivered_at = \(bind: now) WHERE id = \(bind: mid) AND delivered + \(bind: q) <= committed RETURNING id
                """).all()
            guard !rows.isEmpty else {
                throw APIError(.badRequest, code: "over_delivery", "交付数量超过承诺 (cannot deliver more than committed)", field: "quantity")
            }
            try await need.save(on: tx)
        })
        guard ok else { need.delivered -= q; throw NeedLifecycle.table.changed }
        m.delivered += q
        m.deliveredAt = now
        return (m, need)
    }

    func cancel(_ need: Need, note: String?, by actor: Actor) async throws -> Need {
        guard actor.scope.contains(need.nodePath) else { throw APIError.notFound }
        let reason = try Validate.text(note, field: "note", max: 300)
        try await NeedLifecycle.table.perform(.cancel, on: need, role: PartnerAccess.listRole(actor), subject: "「\(need.title)」", note: reason,
                                              by: source, at: now, on: db)
        return need
    }
}
