import Vapor

/// A fragment of HTML. Interpolated strings are escaped; interpolated `HTML` is kept as is,
/// so markup can only enter through code, never through data.
public struct HTML: Sendable, ExpressibleByStringInterpolation, ExpressibleByArrayLiteral {
    public var raw: String

    public init(raw: String) { self.raw = raw }
    public init(stringLiteral value: String) { raw = value }
    public init(arrayLiteral elements: HTML...) { raw = elements.map(\.raw).joined() }
    public init(stringInterpolation: Interpolation) { raw = stringInterpolation.raw }
    public init(_ parts: [HTML]) { raw = parts.map(\.raw).joined() }

    public static let empty = HTML(raw: "")

    public struct Interpolation: StringInterpolationProtocol {
        package var raw = ""
        public init(literalCapacity: Int, interpolationCount: Int) { raw.reserveCapacity(literalCapacity * 2) }
        public mutating func appendLiteral(_ literal: String) { raw += literal }
        public mutating func appendInterpolation(_ text: String) { raw += HTML.escape(text) }
        public mutating func appendInterpolation(_ text: String?) { raw += HTML.escape(text ?? "") }
        public mutating func appendInterpolation(_ html: HTML) { raw += html.raw }
        public mutating func appendInterpolation(_ list: [HTML]) { raw += list.map(\.raw).joined() }
        public mutating func appendInterpolation(_ number: Int) { raw += String(number) }
        public mutating func appendInterpolation(_ number: Double) { raw += String(number) }
        public mutating func appendInterpolation(_ id: UUID?) { raw += id?.uuidString ?? "" }
    }

    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\r": out += "&#13;"
            case "\t", "\n": out.unicodeScalars.append(ch)
            default:
                // Other control characters and the two non-characters are not allowed in XML 1.0 at all.
                if ch.value < 0x20 || ch.value == 0xFFFE || ch.value == 0xFFFF { continue }
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    package static func + (lhs: HTML, rhs: HTML) -> HTML { HTML(raw: lhs.raw + rhs.raw) }
}

extension HTML: AsyncResponseEncodable {
    public func encodeResponse(for request: Request) async throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: raw))
    }
}

extension Array where Element == HTML {
    package func joined() -> HTML { HTML(self) }
}
