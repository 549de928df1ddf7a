import Foundation
import Vapor
import ZIPFoundation

extension Spreadsheet {
    /// One sheet: a bold header row, then typed cells. Text cells carry the text format (`@`), so an 18-digit ID
    /// number stays all digits in Excel even when edited; numbers are numbers and dates are day serials shown
    /// `yyyy-mm-dd`. `modified` stamps the zip entries (code takes the time from the app clock).
    package static func write(sheet name: String, header: [String], rows: [[SpreadsheetCell]], modified: Date) throws -> Data {
        var xml = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
            + #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        func row(_ number: Int, _ cells: [SpreadsheetCell], style: Int?) {
            xml += "<row r=\"\(number)\">"
            for (i, cell) in cells.enumerated() {
                let ref = columnName(i) + String(number)
                switch cell {
                case .empty: continue
                case .text(let s):
                    xml += "<c r=\"\(ref)\" s=\"\(style ?? 2)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(escape(s))</t></is></c>"
                case .number(let d):
                    guard d.isFinite else { continue }
                    xml += "<c r=\"\(ref)\"><v>\(SpreadsheetCell.number(d).string)</v></c>"
                case .percent(let v):
                    guard v.isFinite else { continue }
                    xml += "<c r=\"\(ref)\" s=\"4\"><v>\(v)</v></c>"
                case .date(let day):
                    if let serial = serial(ofDay: day) { xml += "<c r=\"\(ref)\" s=\"1\"><v>\(serial)</v></c>" }
                    else { xml += "<c r=\"\(ref)\" s=\"2\" t=\"inlineStr\"><is><t>\(escape(day))</t></is></c>" }
                }
            }
            xml += "</row>"
        }
        row(1, header.map(SpreadsheetCell.text), style: 3)
        for (i, cells) in rows.enumerated() { row(i + 2, cells, style: nil) }
        xml += "</sheetData></worksheet>"
        let sheetName = escape(String(name.filter { !"[]:*?/\\".contains($0) }.prefix(31)))
        return try zip([
            ("[Content_Types].xml", contentTypes),
            ("_rels/.rels", rootRels),
            ("xl/workbook.xml", #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
                + #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
                + "<sheets><sheet name=\"\(sheetName.isEmpty ? "Sheet1" : sheetName)\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
            ("xl/_rels/workbook.xml.rels", workbookRels),
            ("xl/styles.xml", styles),
            ("xl/worksheets/sheet1.xml", xml),
        ], modified: modified)
    }

    /// A zip of these text files (UTF-8, deflated), as an .xlsx package is.
    package static func zip(_ files: [(path: String, text: String)], modified: Date) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (path, text) in files {
            let bytes = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: modified,
                                 compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<min(Int(position) + size, bytes.count))
            }
        }
        guard let data = archive.data else { throw Abort(.internalServerError, reason: "xlsx archive has no data") }
        return data
    }

    /// Escapes text for XML and drops the control characters XML 1.0 cannot hold.
    package static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: if u.value >= 0x20 || u == "\t" || u == "\n" || u == "\r" { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    private static let contentTypes = #"""
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>
    """#

    private static let rootRels = #"""
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
    """#

    private static let workbookRels = #"""
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>
    """#

    /// Styles: 0 general, 1 date (yyyy-mm-dd), 2 text (@), 3 bold text for the header, 4 percent (0.0%).
    private static let styles = #"""
    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
    <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/><numFmt numFmtId="165" formatCode="0.0%"/></numFmts><fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>
    """#
}

extension Response {
    /// An .xlsx file to download as `filename`.
    package static func xlsx(_ data: Data, filename: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = Spreadsheet.mediaType
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
