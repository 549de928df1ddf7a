import Foundation
import JingzhiCore
import Vapor

/// Table names and limits of readings.
enum DeviceReadings {
    static let raw = "device_readings"
    static let hourly = "device_reading_hours"
    static let maxBatch = 5000
    /// How far ahead of the server's clock a gateway's clock may run.
    static let skew: TimeInterval = 300
    /// Gateways buffer while offline: anything within 7 days is accepted.
    static let maxAge: TimeInterval = 7 * 86_400
}

/// One item of a batch as sent; every field is checked per item, so one bad item never spoils the batch.
struct ReadingInput: Decodable, Sendable {
    var device: String?
    var ts: String?
    var metric: String?
    var value: Double?
    /// Why the item could not be read at all (not an object, a value that is not a number).
    var problem: String?

    enum CodingKeys: String, CodingKey { case device, ts, metric, value }

    init(device: String?, ts: String?, metric: String?, value: Double?) {
        self.device = device
        self.ts = ts
        self.metric = metric
        self.value = value
    }

    init(from decoder: any Decoder) throws {
        guard let c = try? decoder.container(keyedBy: CodingKeys.self) else {
            problem = "须为对象 {device, ts, metric, value} (must be an object)"
            return
        }
        device = try? c.decodeIfPresent(String.self, forKey: .device)
        ts = try? c.decodeIfPresent(String.self, forKey: .ts)
        metric = try? c.decodeIfPresent(String.self, forKey: .metric)
        if let v = try? c.decodeIfPresent(Double.self, forKey: .value) {
            value = v
        } else if c.contains(.value), (try? c.decodeNil(forKey: .value)) == false {
            problem = "value 须为数字 (value must be a number)"
        }
    }
}

struct ReadingBatch: Decodable, Sendable {
    var readings: [ReadingInput]?
}

/// What the gateway is told: how many were stored, how many it had sent before, and why the others were refused.
struct IngestResult: Content, Equatable {
    struct Rejection: Content, Equatable, Error {
        let index: Int
        let reason: String
    }
    var accepted: Int
    var duplicates: Int
    var rejected: [Rejection]
}

/// A checked item, ready to store.
struct CheckedReading: Sendable {
    let index: Int
    let serial: String
    let metric: String
    let ts: Date
    let value: Double
}

enum ReadingCheck {
    /// A gateway's timestamp; only real calendar times (no 30 February rolled into March).
    static func time(_ raw: String) -> Date? { raw.utf8.count <= 40 ? fast(raw) : nil }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`, what gateways send, read without a formatter (thousands a
    /// batch); nil for anything else.
    static func fast(_ raw: String) -> Date? {
        let b = Array(raw.utf8)
        guard b.count >= 17, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116, b[13] == 58 else { return nil }
        // Seconds are optional (2026-12-05T08:00+08:00), as ISO 8601 allows.
        let seconds = b.count >= 20 && b[16] == 58
        func num(_ from: Int, _ len: Int) -> Int? {
            var v = 0
            for i in from..<(from + len) { guard (48...57).contains(b[i]) else { return nil }; v = v * 10 + Int(b[i] - 48) }
            return v
        }
        guard let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2), let se = seconds ? num(17, 2) : 0,
              (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, se < 60 else { return nil }
        var i = seconds ? 19 : 16, fraction = 0.0
        if seconds, b[i] == 46 {
            var scale = 0.1
            i += 1
            let start = i
            while i < b.count, (48...57).contains(b[i]) { fraction += Double(b[i] - 48) * scale; scale /= 10; i += 1 }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == 90 || b[i] == 122 {
            guard i + 1 == b.count else { return nil }
        } else {
            let colon = i + 6 == b.count && b[i + 3] == 58
            guard b[i] == 43 || b[i] == 45, colon || i + 5 == b.count, let oh = num(i + 1, 2), let om = num(i + (colon ? 4 : 3), 2),
                  oh < 24, om < 60 else { return nil }
            offset = (oh * 60 + om) * 60 * (b[i] == 43 ? 1 : -1)
        }
        // Days from the civil date (the proleptic Gregorian calendar), as ShanghaiTime counts them.
        let days = ShanghaiTime.dayNumber(y: y, m: mo, d: d)
        guard ShanghaiTime.civil(days) == (y, mo, d) else { return nil }
        return Date(timeIntervalSince1970: Double(days * 86_400 + h * 3600 + mi * 60 + se - offset) + fraction)
    }

    /// The item if it can be stored as far as its own fields say, else the reason in both languages.
    static func check(_ r: ReadingInput, index: Int, now: Date) -> Result<CheckedReading, IngestResult.Rejection> {
        func no(_ why: String) -> Result<CheckedReading, IngestResult.Rejection> { .failure(.init(index: index, reason: why)) }
        if let p = r.problem { return no(p) }
        guard let serial = r.device?.trimmingCharacters(in: .whitespaces), !serial.isEmpty, serial.count <= 64 else {
            return no("缺少设备编号 device (device serial missing)")
        }
        guard let metric = r.metric, DeviceMetric.valid(metric) else {
            return no("metric 须为 1–40 位小写字母、数字或下划线 (metric must be 1–40 of a-z, 0-9, _)")
        }
        guard let rawTs = r.ts else { return no("缺少时间 ts (ts missing)") }
        guard let ts = time(rawTs) else { return no("ts 须为 ISO 8601 时间，如 2026-12-05T08:00:00+08:00 (ts must be ISO 8601)") }
        guard let value = r.value else { return no("缺少数值 value (value missing)") }
        guard value.isFinite, abs(value) < 1e15 else { return no("value 须为有限数值 (value must be a finite number)") }
        if ts > now.addingTimeInterval(DeviceReadings.skew) { return no("时间在未来 (ts is in the future)") }
        if ts < now.addingTimeInterval(-DeviceReadings.maxAge) { return no("时间早于 7 天前 (ts is older than 7 days)") }
        return .success(CheckedReading(index: index, serial: serial, metric: metric, ts: ts, value: value))
    }
}
