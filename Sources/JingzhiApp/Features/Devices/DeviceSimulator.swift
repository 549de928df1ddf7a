import Fluent
import Foundation
import JingzhiCore

/// Realistic readings for the demo's devices, the same for the same device and time: meters with daily use curves,
/// bins filling and emptied each morning, sensors quiet with slowly draining batteries. A few devices misbehave on
/// purpose (their serial says so): a household that stopped using water (`-QUIET`), a bin nobody empties (`-FULL`),
/// a charging pile with a fault (`-FAULT`), a device that stopped talking (`-SILENT`).
enum DeviceSimulator {
    /// Readings every quarter of an hour; times are rounded to it, so feeding the same period twice stores nothing twice.
    static let step: TimeInterval = 900

    /// Hours of the day (Asia/Shanghai) when a household uses water, and how many litres an hour.
    static func waterPerHour(_ hour: Int) -> Double {
        switch hour {
        case 6...8: 35
        case 11...12: 20
        case 17...20: 30
        case 21...22: 10
        default: 0
        }
    }

    static func hour(_ t: Date) -> Int { Int(t.timeIntervalSince1970 + 8 * 3600) % 86_400 / 3600 }
    static func hours(_ t: Date) -> Double { (t.timeIntervalSince1970 + 8 * 3600) / 3600 }

    /// A meter's total at `t`: whole days of use plus today's so far; it stopped rising at `stopAt` for a quiet one.
    static func total(perDay: Double, curve: (Int) -> Double, at t: Date, seed: Double) -> Double {
        let h = hours(t)
        let days = (h / 24).rounded(.down)
        var today = 0.0
        let hourNow = Int(h - days * 24)
        for x in 0..<hourNow { today += curve(x) }
        today += curve(hourNow) * (h - (h.rounded(.down)))
        // Counted from 1 January 2026, when the demo's meters were read zero (plus a few litres of their own).
        return ((seed + (days - 20_454) * perDay + today) * 10).rounded() / 10
    }

    /// When a misbehaving demo device went quiet: 12 hours after it was installed.
    static func quietSince(_ d: Device) -> Date { d.createdAt.addingTimeInterval(12 * 3600) }

    /// The readings a device sends at `t`, or none (a silent device after it fell silent).
    static func readings(_ d: Device, at raw: Date) -> [ReadingInput] {
        let since = quietSince(d)
        let t = Date(timeIntervalSince1970: (raw.timeIntervalSince1970 / step).rounded(.down) * step)
        if d.serial.hasSuffix("-SILENT") && t > since { return [] }
        let ts = ISOTime.format(t)
        let seed = Double(abs(d.serial.hashValueStable % 5000))
        func r(_ metric: String, _ v: Double) -> ReadingInput { ReadingInput(device: d.serial, ts: ts, metric: metric, value: v) }
        let battery = r("battery_pct", max(20, 95 - (hours(t) / 24).truncatingRemainder(dividingBy: 60)))
        switch DeviceKind(rawValue: d.kind) ?? .smartBin {
        case .waterMeter:
            let at = d.serial.hasSuffix("-QUIET") && t > since ? since : t
            let perDay = (0..<24).reduce(0) { $0 + waterPerHour($1) }
            return [r("water_total_l", total(perDay: perDay, curve: waterPerHour, at: at, seed: seed))]
        case .electricityMeter:
            return [r("energy_total_kwh", total(perDay: 6, curve: { $0 >= 7 && $0 <= 22 ? 0.375 : 0 }, at: t, seed: seed))]
        case .smokeSensor: return [r("smoke", 0), battery]
        case .gasSensor: return [r("gas", 0), battery]
        case .doorSensor:
            let quiet = d.serial.hasSuffix("-QUIET") && t > since
            return [r("door_open", !quiet && [7, 9, 16, 18].contains(hour(t)) && Int(t.timeIntervalSince1970) % 3600 < 900 ? 1 : 0), battery]
        case .accessGate:
            return [r("passes_total", total(perDay: 400, curve: { (6...22).contains($0) ? 25 : 0 }, at: t, seed: seed))]
        case .ebikeBlocker: return [r("ebike", 0)]
        case .chargingPile: return [r("fault_code", d.serial.hasSuffix("-FAULT") ? 3 : 0), r("energy_total_kwh", total(perDay: 40, curve: { (18...23).contains($0) ? 6.67 : 0 }, at: t, seed: seed))]
        case .smartBin:
            // Emptied at 06:00; fills through the day; the neglected one is never emptied.
            let sinceEmptied = d.serial.hasSuffix("-FULL") ? 48.0 : (hours(t) - 6).truncatingRemainder(dividingBy: 24)
            return [r("fill_pct", min(100, (max(0, sinceEmptied) * 3.4 + seed.truncatingRemainder(dividingBy: 10)).rounded()))]
        case .waterVending:
            return [r("fault_code", 0), r("sales_total_l", total(perDay: 300, curve: { (7...21).contains($0) ? 20 : 0 }, at: t, seed: seed))]
        }
    }

    /// Feeds every active device from `from` to `to`, every `interval` (a multiple of `step`), straight into the service, as its own gateway,
    /// running the sweeper each hour; answers the readings accepted.
    static func feed(_ db: any Database, from: Date, to: Date, every interval: TimeInterval = step, sweep: Bool = true,
                     log: (String) -> Void = { _ in }) async throws -> Int {
        let devices = try await Device.query(on: db).filter(\.$active == true).sort(\.$serial).all()
        let keys = try await DeviceKey.query(on: db).filter(\.$active == true).all()
        var accepted = 0
        var t = Date(timeIntervalSince1970: (from.timeIntervalSince1970 / interval).rounded(.up) * interval)
        while t <= to {
            // Each device's gateway: the key that claimed it, else the key named after its vendor.
            let byKey = Dictionary(grouping: devices) { d in d.keyID ?? keys.first { $0.name == d.vendor }?.id }
            for (keyID, group) in byKey {
                guard let keyID, let key = keys.first(where: { $0.id == keyID }) else { continue }
                let items = group.flatMap { readings($0, at: t) }
                for part in items.chunked(DeviceReadings.maxBatch) {
                    accepted += try await DeviceIngest(db: db, now: t.addingTimeInterval(30)).ingest(part, key: key).accepted
                }
            }
            if sweep && Int(t.timeIntervalSince1970) % 3600 == 0 {
                let report = try await DeviceSweeper(db: db, now: t.addingTimeInterval(60)).tick()
                if report.welfare + report.silent > 0 { log("\(ShanghaiTime.format(t)) 关爱 \(report.welfare) 离线 \(report.silent)") }
            }
            t = t.addingTimeInterval(interval)
        }
        return accepted
    }
}

extension String {
    /// A hash that is the same in every run (Swift's `hashValue` is seeded per process).
    var hashValueStable: Int {
        var h: UInt64 = 1_469_598_103_934_665_603
        for b in utf8 { h = (h ^ UInt64(b)) &* 1_099_511_628_211 }
        return Int(truncatingIfNeeded: h >> 1)
    }
}
