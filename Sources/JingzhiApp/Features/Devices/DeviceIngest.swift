import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// Stores a gateway's batch in one transaction and evaluates the rules on what it says.
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
        let serials = Array(Set(checked.map(\.serial)))
        var devices: [String: Device] = [:]
        for chunk in serials.chunked(500) {
            for d in try await DeviceRows.devices(serials: chunk, on: db) { devices[d.serial] = d }
        }
        var claims: Set<UUID> = []
        var kept: [CheckedReading] = []
        var seen: Set<String> = []
        var duplicates = 0
        for r in checked {
            guard let d = devices[r.serial] else {
                rejected.append(.init(index: r.index, reason: "未知设备 \(r.serial) (unknown device)")); continue
            }
            guard d.active else { rejected.append(.init(index: r.index, reason: "设备已停用 (device retired)")); continue }
            if d.keyID != key.id {
                guard d.keyID == nil, d.vendor.isEmpty || d.vendor == key.name else {
                    rejected.append(.init(index: r.index, reason: "设备不属于此网关 (device belongs to another gateway)")); continue
                }
                claims.insert(d.id!)
            }
            // The same reading twice in one batch is stored once.
            guard seen.insert("\(r.serial)|\(r.metric)|\(r.ts.timeIntervalSince1970)").inserted else { duplicates += 1; continue }
            kept.append(r)
        }
        rejected.sort { $0.index < $1.index }
        guard !kept.isEmpty else { return IngestResult(accepted: 0, duplicates: duplicates, rejected: rejected) }
        let now = now, keyID = key.id!, batch = kept, byserial = devices
        let claimed = claims
        let accepted = try await db.writeTransaction { tx in
            try await Self.store(batch, devices: byserial, claims: claimed, keyID: keyID, now: now, on: tx)
        }
        return IngestResult(accepted: accepted, duplicates: duplicates + kept.count - accepted, rejected: rejected)
    }

    /// One (device, metric) stream's new state after a batch, and whether its latest reading is new.
    struct StreamChange {
        let device: Device
        let metric: String
        var state: (lastTs: Date, lastValue: Double, lastActiveAt: Date)
        let before: (lastTs: Date, lastValue: Double, lastActiveAt: Date)?
        /// The batch brought a reading later than any stored: threshold rules look at it.
        var newLatest: Bool
    }

    private static func store(_ batch: [CheckedReading], devices: [String: Device], claims: Set<UUID>, keyID: UUID, now: Date,
                              on tx: any Database) async throws -> Int {
        let ids = Array(Set(batch.compactMap { devices[$0.serial]?.id }))
        var states: [String: (lastTs: Date, lastValue: Double, lastActiveAt: Date)] = [:]
        var alarms: [UUID: [DeviceAlarm]] = [:]
        for chunk in ids.chunked(500) {
            for (key, state) in try await DeviceRows.states(of: chunk, on: tx) { states[key] = state }
            for a in try await DeviceAlarm.query(on: tx).filter(\.$deviceID ~~ chunk).filter(\.$activeKey != nil).all() {
                alarms[a.deviceID, default: []].append(a)
            }
        }
        // Walk each stream in time order, flagging a meter that runs backwards and noting the last use.
        var streams: [String: StreamChange] = [:]
        var backwards: [Bool] = []
        let sorted = batch.sorted { $0.ts < $1.ts }
        for r in sorted {
            let d = devices[r.serial]!, slot = "\(d.id!)|\(r.metric)"
            let cumulative = DeviceMetric.cumulative(r.metric)
            var change = streams[slot] ?? {
                let s = states[slot]
                return StreamChange(device: d, metric: r.metric, state: s ?? (r.ts, r.value, r.ts), before: s, newLatest: false)
            }()
            var back = false
            if change.before == nil && change.state.lastTs == r.ts && streams[slot] == nil {
                // The first reading ever starts the stream; its use is unknown, so the clock starts here.
                change.newLatest = true
            } else if r.ts > change.state.lastTs {
                let delta = r.value - change.state.lastValue
                back = cumulative && delta < 0
                let used = cumulative ? delta > 0 : r.value > 0
                change.state = (r.ts, r.value, used ? r.ts : change.state.lastActiveAt)
                change.newLatest = true
            } else {
                // Out of order: placed in time; it may still show a use later than the last one known.
                var used = r.value > 0
                if cumulative {
                    let prev = try await tx.sql.select().column("value").from(DeviceReadings.raw)
                        .where("device_id", .equal, SQLBind(d.id!)).where("metric", .equal, SQLBind(r.metric)).where("ts", .lessThan, SQLBind(r.ts))
                        .orderBy("ts", .descending).limit(1).first()?.decode(column: "value", as: Double.self)
                    back = prev.map { r.value < $0 } ?? false
                    used = prev.map { r.value > $0 } ?? false
                }
                if used && r.ts > change.state.lastActiveAt { change.state.lastActiveAt = r.ts }
            }
            streams[slot] = change
            backwards.append(back)
        }
        var accepted = 0
        for (chunk, flags) in zip(sorted.chunked(800), backwards.chunked(800)) {
            var insert = tx.sql.insert(into: DeviceReadings.raw).columns("device_id", "metric", "ts", "value", "backwards", "received_at")
            for (r, back) in zip(chunk, flags) {
                insert = insert.values(SQLBind(devices[r.serial]!.id!), SQLBind(r.metric), SQLBind(r.ts), SQLBind(r.value), SQLBind(back), SQLBind(now))
            }
            accepted += try await insert.ignoringConflicts(with: ["device_id", "metric", "ts"]).returning("ts").all().count
        }
        try await DeviceState.save(Array(streams.values), on: tx)
        try await DeviceState.seen(sorted, devices: devices, on: tx)
        if !claims.isEmpty {
            try await tx.sql.update(Device.schema).set("key_id", to: SQLBind(keyID))
                .where("id", .in, SQLBind.group(Array(claims))).where("key_id", .is, SQLLiteral.null).run()
        }
        try await DeviceRuleRunner(db: tx, now: now).onReadings(Array(streams.values), alarms: alarms)
        return accepted
    }
}
