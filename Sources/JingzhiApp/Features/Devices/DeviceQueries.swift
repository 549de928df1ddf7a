import Fluent
import Foundation
import JingzhiCore
import Vapor

struct DeviceDTO: Content {
    let id: UUID
    let serial: String
    let kind: String
    let kindLabel: String
    let vendor: String
    let model: String
    let installedOn: String?
    let nodeId: UUID
    let place: String
    let householdId: UUID?
    let online: Bool
    let lastSeenAt: Date?
    let battery: Double?
    let activeAlarms: Int
    var alarms: [DeviceAlarmDTO]?
}

struct DeviceAlarmDTO: Content {
    let id: UUID
    let deviceId: UUID
    let deviceSerial: String
    let rule: String
    let ruleType: String
    let state: String
    let stateLabel: String
    let summary: String
    let raisedAt: Date
    let lastAt: Date
    let lastValue: Double?
    let repeats: Int
    let clearedAt: Date?
    let caseId: UUID?
    let version: Int
}

/// Reading the registry: pages of devices with their health, one device with its alarms.
struct DeviceQueries {
    let db: any Database
    let now: Date

    /// A device is offline when it said nothing for 24 hours (the default silence rule's hours).
    static let offlineHours: Double = 24

    struct Filter: Sendable {
        var kind: String?
        var node: String?
        /// online, offline or alarm.
        var status: String?
        var q: String?

        init(kind: String? = nil, node: String? = nil, status: String? = nil, q: String? = nil) {
            self.kind = kind
            self.node = node
            self.status = status
            self.q = q
        }

        init(_ req: Request) throws {
            kind = try req.query.get(String?.self, at: "kind").flatMap { $0.isEmpty ? nil : $0 }
            node = try req.query.get(String?.self, at: "node").flatMap { $0.isEmpty ? nil : $0 }
            status = try req.query.get(String?.self, at: "status").flatMap { $0.isEmpty ? nil : $0 }
            q = try req.query.get(String?.self, at: "q").flatMap { $0.isEmpty ? nil : String($0.prefix(64)) }
            if let k = kind, DeviceKind(rawValue: k) == nil { throw APIError.invalid("kind", "未知设备类型 \(k) (unknown kind)") }
            if let s = status, !["online", "offline", "alarm"].contains(s) {
                throw APIError.invalid("status", "状态须为 online、offline 或 alarm (status: online, offline or alarm)")
            }
        }
    }

    func page(_ f: Filter, scope: DataScope, page: PageRequest, lang: Lang) async throws -> Paged<DeviceDTO> {
        var q = Device.query(on: db).within(scope)
        if let node = f.node {
            let n = try await OrgService(db: db, now: now).node(node, within: scope, field: "node")
            q = q.filter(\.$nodePath >= n.path).filter(\.$nodePath < n.path + "~")
        }
        if let k = f.kind { q = q.filter(\.$kind == k) }
        if let s = f.q { q = q.filter(\.$serial, .custom("LIKE"), s.replacingOccurrences(of: "%", with: "") + "%") }
        let cutoff = now.addingTimeInterval(-Self.offlineHours * 3600)
        switch f.status {
        case "online":
            q = q.join(DeviceStatus.self, on: \Device.$id == \DeviceStatus.$deviceID).filter(DeviceStatus.self, \.$lastSeenAt >= cutoff)
        case "offline":
            q = q.join(DeviceStatus.self, on: \Device.$id == \DeviceStatus.$deviceID, method: .left).group(.or) {
                $0.filter(DeviceStatus.self, \.$lastSeenAt < cutoff).filter(.sql(unsafeRaw: "\"device_status\".\"last_seen_at\" IS NULL"))
            }
        case "alarm":
            q = q.join(DeviceAlarm.self, on: \Device.$id == \DeviceAlarm.$deviceID).filter(DeviceAlarm.self, \.$activeKey != nil).unique()
        default: break
        }
        let total = try await q.count()
        let rows = try await q.sort(\.$serial).range(page.range).all()
        return Paged(items: try await dtos(rows, lang: lang), total: total, page: page.page, per: page.per)
    }

    /// A page of devices with their health, places and active alarms, in four queries whatever the page's size.
    func dtos(_ devices: [Device], lang: Lang) async throws -> [DeviceDTO] {
        guard !devices.isEmpty else { return [] }
        let ids = devices.compactMap(\.id)
        let statuses = Dictionary(try await DeviceStatus.query(on: db).filter(\.$deviceID ~~ ids).all().map { ($0.deviceID, $0) }) { a, _ in a }
        let homes = Dictionary(try await Household.query(on: db).filter(\.$id ~~ devices.compactMap(\.householdID)).all().map { ($0.id!, $0.address) }) { a, _ in a }
        let nodes = Dictionary(try await OrgNode.query(on: db).filter(\.$id ~~ devices.map(\.nodeID)).all().map { ($0.id!, $0.name) }) { a, _ in a }
        var active: [UUID: Int] = [:]
        for a in try await DeviceAlarm.query(on: db).filter(\.$deviceID ~~ ids).filter(\.$activeKey != nil).all() { active[a.deviceID, default: 0] += 1 }
        let cutoff = now.addingTimeInterval(-Self.offlineHours * 3600)
        return devices.map { d in
            let status = statuses[d.id!]
            return DeviceDTO(id: d.id!, serial: d.serial, kind: d.kind, kindLabel: d.deviceKind.map { lang.t($0.zh, $0.en) } ?? d.kind, vendor: d.vendor,
                             model: d.model, installedOn: d.installedOn, nodeId: d.nodeID,
                             place: d.householdID.flatMap { homes[$0] } ?? nodes[d.nodeID] ?? "", householdId: d.householdID,
                             online: (status?.lastSeenAt).map { $0 >= cutoff } ?? false, lastSeenAt: status?.lastSeenAt, battery: status?.battery,
                             activeAlarms: active[d.id!] ?? 0)
        }
    }

    /// One device; with its last 50 alarms for its own page.
    func dto(_ d: Device, lang: Lang, withAlarms: Bool = false) async throws -> DeviceDTO {
        var out = try await dtos([d], lang: lang)[0]
        if withAlarms {
            let alarms = try await DeviceAlarm.query(on: db).filter(\.$deviceID == d.id!).sort(\.$raisedAt, .descending).limit(50).all()
            let rules = try await DeviceRule.query(on: db).filter(\.$id ~~ Set(alarms.map(\.ruleID))).all()
            out.alarms = alarms.map { a in Self.alarm(a, serial: d.serial, rule: rules.first { $0.id == a.ruleID }, lang: lang) }
        }
        return out
    }

    static func alarm(_ a: DeviceAlarm, serial: String, rule: DeviceRule?, lang: Lang) -> DeviceAlarmDTO {
        let state = AlarmState(rawValue: a.state) ?? .cleared
        return DeviceAlarmDTO(id: a.id!, deviceId: a.deviceID, deviceSerial: serial, rule: rule?.name ?? "", ruleType: a.ruleType, state: a.state,
                              stateLabel: state.label(lang), summary: a.summary, raisedAt: a.raisedAt, lastAt: a.lastAt, lastValue: a.lastValue,
                              repeats: a.repeats, clearedAt: a.clearedAt, caseId: a.caseID, version: a.version)
    }
}
