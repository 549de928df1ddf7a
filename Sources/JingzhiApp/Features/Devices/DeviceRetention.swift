import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// Keeps raw readings for `rawDays`, then folds them into hourly rows (count, min, max, sum, last) and deletes them,
/// so a city's meters do not grow the database without bound. One transaction per hour folded.
struct DeviceRetention {
    let db: any Database
    let now: Date
    struct Bucket {
        var n = 0
        var min = Double.infinity
        var max = -Double.infinity
        var sum = 0.0
        var last = 0.0
        var lastTs = Date.distantPast
    }

    /// Readings folded this call: the oldest hour before the cutoff, whole (or up to the cutoff), `hours` times.
    func run(rawDays: Int, hours: Int = 3) async throws -> Int {
        let cutoff = now.addingTimeInterval(-Double(rawDays) * 86_400)
        var folded = 0
        for _ in 0..<hours {
            let n = try await foldOldestHour(before: cutoff)
            if n == 0 { break }
            folded += n
        }
        return folded
    }

    private func foldOldestHour(before cutoff: Date) async throws -> Int {
        try await db.writeTransaction { tx in
            guard let oldest = try await tx.sql.select().column("ts").from(DeviceReadings.raw).where("ts", .lessThan, SQLBind(cutoff))
                .orderBy("ts").limit(1).first()?.decode(column: "ts", as: Date.self) else { return 0 }
            let from = Date(timeIntervalSince1970: (oldest.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
            let to = Swift.min(from.addingTimeInterval(3600), cutoff)
            let rows = try await tx.sql.select().columns("device_id", "metric", "ts", "value").from(DeviceReadings.raw)
                .where("ts", .greaterThanOrEqual, SQLBind(from)).where("ts", .lessThan, SQLBind(to)).all()
            var buckets: [String: (UUID, String, Date, Bucket)] = [:]
            for row in rows {
                let id = try row.decode(column: "device_id", as: UUID.self), metric = try row.decode(column: "metric", as: String.self)
                let ts = try row.decode(column: "ts", as: Date.self), v = try row.decode(column: "value", as: Double.self)
                let hour = Date(timeIntervalSince1970: (ts.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
                let slot = "\(id)|\(metric)|\(hour.timeIntervalSince1970)"
                var b = buckets[slot]?.3 ?? Bucket()
                b.n += 1; b.min = Swift.min(b.min, v); b.max = Swift.max(b.max, v); b.sum += v
                if ts >= b.lastTs { b.last = v; b.lastTs = ts }
                buckets[slot] = (id, metric, hour, b)
            }
            let t = DeviceReadings.hourly
            for part in Array(buckets.values).chunked(500) {
                var insert = tx.sql.insert(into: t).columns("device_id", "metric", "hour", "n", "min_value", "max_value", "sum_value", "last_value")
                for (id, metric, hour, b) in part {
                    insert = insert.values(SQLBind(id), SQLBind(metric), SQLBind(hour), SQLBind(b.n), SQLBind(b.min), SQLBind(b.max), SQLBind(b.sum), SQLBind(b.last))
                }
                // An hour folded in two calls adds up; its last value is the later call's (readings are taken in time order).
                try await insert.onConflict(with: ["device_id", "metric", "hour"]) {
                    $0.set("n", to: SQLRaw("\(t).n + excluded.n"))
                        .set("min_value", to: SQLRaw("CASE WHEN excluded.min_value < \(t).min_value THEN excluded.min_value ELSE \(t).min_value END"))
                        .set("max_value", to: SQLRaw("CASE WHEN excluded.max_value > \(t).max_value THEN excluded.max_value ELSE \(t).max_value END"))
                        .set("sum_value", to: SQLRaw("\(t).sum_value + excluded.sum_value"))
                        .set(excludedValueOf: "last_value")
                }.run()
            }
            try await tx.sql.delete(from: DeviceReadings.raw).where("ts", .greaterThanOrEqual, SQLBind(from)).where("ts", .lessThan, SQLBind(to)).run()
            return rows.count
        }
    }
}
