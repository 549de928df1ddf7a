import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// The three kinds of rule.
enum DeviceRuleType: String, CaseIterable, Sendable {
    /// A reading crosses a value (a full bin, a smoke alarm, a fault code).
    case threshold
    /// A metric shows no use for some hours at a household whose resident has a tag (a welfare check).
    case inactivity
    /// A device says nothing for some hours (maintenance).
    case silence

    var zh: String {
        switch self {
        case .threshold: "阈值"
        case .inactivity: "无活动"
        case .silence: "离线"
        }
    }
}

/// The rules a county starts with; a community changes them by adding its own (same type, kind and metric).
enum DeviceRuleDefaults {
    struct Entry: Sendable {
        let type: DeviceRuleType
        let kind: String
        let metric: String
        var op = "ge"
        var value: Double = 1
        var hours: Double = 0
        var tags = ""
        var quietFrom = 0
        var quietTo = 0
        let category: String
        let name: String

        func make() -> DeviceRule {
            let r = DeviceRule()
            r.type = type.rawValue
            r.kind = kind
            r.metric = metric
            r.op = op
            r.value = value
            r.hours = hours
            r.tags = tags
            r.quietFrom = quietFrom
            r.quietTo = quietTo
            r.categoryCode = category
            r.name = name
            r.nodePath = ""
            r.active = true
            r.version = 1
            return r
        }
    }

    static let elderly = "独居老人,空巢老人"

    static let all: [Entry] = [
        Entry(type: .threshold, kind: "smart_bin", metric: "fill_pct", op: "gt", value: 90, category: "huanjing", name: "垃圾桶满溢"),
        Entry(type: .threshold, kind: "smoke_sensor", metric: "smoke", category: "yangan", name: "烟感报警"),
        Entry(type: .threshold, kind: "gas_sensor", metric: "gas", category: "yangan", name: "燃气泄漏报警"),
        Entry(type: .threshold, kind: "charging_pile", metric: "fault_code", op: "gt", value: 0, category: "chongdian", name: "充电桩故障"),
        Entry(type: .threshold, kind: "ebike_blocker", metric: "ebike", category: "wuye", name: "电动车进电梯"),
        Entry(type: .threshold, kind: "water_vending", metric: "fault_code", op: "gt", value: 0, category: "sheshi", name: "售水机故障"),
        Entry(type: .inactivity, kind: "water_meter", metric: "water_total_l", hours: 24, tags: elderly, quietFrom: 22 * 60, quietTo: 7 * 60,
              category: "guanai", name: "独居老人 24 小时未用水"),
        Entry(type: .inactivity, kind: "door_sensor", metric: "door_open", hours: 24, tags: elderly, quietFrom: 22 * 60, quietTo: 7 * 60,
              category: "guanai", name: "独居老人 24 小时未开门"),
        Entry(type: .silence, kind: "*", metric: "*", hours: 24, category: "wuye", name: "设备离线"),
    ]
}

/// Which rules apply where: for each (type, kind, metric) the rule of the deepest subtree holding the device wins,
/// so a community's own rule replaces the county's there and nowhere else.
struct DeviceRuleBook: Sendable {
    let rules: [DeviceRule]

    static func load(on db: any Database) async throws -> DeviceRuleBook {
        DeviceRuleBook(rules: try await DeviceRule.query(on: db).sort(\.$nodePath).all())
    }

    /// The rules in force for a device of `kind` at `path`, of `type`; inactive overrides switch a rule off there.
    func rules(_ type: DeviceRuleType, kind: String, at path: String) -> [DeviceRule] {
        var chosen: [String: DeviceRule] = [:]
        for r in rules where r.type == type.rawValue && (r.kind == kind || r.kind == "*") && path.hasPrefix(r.nodePath) {
            let slot = r.kind + "|" + r.metric
            if let have = chosen[slot], have.nodePath.count > r.nodePath.count { continue }
            chosen[slot] = r
        }
        return chosen.values.filter { $0.active }.sorted { $0.name < $1.name }
    }

    /// The areas under `rule` where a deeper rule of its type, kind and metric replaces it, as an SQL condition that
    /// keeps `column` out of them ("1 = 1" when there are none): the sweeper's candidates are then all the rule's own.
    func outsideOverrides(of rule: DeviceRule, column: String) -> SQLQueryString {
        let deeper = rules.filter { $0.id != rule.id && $0.type == rule.type && $0.kind == rule.kind && $0.metric == rule.metric
            && $0.nodePath.count > rule.nodePath.count && $0.nodePath.hasPrefix(rule.nodePath) }
        guard !deeper.isEmpty else { return "1 = 1" }
        return deeper.map { "NOT (" + DataScope.subtree($0.nodePath, column: column) + ")" as SQLQueryString }.joined(separator: " AND ")
    }

    /// Whether a threshold rule holds for a value.
    static func holds(_ r: DeviceRule, _ v: Double) -> Bool {
        switch r.op {
        case "gt": v > r.value
        case "ge": v >= r.value
        case "lt": v < r.value
        case "le": v <= r.value
        default: v == r.value
        }
    }

    /// Whether `now` falls in the rule's quiet hours (Asia/Shanghai), when no welfare case is raised.
    static func quiet(_ r: DeviceRule, now: Date) -> Bool {
        guard r.quietFrom != r.quietTo else { return false }
        let minute = Int(now.timeIntervalSince1970 + 8 * 3600) % 86_400 / 60
        return r.quietFrom < r.quietTo ? (r.quietFrom..<r.quietTo).contains(minute) : minute >= r.quietFrom || minute < r.quietTo
    }
}

/// Metrics that count up (a meter's total): use is an increase, a decrease is a meter running backwards.
enum DeviceMetric {
    static func cumulative(_ metric: String) -> Bool { metric.hasSuffix("_total") || metric.contains("_total_") }

    /// Lower-case letters, digits and underscores, 1–40 characters.
    static func valid(_ metric: String) -> Bool {
        (1...40).contains(metric.count) && metric.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
