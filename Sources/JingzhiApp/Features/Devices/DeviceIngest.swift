import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// Stores a gateway's batch in one transaction and evaluates the rules on what it says. A batch costs a fixed number
/// of statements whatever its size: its devices with their streams (one read), the readings (one insert), the
/// streams' states and the devices' status (one upsert each), and rule work only where a rule holds or an alarm is
/// active.
struct DeviceIngest {
    let db: any Database
    let now: Date

    func ingest(_ items: [ReadingInput], key: DeviceKey) async throws -> IngestResult {
        var rejected: [IngestResult.Rejection] = []
        var checked: [CheckedReading] = []
        checked.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            switch ReadingCheck.check(item, index: i, now: now) {
            case .success(let r): checked.append(r)
            case .failure(let no): rejected.append(no)
            }
        }
        guard !checked.isEmpty else { return IngestResult(accepted: 0, duplicates: 0, rejected: rejected) }
        let now = now, keyID = key.id!, keyName = key.name, batch = checked
        let stored = try await db.writeTransaction { tx in
            // Random-key indexes on three tables: the default 2 MB SQLite cache thrashes on a large batch.
            try await tx.withSQLitePageCache(kibibytes: 65_536) {
                try await Self.store(batch, keyID: keyID, keyName: keyName, now: now, on: tx)
            }
        }
        rejected += stored.rejected
        rejected.sort { $0.index < $1.index }
        return IngestResult(accepted: stored.accepted, duplicates: stored.duplicates, rejected: rejected)
    }

    /// One (device, metric) stream's new state after a batch, and whether its latest reading is new.
    struct StreamChange: Sendable {
        let device: IngestDevice
        let metric: String
        var state: StreamState
        let before: StreamState?
        /// The batch brought a reading later than any stored: threshold rules look at it.
        var newLatest: Bool
    }

    /// A reading whose device is known and allowed, ready for the insert.
    private struct Kept {
        let reading: CheckedReading
        let device: IngestDevice
        var key: StreamKey { StreamKey(device: device.id, metric: reading.metric) }
    }

    private struct Same: Hashable {
        let stream: StreamKey
        let ts: Date
    }

    /// Inside the transaction: reads the devices and their streams, refuses what they forbid, stores the rest.
    private static func store(_ checked: [CheckedReading], keyID: UUID, keyName: String, now: Date,
                              on tx: any Database) async throws -> (accepted: Int, duplicates: Int, rejected: [IngestResult.Rejection]) {
        let (devices, states) = try await DeviceRows.batch(serials: Array(Set(checked.map(\.serial))), on: tx)
        var rejected: [IngestResult.Rejection] = []
        var claims: Set<UUID> = []
        var kept: [Kept] = []
        kept.reserveCapacity(checked.count)
        var seen: Set<Same> = []
        var duplicates = 0
        for r in checked {
            guard let d = devices[r.serial] else {
                rejected.append(.init(index: r.index, reason: "未知设备 \(r.serial) (unknown device)")); continue
            }
            guard d.active else { rejected.append(.init(index: r.index, reason: "设备已停用 (device retired)")); continue }
            if d.keyID != keyID {
                guard d.keyID == nil, d.vendor.isEmpty || d.vendor == keyName else {
                    rejected.append(.init(index: r.index, reason: "设备不属于此网关 (device belongs to another gateway)")); continue
                }
                claims.insert(d.id)
            }
            // The same reading twice in one batch is stored once.
            guard seen.insert(Same(stream: StreamKey(device: d.id, metric: r.metric), ts: r.ts)).inserted else { duplicates += 1; continue }
            kept.append(Kept(reading: r, device: d))
        }
        guard !kept.isEmpty else { return (0, duplicates, rejected) }
        kept.sort { $0.reading.ts < $1.reading.ts }
        // A cumulative reading placed before its stream's last compares with the stored reading just before it.
        let late = kept.indices.filter { i in
            let k = kept[i]
            guard DeviceMetric.cumulative(k.reading.metric), let s = states[k.key] else { return false }
            return k.reading.ts <= s.lastTs
        }
        let previous = try await DeviceRows.previous(late.map { (kept[$0].device.id, kept[$0].reading.metric, kept[$0].reading.ts) }, on: tx)
        var before: [Int: Double?] = [:]
        for (i, p) in zip(late, previous) { before[i] = p }
        // Walk each stream in time order, flagging a meter that runs backwards and noting the last use.
        var streams: [StreamKey: StreamChange] = [:]
        var backwards: [Bool] = []
        backwards.reserveCapacity(kept.count)
        for (i, k) in kept.enumerated() {
            let r = k.reading, slot = k.key
            let cumulative = DeviceMetric.cumulative(r.metric)
            let known = streams[slot]
            var change = known ?? StreamChange(device: k.device, metric: r.metric, state: states[slot] ?? StreamState(lastTs: r.ts, lastValue: r.value, lastActiveAt: r.ts),
                                               before: states[slot], newLatest: false)
            var back = false
            if change.before == nil && known == nil {
                // The first reading ever starts the stream; its use is unknown, so the clock starts here.
                change.newLatest = true
            } else if r.ts > change.state.lastTs {
                let delta = r.value - change.state.lastValue
                back = cumulative && delta < 0
                let used = cumulative ? delta > 0 : r.value > 0
                change.state = StreamState(lastTs: r.ts, lastValue: r.value, lastActiveAt: used ? r.ts : change.state.lastActiveAt)
                change.newLatest = true
            } else {
                // Out of order: placed in time; it may still show a use later than the last one known.
                var used = r.value > 0
                if cumulative {
                    let prev = before[i] ?? nil
                    back = prev.map { r.value < $0 } ?? false
                    used = prev.map { r.value > $0 } ?? false
                }
                if used && r.ts > change.state.lastActiveAt { change.state.lastActiveAt = r.ts }
            }
            streams[slot] = change
            backwards.append(back)
        }
        let accepted = try await insert(kept, backwards: backwards, now: now, on: tx)
        let changes = Array(streams.values)
        try await DeviceState.save(changes, on: tx)
        try await DeviceState.seen(kept.map { ($0.device.id, $0.reading) }, on: tx)
        if !claims.isEmpty {
            try await tx.sql.update(Device.schema).set("key_id", to: SQLBind(keyID))
                .where("id", .in, SQLBind.group(Array(claims))).where("key_id", .is, SQLLiteral.null).run()
        }
        try await DeviceRuleRunner(db: tx, now: now).onReadings(changes)
        return (accepted, duplicates + kept.count - accepted, rejected)
    }

    /// One INSERT … ON CONFLICT DO NOTHING per 5,000 readings; answers how many were new. PostgreSQL takes the
    /// columns as six arrays (`unnest`) and counts the new rows in the same statement; SQLite takes a multi-row
    /// VALUES and is asked `changes()`.
    private static func insert(_ kept: [Kept], backwards: [Bool], now: Date, on tx: any Database) async throws -> Int {
        var accepted = 0
        for (chunk, flags) in zip(kept.chunked(5000), backwards.chunked(5000)) {
            if tx.isPostgres {
                let row = try await tx.sql.raw("""
                    WITH ins AS (INSERT INTO \(ident: DeviceReadings.raw) (device_id, metric, ts, value, backwards, received_at)
                      SELECT u.d, u.m, u.t, u.v, u.b, \(bind: now)
                      FROM unnest(\(bind: chunk.map(\.device.id))::uuid[], \(bind: chunk.map(\.reading.metric))::text[],
                                  \(bind: chunk.map(\.reading.ts))::timestamptz[], \(bind: chunk.map(\.reading.value))::float8[],
                                  \(bind: flags)::bool[]) AS u(d, m, t, v, b)
                      ON CONFLICT (device_id, metric, ts) DO NOTHING RETURNING 1)
                    SELECT count(*) AS n FROM ins
                    """).first()
                accepted += try row?.decode(column: "n", as: Int.self) ?? 0
                continue
            }
            let received = SQLBind(now)
            var insert = tx.sql.insert(into: DeviceReadings.raw).columns("device_id", "metric", "ts", "value", "backwards", "received_at")
            for (k, back) in zip(chunk, flags) {
                insert = insert.values(SQLBind(k.device.id), SQLBind(k.reading.metric), SQLBind(k.reading.ts), SQLBind(k.reading.value), SQLBind(back), received)
            }
            try await insert.ignoringConflicts(with: ["device_id", "metric", "ts"]).run()
            accepted += try await tx.sql.raw("SELECT changes() AS n").first()?.decode(column: "n", as: Int.self) ?? 0
        }
        return accepted
    }
}
