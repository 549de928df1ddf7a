import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Vapor

extension DevicesFeature: BenchContributor {
    static let benchParts = [
        BenchPart(name: "devices", help: "readings ingested per second and the sweeper over 100,000 meters; on the seeded data set",
                  run: .onDataSet { app, o in try await DeviceBench.lines(app, repeats: o.repeats, log: o.log) }),
    ]
}

/// Reading ingestion with the rules evaluated, against a bare multi-row INSERT of the same readings into a table of
/// the same shape (the database's own limit) and a primary-key read, all in the same run; and the sweeper's time
/// over a city's 100,000 meters.
enum DeviceBench {
    static let meters = 100_000
    static let vendor = "bench"

    static func lines(_ app: Application, repeats: Int, log: @escaping @Sendable (String) -> Void) async throws -> [String] {
        let db = app.db
        let now = Date()
        guard let resident = try await Resident.query(on: db).first() else { return ["devices: needs a seeded data set"] }
        try await prepare(db, now: now, log: log)
        let key = try await requireKey(db)
        let devices = try await Device.query(on: db).filter(\.$vendor == vendor).sort(\.$serial).limit(10_000).all()
        let pk = try await Bench.measure(repeats) { _ = try await Resident.find(resident.id, on: db) }
        let readsPerSecond = 1000 / pk.0
        var out = ["device readings (water meters, one reading each per batch; rules evaluated): baseline \(Int(readsPerSecond)) primary-key reads/s",
                   "| batch size | readings | ingest/s | bare INSERT/s | ingest ÷ INSERT | ingest × pk-read rate |", "|---:|---:|---:|---:|---:|---:|"]
        try await db.sql.raw("DROP TABLE IF EXISTS bench_device_readings").run()
        try await db.schema("bench_device_readings").field("device_id", .uuid, .required).field("metric", .string, .required)
            .field("ts", .datetime, .required).field("value", .double, .required).field("backwards", .bool, .required)
            .field("received_at", .datetime, .required).unique(on: "device_id", "metric", "ts").create()
        var round = 0.0
        for (size, total) in [(1, 300), (100, 5000), (1000, 10_000)] {
            round += 1
            // Each round a little later than the last and than every meter's last reading: gateways send in order.
            let base = now.addingTimeInterval(-590 + round * 100)
            var ingestSeconds = 0.0, insertSeconds = 0.0
            for b in 0..<(total / size) {
                let ts = base.addingTimeInterval(Double(b) * 0.05)
                let batch = (0..<size).map { i -> ReadingInput in
                    let d = devices[(b * size + i) % devices.count]
                    return ReadingInput(device: d.serial, ts: ISOTime.format(ts), metric: "water_total_l", value: 1000 + round * 10 + Double(b))
                }
                var t0 = DispatchTime.now().uptimeNanoseconds
                _ = try await DeviceIngest(db: db, now: now).ingest(batch, key: key)
                ingestSeconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                let rows = batch.enumerated().map { i, r in (devices[(b * size + i) % devices.count].id!, ts, r.value!) }
                t0 = DispatchTime.now().uptimeNanoseconds
                try await db.writeTransaction { tx in
                    var insert = tx.sql.insert(into: "bench_device_readings").columns("device_id", "metric", "ts", "value", "backwards", "received_at")
                    for (id, t, v) in rows { insert = insert.values(SQLBind(id), SQLBind("water_total_l"), SQLBind(t), SQLBind(v), SQLBind(false), SQLBind(now)) }
                    try await insert.run()
                }
                insertSeconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            }
            let ingest = Double(total) / ingestSeconds, bare = Double(total) / insertSeconds
            out.append(String(format: "| %d | %d | %.0f | %.0f | %.2f | %.2f |", size, total, ingest, bare, ingest / bare, ingest / readsPerSecond))
            log("devices: batch \(size) done")
        }
        try await db.sql.raw("DROP TABLE bench_device_readings").run()
        // The sweeper over every meter: the first sweep raises what is due (with its cases), the next finds nothing.
        let t0 = DispatchTime.now().uptimeNanoseconds
        let first = try await DeviceSweeper(db: db, now: now).tick()
        let firstSeconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        let quiet = try await Bench.measure(max(3, repeats / 4)) { _ = try await DeviceSweeper(db: db, now: now).tick() }
        let all = try await Device.query(on: db).count()
        out += ["", String(format: "sweeper over %d devices (%d bench meters): first sweep %.2f s raising %d welfare and %d silence alarms with their cases; a sweep with nothing to raise %.0f ms median (%.0f ms p90), %.1f × a primary-key read",
                           all, meters, firstSeconds, first.welfare, first.silent, quiet.0, quiet.1, quiet.0 / pk.0)]
        // The command centre's map: every active device of the data set counted per node, offline and alarmed.
        var counted: [DevicesAtPath] = []
        let map = try await Bench.measure(max(3, repeats / 4)) { counted = try await DeviceCommandCentre.counts(under: "", on: db, now: now) }
        out.append(String(format: "command centre's device counts over the whole tree (%d places, %d devices, %d offline, %d with an active alarm): %.0f ms median (%.0f ms p90), %.1f × a primary-key read",
                          counted.count, counted.reduce(0) { $0 + $1.devices }, counted.reduce(0) { $0 + $1.offline }, counted.reduce(0) { $0 + $1.alarmed },
                          map.0, map.1, map.0 / pk.0))
        return out
    }

