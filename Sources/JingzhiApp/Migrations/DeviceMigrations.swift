import Fluent
import Foundation
import JingzhiCore
import SQLKit

// Smart devices (issue 19). M082–M086 are reserved for them.

struct M082CreateDevices: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(DeviceKey.schema)
            .id()
            .field("name", .string, .required)
            .field("key_hash", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "key_hash")
            .create()
        try await db.schema(Device.schema)
            .id()
            .field("serial", .string, .required)
            .field("kind", .string, .required)
            .field("vendor", .string, .required)
            .field("model", .string, .required)
            .field("installed_on", .string)
            .field("node_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("household_id", .uuid, .references(Household.schema, "id"))
            .field("key_id", .uuid, .references(DeviceKey.schema, "id"))
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "serial")
            .create()
        try await createIndex("devices_path", on: Device.schema, ["node_path", "kind"], db: db)
        try await createIndex("devices_kind", on: Device.schema, ["kind", "node_path"], db: db)
        try await db.schema(DeviceStatus.schema)
            .id()
            .field("device_id", .uuid, .required, .references(Device.schema, "id"))
            .field("last_seen_at", .datetime, .required)
            .field("battery", .double)
            .unique(on: "device_id")
            .create()
        try await createIndex("device_status_seen", on: DeviceStatus.schema, ["last_seen_at"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(DeviceStatus.schema).delete()
        try await db.schema(Device.schema).delete()
        try await db.schema(DeviceKey.schema).delete()
    }
}

struct M083CreateDeviceReadings: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // Raw readings: the unique triple makes a gateway's retry store nothing twice, and is the lookup index.
        try await db.schema(DeviceReadings.raw)
            .field("device_id", .uuid, .required)
            .field("metric", .string, .required)
            .field("ts", .datetime, .required)
            .field("value", .double, .required)
            .field("backwards", .bool, .required)
            .field("received_at", .datetime, .required)
            .unique(on: "device_id", "metric", "ts")
            .create()
        try await createIndex("device_readings_ts", on: DeviceReadings.raw, ["ts"], db: db)
        // What retention keeps of older readings: one row per device, metric and hour.
        try await db.schema(DeviceReadings.hourly)
            .field("device_id", .uuid, .required)
            .field("metric", .string, .required)
            .field("hour", .datetime, .required)
            .field("n", .int64, .required)
            .field("min_value", .double, .required)
            .field("max_value", .double, .required)
            .field("sum_value", .double, .required)
            .field("last_value", .double, .required)
            .unique(on: "device_id", "metric", "hour")
            .create()
        try await db.schema(DeviceMetricState.schema)
            .id()
            .field("device_id", .uuid, .required, .references(Device.schema, "id"))
            .field("metric", .string, .required)
            .field("last_ts", .datetime, .required)
            .field("last_value", .double, .required)
            .field("last_active_at", .datetime, .required)
            .unique(on: "device_id", "metric")
            .create()
        try await createIndex("device_metric_states_active", on: DeviceMetricState.schema, ["metric", "last_active_at"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(DeviceMetricState.schema).delete()
        try await db.schema(DeviceReadings.hourly).delete()
        try await db.schema(DeviceReadings.raw).delete()
    }
}

struct M084CreateDeviceRulesAndAlarms: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(DeviceRule.schema)
            .id()
            .field("type", .string, .required)
            .field("kind", .string, .required)
            .field("metric", .string, .required)
            .field("op", .string, .required)
            .field("value", .double, .required)
            .field("hours", .double, .required)
            .field("tags", .string, .required)
            .field("quiet_from", .int, .required)
            .field("quiet_to", .int, .required)
            .field("category_code", .string, .required)
            .field("name", .string, .required)
            .field("node_path", .path(on: db), .required)
            .field("active", .bool, .required)
            .field("version", .int, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await createIndex("device_rules_kind", on: DeviceRule.schema, ["kind", "type"], db: db)
        try await db.schema(DeviceAlarm.schema)
            .id()
            .field("device_id", .uuid, .required, .references(Device.schema, "id"))
            .field("rule_id", .uuid, .required, .references(DeviceRule.schema, "id"))
            .field("rule_type", .string, .required)
            .field("active_key", .string)
            .field("state", .string, .required)
            .field("raised_at", .datetime, .required)
            .field("last_at", .datetime, .required)
            .field("last_value", .double)
            .field("repeats", .int, .required)
            .field("cleared_at", .datetime)
            .field("case_id", .uuid)
            .field("summary", .string, .required)
            .field("node_path", .path(on: db), .required)
            .field("version", .int, .required)
            .unique(on: "active_key")
            .create()
        try await createIndex("device_alarms_device", on: DeviceAlarm.schema, ["device_id", "raised_at"], db: db)
        try await createIndex("device_alarms_path", on: DeviceAlarm.schema, ["node_path", "raised_at"], db: db)
        try await createIndex("device_alarms_case", on: DeviceAlarm.schema, ["case_id"], db: db)
        // The county's default rules; communities add their own over them.
        let now = Date()
        for r in DeviceRuleDefaults.all {
            let rule = r.make()
            rule.updatedAt = now
            try await rule.create(on: db)
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema(DeviceAlarm.schema).delete()
        try await db.schema(DeviceRule.schema).delete()
    }
}

/// Device status without its last-seen index: every reading batch moved one entry of it per device (a random page
/// each on SQLite), and no query reads through it selectively: the silence sweep and the offline filter start from
/// the devices (LEFT JOIN, "never seen or seen before"), the online filter keeps nearly every device. The inactivity
/// index on the streams' states stays: the welfare sweep scans it in order.
struct M137DropDeviceStatusSeenIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.sql.drop(index: "device_status_seen").run()
    }

    func revert(on db: any Database) async throws {
        try await createIndex("device_status_seen", on: DeviceStatus.schema, ["last_seen_at"], db: db)
    }
}
