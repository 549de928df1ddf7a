import Fluent
import Foundation
import Vapor

/// Money in fen, as people write it in yuan.
package enum Money {
    /// The largest amount any input, price or bill may carry (10亿元): products with an area or a count, and sums
    /// over a county's bills, then stay far inside 64 bits.
    package static let maxFen = 100_000_000_000

    /// `a + b`, held at the largest Int instead of trapping (only rows stored before amounts were bounded get there).
    package static func sum(_ a: Int, _ b: Int) -> Int {
        let (s, overflow) = a.addingReportingOverflow(b)
        return overflow ? (a < 0 ? Int.min : Int.max) : s
    }

    package static func total<S: Sequence>(_ amounts: S) -> Int where S.Element == Int { amounts.reduce(0, sum) }

    /// `a × b` in fen, or an error when the result would pass `maxFen` (never a trap).
    package static func product(_ a: Int, _ b: Int, field: String) throws -> Int {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else {
            throw APIError.invalid(field, "金额超出可计算的范围 (the amount is out of range)")
        }
        return p
    }

    /// `123456` → `1234.56`.
    package static func yuan(_ fen: Int) -> String {
        let sign = fen < 0 ? "-" : ""
        let a = fen.magnitude
        return sign + "\(a / 100)." + String(format: "%02d", a % 100)
    }

    /// `12.5` → 1250 fen; refuses negatives, more than two decimals, and anything that is not a number.
    package static func parseYuan(_ raw: String?, field: String) throws -> Int {
        let text = (raw ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw APIError.missing(field) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit), whole.count <= 9,
              parts.count == 1 || (parts[1].count <= 2 && parts[1].allSatisfy(\.isASCIIDigit)) else {
            throw APIError.invalid(field, "金额须为非负数，最多两位小数 (amount must be a non-negative number of yuan with at most 2 decimals)")
        }
        let cents = parts.count == 2 ? String(parts[1]).padding(toLength: 2, withPad: "0", startingAt: 0) : "00"
        return Int(whole)! * 100 + Int(cents)!
    }

    /// A JSON amount in fen: a whole number, ≥ `min`. 12.5 or -3 are refused with a clear message.
    package static func fen(_ value: Double?, field: String, min: Int = 1, max: Int = maxFen) throws -> Int {
        guard let value else { throw APIError.missing(field) }
        guard value == value.rounded(), value.isFinite else {
            throw APIError.invalid(field, "金额须为整数（单位：分） (amount must be whole fen)")
        }
        guard value <= Double(max) else {
            throw APIError.invalid(field, "金额最多 \(yuan(max)) 元（\(max) 分） (at most \(max) fen)")
        }
        let fen = Int(value)
        guard fen >= min else {
            throw APIError.invalid(field, min > 0 ? "金额须大于零 (amount must be positive)" : "金额不能为负 (amount cannot be negative)")
        }
        return fen
    }
}
