import Foundation
import JingzhiCore
import Vapor

/// One Open311 answer as a small ordered tree, rendered the same way to JSON and to XML,
/// so both formats always carry the same fields in the same order.
indirect enum Open311Value: Sendable {
    /// nil renders as JSON `null` and as an empty XML element.
    case text(String?)
    case number(Double?)
    case int(Int?)
    case bool(Bool)
    case object([(String, Open311Value)])
    /// A JSON array; in XML each item is wrapped in an element named `item` (`<services><service>…`).
    case list(item: String, [Open311Value])
}

/// A whole response body: the XML root element and what it holds. In JSON the root name disappears.
struct Open311Document: Sendable {
    let root: String
    let value: Open311Value

    func render(_ format: Open311Format) -> String {
        switch format {
        case .json: Open311JSON.render(value)
        case .xml: Open311XML.render(root: root, value)
        }
    }

    func response(_ format: Open311Format, status: HTTPResponseStatus = .ok, headers extra: HTTPHeaders = [:]) -> Response {
        var headers = extra
        headers.contentType = format.mediaType
        return Response(status: status, headers: headers, body: .init(string: render(format)))
    }
}

/// The two formats of GeoReport v2, chosen by the extension of the resource (`services.json`, `services.xml`).
enum Open311Format: String, CaseIterable, Sendable {
    case json, xml

    var mediaType: HTTPMediaType {
        switch self {
        case .json: HTTPMediaType(type: "application", subType: "json", parameters: ["charset": "utf-8"])
        case .xml: HTTPMediaType(type: "text", subType: "xml", parameters: ["charset": "utf-8"])
        }
    }

    /// `"YT20261125-0001.json"` → `("YT20261125-0001", .json)`; nil without a known extension.
    static func split(_ file: String) -> (name: String, format: Open311Format)? {
        guard let dot = file.lastIndex(of: ".") else { return nil }
        guard let format = Open311Format(rawValue: String(file[file.index(after: dot)...]).lowercased()) else { return nil }
        let name = String(file[..<dot])
        return name.isEmpty ? nil : (name, format)
    }

    /// The format an error should be written in: XML when the path asks for it, JSON otherwise.
    static func of(path: String) -> Open311Format {
        path.lowercased().hasSuffix(".xml") ? .xml : .json
    }
}

/// A minimal JSON writer that keeps key order (JSONSerialization does not).
enum Open311JSON {
    static func render(_ value: Open311Value) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    private static func write(_ value: Open311Value, into out: inout String) {
        switch value {
        case .text(let s): if let s { out += quote(s) } else { out += "null" }
        case .number(let d): out += d.flatMap { $0.isFinite ? "\($0)" : nil } ?? "null"
        case .int(let i): out += i.map(String.init) ?? "null"
        case .bool(let b): out += b ? "true" : "false"
        case .object(let fields):
            out += "{"
            for (i, (key, v)) in fields.enumerated() {
                if i > 0 { out += "," }
                out += quote(key) + ":"
                write(v, into: &out)
            }
            out += "}"
        case .list(_, let items):
            out += "["
            for (i, v) in items.enumerated() {
                if i > 0 { out += "," }
                write(v, into: &out)
            }
            out += "]"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// W3C datetimes (the ISO 8601 subset GeoReport v2 requires), always written in China Standard Time.
enum W3CDateTime {
    /// `2026-11-25T09:30:00+08:00`. China has kept UTC+8 without daylight saving since 1991.
    static func format(_ date: Date) -> String {
        ShanghaiTime.format(date, "yyyy-MM-dd'T'HH:mm:ss") + "+08:00"
    }

    /// Reads `2026-11-25T09:30:00+08:00`, `…Z`, with optional fractional seconds, or a bare date `2026-11-25`
    /// (midnight in China; `endOfDay` moves it to the next midnight so the whole day is included).
    /// A `+` sent unencoded in a query string arrives as a space and is put back.
    static func parse(_ raw: String, endOfDay: Bool = false) -> Date? {
        let s = raw.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "+")
        if s.count == 10, let day = Validate.date(s) {
            // Validate.date gives UTC midnight; China midnight is 8 hours earlier.
            let midnight = day.addingTimeInterval(-8 * 3600)
            return endOfDay ? midnight.addingTimeInterval(86400) : midnight
        }
        // The date part must be a real calendar date; some parsers roll 02-30 over into March.
        guard s.count >= 20, Validate.date(String(s.prefix(10))) != nil, s.dropFirst(10).first == "T" else { return nil }
        return ISOTime.parse(s)
    }
}
