import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Vapor

/// Tells the command centre's map where the devices are, which are offline and which have an active alarm.
enum DeviceCommandCentre {
    static func register(_ app: Application) {
        app.commandCentre.devices = { db, path, now in try await counts(under: path, on: db, now: now) }
        app.commandCentre.devicesLink = { grid, status in
            SiteURL.Devices.list(query: [("node", grid.uuidString)] + (status.isEmpty ? [] : [("status", status)])).path
        }
    }

    /// Active devices under `path`, counted per node path in one query.
    static func counts(under path: String, on db: any Database, now: Date) async throws -> [DevicesAtPath] {
        struct Row: Decodable { var path: String; var devices: Int; var offline: Int; var alarmed: Int }
        let cutoff = now.addingTimeInterval(-DeviceQueries.offlineHours * 3600)
        let rows = try await db.sql.raw("""
            SELECT d.node_path AS path, COUNT(*) AS devices,
              SUM(CASE WHEN s.last_seen_at IS NULL OR s.last_seen_at < \(bind: cutoff) THEN 1 ELSE 0 END) AS offline,
              SUM(CASE WHEN EXISTS (SELECT 1 FROM device_alarms a WHERE a.device_id = d.id AND a.active_key IS NOT NULL) THEN 1 ELSE 0 END) AS alarmed
            FROM devices d LEFT JOIN device_status s ON s.device_id = d.id
            WHERE d.active = \(bind: true) AND \(DataScope.subtree(path, column: "d.node_path"))
            GROUP BY d.node_path
            """).all(decoding: Row.self)
        return rows.map { DevicesAtPath(path: $0.path, devices: $0.devices, offline: $0.offline, alarmed: $0.alarmed) }
    }
}