    /// The gateway key of the bench meters.
    static func requireKey(_ db: any Database) async throws -> DeviceKey {
        guard let k = try await DeviceKey.query(on: db).filter(\.$name == vendor).first() else { throw APIError.notFound }
        return k
    }

    /// 100,000 water meters over the data set's households (made once), reset each run: every one heard from and used
    /// just now, except up to 100 at households of elderly people quiet for 30 hours and 50 silent for 30 hours, all
    /// among the second half (which the ingestion rounds do not touch), and no alarm of an earlier run still active.
    static func prepare(_ db: any Database, now: Date, log: @escaping @Sendable (String) -> Void) async throws {
        let have = try await Device.query(on: db).filter(\.$vendor == vendor).count()
        let households = try await db.sql.select().columns("id", "node_id", "node_path").from(Household.schema).orderBy("node_path").limit(meters).all()
        guard !households.isEmpty else { return }
        if have < meters {
            log("registering \(meters) bench water meters…")
            if try await DeviceKey.query(on: db).filter(\.$name == vendor).count() == 0 {
                _ = try await DeviceRegistry(db: db, now: now, source: .cli("bench")).createKey(name: vendor)
            }
            for chunk in Array(0..<meters).chunked(400) {
                // (device, serial, household row, heard, last use), decided before the transaction.
                var rows: [(UUID, String, UUID, UUID, String, Date, Date)] = []
                for n in chunk {
                    let h = households[n % households.count]
                    let hid = try h.decode(column: "id", as: UUID.self)
                    let heard = now.addingTimeInterval(-600)
                    rows.append((UUID(), String(format: "BENCH-WM-%06d", n), hid, try h.decode(column: "node_id", as: UUID.self),
                                 try h.decode(column: "node_path", as: String.self), heard, heard))
                }
                let planned = rows
                try await db.writeTransaction { tx in
                    var d = tx.sql.insert(into: Device.schema).columns("id", "serial", "kind", "vendor", "model", "node_id", "node_path", "household_id", "active", "created_at")
                    var s = tx.sql.insert(into: DeviceMetricState.schema).columns("id", "device_id", "metric", "last_ts", "last_value", "last_active_at")
                    var st = tx.sql.insert(into: DeviceStatus.schema).columns("id", "device_id", "last_seen_at")
                    for (i, r) in planned.enumerated() {
                        d = d.values(SQLBind(r.0), SQLBind(r.1), SQLBind(DeviceKind.waterMeter.rawValue), SQLBind(vendor), SQLBind("bench"), SQLBind(r.3),
                                     SQLBind(r.4), SQLBind(r.2), SQLBind(true), SQLBind(now.addingTimeInterval(-40 * 86_400)))
                        s = s.values(SQLBind(UUID()), SQLBind(r.0), SQLBind("water_total_l"), SQLBind(r.5), SQLBind(Double(i % 977)), SQLBind(r.6))
                        st = st.values(SQLBind(UUID()), SQLBind(r.0), SQLBind(r.5))
                    }
                    try await d.run()
                    try await s.run()
                    try await st.run()
                }
            }
        }
        let bench = SQLRaw("(SELECT id FROM devices WHERE vendor = 'bench')")
        let recent = now.addingTimeInterval(-600), long = now.addingTimeInterval(-30 * 3600)
        try await db.writeTransaction { tx in
            try await tx.sql.update(DeviceAlarm.schema).set("active_key", to: SQLLiteral.null).set("state", to: SQLBind("cleared"))
                .where(SQLIdentifier("device_id"), .in, bench).run()
            try await tx.sql.update(DeviceMetricState.schema).set("last_ts", to: SQLBind(recent)).set("last_active_at", to: SQLBind(recent))
                .where(SQLIdentifier("device_id"), .in, bench).run()
            try await tx.sql.update(DeviceStatus.schema).set("last_seen_at", to: SQLBind(recent)).where(SQLIdentifier("device_id"), .in, bench).run()
            let half = SQLRaw("(SELECT id FROM devices WHERE vendor = 'bench' AND serial >= 'BENCH-WM-050000')")
            let quiet = try await tx.sql.raw("""
                SELECT d.id AS id FROM devices d WHERE d.vendor = 'bench' AND d.serial >= 'BENCH-WM-050000' AND EXISTS (
                  SELECT 1 FROM residents r JOIN resident_tags t ON t.resident_id = r.id
                  WHERE r.household_id = d.household_id AND t.tag IN ('独居老人', '空巢老人')) ORDER BY d.serial LIMIT 100
                """).all().map { try $0.decode(column: "id", as: UUID.self) }
            if !quiet.isEmpty {
                try await tx.sql.update(DeviceMetricState.schema).set("last_active_at", to: SQLBind(long)).where("device_id", .in, SQLBind.group(quiet)).run()
            }
            let silent = SQLRaw("(SELECT id FROM devices WHERE vendor = 'bench' AND serial >= 'BENCH-WM-050000' AND serial LIKE '%999')")
            try await tx.sql.update(DeviceStatus.schema).set("last_seen_at", to: SQLBind(long)).where(SQLIdentifier("device_id"), .in, silent).run()
        }
    }
}
