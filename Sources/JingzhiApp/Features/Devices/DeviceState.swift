import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// Each stream's last state and each device's last word, written in one statement per batch.
enum DeviceState {
    /// Later wins: two batches of one device racing on PostgreSQL cannot move a state back in time.
    private static func later(_ column: String, by time: String, table: String) -> SQLRaw {
        SQLRaw("CASE WHEN excluded.\(time) > \(table).\(time) THEN excluded.\(column) ELSE \(table).\(column) END")
    }

    static func save(_ streams: [DeviceIngest.StreamChange], on tx: any Database) async throws {
        let t = DeviceMetricState.schema
        if tx.isPostgres {
            // Six arrays instead of six binds a row.
            for chunk in streams.chunked(5000) {
                try await tx.sql.raw("""
                    INSERT INTO \(ident: t) (id, device_id, metric, last_ts, last_value, last_active_at)
                    SELECT * FROM unnest(\(bind: chunk.map { _ in UUID() })::uuid[], \(bind: chunk.map(\.device.id))::uuid[], \(bind: chunk.map(\.metric))::text[],
                                         \(bind: chunk.map(\.state.lastTs))::timestamptz[], \(bind: chunk.map(\.state.lastValue))::float8[],
                                         \(bind: chunk.map(\.state.lastActiveAt))::timestamptz[])
                    ON CONFLICT (device_id, metric) DO UPDATE SET last_value = \(later("last_value", by: "last_ts", table: t)),
                      last_active_at = \(later("last_active_at", by: "last_active_at", table: t)), last_ts = \(later("last_ts", by: "last_ts", table: t))
                    """).run()
            }
            return
        }
        for chunk in streams.chunked(5000) {
            var insert = tx.sql.insert(into: t).columns("id", "device_id", "metric", "last_ts", "last_value", "last_active_at")
            for s in chunk {
                insert = insert.values(SQLBind(UUID()), SQLBind(s.device.id), SQLBind(s.metric), SQLBind(s.state.lastTs),
                                       SQLBind(s.state.lastValue), SQLBind(s.state.lastActiveAt))
            }
            try await insert.onConflict(with: ["device_id", "metric"]) {
                $0.set("last_value", to: later("last_value", by: "last_ts", table: t))
                    .set("last_active_at", to: later("last_active_at", by: "last_active_at", table: t))
                    .set("last_ts", to: later("last_ts", by: "last_ts", table: t))
            }.run()
        }
    }

    /// Marks each device seen at its latest reading's time; a `battery_pct` reading sets its battery. `sorted` is in
    /// time order.
    static func seen(_ sorted: [(device: UUID, reading: CheckedReading)], on tx: any Database) async throws {
        var latest: [UUID: (Date, Double?)] = [:]
        for (id, r) in sorted {
            let battery = r.metric == "battery_pct" ? r.value : latest[id]?.1
            latest[id] = (max(r.ts, latest[id]?.0 ?? r.ts), battery)
        }
        let t = DeviceStatus.schema
        if tx.isPostgres {
            for chunk in Array(latest).chunked(5000) {
                try await tx.sql.raw("""
                    INSERT INTO \(ident: t) (id, device_id, last_seen_at, battery)
                    SELECT * FROM unnest(\(bind: chunk.map { _ in UUID() })::uuid[], \(bind: chunk.map { $0.key })::uuid[],
                                         \(bind: chunk.map { $0.value.0 })::timestamptz[], \(bind: chunk.map { $0.value.1 })::float8[])
                    ON CONFLICT (device_id) DO UPDATE SET battery = COALESCE(excluded.battery, \(ident: t).battery),
                      last_seen_at = \(later("last_seen_at", by: "last_seen_at", table: t))
                    """).run()
            }
            return
        }
        for chunk in Array(latest).chunked(5000) {
            var insert = tx.sql.insert(into: t).columns("id", "device_id", "last_seen_at", "battery")
            for (id, v) in chunk { insert = insert.values(SQLBind(UUID()), SQLBind(id), SQLBind(v.0), SQLBind(v.1)) }
            try await insert.onConflict(with: ["device_id"]) {
                $0.set("battery", to: SQLRaw("COALESCE(excluded.battery, \(t).battery)"))
                    .set("last_seen_at", to: later("last_seen_at", by: "last_seen_at", table: t))
            }.run()
        }
    }
}
