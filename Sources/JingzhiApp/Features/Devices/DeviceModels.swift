import Fluent
import Foundation
import JingzhiCore

/// The kinds of smart device the registry knows, named in both languages.
enum DeviceKind: String, CaseIterable, Codable, Sendable {
    case waterMeter = "water_meter"
    case electricityMeter = "electricity_meter"
    case smokeSensor = "smoke_sensor"
    case gasSensor = "gas_sensor"
    case doorSensor = "door_sensor"
    case accessGate = "access_gate"
    case ebikeBlocker = "ebike_blocker"
    case chargingPile = "charging_pile"
    case smartBin = "smart_bin"
    case waterVending = "water_vending"

    var zh: String {
        switch self {
        case .waterMeter: "智慧水表"
        case .electricityMeter: "智能电表"
        case .smokeSensor: "烟感报警器"
        case .gasSensor: "燃气报警器"
        case .doorSensor: "门磁"
        case .accessGate: "门禁"
        case .ebikeBlocker: "电梯电动车阻车系统"
        case .chargingPile: "智能充电桩"
        case .smartBin: "智能垃圾桶"
        case .waterVending: "无人售水机"
        }
    }

    var en: String {
        switch self {
        case .waterMeter: "Water meter"
        case .electricityMeter: "Electricity meter"
        case .smokeSensor: "Smoke sensor"
        case .gasSensor: "Gas sensor"
        case .doorSensor: "Door sensor"
        case .accessGate: "Access gate"
        case .ebikeBlocker: "Elevator e-bike blocker"
        case .chargingPile: "Charging pile"
        case .smartBin: "Smart bin"
        case .waterVending: "Water vending machine"
        }
    }

    /// Meters and home sensors belong to a household.
    var inHome: Bool { [.waterMeter, .electricityMeter, .smokeSensor, .gasSensor, .doorSensor].contains(self) }
}

/// A registered device on a node of the tree (a compound, building or unit), and for home devices its household.
final class Device: Model, PathScoped, @unchecked Sendable {
    static let schema = "devices"
    static var pathKey: KeyPath<Device, FieldProperty<Device, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "serial") var serial: String
    @Field(key: "kind") var kind: String
    @Field(key: "vendor") var vendor: String
    @Field(key: "model") var model: String
    /// `yyyy-MM-dd`, when known.
    @OptionalField(key: "installed_on") var installedOn: String?
    @Field(key: "node_id") var nodeID: UUID
    @Field(key: "node_path") var nodePath: String
    @OptionalField(key: "household_id") var householdID: UUID?
    /// The gateway key that writes its readings; set at registration or by the first key that reports it.
    @OptionalField(key: "key_id") var keyID: UUID?
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var deviceKind: DeviceKind? { DeviceKind(rawValue: kind) }
}

/// A vendor gateway's key (`X-Device-Key`); only its SHA-256 is stored, the key is shown once.
final class DeviceKey: Model, @unchecked Sendable {
    static let schema = "device_keys"

    @ID(key: .id) var id: UUID?
    /// The vendor or gateway it was issued to; devices of this vendor are its own.
    @Field(key: "name") var name: String
    @Field(key: "key_hash") var keyHash: String
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// What a device last said about one metric, kept as readings arrive so rules never rescan history.
final class DeviceMetricState: Model, @unchecked Sendable {
    static let schema = "device_metric_states"

    @ID(key: .id) var id: UUID?
    @Field(key: "device_id") var deviceID: UUID
    @Field(key: "metric") var metric: String
    @Field(key: "last_ts") var lastTs: Date
    @Field(key: "last_value") var lastValue: Double
    /// The last time the metric showed use: a cumulative meter went up, an event metric was above zero.
    @Field(key: "last_active_at") var lastActiveAt: Date

    init() {}
}

/// A device's health: when it last reported, its battery.
final class DeviceStatus: Model, @unchecked Sendable {
    static let schema = "device_status"

    @ID(key: .id) var id: UUID?
    @Field(key: "device_id") var deviceID: UUID
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @OptionalField(key: "battery") var battery: Double?

    init() {}
}

/// A rule that raises alarms: for a kind of device, everywhere or in one subtree (a community overrides the county).
final class DeviceRule: Model, PathScoped, @unchecked Sendable {
    static let schema = "device_rules"
    static var pathKey: KeyPath<DeviceRule, FieldProperty<DeviceRule, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    /// threshold, inactivity or silence.
    @Field(key: "type") var type: String
    /// A device kind, or `*` for every kind (silence).
    @Field(key: "kind") var kind: String
    @Field(key: "metric") var metric: String
    /// threshold: gt, ge, lt, le or eq against `value`.
    @Field(key: "op") var op: String
    @Field(key: "value") var value: Double
    /// inactivity and silence: hours without use or without a word.
    @Field(key: "hours") var hours: Double
    /// inactivity: a welfare check only where a resident of the household has one of these tags (comma separated).
    @Field(key: "tags") var tags: String
    /// inactivity: no case is raised between these minutes of the day (Asia/Shanghai); equal means none.
    @Field(key: "quiet_from") var quietFrom: Int
    @Field(key: "quiet_to") var quietTo: Int
    /// The case category its alarms raise.
    @Field(key: "category_code") var categoryCode: String
    @Field(key: "name") var name: String
    /// "" for the whole tree; a community's path for its own rule.
    @Field(key: "node_path") var nodePath: String
    @Field(key: "active") var active: Bool
    @Field(key: "version") var version: Int
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var tagList: [String] { tags.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
}

/// An alarm: at most one active per (device, rule); repeats count on it, and it clears when the condition ends.
final class DeviceAlarm: Model, PathScoped, LifecycleRecord, @unchecked Sendable {
    static let schema = "device_alarms"
    static var pathKey: KeyPath<DeviceAlarm, FieldProperty<DeviceAlarm, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "device_id") var deviceID: UUID
    @Field(key: "rule_id") var ruleID: UUID
    @Field(key: "rule_type") var ruleType: String
    /// `<device>:<rule>` while active, nil once cleared: a unique column, so two servers cannot raise it twice.
    @OptionalField(key: "active_key") var activeKey: String?
    @Field(key: "state") var state: String
    @Field(key: "raised_at") var raisedAt: Date
    @Field(key: "last_at") var lastAt: Date
    @OptionalField(key: "last_value") var lastValue: Double?
    @Field(key: "repeats") var repeats: Int
    @OptionalField(key: "cleared_at") var clearedAt: Date?
    @OptionalField(key: "case_id") var caseID: UUID?
    @Field(key: "summary") var summary: String
    @Field(key: "node_path") var nodePath: String
    @Field(key: "version") var version: Int

    init() {}

    var lifecycleState: String {
        get { state }
        set { state = newValue }
    }
}
