import Foundation
import Fluent
import JingzhiCore
import Vapor

/// What an admin types for a matter, from the API or the form.
struct MatterInput: Sendable {
    var code: String?
    var name: String?
    var details: String?
    var eligibility: String?
    var minAge: Int?
    var requiredTag: String?
    var materials: [String] = []
    var deadlineDays: Int?
    var certificateTitle: String?
    var active = true
    var sortOrder: Int?
    /// The street or community whose own matter it is; nil: the county's (admins) or the editor's own node (staff).
    var nodeID: UUID?
}

/// The catalogue of matters (办事指南): residents read it; county admins keep the county's matters, and street and
/// community staff add their own (社区自有事项), offered only in their subtree.
struct ServiceCatalog {
    let db: any Database
    let now: Date
    let source: AuditSource

    init(db: any Database, now: Date, source: AuditSource = .system()) {
        self.db = db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource) }

    static let editorRoles: Set<Role> = [.admin, .streetStaff, .communityStaff]

    static func requireEditor(_ actor: Actor) throws {
        guard editorRoles.contains(actor.role) else {
            throw APIError(.forbidden, code: "forbidden",
                           "只有县级管理员和街道、社区工作人员可以维护办事事项 (only county admins and street or community staff edit the catalogue)")
        }
    }

    /// Admins change every matter; street and community staff those of their own subtree, never the county's nor the
    /// street's above them. (Callers load the matter with `matter(_:for:)` first: another community's answers 404 there.)
    static func requireEditable(_ m: ServiceMatter, by actor: Actor) throws {
        try requireEditor(actor)
        guard actor.role != .admin else { return }
        guard !m.isCounty else {
            throw APIError(.forbidden, code: "county_matter", "县级事项由县级管理员维护 (county matters are kept by county admins)")
        }
        guard actor.scope.contains(m.nodePath) else {
            throw APIError(.forbidden, code: "forbidden", "该事项由上级街道维护 (this matter is kept by the street above you)")
        }
    }

    static func canEdit(_ m: ServiceMatter, _ actor: Actor) -> Bool { (try? requireEditable(m, by: actor)) != nil }

    /// Whether the matter is offered where `path` lies: the county's everywhere, a community's in its subtree.
    static func serves(_ m: ServiceMatter, path: String) -> Bool { path.hasPrefix(m.nodePath) }

    /// A matter reaches the actor when it is the county's, is offered where they stand (their own community's or
    /// street's), or belongs to a part of their area (staff).
    static func reaches(_ m: ServiceMatter, _ actor: Actor, standing: String?) -> Bool {
        m.isCounty || standing.map { serves(m, path: $0) } == true || (actor.role != .resident && actor.scope.contains(m.nodePath))
    }

    /// Where the actor stands: a resident's household, anyone else's own node ("" for county admins).
    func standing(of actor: Actor) async throws -> String? {
        guard actor.role == .resident else { return actor.nodePath }
        guard let rid = actor.user.residentID else { return nil }
        return try await Resident.find(rid, on: db)?.nodePath
    }

    /// The matters the actor may apply for (or handle), in catalogue order; `includeRetired` adds the retired ones
    /// the actor may edit.
    func matters(for actor: Actor, includeRetired: Bool = false) async throws -> [ServiceMatter] {
        let standing = try await standing(of: actor)
        var q = ServiceMatter.query(on: db)
        if !includeRetired { q = q.filter(\.$active == true) }
        return try await q.sort(\.$sortOrder).sort(\.$name).all()
            .filter { Self.reaches($0, actor, standing: standing) && ($0.active || Self.canEdit($0, actor)) }
    }

    /// One matter as the actor may see it: 404 for another community's, and for a retired one they cannot edit.
    func matter(_ id: UUID, for actor: Actor) async throws -> ServiceMatter {
        guard let m = try await ServiceMatter.find(id, on: db), Self.reaches(m, actor, standing: try await standing(of: actor)),
              m.active || Self.canEdit(m, actor) else { throw APIError.notFound }
        return m
    }

    func matter(_ id: UUID, includeRetired: Bool = false) async throws -> ServiceMatter {
        guard let m = try await ServiceMatter.find(id, on: db), m.active || includeRetired else { throw APIError.notFound }
        return m
    }

    /// The names of the streets and communities that own these matters.
    func owners(_ matters: [ServiceMatter]) async throws -> [UUID: String] {
        let ids = Array(Set(matters.compactMap(\.nodeID)))
        guard !ids.isEmpty else { return [:] }
        return Dictionary(try await OrgNode.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// The streets and communities an editor may give a matter to.
    func ownerChoices(for actor: Actor) async throws -> [OrgNode] {
        try await OrgNode.query(on: db).within(actor.scope).filter(\.$kindRaw ~~ [NodeKind.street.rawValue, NodeKind.community.rawValue])
            .sort(\.$path).limit(500).all()
    }

    /// Where a new matter belongs: the county (admins, no node given), or a street or community of the editor's area.
    private func place(_ m: ServiceMatter, nodeID: UUID?, by actor: Actor) async throws {
        if actor.role == .admin && nodeID == nil {
            m.nodeID = nil
            m.nodePath = ""
            return
        }
        guard let id = nodeID ?? actor.user.nodeID, let node = try await OrgNode.find(id, on: db), actor.scope.contains(node.path) else {
            throw APIError(.notFound, code: "unknown_node", "所属社区不存在或不在您的辖区内 (unknown community, or outside your area)", field: "nodeId")
        }
        guard node.kind == .street || node.kind == .community else {
            throw APIError.invalid("nodeId", "自有事项只能属于街道或社区 (a matter belongs to a street or a community)")
        }
        m.nodeID = node.id
        m.nodePath = node.path
    }

    /// Checks and applies `input` to `m` (a new one when its id is nil).
    private func fill(_ m: ServiceMatter, _ input: MatterInput) throws {
        let code = try Validate.text(input.code, field: "code", max: 12)!.uppercased()
        guard code.count >= 2, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw APIError.invalid("code", "编码为 2–12 位字母或数字 (the code is 2–12 letters or digits)")
        }
        let name = try Validate.text(input.name, field: "name", max: 40)!
        let details = try Validate.text(input.details, field: "details", max: 2000)!
        let eligibility = try Validate.text(input.eligibility, field: "eligibility", max: 500)!
        let materials = input.materials.flatMap { $0.split(whereSeparator: \.isNewline) }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !materials.isEmpty else { throw APIError.invalid("materials", "至少列出一项所需材料 (list at least one material)") }
        guard materials.count <= 10, materials.allSatisfy({ $0.count <= 40 }), Set(materials).count == materials.count else {
            throw APIError.invalid("materials", "材料最多 10 项，每项不超过 40 字，且不能重复 (at most 10 distinct materials of up to 40 characters)")
        }
        guard let days = input.deadlineDays, (1...60).contains(days) else {
            throw APIError.invalid("deadlineDays", "办理时限为 1–60 个工作日 (the deadline is 1–60 working days)")
        }
        if let age = input.minAge, !(1...120).contains(age) {
            throw APIError.invalid("minAge", "年龄条件为 1–120 岁 (the minimum age is 1–120)")
        }
        let tag = input.requiredTag?.trimmingCharacters(in: .whitespaces).nilIfEmpty
        if let tag, !ResidentTags.all.contains(tag) { throw APIError.invalid("requiredTag", "未知的人群标签「\(tag)」 (unknown tag \(tag))") }
        m.code = code
        m.name = name
        m.details = details
        m.eligibility = eligibility
        m.minAge = input.minAge
        m.requiredTag = tag
        m.materialsRaw = materials.joined(separator: "\n")
        m.deadlineDays = days
        m.certificateTitle = try Validate.text(input.certificateTitle, field: "certificateTitle", max: 20, required: false)
        m.active = input.active
        m.sortOrder = input.sortOrder ?? m.sortOrder
        m.updatedAt = now
    }

    func create(_ input: MatterInput, by actor: Actor) async throws -> ServiceMatter {
        try Self.requireEditor(actor)
        let m = ServiceMatter()
        m.sortOrder = try await ServiceMatter.query(on: db).count() + 1
        m.version = 1
        try await place(m, nodeID: input.nodeID, by: actor)
        try fill(m, input)
        let owner = m.isCounty ? "县级" : "\(try await owners([m])[m.nodeID!] ?? "")自有"
        try await save(m, action: "create", summary: "办事事项「\(m.name)」：新增\(owner)事项")
        return m
    }

    /// Changes or retires a matter; a node given moves it to another street or community of the editor's area.
    func update(_ m: ServiceMatter, _ input: MatterInput, version: Int?, by actor: Actor) async throws -> ServiceMatter {
        try Self.requireEditable(m, by: actor)
        if let version, version != m.version {
            throw APIError.conflict("该事项已被他人修改，请刷新后再保存 (the matter changed since you loaded it; reload)", code: "matter_changed")
        }
        if let node = input.nodeID, node != m.nodeID { try await place(m, nodeID: node, by: actor) }
        try fill(m, input)
        m.version += 1
        try await save(m, action: "update", summary: "办事事项「\(m.name)」：修改" + (m.active ? "" : "（已停用）"))
        return m
    }

    private func save(_ m: ServiceMatter, action: String, summary: String) async throws {
        let source = source, now = now
        do {
            try await db.writeTransaction { tx in
                try await m.save(on: tx)
                try await AuditLog.record(on: tx, by: source, at: now, action: action, entity: "service_matter", entityID: m.id,
                                          nodePath: m.nodePath, summary: summary)
            }
        } catch let e as any DatabaseError where e.isConstraintFailure {
            throw APIError.conflict("编码「\(m.code)」已被其他事项使用 (the code \(m.code) is taken)", code: "code_taken")
        }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
