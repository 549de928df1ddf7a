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
}

/// The catalogue of matters (办事指南): residents read it; county admins keep it.
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

    static func requireEditor(_ actor: Actor) throws {
        guard actor.role == .admin else {
            throw APIError(.forbidden, code: "forbidden", "只有县级管理员可以维护办事事项 (only county admins edit the catalogue)")
        }
    }

    /// The matters residents can apply for, in catalogue order; `all` adds the retired ones (for admins).
    func matters(all: Bool = false) async throws -> [ServiceMatter] {
        var q = ServiceMatter.query(on: db)
        if !all { q = q.filter(\.$active == true) }
        return try await q.sort(\.$sortOrder).sort(\.$name).all()
    }

    func matter(_ id: UUID, includeRetired: Bool = false) async throws -> ServiceMatter {
        guard let m = try await ServiceMatter.find(id, on: db), m.active || includeRetired else { throw APIError.notFound }
        return m
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
        try fill(m, input)
        try await save(m, action: "create", summary: "办事事项「\(m.name)」：新增")
        return m
    }

    func update(_ m: ServiceMatter, _ input: MatterInput, version: Int?, by actor: Actor) async throws -> ServiceMatter {
        try Self.requireEditor(actor)
        if let version, version != m.version {
            throw APIError.conflict("该事项已被他人修改，请刷新后再保存 (the matter changed since you loaded it; reload)", code: "matter_changed")
        }
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
                                          nodePath: "", summary: summary)
            }
        } catch let e as any DatabaseError where e.isConstraintFailure {
            throw APIError.conflict("编码「\(m.code)」已被其他事项使用 (the code \(m.code) is taken)", code: "code_taken")
        }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
