import Vapor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// CSV as Chinese offices exchange it: UTF-8 with or without BOM, or GB18030 from Excel.
package enum CSV {
    package enum Encoding: String { case utf8, gb18030 }

    /// Decodes file bytes to text: a UTF-8 BOM or valid UTF-8 means UTF-8, otherwise GB18030.
    package static func decode(_ data: Data) throws -> (text: String, encoding: Encoding) {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if let text = String(validating: bytes, as: UTF8.self) { return (text, .utf8) }
        if let text = iconv(bytes, from: "GB18030") { return (text, .gb18030) }
        throw APIError.invalid("file", "无法识别文件编码，请另存为 UTF-8 或 GB18030 的 CSV (unknown file encoding)")
    }

    /// Converts bytes in `encoding` to a String with the C library's iconv, which knows GB18030 everywhere.
    package static func iconv(_ data: Data, from encoding: String) -> String? {
        let cd = iconv_open("UTF-8", encoding)
        guard cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        var input = [UInt8](data)
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var produced = 0
        let ok: Bool = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = inBuf.count, outLeft = outBuf.count
                let result = Glibc.iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                if result == -1 || inLeft != 0 { return false }
                produced = outBuf.count - outLeft
                return true
            }
        }
        guard ok else { return nil }
        return String(validating: output[..<produced], as: UTF8.self)
    }

    /// Parses RFC 4180 text into rows, each with the 1-based line it starts on.
    package static func parse(_ text: String) -> [(line: Int, fields: [String])] {
        var rows: [(Int, [String])] = []
        var field = "", fields: [String] = []
        var inQuotes = false, line = 1, rowStart = 1
        var chars = text.makeIterator()
        var pending: Character? = nil
        func endRow() {
            fields.append(field)
            field = ""
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append((rowStart, fields)) }
            fields = []
        }
        while let c = pending ?? chars.next() {
            pending = nil
            if inQuotes {
                if c == "\"" {
                    if let next = chars.next() {
                        if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                    } else { inQuotes = false }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: inQuotes = true
            case ",": fields.append(field); field = ""
            case "\n", "\r\n", "\r":
                endRow()
                line += 1
                rowStart = line
            default: field.append(c)
            }
        }
        if !field.isEmpty || !fields.isEmpty { endRow() }
        return rows
    }

    /// One CSV line (CRLF-terminated). Cells that start like a formula are prefixed with `'` so Excel shows them as text.
    package static func line(_ cells: [String?]) -> String {
        cells.map { cell -> String in
            var v = cell ?? ""
            if let first = v.first, "=+-@".contains(first) { v = "'" + v }
            // Long digit strings (ID numbers, phones) would turn into 3.70827E+17 in Excel; a tab keeps them text.
            if v.count >= 11, v.allSatisfy({ $0.isASCIIDigit || $0 == "X" || $0 == "*" }) { v = "\t" + v }
            if v.unicodeScalars.contains(where: { ",\"\r\n".unicodeScalars.contains($0) }) { v = "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
            return v
        }.joined(separator: ",") + "\r\n"
    }

    package static let utf8BOM = "\u{FEFF}"
}

extension Response {
    /// A CSV file to download (UTF-8, as `filename`).
    package static func csv(_ text: String, filename: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}
