import Foundation

/// Rules for the personal data a community register keeps.
package enum Validate {
    /// A mainland resident ID (GB 11643-1999): 18 characters, a real birth date, and the ISO 7064 check digit.
    package static func idNumber(_ raw: String) -> String? {
        let id = raw.trimmingCharacters(in: .whitespaces).uppercased()
        guard id.count == 18 else { return nil }
        let chars = Array(id)
        guard chars[0..<17].allSatisfy(\.isASCIIDigit), chars[17].isASCIIDigit || chars[17] == "X" else { return nil }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(chars[0..<17], weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        let check = Array("10X98765432")[sum % 11]
        guard chars[17] == check else { return nil }
        guard birthDate(fromID: id) != nil else { return nil }
        return id
    }

    /// The birth date an ID number encodes, as `yyyy-MM-dd`, if it is a real date.
    package static func birthDate(fromID id: String) -> String? {
        let chars = Array(id)
        guard chars.count == 18 else { return nil }
        let y = String(chars[6..<10]), m = String(chars[10..<12]), d = String(chars[12..<14])
        let candidate = "\(y)-\(m)-\(d)"
        return date(candidate) == nil ? nil : candidate
    }

    /// The gender an ID number encodes (odd 17th digit: male).
    package static func gender(fromID id: String) -> String? {
        let chars = Array(id)
        guard chars.count == 18, let digit = Int(String(chars[16])) else { return nil }
        return digit % 2 == 1 ? "男" : "女"
    }

    /// A mainland mobile number (11 digits from 13–19) or a landline with area code (0537-1234567).
    package static func phone(_ raw: String) -> String? {
        let p = raw.replacingOccurrences(of: " ", with: "")
        if p.count == 11, p.first == "1", p.allSatisfy(\.isASCIIDigit), let second = p.dropFirst().first, "3456789".contains(second) {
            return p
        }
        let parts = p.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 2, parts[0].first == "0", (3...4).contains(parts[0].count), (7...8).contains(parts[1].count),
           (parts[0] + parts[1]).allSatisfy(\.isASCIIDigit) {
            return p
        }
        return nil
    }

    /// A calendar date written `yyyy-MM-dd`, between 1900 and 2100.
    package static func date(_ raw: String) -> Date? {
        let parts = raw.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }), let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              parts[0].count == 4, (1900...2100).contains(y) else { return nil }
        var comps = DateComponents()
        comps.year = y; comps.month = m; comps.day = d
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        guard let date = cal.date(from: comps) else { return nil }
        let back = cal.dateComponents([.year, .month, .day], from: date)
        return back.year == y && back.month == m && back.day == d ? date : nil
    }

    /// Trimmed text, required or not, no longer than `max` characters.
    package static func text(_ raw: String?, field: String, max: Int, required: Bool = true) throws -> String? {
        let value = raw?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if value.isEmpty {
            if required { throw APIError.missing(field) }
            return nil
        }
        guard value.count <= max else {
            throw APIError.invalid(field, "\(field) 最多 \(max) 个字符 (at most \(max) characters)")
        }
        return value
    }
}

extension Character {
    package var isASCIIDigit: Bool { isASCII && isNumber }
}

/// How personal data is shown to someone who does not need it in full.
package enum Mask {
    /// `370827199001011234` → `3708**********1234`.
    package static func idNumber(_ id: String?) -> String? {
        guard let id, id.count > 8 else { return id }
        return String(id.prefix(4)) + String(repeating: "*", count: id.count - 8) + String(id.suffix(4))
    }

    /// `13812345678` → `138****5678`; landlines keep area code and last 2 digits (`0537-*****45`).
    package static func phone(_ phone: String?) -> String? {
        guard let phone, phone.count >= 7 else { return phone }
        if let dash = phone.firstIndex(of: "-") {
            let local = phone[phone.index(after: dash)...]
            return String(phone[...dash]) + String(repeating: "*", count: max(0, local.count - 2)) + String(local.suffix(2))
        }
        return String(phone.prefix(3)) + String(repeating: "*", count: phone.count - 7) + String(phone.suffix(4))
    }

    /// `张三丰` → `张**`, used where a name is shown to the public.
    package static func name(_ name: String) -> String {
        guard let first = name.first else { return name }
        return String(first) + String(repeating: "*", count: max(1, name.count - 1))
    }
}
