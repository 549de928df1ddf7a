import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// The two reads every batch makes, as plain columns: a thousand devices and their streams decode in a fraction of
/// what Fluent's models take.
enum DeviceRows {
    static func devices(serials: [String], on db: any Database) async throws -> [Device] {
        try await db.sql.select()
            .columns("id", "serial", "kind", "vendor", "model", "installed_on", "node_id", "node_path", "household_id", "key_id", "active", "created_at")
            .from(Device.schema).where("serial", .in, SQLBind.group(serials)).all().map { row in
                let d = Device()
                d.id = try row.decode(column: "id", as: UUID.self)
                d.serial = try row.decode(column: "serial", as: String.self)
                d.kind = try row.decode(column: "kind", as: String.self)
                d.vendor = try row.decode(column: "vendor", as: String.self)
                d.model = try row.decode(column: "model", as: String.self)
                d.installedOn = try row.decode(column: "installed_on", as: String?.self)
                d.nodeID = try row.decode(column: "node_id", as: UUID.self)
                d.nodePath = try row.decode(column: "node_path", as: String.self)
                d.householdID = try row.decode(column: "household_id", as: UUID?.self)
                d.keyID = try row.decode(column: "key_id", as: UUID?.self)
                d.active = try row.decode(column: "active", as: Bool.self)
                d.createdAt = try row.decode(column: "created_at", as: Date.self)
                d.$id.exists = true
                return d
            }
    }

    /// Each stream's last state, keyed `<device id>|<metric>`.
    static func states(of ids: [UUID], on db: any Database) async throws -> [String: (lastTs: Date, lastValue: Double, lastActiveAt: Date)] {
        var out: [String: (lastTs: Date, lastValue: Double, lastActiveAt: Date)] = [:]
        for row in try await db.sql.select().columns("device_id", "metric", "last_ts", "last_value", "last_active_at")
            .from(DeviceMetricState.schema).where("device_id", .in, SQLBind.group(ids)).all() {
            let key = "\(try row.decode(column: "device_id", as: UUID.self))|\(try row.decode(column: "metric", as: String.self))"
            out[key] = (try row.decode(column: "last_ts", as: Date.self), try row.decode(column: "last_value", as: Double.self),
                        try row.decode(column: "last_active_at", as: Date.self))
        }
        return out
    }
}
