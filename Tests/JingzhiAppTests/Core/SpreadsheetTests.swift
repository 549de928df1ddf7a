import Foundation
import JingzhiCore
import Testing
@testable import JingzhiApp

/// Workbooks as offices keep them: our own written and read back, and one shaped the way Excel saves.
@Suite struct SpreadsheetTests {
    static let when = Date(timeIntervalSince1970: 1_780_000_000)

    @Test func writtenCellsReadBackWithTheirTypes() throws {
        // setup
        let rows: [[SpreadsheetCell]] = [
            [.text("张三 <&>\"'"), .text("370827199001011234"), .number(42), .number(12.5), .date("1990-01-01"), .empty, .text("=1+1")],
            [.text("李四"), .text("37082719851231002X"), .number(-3), .number(0), .date("2026-02-28")],
        ]
        // act
        let data = try Spreadsheet.write(sheet: "居民", header: ["姓名", "身份证号", "人数", "金额", "出生日期", "空", "公式"], rows: rows, modified: Self.when)
        let back = try Spreadsheet.read(data)
        // check
        #expect(Spreadsheet.isWorkbook(data))
        #expect(back.map(\.number) == [1, 2, 3])
        #expect(back[0].cells == ["姓名", "身份证号", "人数", "金额", "出生日期", "空", "公式"].map(SpreadsheetCell.text))
        #expect(back[1].cells == rows[0])
        #expect(back[2].cells == rows[1])
        #expect(back[1].cells[1].string == "370827199001011234")
        #expect(SpreadsheetCell.number(42).string == "42" && SpreadsheetCell.number(12.5).string == "12.5")
        #expect(try Spreadsheet.read(data, sheet: "居民").count == 3)
        #expect(throws: APIError.self) { try Spreadsheet.read(data, sheet: "没有") }
        #expect(throws: APIError.self) { try Spreadsheet.read(Data("a,b\n1,2".utf8)) }
    }

    @Test func excelDaySerialsBothWays() {
        #expect(Spreadsheet.day(fromSerial: 1) == "1900-01-01")
        #expect(Spreadsheet.day(fromSerial: 59) == "1900-02-28")
        #expect(Spreadsheet.day(fromSerial: 61) == "1900-03-01")
        #expect(Spreadsheet.day(fromSerial: 25569) == "1970-01-01")
        #expect(Spreadsheet.day(fromSerial: 44927.75) == "2023-01-01")
        #expect(Spreadsheet.day(fromSerial: 0, epoch1904: true) == "1904-01-01")
        #expect(Spreadsheet.serial(ofDay: "2023-01-01") == 44927)
        #expect(Spreadsheet.serial(ofDay: "1900-01-01") == 1)
        #expect(Spreadsheet.serial(ofDay: "not a day") == nil)
        #expect(Spreadsheet.isDateFormat(id: 14, code: nil) && Spreadsheet.isDateFormat(id: 57, code: nil))
        #expect(Spreadsheet.isDateFormat(id: 170, code: "yyyy\"年\"m\"月\"d\"日\""))
        #expect(!Spreadsheet.isDateFormat(id: 171, code: "0.00\"元\"") && !Spreadsheet.isDateFormat(id: 172, code: "[Red]0"))
        #expect(Spreadsheet.columnName(0) == "A" && Spreadsheet.columnName(27) == "AB")
        #expect(Spreadsheet.reference("$AB$12")?.row == 12 && Spreadsheet.reference("AB12")?.column == 27)
    }

    @Test func aWorkbookShapedLikeExcelsReadsSharedStringsDatesAndMergedHeaders() throws {
        // setup: a title merged over A1:C1, shared strings (one in rich-text runs with a phonetic guide), a date
        // with a built-in format and one with a custom format, a second sheet named 名册 behind an absolute target
        let data = try Spreadsheet.zip(ExcelShaped.files, modified: Self.when)
        // act
        let first = try Spreadsheet.read(data)
        let named = try Spreadsheet.read(data, sheet: "名册")
        // check
        #expect(first.map(\.number) == [1, 2, 3])
        #expect(first[0].cells == [.text("古亭社区居民花名册"), .text("古亭社区居民花名册"), .text("古亭社区居民花名册")])
        #expect(first[1].cells == [.text("姓名"), .text("出生日期"), .text("身份证号")])
        #expect(first[2].cells == [.text("王小明"), .date("1990-01-01"), .text("370827199001011234")])
        #expect(named.count == 1)
        #expect(named[0].cells == [.number(3), .date("2023-01-01"), .empty, .text("inline")])
    }

