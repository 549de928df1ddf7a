import Fluent
import Foundation
import JingzhiCore

/// The registry: devices on the tree, and the gateway keys that write their readings.
struct DeviceRegistry {
    let db: any Database
    let now: Date
    let source: AuditSource

    struct Input: Sendable {
        var serial: String?
        var kind: String?
        var node: String?
        var householdID: UUID?
        var vendor: String?
        var model: String?
        var installedOn: String?
    }

    /// Registers a device inside `scope`; the node may be a compound, building or unit (or a community's grid for
    /// things in the open), and a household must lie under it.
    func register(_ input: Input, scope: DataScope) async throws -> Device {
        let (d, place) = try await prepare(input, scope: scope)
        let src = source, at = now, kind = d.deviceKind!
        do {
            try await db.writeTransaction { tx in
                try await d.create(on: tx)
                try await AuditLog.record(on: tx, by: src, at: at, action: "create", entity: "device", entityID: d.id, nodePath: d.nodePath,
                                          summary: "登记\(kind.zh) \(d.serial)，位置 \(place)")
            }
        } catch let e as any DatabaseError where e.isConstraintFailure {
            throw APIError.conflict("设备编号 \(d.serial) 已登记 (serial already registered)", code: "duplicate_serial")
        }
        return d
    }

    /// Checks `input` and makes the device, not yet saved, with the place it is at in words.
    func prepare(_ input: Input, scope: DataScope) async throws -> (Device, place: String) {
        let serial = try Validate.text(input.serial, field: "serial", max: 64)!
        guard serial.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw APIError.invalid("serial", "设备编号只能含字母、数字和 - _ . (serial: letters, digits, - _ . only)")
        }
        guard let raw = input.kind, let kind = DeviceKind(rawValue: raw) else {
            throw APIError.invalid("kind", "设备类型须为 \(DeviceKind.allCases.map(\.rawValue).joined(separator: "、")) 之一 (unknown kind)")
        }
        guard let code = input.node, !code.isEmpty else { throw APIError.missing("node") }
        let node = try await OrgService(db: db, now: now).node(code, within: scope, field: "node")
        guard ![.county, .street].contains(node.kind) else {
            throw APIError.invalid("node", "请选择社区以下的位置：小区、楼栋、单元或网格 (choose a place below the community)")
        }
        var found: Household?
        if let hid = input.householdID {
            guard let h = try await Household.find(hid, on: db), scope.contains(h.nodePath) else {
                throw APIError(.notFound, code: "unknown_household", "住户不存在或不在您的管辖范围 (unknown household)", field: "household")
            }
            guard h.nodePath.hasPrefix(node.path) else {
                throw APIError.invalid("household", "住户不在该位置下 (the household is not at this place)")
            }
            found = h
        }
        let household = found
        let installed = try input.installedOn.flatMap { $0.isEmpty ? nil : $0 }.map { try ShanghaiTime.parseDay($0, field: "installedOn") }
        let d = Device()
        d.serial = serial
        d.kind = kind.rawValue
        d.vendor = try Validate.text(input.vendor, field: "vendor", max: 60, required: false) ?? ""
        d.model = try Validate.text(input.model, field: "model", max: 60, required: false) ?? ""
        d.installedOn = installed
        d.nodeID = household?.nodeID ?? node.id!
        d.nodePath = household?.nodePath ?? node.path
        d.householdID = household?.id
        d.active = true
        d.createdAt = now
        return (d, household?.address ?? node.name)
    }

    /// Issues a gateway key; returns the row and the key text, which is never stored.
    func createKey(name raw: String?) async throws -> (DeviceKey, key: String) {
        let name = try Validate.text(raw, field: "name", max: 60)!
        let key = "dk_" + Tokens.random()
        let row = DeviceKey()
        row.name = name
        row.keyHash = AccountService.sha256(key)
        row.active = true
        row.createdAt = now
        let src = source, at = now
        try await db.writeTransaction { tx in
            try await row.create(on: tx)
            try await AuditLog.record(on: tx, by: src, at: at, action: "create", entity: "device_key", entityID: row.id, nodePath: "",
                                      summary: "签发设备网关密钥「\(name)」")
        }
        return (row, key)
    }

    /// Revokes a key: readings with it are refused from now on; its devices stay claimed by it. Returns its name.
    func revokeKey(_ id: UUID) async throws -> String {
        guard let row = try await DeviceKey.find(id, on: db) else { throw APIError.notFound }
        guard row.active else { return row.name }
        let src = source, at = now
        try await db.writeTransaction { tx in
            row.active = false
            try await row.save(on: tx)
            try await AuditLog.record(on: tx, by: src, at: at, action: "revoke", entity: "device_key", entityID: row.id, nodePath: "",
                                      summary: "吊销设备网关密钥「\(row.name)」")
        }
        return row.name
    }

    /// The active key with this text, if any.
    static func verify(_ key: String?, on db: any Database) async throws -> DeviceKey? {
        guard let key = key?.trimmingCharacters(in: .whitespaces), !key.isEmpty, key.count <= 200 else { return nil }
        return try await DeviceKey.query(on: db).filter(\.$keyHash == AccountService.sha256(key)).filter(\.$active == true).first()
    }
}
