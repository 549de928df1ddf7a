import Fluent
import Foundation
import JingzhiCore
import Vapor

struct DeviceRuleDTO: Content {
    let id: UUID
    let type: String
    let kind: String
    let metric: String
    let op: String
    let value: Double
    let hours: Double
    let tags: [String]
    let quietFrom: String
    let quietTo: String
    let categoryCode: String
    let name: String
    /// Where it applies: "" for the whole tree, else a subtree's node path.
    let nodePath: String
    let active: Bool
    let version: Int

    init(_ r: DeviceRule) {
        id = r.id!
        type = r.type
        kind = r.kind
        metric = r.metric
        op = r.op
        value = r.value
        hours = r.hours
        tags = r.tagList
        quietFrom = String(format: "%02d:%02d", r.quietFrom / 60, r.quietFrom % 60)
        quietTo = String(format: "%02d:%02d", r.quietTo / 60, r.quietTo % 60)
        categoryCode = r.categoryCode
        name = r.name
        nodePath = r.nodePath
        active = r.active
        version = r.version
    }
}

/// The rules in force: the county's, and a community's own, which replace the county's there.
enum DeviceRulesAPI {
    @Sendable static func list(req: Request) async throws -> [DeviceRuleDTO] {
        let actor = try DevicesAPI.reader(req)
        // The county's rules and those of subtrees the caller sees or stands in.
        return try await DeviceRule.query(on: req.db).sort(\.$nodePath).sort(\.$name).all()
            .filter { $0.nodePath.isEmpty || actor.scope.contains($0.nodePath) || actor.nodePath.hasPrefix($0.nodePath) }
            .map(DeviceRuleDTO.init)
    }

    struct Change: Content {
        /// POST only: the rule this one replaces in the subtree of `node`.
        var baseRuleId: UUID?
        var node: String?
        var value: Double?
        var op: String?
        var hours: Double?
        var tags: [String]?
        var quietFrom: String?
        var quietTo: String?
        var active: Bool?
        var version: Int?
    }

    /// A community's (or street's) own version of a rule, over the county's.
    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard DevicesAPI.managers.contains(actor.role) else { throw APIError.forbidden }
        let b = try req.decodeJSON(Change.self)
        guard let baseID = b.baseRuleId, let base = try await DeviceRule.find(baseID, on: req.db) else { throw APIError.missing("baseRuleId") }
        guard let code = b.node else { throw APIError.missing("node") }
        let node = try await OrgService(db: req.db, now: req.now).node(code, within: actor.scope, field: "node")
        guard node.path.count > base.nodePath.count, node.path.hasPrefix(base.nodePath) else {
            throw APIError.invalid("node", "新规则须用于原规则范围内更小的区域 (the node must lie inside the base rule's area)")
        }
        let clash = try await DeviceRule.query(on: req.db).filter(\.$nodePath == node.path).filter(\.$type == base.type)
            .filter(\.$kind == base.kind).filter(\.$metric == base.metric).first()
        if clash != nil { throw APIError.conflict("\(node.name) 已有此规则，请直接修改 (this area already has its own version of the rule)", code: "rule_exists") }
        let r = DeviceRule()
        r.type = base.type
        r.kind = base.kind
        r.metric = base.metric
        r.op = base.op
        r.tags = base.tags
        r.categoryCode = base.categoryCode
        r.name = base.name
        r.value = base.value
        r.hours = base.hours
        r.quietFrom = base.quietFrom
        r.quietTo = base.quietTo
        r.active = base.active
        r.nodePath = node.path
        r.version = 1
        try apply(b, to: r)
        r.updatedAt = req.now
        let src = req.auditSource, at = req.now
        try await req.db.writeTransaction { tx in
            try await r.create(on: tx)
            try await AuditLog.record(on: tx, by: src, at: at, action: "create", entity: "device_rule", entityID: r.id, nodePath: node.path,
                                      summary: "\(node.name) 设置设备规则「\(r.name)」")
        }
        return try await DeviceRuleDTO(r).encodeResponse(status: .created, for: req)
    }

    @Sendable static func update(req: Request) async throws -> DeviceRuleDTO {
        let actor = try req.requireActor()
        guard DevicesAPI.managers.contains(actor.role) else { throw APIError.forbidden }
        guard let r = try await DeviceRule.find(try req.idParameter(), on: req.db), actor.scope.contains(r.nodePath) else { throw APIError.notFound }
        let b = try req.decodeJSON(Change.self)
        if let v = b.version, v != r.version { throw APIError.conflict("规则已被他人修改，请刷新 (the rule changed; reload)", code: "device_rule_changed") }
        let before = r.version
        try apply(b, to: r)
        r.updatedAt = req.now
        r.version = before + 1
        let src = req.auditSource, at = req.now
        let saved = try await req.db.writeTransaction { tx -> Bool in
            let n = try await DeviceRule.query(on: tx).filter(\.$id == r.id!).filter(\.$version == before).count()
            guard n == 1 else { return false }
            try await r.save(on: tx)
            try await AuditLog.record(on: tx, by: src, at: at, action: "update", entity: "device_rule", entityID: r.id, nodePath: r.nodePath,
                                      summary: "修改设备规则「\(r.name)」：值 \(r.value)，时长 \(r.hours) 小时，\(r.active ? "启用" : "停用")")
            return true
        }
        guard saved else { throw APIError.conflict("规则已被他人修改，请刷新 (the rule changed; reload)", code: "device_rule_changed") }
        return DeviceRuleDTO(r)
    }

    static func apply(_ b: Change, to r: DeviceRule) throws {
        if let v = b.value {
            guard v.isFinite, abs(v) < 1e12 else { throw APIError.invalid("value", "阈值须为有限数值 (value must be finite)") }
            r.value = v
        }
        if let op = b.op {
            guard ["gt", "ge", "lt", "le", "eq"].contains(op) else { throw APIError.invalid("op", "比较须为 gt、ge、lt、le 或 eq (unknown op)") }
            r.op = op
        }
        if let h = b.hours {
            guard h.isFinite, (1...720).contains(h) else { throw APIError.invalid("hours", "时长须在 1–720 小时之间 (hours must be 1–720)") }
            r.hours = h
        }
        if let tags = b.tags {
            let clean = tags.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard clean.allSatisfy({ ResidentTags.all.contains($0) }) else {
                throw APIError.invalid("tags", "未知人群标签 (unknown tag; one of \(ResidentTags.all.joined(separator: "、")))")
            }
            r.tags = clean.joined(separator: ",")
        }
        if let q = b.quietFrom { r.quietFrom = try minute(q, field: "quietFrom") }
        if let q = b.quietTo { r.quietTo = try minute(q, field: "quietTo") }
        if let a = b.active { r.active = a }
    }

    static func minute(_ raw: String, field: String) throws -> Int {
        let parts = raw.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0...23).contains(parts[0]), (0...59).contains(parts[1]) else {
            throw APIError.invalid(field, "时间须为 HH:MM (time must be HH:MM)")
        }
        return parts[0] * 60 + parts[1]
    }
}