    @Test func referencesAndSerialsOutsideExcelsGridAreRefusedNotTrapped() {
        #expect(Spreadsheet.reference("XFD1048576")?.column == 16_383)
        #expect(Spreadsheet.reference("XFE1") == nil && Spreadsheet.reference("A1048577") == nil)
        #expect(Spreadsheet.reference("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1") == nil)
        #expect(Spreadsheet.reference("A99999999999999999999999") == nil && Spreadsheet.reference("A0") == nil)
        #expect(Spreadsheet.day(fromSerial: .nan) == nil && Spreadsheet.day(fromSerial: .infinity) == nil)
        #expect(Spreadsheet.day(fromSerial: 1e300) == nil && Spreadsheet.day(fromSerial: -1) == nil)
        #expect(Spreadsheet.day(fromSerial: 2_958_465) == "9999-12-31")
        #expect(Spreadsheet.serial(ofDay: "99999-01-01") == nil)
    }

    @Test func hostileWorkbooksGetAPlainErrorOrTheirCellsNeverACrash() throws {
        func sheet(_ body: String) throws -> [Spreadsheet.Row] {
            let files = ExcelShaped.files.map { f in
                f.path == "xl/worksheets/sheet1.xml" ? (f.path, "<worksheet xmlns=\"\(ExcelShaped.main)\">\(body)</worksheet>") : f
            }
            return try Spreadsheet.read(try Spreadsheet.zip(files, modified: Self.when))
        }
        // a row number past Int, and one past Excel's last row
        #expect(throws: APIError.self) { try sheet(#"<sheetData><row r="9223372036854775807"><c><v>1</v></c></row><row><c><v>2</v></c></row></sheetData>"#) }
        #expect(throws: APIError.self) { try sheet(#"<sheetData><row r="1048577"><c><v>1</v></c></row></sheetData>"#) }
        // an absurd cell reference falls back to the cell's position; NaN and huge serials under a date style stay values
        let odd = try sheet(#"<sheetData><row r="1"><c r="ZZZZZZZZZZZZZZZZZZZZZZ1"><v>7</v></c><c r="B1" s="1"><v>1e308</v></c><c r="C1" s="1"><v>NaN</v></c></row></sheetData>"#)
        #expect(odd.count == 1 && odd[0].cells == [.number(7), .number(1e308), .text("NaN")])
        // a merge over the whole grid fills only down to the data; many of them are refused
        let whole = try sheet(#"<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row></sheetData><mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>"#)
        #expect(whole.map(\.number) == [1, 2] && whole[1].cells.count == 16_384 && whole[1].cells[9] == .number(1))
        let many = String(repeating: #"<mergeCell ref="A1:XFD2"/>"#, count: 40)
        #expect(throws: APIError.self) { try sheet(#"<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row></sheetData><mergeCells>"# + many + "</mergeCells>") }
    }
}

/// The parts of a small workbook as Excel writes them (prefixed namespaces, styles, shared strings, merges).
enum ExcelShaped {
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let files: [(path: String, text: String)] = [
        ("[Content_Types].xml", #"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#),
        ("xl/workbook.xml", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="\(main)" xmlns:r="\(rels)"><workbookPr/><sheets>
        <sheet name="Sheet1" sheetId="1" r:id="rId1"/><sheet name="名册" sheetId="2" r:id="rId2"/></sheets></workbook>
        """),
        ("xl/_rels/workbook.xml.rels", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        <Relationship Id="rId2" Type="\(rels)/worksheet" Target="/xl/worksheets/roster.xml"/>
        <Relationship Id="rId1" Type="\(rels)/worksheet" Target="worksheets/sheet1.xml"/></Relationships>
        """),
        ("xl/styles.xml", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="\(main)"><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>
        <cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="49"/><xf numFmtId="176"/></cellXfs></styleSheet>
        """),
        ("xl/sharedStrings.xml", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <sst xmlns="\(main)" count="5" uniqueCount="5"><si><t>古亭社区居民花名册</t></si><si><t>姓名</t></si>
        <si><r><rPr><b/></rPr><t>出生</t></r><r><t>日期</t></r><rPh sb="0" eb="2"><t>chusheng</t></rPh></si>
        <si><t xml:space="preserve">身份证号</t></si><si><t>王小明</t></si><si><t>370827199001011234</t></si></sst>
        """),
        ("xl/worksheets/sheet1.xml", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <x:worksheet xmlns:x="\(main)"><x:sheetData>
        <x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row>
        <x:row r="2"><x:c r="A2" t="s"><x:v>1</x:v></x:c><x:c r="B2" t="s"><x:v>2</x:v></x:c><x:c r="C2" t="s"><x:v>3</x:v></x:c></x:row>
        <x:row r="3"><x:c r="A3" t="s"><x:v>4</x:v></x:c><x:c r="B3" s="1"><x:v>32874</x:v></x:c><x:c r="C3" s="2" t="s"><x:v>5</x:v></x:c></x:row>
        <x:row r="5"/>
        </x:sheetData><x:mergeCells count="1"><x:mergeCell ref="A1:C1"/></x:mergeCells></x:worksheet>
        """),
        ("xl/worksheets/roster.xml", """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="\(main)"><sheetData><row r="7"><c r="A7"><v>3</v></c><c r="B7" s="3"><v>44927</v></c>
        <c r="D7" t="inlineStr"><is><t>inline</t></is></c></row></sheetData></worksheet>
        """),
    ]
}
