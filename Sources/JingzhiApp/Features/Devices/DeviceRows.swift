import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// A device as a batch needs it: plain values, no Fluent model (a thousand of them a batch).
struct IngestDevice: Sendable {
    let id: UUID
    let serial: String
    let kind: String
    let vendor: String
    let nodePath: String
    let keyID: UUID?
    let active: Bool
    /// It has an active alarm: only then are its alarms read.
    let alarmed: Bool
}

/// One (device, metric) stream.
struct StreamKey: Hashable, Sendable {
    let device: UUID
    let metric: String
}

/// What a stream last said.
struct StreamState: Sendable {
    var lastTs: Date
    var lastValue: Double
    var lastActiveAt: Date
}

/// The reads a batch makes, as plain columns and one statement each.
enum DeviceRows {
    /// The batch's devices with their streams' states and whether each has an active alarm, in one query.
    static func batch(serials: [String], on db: any Database) async throws -> (devices: [String: IngestDevice], states: [StreamKey: StreamState]) {
        var devices: [String: IngestDevice] = [:], states: [StreamKey: StreamState] = [:]
        devices.reserveCapacity(serials.count)
        states.reserveCapacity(serials.count)
        for chunk in serials.chunked(20_000) {
            let rows = try await db.sql.raw("""
                SELECT d.id AS id, d.serial AS serial, d.kind AS kind, d.vendor AS vendor, d.node_path AS node_path, d.key_id AS key_id,
                  d.active AS active, s.metric AS metric, s.last_ts AS last_ts, s.last_value AS last_value, s.last_active_at AS last_active_at,
                  CASE WHEN EXISTS (SELECT 1 FROM device_alarms a WHERE a.device_id = d.id AND a.active_key IS NOT NULL) THEN 1 ELSE 0 END AS alarmed
                FROM devices d LEFT JOIN device_metric_states s ON s.device_id = d.id
                WHERE d.serial IN (\(binds: chunk))
                """).all()
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self)
                if let metric = try row.decode(column: "metric", as: String?.self) {
                    states[StreamKey(device: id, metric: metric)] = StreamState(
                        lastTs: try row.decode(column: "last_ts", as: Date.self), lastValue: try row.decode(column: "last_value", as: Double.self),
                        lastActiveAt: try row.decode(column: "last_active_at", as: Date.self))
                }
                let serial = try row.decode(column: "serial", as: String.self)
                guard devices[serial] == nil else { continue }
                devices[serial] = IngestDevice(
                    id: id, serial: serial, kind: try row.decode(column: "kind", as: String.self), vendor: try row.decode(column: "vendor", as: String.self),
                    nodePath: try row.decode(column: "node_path", as: String.self), keyID: try row.decode(column: "key_id", as: UUID?.self),
                    active: try row.decode(column: "active", as: Bool.self), alarmed: try row.decode(column: "alarmed", as: Int.self) != 0)
            }
        }
        return (devices, states)
    }

    /// For each reading placed before its stream's last, the value of the stored reading just before it (nil when
    /// none): one statement of scalar subqueries per 500 readings instead of one query each.
    static func previous(_ items: [(device: UUID, metric: String, ts: Date)], on db: any Database) async throws -> [Double?] {
        var out: [Double?] = []
        out.reserveCapacity(items.count)
        for chunk in items.chunked(500) {
            var q = SQLQueryString("SELECT ")
            for (i, r) in chunk.enumerated() {
                if i > 0 { q.appendLiteral(", ") }
                q.appendInterpolation(unsafeRaw: "(SELECT value FROM \(DeviceReadings.raw) WHERE device_id = ")
                q.appendInterpolation(bind: r.device)
                q.appendLiteral(" AND metric = ")
                q.appendInterpolation(bind: r.metric)
                q.appendLiteral(" AND ts < ")
                q.appendInterpolation(bind: r.ts)
                q.appendInterpolation(unsafeRaw: " ORDER BY ts DESC LIMIT 1) AS p\(i)")
            }
            guard let row = try await db.sql.raw(q).first() else { throw APIError.notFound }
            for i in chunk.indices { out.append(try row.decode(column: "p\(i)", as: Double?.self)) }
        }
        return out
    }
}
