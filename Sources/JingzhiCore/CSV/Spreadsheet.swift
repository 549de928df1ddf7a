import Foundation
import Vapor
import ZIPFoundation

/// One cell of a worksheet as an office register holds it.
package enum SpreadsheetCell: Equatable, Sendable {
    case text(String)
    case number(Double)
    /// A calendar date, `yyyy-MM-dd`; written as Excel's day serial with a date format.
    case date(String)
    /// A share, 0.953 shown as 95.3%; read back as a number.
    case percent(Double)
    case empty

    /// The cell as text: numbers without a trailing `.0`, dates as `yyyy-MM-dd`.
    package var string: String {
        switch self {
        case .text(let s): s
        case .number(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .date(let day): day
        case .percent(let v): String(format: "%.1f%%", v * 100)
        case .empty: ""
        }
    }

    /// Text, or empty for nil.
    package static func of(_ text: String?) -> SpreadsheetCell { text.map { $0.isEmpty ? .empty : .text($0) } ?? .empty }
}

/// Office Open XML workbooks (.xlsx): the first or a named sheet read into rows, and one sheet written with typed
/// cells. The zip container is ZIPFoundation's; the XML is read with Foundation's parser (`SpreadsheetXML`).
package enum Spreadsheet {
    package static let mediaType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")

    /// A zip file starts with `PK\u{3}\u{4}`; CSV never does.
    package static func isWorkbook(_ data: Data) -> Bool { data.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    package struct Row: Sendable {
        /// The row number Excel shows (1-based).
        package let number: Int
        package var cells: [SpreadsheetCell]
    }

    // MARK: Reading

    /// The rows of the sheet named `sheet` (the first without a name); empty rows are left out. Cells of a merged
    /// range all carry the value of its top-left cell, so a merged header names every column it spans.
    package static func read(_ data: Data, sheet name: String? = nil) throws -> [Row] {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw unreadable("不是有效的 .xlsx 文件 (not an .xlsx workbook)") }
        func file(_ path: String) throws -> Data? {
            guard let entry = archive[path] else { return nil }
            var out = Data()
            _ = try archive.extract(entry, skipCRC32: false) { out.append($0) }
            return out
        }
        guard let workbook = try file("xl/workbook.xml").map(SpreadsheetXML.parse) else { throw unreadable("缺少 xl/workbook.xml (no workbook part)") }
        let sheets = workbook.all("sheet")
        let chosen = name == nil ? sheets.first : sheets.first { $0.attributes["name"] == name }
        guard let sheetEntry = chosen else {
            let names = sheets.compactMap { $0.attributes["name"] }.joined(separator: "、")
            throw APIError.invalid("sheet", "找不到工作表「\(name ?? "")」，现有：\(names) (no such sheet)")
        }
        let rels = try file("xl/_rels/workbook.xml.rels").map(SpreadsheetXML.parse)?.all("Relationship") ?? []
        let relID = sheetEntry.attributes.first { $0.key == "id" || $0.key.hasSuffix(":id") }?.value
        var target = rels.first { $0.attributes["Id"] == relID }?.attributes["Target"] ?? "worksheets/sheet1.xml"
        target = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        guard let sheetXML = try file(target).map(SpreadsheetXML.parse) else { throw unreadable("缺少工作表 \(target) (sheet part missing)") }
        let shared = try file("xl/sharedStrings.xml").map(SpreadsheetXML.parse)?.all("si").map(\.runText) ?? []
        let dateStyles = try file("xl/styles.xml").map(SpreadsheetXML.parse).map(Self.dateStyles) ?? []
        let epoch1904 = workbook.all("workbookPr").first?.attributes["date1904"].map { $0 == "1" || $0 == "true" } ?? false

        var grid: [Int: [Int: SpreadsheetCell]] = [:]
        var nextRow = 1
        for row in sheetXML.all("row") {
            let r = row.attributes["r"].flatMap(Int.init) ?? nextRow
            nextRow = r + 1
            var nextColumn = 0
            for c in row.children where c.name == "c" {
                let ref = c.attributes["r"].flatMap(Self.reference)
                let column = ref?.column ?? nextColumn
                nextColumn = column + 1
                let value = c.child("v")?.text
                let style = c.attributes["s"].flatMap(Int.init) ?? 0
                let cell: SpreadsheetCell
                switch c.attributes["t"] ?? "n" {
                case "s": cell = value.flatMap(Int.init).flatMap { $0 < shared.count ? .text(shared[$0]) : nil } ?? .empty
                case "inlineStr": cell = .text(c.child("is")?.runText ?? "")
                case "str", "e": cell = .of(value)
                case "b": cell = .text(value == "1" ? "TRUE" : "FALSE")
                case "d": cell = .of(value.map { String($0.prefix(10)) }).asDate
                default:
                    guard let v = value, let d = Double(v) else { cell = .empty; break }
                    cell = dateStyles.contains(style) ? .date(day(fromSerial: d, epoch1904: epoch1904)) : .number(d)
                }
                if cell != .empty && cell != .text("") { grid[r, default: [:]][column] = cell }
            }
        }
        for merge in sheetXML.all("mergeCell") {
            let parts = (merge.attributes["ref"] ?? "").split(separator: ":").map(String.init)
            guard parts.count == 2, let from = reference(parts[0]), let to = reference(parts[1]),
                  let value = grid[from.row]?[from.column] else { continue }
            for r in from.row...max(from.row, to.row) {
                for c in from.column...max(from.column, to.column) { grid[r, default: [:]][c] = value }
            }
        }
        return grid.keys.sorted().compactMap { r in
            let cells = grid[r]!
            guard let last = cells.keys.max() else { return nil }
            return Row(number: r, cells: (0...last).map { cells[$0] ?? .empty })
        }
    }

    /// The cell styles (indexes into `cellXfs`) whose number format shows a date.
    package static func dateStyles(_ styles: SpreadsheetXML.Element) -> Set<Int> {
        var custom: [Int: String] = [:]
        for f in styles.all("numFmt") { if let id = f.attributes["numFmtId"].flatMap(Int.init) { custom[id] = f.attributes["formatCode"] ?? "" } }
        let xfs = styles.first("cellXfs")?.children.filter { $0.name == "xf" } ?? []
        var out = Set<Int>()
        for (i, xf) in xfs.enumerated() {
            let id = xf.attributes["numFmtId"].flatMap(Int.init) ?? 0
            if isDateFormat(id: id, code: custom[id]) { out.insert(i) }
        }
        return out
    }

    /// Excel's built-in date formats (14–22, 45–47, and the East Asian 27–36, 50–58), or a format code with
    /// day, month or year letters outside quotes and brackets.
    package static func isDateFormat(id: Int, code: String?) -> Bool {
        if (14...22).contains(id) || (45...47).contains(id) || (27...36).contains(id) || (50...58).contains(id) { return true }
        guard let code else { return false }
        var plain = "", quoted = false, bracket = false
        for ch in code {
            if ch == "\"" { quoted.toggle() } else if ch == "[" { bracket = true } else if ch == "]" { bracket = false }
            else if !quoted && !bracket { plain.append(ch) }
        }
        return plain.lowercased().contains { "ymd".contains($0) }
    }

    /// `B12` → (row 12, column 1).
    package static func reference(_ ref: String) -> (row: Int, column: Int)? {
        var column = 0, digits = ""
        for ch in ref.uppercased() {
            if let a = ch.asciiValue, (65...90).contains(a), digits.isEmpty { column = column * 26 + Int(a - 64) }
            else if ch.isASCIIDigit { digits.append(ch) } else if ch != "$" { return nil }
        }
        guard column > 0, let row = Int(digits) else { return nil }
        return (row, column - 1)
    }

    /// 0 → `A`, 27 → `AB`.
    package static func columnName(_ index: Int) -> String {
        var n = index + 1, out = ""
        while n > 0 { let r = (n - 1) % 26; out = String(UnicodeScalar(UInt8(65 + r))) + out; n = (n - 1) / 26 }
        return out
    }

    private static func unreadable(_ message: String) -> APIError { APIError.invalid("file", message) }

    // MARK: Dates

    /// Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    package static func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y - 1 : y
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468
    }

    package static func civil(fromDays z: Int) -> (Int, Int, Int) {
        let z = z + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }

    /// Excel's 1900 day serial (1 = 1900-01-01, with Lotus's phantom 1900-02-29 at 60), or the 1904 one.
    package static func day(fromSerial serial: Double, epoch1904: Bool = false) -> String {
        let whole = Int(serial.rounded(.down))
        let base = epoch1904 ? daysFromCivil(1904, 1, 1) : daysFromCivil(1899, 12, whole < 61 ? 31 : 30)
        let (y, m, d) = civil(fromDays: base + whole)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// `yyyy-MM-dd` → the 1900 serial, nil for text that is no date.
    package static func serial(ofDay day: String) -> Int? {
        let p = day.split(separator: "-").compactMap { Int($0) }
        guard p.count == 3, (1...12).contains(p[1]), (1...31).contains(p[2]) else { return nil }
        let days = daysFromCivil(p[0], p[1], p[2]) - daysFromCivil(1899, 12, 30)
        if days >= 61 { return days }
        return days - 1 >= 1 ? days - 1 : nil
    }
}

private extension SpreadsheetCell {
    /// A `t="d"` cell: its ISO date.
    var asDate: SpreadsheetCell { if case .text(let s) = self { .date(s) } else { self } }
}
