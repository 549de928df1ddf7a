import Foundation

/// Numeric date patterns in Shanghai time (UTC+8, no daylight saving) without Foundation's formatter.
enum FastDateFormat {
    /// nil when the pattern holds a field this does not write (month names, weekdays, quotes…).
    static func string(_ date: Date, pattern: String) -> String? {
        // China kept daylight saving time until 1991: earlier instants go to Foundation's time zone rules.
        guard date.timeIntervalSince1970 >= 694_195_200 else { return nil }
        let seconds = Int((date.timeIntervalSince1970 + ShanghaiTime.offset).rounded(.down))
        let dayNumber = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let (y, m, d) = ShanghaiTime.civil(dayNumber)
        let inDay = seconds - dayNumber * 86400
        let fields: [Character: Int] = ["y": y, "M": m, "d": d, "H": inDay / 3600, "m": inDay % 3600 / 60, "s": inDay % 60]
        var out = ""
        out.reserveCapacity(pattern.utf8.count + 4)
        let chars = Array(pattern)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            var run = 1
            while i + run < chars.count, chars[i + run] == c { run += 1 }
            if c.isASCII, c.isLetter || c == "'" {
                guard let value = fields[c], run <= 4, !(c == "y" && run == 3) else { return nil }
                if c == "y" && run == 2 {
                    out += pad(value % 100, 2)
                } else if c == "M" && run > 2 {
                    return nil
                } else {
                    out += pad(value, c == "y" && run == 4 ? 4 : run)
                }
            } else {
                out += String(repeating: c, count: run)
            }
            i += run
        }
        return out
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
