import Foundation
import JingzhiCore

/// The rules a patrol's fixes are checked against. Written down once here; docs/patrols.md explains them.
enum PatrolRules {
    /// Faster than this (m/s, about 29 km/h) is not a person on foot or bike: the step is not counted as distance.
    static let maxSpeed = 8.0
    /// Fixes whose accuracy radius is worse than this (metres) are kept and flagged, not counted.
    static let worstAccuracy = 100.0
    /// Fixes this far (metres) outside the worker's grid are flagged for supervisors.
    static let farOutside = 500.0
    /// Device clocks drift: a fix may be this many seconds "in the future" or before the start.
    static let clockSkew: TimeInterval = 120
    /// Fixes in one batch, at most.
    static let maxBatch = 500
}

/// A fix as a client sends it. Every field is optional here so one bad fix is refused alone, with its reason,
/// instead of failing the batch.
struct FixInput: Decodable, Sendable {
    var id: String?
    var seq: Int?
    var latitude: Double?
    var longitude: Double?
    var accuracy: Double?
    var recordedAt: Date?
    /// True when `recordedAt` was present but not a time we can read.
    var unreadableTime = false

    enum CodingKeys: String, CodingKey { case id, seq, latitude, longitude, accuracy, recordedAt }

    init(id: String? = nil, seq: Int? = nil, latitude: Double?, longitude: Double?, accuracy: Double? = nil, recordedAt: Date?) {
        (self.id, self.seq, self.latitude, self.longitude, self.accuracy, self.recordedAt) = (id, seq, latitude, longitude, accuracy, recordedAt)
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = (try? c.decodeIfPresent(String.self, forKey: .id)) ?? nil
        seq = (try? c.decodeIfPresent(Int.self, forKey: .seq)) ?? nil
        latitude = (try? c.decodeIfPresent(Double.self, forKey: .latitude)) ?? nil
        longitude = (try? c.decodeIfPresent(Double.self, forKey: .longitude)) ?? nil
        accuracy = (try? c.decodeIfPresent(Double.self, forKey: .accuracy)) ?? nil
        // ISO 8601 text, or milliseconds since 1970 as JavaScript's `position.timestamp` gives them.
        if let ms = (try? c.decodeIfPresent(Double.self, forKey: .recordedAt)) ?? nil {
            // Beyond ±1e14 ms (the year 5138) no phone reports a time: unreadable, not a trap further on.
            if ms.isFinite, abs(ms) < 1e14 { recordedAt = Date(timeIntervalSince1970: ms / 1000) } else { unreadableTime = true }
        } else if let text = (try? c.decodeIfPresent(String.self, forKey: .recordedAt)) ?? nil {
            recordedAt = Self.parseTime(text)
            unreadableTime = recordedAt == nil
        } else {
            unreadableTime = c.contains(.recordedAt)
        }
    }

    static func parseTime(_ text: String) -> Date? { ISOTime.parse(text) }

    /// The duplicate key: the client's id, else its sequence number, else the recorded time.
    var clientKey: String? {
        if let id, !id.isEmpty { return String(id.prefix(80)) }
        if let seq { return "seq:\(seq)" }
        return recordedAt.flatMap { Int64(exactly: ($0.timeIntervalSince1970 * 1000).rounded()) }.map { "t:\($0)" }
    }
}

/// Why a fix was refused: a stable code and a message "中文 (English)".
struct FixRefusal: Error, Sendable, Equatable {
    let code: String
    let message: String

    static let coordinates = FixRefusal(code: "invalid_coordinates", message: "坐标无效，纬度须在 −90–90、经度在 −180–180 之间 (impossible coordinates)")
    static let missingTime = FixRefusal(code: "missing_time", message: "缺少定位时间 recordedAt (recordedAt is required)")
    static let unreadableTime = FixRefusal(code: "invalid_time", message: "定位时间无法识别，请用 ISO 8601 或毫秒时间戳 (recordedAt is not a time)")
    static let future = FixRefusal(code: "future_time", message: "定位时间晚于当前时间 (recorded in the future)")
    static let beforeStart = FixRefusal(code: "before_start", message: "定位时间早于巡查开始 (recorded before the patrol started)")
    static let afterEnd = FixRefusal(code: "after_end", message: "定位时间晚于巡查结束 (recorded after the patrol ended)")
    static let accuracy = FixRefusal(code: "invalid_accuracy", message: "精度须为非负数 (accuracy must be ≥ 0)")
}

/// Walks a track in time order and decides what each step adds to the distance.
///
/// A step is measured from the last trusted fix. If it is faster than `maxSpeed`, the fix is a jump: kept, flagged,
/// not counted. When the next fix follows on from the jump at a person's speed, the worker really moved (a bus, a
/// lift in a car): counting resumes from the jump, without the jump itself. Low-accuracy fixes are skipped.
struct TrackWalker: Sendable {
    struct Mark: Sendable { let point: GeoPoint; let time: Date }
    var anchor: Mark?
    var lastJump: Mark?

    mutating func step(_ point: GeoPoint, at time: Date, lowAccuracy: Bool) -> (segment: Double, jump: Bool) {
        if lowAccuracy { return (0, false) }
        let here = Mark(point: point, time: time)
        guard let anchor else {
            self.anchor = here
            return (0, false)
        }
        let d = Geo.distance(anchor.point, point)
        if d / max(1, time.timeIntervalSince(anchor.time)) <= PatrolRules.maxSpeed {
            (self.anchor, lastJump) = (here, nil)
            return (d, false)
        }
        if let jump = lastJump {
            let fromJump = Geo.distance(jump.point, point)
            if fromJump / max(1, time.timeIntervalSince(jump.time)) <= PatrolRules.maxSpeed {
                (self.anchor, lastJump) = (here, nil)
                return (fromJump, false)
            }
        }
        lastJump = here
        return (0, true)
    }
}
