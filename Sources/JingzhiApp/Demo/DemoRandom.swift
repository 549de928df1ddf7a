import Foundation
import JingzhiCore

/// SplitMix64: a small seeded generator, so a demo scale produces the same rows on every run and machine.
/// Deliberately not a `RandomNumberGenerator`: the standard library's `random(in:using:)` algorithms may
/// change between toolchains, these helpers do not.
struct DemoRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.mix(state)
    }

    /// The SplitMix64 finaliser: a good 64-bit hash of `x`.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<n` (the modulo bias is far below anything a demo could show).
    mutating func int(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }

    mutating func int(in range: ClosedRange<Int>) -> Int { range.lowerBound + int(range.count) }

    /// A uniform double in `[0, 1)`.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    mutating func chance(_ p: Double) -> Bool { unit() < p }

    mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }

    /// An index into `weights`, chosen in proportion to them.
    mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var x = unit() * total
        for (i, w) in weights.enumerated() {
            if x < w { return i }
            x -= w
        }
        return weights.count - 1
    }

    mutating func pick<T: Sendable>(_ table: Weighted<T>) -> T {
        let x = unit() * table.total
        var lo = 0, hi = table.cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if table.cumulative[mid] > x { hi = mid } else { lo = mid + 1 }
        }
        return table.items[lo]
    }

    /// A version-4 UUID drawn from this generator (so it is reproducible).
    mutating func uuid() -> UUID {
        let a = next(), b = next()
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: a >> (56 - 8 * i))
            bytes[8 + i] = UInt8(truncatingIfNeeded: b >> (56 - 8 * i))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40 // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80 // RFC 4122 variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}

/// Items with weights, prepared for fast repeated picks.
struct Weighted<T: Sendable>: Sendable {
    let items: [T]
    let cumulative: [Double]
    let total: Double

    init(_ pairs: [(T, Double)]) {
        items = pairs.map(\.0)
        var sum = 0.0
        cumulative = pairs.map { sum += $0.1; return sum }
        total = sum
    }
}

/// Calendar arithmetic on day numbers (days since 1970-01-01), without Foundation's slow calendars.
enum DemoDate {
    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func days(_ y: Int, _ m: Int, _ d: Int) -> Int { ShanghaiTime.dayNumber(y: y, m: m, d: d) }

    static func civil(_ days: Int) -> (y: Int, m: Int, d: Int) { ShanghaiTime.civil(days) }

    /// `yyyy-MM-dd`.
    static func string(_ days: Int) -> String {
        let c = civil(days)
        return "\(c.y)-\(pad(c.m, 2))-\(pad(c.d, 2))"
    }

    /// `yyyyMMdd`, as an ID number writes it.
    static func compact(_ days: Int) -> String {
        let c = civil(days)
        return "\(c.y)\(pad(c.m, 2))\(pad(c.d, 2))"
    }

    /// The instant `hour:minute` Beijing time on day `days`.
    static func instant(_ days: Int, hour: Int, minute: Int = 0) -> Date {
        Date(timeIntervalSince1970: TimeInterval(days * 86400 + (hour - 8) * 3600 + minute * 60))
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

/// Resident ID numbers (GB 11643-1999) that pass `Validate.idNumber` and never repeat within a run:
/// each (area, birth date, sex) hands out its 500 sequence numbers in a scrambled but fixed order.
struct IDNumberMaker {
    private var issued: [Int: Int] = [:]
    private var areaIndex: [String: Int] = [:]

    /// An ID for someone from `area` born on day `birth`; moves the birth date a day later in the
    /// (practically unreachable) case that all 500 numbers of that day are taken. Returns the day used.
    mutating func make(area: String, birth: Int, male: Bool) -> (id: String, birth: Int) {
        let a: Int
        if let known = areaIndex[area] { a = known } else { a = areaIndex.count; areaIndex[area] = a }
        var day = birth
        while true {
            let key = (a << 20) | ((day + 40_000) << 1) | (male ? 1 : 0)
            let n = issued[key, default: 0]
            if n < 500 {
                issued[key] = n + 1
                let base = Int(DemoRandom.mix(UInt64(key)) % 500)
                let seq = ((base + n) % 500) * 2 + (male ? 1 : 0)
                let body = area + DemoDate.compact(day) + DemoDate.pad(seq, 3)
                return (body + String(Self.checkDigit(body)), day)
            }
            day += 1
        }
    }

    static func checkDigit(_ body17: String) -> Character {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        var sum = 0
        for (c, w) in zip(body17.utf8, weights) { sum += Int(c - 48) * w }
        return Array("10X98765432")[sum % 11]
    }
}

/// Mobile numbers that look real and never repeat within a run: an 11-digit number is a carrier
/// prefix plus an affine bijection of a running counter modulo 10^8.
struct PhoneMaker {
    private var counter: UInt64
    private let offset: UInt64
    static let prefixes = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                           "153", "155", "156", "157", "158", "159", "166", "173", "176", "177", "178", "180",
                           "182", "183", "185", "186", "187", "188", "189", "191", "198", "199"]

    init(seed: UInt64) {
        counter = 0
        offset = DemoRandom.mix(seed) % 100_000_000
    }

    mutating func mobile(_ rng: inout DemoRandom) -> String {
        let tail = (counter &* 73_984_717 &+ offset) % 100_000_000 // 73984717 is coprime to 10^8
        counter += 1
        return rng.pick(Self.prefixes) + DemoDate.pad(Int(tail), 8)
    }
}
