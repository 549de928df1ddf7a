import Foundation
import Fluent
import JingzhiCore
import Vapor

/// What adding or applying as a partner carries.
struct PartnerInput: Sendable {
    var name: String?
    var kind: String?
    var creditCode: String?
    var offers: String?
    var contactName: String?
    var contactPhone: String?
    var partyBranch: String?
    var nodeID: String?
    var categories: [String] = []
    var agreementFrom: String?
    var agreementTo: String?
}

/// Partners: adding and applying, review by the community (the street for multi-community units), warning, retirement.
struct PartnerService {
    let db: any Database
    let now: Date
    let source: AuditSource

    init(db: any Database, now: Date, source: AuditSource = .system()) {
        self.db = db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource) }

    static func kind(_ raw: String?) throws -> PartnerKind {
        guard let raw, !raw.isEmpty else { throw APIError.missing("kind") }
        guard let k = PartnerKind(rawValue: raw) else {
            throw APIError.invalid("kind", "类型须为 cobuilding、support、service、development、self_governing 之一 (kind: one of the five)")
        }
        return k
    }

    /// 统一社会信用代码: 18 characters of digits and capitals (I, O, S, V, Z excluded).
    static func creditCode(_ raw: String?) throws -> String {
        let code = (raw ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        guard !code.isEmpty else { throw APIError.missing("creditCode") }
        let allowed = Set("0123456789ABCDEFGHJKLMNPQRTUWXY")
        guard code.count == 18, code.allSatisfy(allowed.contains) else {
            throw APIError.invalid("creditCode", "统一社会信用代码须为 18 位数字或大写字母 (the credit code has 18 digits or capitals)")
        }
        return code
    }

    static func categories(_ raw: [String]) throws -> [PartnerCategory] {
        let values = Set(raw.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty })
        guard !values.isEmpty else { throw APIError.missing("categories") }
        let parsed = try values.map { try PartnerCategory.parse($0, field: "categories") }
        return PartnerCategory.allCases.filter(parsed.contains)
    }

    /// A partner added by staff (for a community or street in their scope) or applied for by a partner account (for its
    /// own node); both wait for review.
    func create(_ input: PartnerInput, by actor: Actor) async throws -> Partner {
        let staff = PartnerAccess.isStaff(actor)
        guard staff || actor.role == .partner else { throw APIError.forbidden }
        if !staff, try await PartnerAccess.partner(of: actor, on: db) != nil {
            throw APIError.conflict("您的账号已登记了合伙人 (this account already has a partner)", code: "already_applied")
        }
        let name = try Validate.text(input.name, field: "name", max: 80)!
        guard name.count >= 2 else { throw APIError.invalid("name", "名称至少 2 个字 (the name needs at least 2 characters)") }
        let kind = try Self.kind(input.kind)
        let code = try Self.creditCode(input.creditCode)
        let offers = try Validate.text(input.offers, field: "offers", max: 500)!
        let contact = try Validate.text(input.contactName, field: "contactName", max: 40)!
        guard let phone = Validate.phone(input.contactPhone ?? "") else {
            throw APIError.invalid("contactPhone", "请填写正确的手机或座机号码 (enter a valid phone number)")
        }
        let branch = try Validate.text(input.partyBranch, field: "partyBranch", max: 80, required: false) ?? ""
        let categories = try Self.categories(input.categories)
        let from = try input.agreementFrom.flatMap { $0.isEmpty ? nil : $0 }.map { try ShanghaiTime.parseDay($0, field: "agreementFrom") }
        let to = try input.agreementTo.flatMap { $0.isEmpty ? nil : $0 }.map { try ShanghaiTime.parseDay($0, field: "agreementTo") }
        if let from, let to, to < from { throw APIError.invalid("agreementTo", "协议结束日期须晚于开始日期 (the term must end after it starts)") }
        let scope = staff ? actor.scope : DataScope(rootPath: actor.nodePath)
        let node = try await OrgService(db: db, now: now).node(input.nodeID ?? (staff ? "" : actor.user.nodeID?.uuidString ?? ""), within: scope, field: "nodeId")
        guard node.kind == .community || node.kind == .street else {
            throw APIError.invalid("nodeId", "合伙人须登记到社区，或服务多个社区的登记到街道 (register to a community, or a street for several communities)")
        }
        if try await Partner.query(on: db).filter(\.$creditCode == code).filter(\.$nodeID == node.id!).first() != nil {
            throw APIError.conflict("该单位已在此登记 (this unit is already registered here)", code: "duplicate_partner")
        }
        let p = Partner()
        p.id = UUID()
        p.name = name
        p.kindRaw = kind.rawValue
        p.creditCode = code
        p.offers = offers
        p.contactName = contact
        p.contactPhone = phone
        p.partyBranch = branch
        p.nodeID = node.id!
        p.nodePath = node.path
        p.stateRaw = PartnerState.applied.rawValue
        p.agreementCategoriesRaw = categories.map(\.rawValue).joined(separator: ",")
        p.agreementFrom = from
        p.agreementTo = to
        p.userID = staff ? nil : actor.userID
        p.version = 1
        p.createdAt = now
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await p.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: staff ? "create" : "apply", entity: "partner", entityID: p.id,
                                      nodePath: p.nodePath, summary: "合伙人「\(name)」（\(kind.zh)）\(staff ? "由社区登记" : "提交申请")，待审核")
        }
        return p
    }

    /// Links a partner account to the partner (staff), so it can act for it.
    func link(_ p: Partner, username: String?, by actor: Actor) async throws -> Partner {
        try PartnerAccess.requireStaff(actor)
        guard actor.scope.contains(p.nodePath) else { throw APIError.notFound }
        let name = try Validate.text(username, field: "username", max: 60)!.lowercased()
        guard let user = try await User.query(on: db).filter(\.$username == name).first(), user.role == .partner else {
            throw APIError(.notFound, code: "unknown_user", "没有这个合伙人账号 (no partner account by that name)", field: "username")
        }
        let before = p.userID
        p.userID = user.id
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await p.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "link", entity: "partner", entityID: p.id, nodePath: p.nodePath,
                                      summary: "合伙人「\(p.name)」关联账号 \(user.username)", changes: ["userId": [before?.uuidString, user.id?.uuidString]])
        }
        return p
    }

    /// A partner the actor may see: staff in scope; the partner's own account. Others: 404.
    func load(_ id: UUID?, for actor: Actor) async throws -> Partner {
        guard let id, let p = try await Partner.find(id, on: db) else { throw APIError.notFound }
        if PartnerAccess.isStaff(actor) || actor.role == .gridWorker, actor.scope.contains(p.nodePath) { return p }
        if p.userID == actor.userID { return p }
        throw APIError.notFound
    }

    /// Approve, reject, warn, clear or retire. Rejecting, warning and retiring need a reason; approving needs a term.
    func review(_ action: PartnerAction, _ p: Partner, by actor: Actor, note: String?, version: Int? = nil,
                agreementFrom: String? = nil, agreementTo: String? = nil, categories: [String]? = nil) async throws -> Partner {
        guard actor.scope.contains(p.nodePath) else { throw APIError.notFound }
        guard let node = try await OrgNode.find(p.nodeID, on: db) else { throw APIError.notFound }
        let role = PartnerAccess.role(actor, for: p, nodeKind: node.kind)
        if role == .other, PartnerAccess.isStaff(actor) {
            throw APIError(.forbidden, code: "forbidden", "服务多个社区的合伙人由街道审核 (the street reviews units serving several communities)")
        }
        let reason = try Validate.text(note, field: "note", max: 500, required: [.reject, .warn, .retire].contains(action))
        var from = p.agreementFrom, to = p.agreementTo
        if action == .approve {
            if let f = agreementFrom, !f.isEmpty { from = try ShanghaiTime.parseDay(f, field: "agreementFrom") }
            if let t = agreementTo, !t.isEmpty { to = try ShanghaiTime.parseDay(t, field: "agreementTo") }
            guard let f = from, let t = to else {
                throw APIError.missing(from == nil ? "agreementFrom" : "agreementTo")
            }
            guard f <= t else { throw APIError.invalid("agreementTo", "协议结束日期须晚于开始日期 (the term must end after it starts)") }
        }
        var cats = p.agreementCategoriesRaw
        if action == .renew {
            // A new term, or changed categories, or both; the old agreement is kept in the history and the audit.
            from = try ShanghaiTime.parseDay(agreementFrom, field: "agreementFrom")
            to = try ShanghaiTime.parseDay(agreementTo, field: "agreementTo")
            guard from! <= to! else { throw APIError.invalid("agreementTo", "协议结束日期须晚于开始日期 (the term must end after it starts)") }
            guard to! >= ShanghaiTime.today(now) else { throw APIError.invalid("agreementTo", "新协议已过期 (the new term is already over)") }
            if let categories { cats = try Self.categories(categories).map(\.rawValue).joined(separator: ",") }
            guard from != p.agreementFrom || to != p.agreementTo || cats != p.agreementCategoriesRaw else {
                throw APIError.invalid("agreementTo", "协议没有变化 (nothing in the agreement changed)")
            }
        }
        let oldTerm = "\(p.agreementFrom ?? "")–\(p.agreementTo ?? "")", oldCats = p.agreementCategoriesRaw
        var summary = reason
        if action == .renew {
            var text = "协议 \(oldTerm) → \(from ?? "")–\(to ?? "")"
            if cats != oldCats { text += "，范围 \(oldCats) → \(cats)" }
            if let reason { text += "；\(reason)" }
            summary = text
        }
        try await PartnerLifecycle.table.perform(action, on: p, role: role, expectedVersion: version, subject: "「\(p.name)」", note: summary,
                                                 by: source, at: now, on: db, changes: { p in
            let term: String? = "\(p.agreementFrom ?? "")–\(p.agreementTo ?? "")"
            var changed: [String: [String?]] = [:]
            if action == .approve { changed["agreement"] = [nil, term] }
            if action == .renew {
                changed["agreement"] = [oldTerm, term]
                changed["categories"] = [oldCats, p.agreementCategoriesRaw]
            }
            return changed
        }, change: { p in
            p.agreementCategoriesRaw = cats
            if [.reject, .warn, .retire].contains(action) { p.stateReason = reason }
            if action == .clear { p.stateReason = nil }
            p.agreementFrom = from
            p.agreementTo = to
        })
        return p
    }

    /// A page of partners under `node` (and those at its ancestors serving it), of one kind. The public and residents
    /// see approved and warned partners only.
    func list(node: OrgNode?, kind: PartnerKind?, states: [PartnerState]?, within scope: DataScope?, page: PageRequest) async throws -> (items: [Partner], total: Int) {
        let q = Partner.query(on: db)
        if let node {
            let width = PathSegment.width
            let ancestors = stride(from: width, to: node.path.count, by: width).map { String(node.path.prefix($0)) }
            q.group(.or) { any in
                any.group(.and) { $0.filter(\.$nodePath >= node.path).filter(\.$nodePath < node.path + "~") }
                if !ancestors.isEmpty { any.filter(\.$nodePath ~~ ancestors) }
            }
        }
        if let scope { q.within(scope) }
        if let kind { q.filter(\.$kindRaw == kind.rawValue) }
        if let states { q.filter(\.$stateRaw ~~ states.map(\.rawValue)) }
        let total = try await q.count()
        let items = try await q.sort(\.$nodePath).sort(\.$name).range(page.range).all()
        return (items, total)
    }
}
