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
            guard entry.uncompressedSize <= maxPartBytes else { throw tooLarge }
            var out = Data()
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                guard out.count + chunk.count <= maxPartBytes else { throw tooLarge }
                out.append(chunk)
            }
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
            guard (1...maxRows).contains(r) else { throw unreadable("行号 \(r) 超出 Excel 的范围 (row number out of range)") }
            nextRow = r + 1
            var nextColumn = 0
            for c in row.children where c.name == "c" {
                let ref = c.attributes["r"].flatMap(Self.reference)
                let column = ref?.column ?? nextColumn
                guard column < maxColumns else { throw unreadable("列超出 Excel 的范围 (column out of range)") }
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
                    guard d.isFinite else { cell = .of(v); break }
                    cell = dateStyles.contains(style) ? day(fromSerial: d, epoch1904: epoch1904).map { .date($0) } ?? .number(d) : .number(d)
                }
                if cell != .empty && cell != .text("") { grid[r, default: [:]][column] = cell }
            }
        }
        // A merge fills its cells, but only down to the last row that holds data, and never more than
        // `maxMergedCells` in all: a range such as A1:XFD1048576 must not become a billion cells.
        let lastRow = grid.keys.max() ?? 0
        var filled = 0
        for merge in sheetXML.all("mergeCell") {
            let parts = (merge.attributes["ref"] ?? "").split(separator: ":").map(String.init)
            guard parts.count == 2, let from = reference(parts[0]), let to = reference(parts[1]),
                  let value = grid[from.row]?[from.column] else { continue }
            let rows = from.row...max(from.row, min(to.row, lastRow)), columns = from.column...max(from.column, to.column)
            filled += rows.count * columns.count
            guard filled <= maxMergedCells else { throw unreadable("合并单元格过多 (too many merged cells)") }
            for r in rows { for c in columns { grid[r, default: [:]][c] = value } }
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

    /// Excel's limits: 1,048,576 rows and 16,384 columns (A … XFD).
    package static let maxRows = 1_048_576, maxColumns = 16_384

    /// `B12` → (row 12, column 1); nil for anything outside Excel's grid.
    package static func reference(_ ref: String) -> (row: Int, column: Int)? {
        var column = 0, letters = 0, digits = ""
        for ch in ref.uppercased() {
            if let a = ch.asciiValue, (65...90).contains(a), digits.isEmpty {
                letters += 1
                guard letters <= 3 else { return nil }
                column = column * 26 + Int(a - 64)
            } else if ch.isASCIIDigit { guard digits.count < 7 else { return nil }; digits.append(ch) }
            else if ch != "$" { return nil }
        }
        guard (1...maxColumns).contains(column), let row = Int(digits), (1...maxRows).contains(row) else { return nil }
        return (row, column - 1)
    }

    /// 0 → `A`, 27 → `AB`.
    package static func columnName(_ index: Int) -> String {
        var n = index + 1, out = ""
        while n > 0 { let r = (n - 1) % 26; out = String(UnicodeScalar(UInt8(65 + r))) + out; n = (n - 1) / 26 }
        return out
    }

    private static func unreadable(_ message: String) -> APIError { APIError.invalid("file", message) }
    private static let maxPartBytes: UInt64 = 64 << 20, maxMergedCells = 1_000_000
    private static var tooLarge: APIError { unreadable("工作簿解压后过大（超过 64 MB）(workbook too large once unzipped)") }

    // MARK: Dates

    /// Excel's 1900 day serial (1 = 1900-01-01, with Lotus's phantom 1900-02-29 at 60), or the 1904 one.
    /// Nil for a serial outside Excel's range (1900-01-01 … 9999-12-31), NaN or infinite.
    package static func day(fromSerial serial: Double, epoch1904: Bool = false) -> String? {
        guard serial.isFinite, serial >= 0, serial < 2_958_466 else { return nil }
        let whole = Int(serial.rounded(.down))
        let base = epoch1904 ? ShanghaiTime.dayNumber(y: 1904, m: 1, d: 1) : ShanghaiTime.dayNumber(y: 1899, m: 12, d: whole < 61 ? 31 : 30)
        return ShanghaiTime.day(number: base + whole)
    }

    /// `yyyy-MM-dd` → the 1900 serial, nil for text that is no date.
    package static func serial(ofDay day: String) -> Int? {
        let p = day.split(separator: "-").compactMap { Int($0) }
        guard p.count == 3, (1...12).contains(p[1]), (1...31).contains(p[2]) else { return nil }
        guard (1900...9999).contains(p[0]) else { return nil }
        let days = ShanghaiTime.dayNumber(y: p[0], m: p[1], d: p[2]) - ShanghaiTime.dayNumber(y: 1899, m: 12, d: 30)
        if days >= 61 { return days }
        return days - 1 >= 1 ? days - 1 : nil
    }
}

private extension SpreadsheetCell {
    /// A `t="d"` cell: its ISO date.
    var asDate: SpreadsheetCell { if case .text(let s) = self { .date(s) } else { self } }
}
