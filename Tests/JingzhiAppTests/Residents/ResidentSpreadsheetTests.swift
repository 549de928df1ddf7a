import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The register as Excel workbooks: imported with the CSV's row checks, exported with typed cells.
@Suite struct ResidentSpreadsheetTests {
    typealias T = ResidentImportTests
    static let when = Date(timeIntervalSince1970: 1_780_000_000)

    static func upload(_ app: Application, _ data: Data, query: String = "") async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: try await app.token("gt01_community"))
        headers.contentType = Spreadsheet.mediaType
        return try await app.testing().sendRequest(.POST, "/api/v1/residents/import" + query, headers: headers, body: ByteBuffer(data: data))
    }

    /// A CSV row of the import tests as typed cells: the birth date a date, the rest text.
    static func cells(_ line: String) -> [SpreadsheetCell] {
        line.split(separator: ",", omittingEmptySubsequences: false).enumerated().map { i, v in
            v.isEmpty ? .empty : i == 7 ? .date(String(v)) : .text(String(v))
        }
    }

    @Test func aWorkbookMadeByTheWriterImportsLikeItsCSV() async throws {
        try await withDemoApp { app in
            // setup
            let p = try await T.place(app)
            let before = try await T.residentCount(app)
            let data = try Spreadsheet.write(sheet: "居民", header: ResidentImporter.exportHeader, rows: T.goodRows(p).map(Self.cells), modified: Self.when)
            // act
            let res = try await Self.upload(app, data)
            // check
            #expect(res.status == .ok, "\(res.text)")
            let report = try res.json()
            #expect(report["encoding"] as? String == "xlsx" && report["created"] as? Int == 3 && report["committed"] as? Bool == true)
            #expect(try await T.residentCount(app) == before + 3)
            let li = try #require(try await Resident.query(on: app.db).filter(\.$idNumber == "370827198503124560").first())
            #expect(li.birthDate == "1985-03-12" && li.tagList == ["党员", "志愿者"])
        }
    }

    /// A register as a community office saves it: a title merged over the top, a group header "联系方式" merged over
    /// 手机号 and 备注 with those names in the row below, shared strings, birth dates as day serials.
    static func officeWorkbook(_ p: T.Place, badID: String) throws -> Data {
        let strings = ["古亭社区居民花名册", "小区", "楼栋", "单元", "房号", "姓名", "性别", "出生日期", "身份证号", "联系方式", "手机号", "备注",
                       p.compound, p.building, p.unit, "902", "赵丽", "女", "370827198503124560", "13912345678", "新迁入", "钱进", "男", badID]
        func s(_ text: String) -> Int { strings.firstIndex(of: text)! }
        func row(_ r: Int, _ cells: [(String, String)]) -> String {
            "<row r=\"\(r)\">" + cells.map { "<c r=\"\($0.0)\(r)\"\($0.1)</c>" }.joined() + "</row>"
        }
        func str(_ text: String) -> String { " t=\"s\"><v>\(s(text))</v>" }
        let sheet = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="\(ExcelShaped.main)"><sheetData>
        \(row(1, [("A", str("古亭社区居民花名册"))]))
        \(row(2, [("A", str("小区")), ("B", str("楼栋")), ("C", str("单元")), ("D", str("房号")), ("E", str("姓名")), ("F", str("性别")),
                  ("G", str("出生日期")), ("H", str("身份证号")), ("I", str("联系方式"))]))
        \(row(3, [("I", str("手机号")), ("J", str("备注"))]))
        \(row(4, [("A", str(p.compound)), ("B", str(p.building)), ("C", str(p.unit)), ("D", str("902")), ("E", str("赵丽")), ("F", str("女")),
                  ("G", " s=\"1\"><v>31118</v>"), ("H", str("370827198503124560")), ("I", str("13912345678")), ("J", str("新迁入"))]))
        \(row(5, [("A", str(p.compound)), ("B", str(p.building)), ("C", str(p.unit)), ("D", str("902")), ("E", str("钱进")), ("F", str("男")),
                  ("H", str(badID))]))
        </sheetData><mergeCells count="2"><mergeCell ref="A1:J1"/><mergeCell ref="I2:J2"/></mergeCells></worksheet>
        """
        let shared = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"\(ExcelShaped.main)\">"
            + strings.map { "<si><t>\(Spreadsheet.escape($0))</t></si>" }.joined() + "</sst>"
        let files = ExcelShaped.files.filter { !$0.path.hasPrefix("xl/worksheets") && $0.path != "xl/sharedStrings.xml" }
            + [("xl/sharedStrings.xml", shared), ("xl/worksheets/sheet1.xml", sheet), ("xl/worksheets/roster.xml", sheet)]
        return try Spreadsheet.zip(files, modified: Self.when)
    }

    @Test func anOfficeWorkbookIsCheckedRowByRowWithItsRowNumbers() async throws {
        try await withDemoApp { app in
            // setup: row 5 has an ID number that fails its check digit
            let p = try await T.place(app)
            let before = try await T.residentCount(app)
            let data = try Self.officeWorkbook(p, badID: "370827199001011235")
            // act
            let refused = try await Self.upload(app, data)
            let skipping = try await Self.upload(app, data, query: "?skipInvalid=true&sheet=%E5%90%8D%E5%86%8C")
            let noSheet = try await Self.upload(app, data, query: "?sheet=nope")
            // check: the bad row is named by its sheet row, nothing written; then the good row goes in from sheet 名册
            #expect(refused.status == .unprocessableEntity, "\(refused.text)")
            let errors = try T.errors(refused)
            #expect(errors.count == 1 && errors[0].line == 5 && errors[0].field == "idNumber")
            #expect(try refused.json()["rows"] as? Int == 2)
            #expect(skipping.status == .ok, "\(skipping.text)")
            #expect(try skipping.json()["created"] as? Int == 1)
            #expect(try await T.residentCount(app) == before + 1)
            let zhao = try #require(try await Resident.query(on: app.db).filter(\.$idNumber == "370827198503124560").first())
            #expect(zhao.name == "赵丽" && zhao.phone == "13912345678" && zhao.note == "新迁入")
            #expect(noSheet.status == .unprocessableEntity && noSheet.text.contains("名册"))
        }
    }

    @Test func theExportAsXLSXKeepsIDNumbersAsTextAndBirthDatesAsDates() async throws {
        try await withDemoApp { app in
            // setup
            let people = try await Resident.query(on: app.db).within(DataScope(rootPath: try await app.node("YT-GT-01").path)).sort(\.$nodePath).all()
            let someone = try #require(people.first { $0.idNumber?.count == 18 })
            let id = try #require(someone.idNumber)
            // act
            let res = try await ResidentExportTests.export(app, as: "gt01_community", query: "?format=xlsx")
            let csv = try await ResidentExportTests.export(app, as: "gt01_community")
            // check
            #expect(res.status == .ok)
            #expect(res.headers.contentType == Spreadsheet.mediaType)
            #expect(res.headers.first(name: .contentDisposition)?.contains(".xlsx") == true)
            let rows = try Spreadsheet.read(Data(buffer: res.body))
            #expect(rows[0].cells == ResidentImporter.exportHeader.map(SpreadsheetCell.text))
            #expect(rows.count - 1 == ResidentExportTests.records(csv).count)
            let mine = try #require(rows.first { $0.cells.count > 8 && $0.cells[8] == .text(id) })
            #expect(id.count == 18)
            #expect(mine.cells[5] == .text(someone.name))
            if let born = someone.birthDate { #expect(mine.cells[7] == .date(born)) }
        }
    }

    @Test func monthlyReportAsXLSXHasCountsAsNumbers() async throws {
        try await withDemoApp { app in
            // setup
            _ = try await CommandCentreScenario.build(app)
            let browser = Browser(app)
            try await browser.login("gt_street")
            // act
            let res = try await browser.get("/reports/monthly.xlsx?month=2026-11")
            let csv = try await browser.get("/reports/monthly.csv?month=2026-11")
            // check
            #expect(res.status == .ok && res.headers.first(name: .contentDisposition)?.contains("report-YT-GT-2026-11.xlsx") == true)
            let rows = try Spreadsheet.read(Data(buffer: res.body))
            #expect(rows[0].cells == MonthlyReportPages.csvHeader.map(SpreadsheetCell.text))
            let total = rows[1].cells
            #expect(total[0] == .text("合计"))
            guard case .number(let n) = total[4] else { Issue.record("诉求数 is not a number: \(total[4])"); return }
            let csvTotal = csv.text.dropFirst().components(separatedBy: "\r\n")[1].split(separator: ",", omittingEmptySubsequences: false)[4]
            #expect(String(Int(n)) == String(csvTotal))
        }
    }

    @Test func billsAsXLSXHaveAmountsAsNumbersAndDueDaysAsDates() async throws {
        try await withDemoApp { app in
            // setup: the bills of one period of a compound
            let (_, compound) = try await PropertyFixture.residentHome(app)
            let contract = try #require(try await PropertyScope.contract(of: compound.id!, on: app.db, now: Date()))
            let company = try #require(try await PropertyCompany.find(contract.companyID, on: app.db))
            let admin = try await app.token("admin")
            _ = try await PropertyFixture.generate(app, token: admin, compound: compound, item: try await PropertyFixture.serviceFee(app, of: company), period: "2026-01")
            // act
            let res = try await app.api(.GET, "/api/v1/property/bills/export?period=2026-01&compound=\(compound.id!)&format=xlsx", token: admin)
            // check
            #expect(res.status == .ok && res.headers.contentType == Spreadsheet.mediaType)
            let rows = try Spreadsheet.read(Data(buffer: res.body))
            #expect(rows[0].cells == FeeReports.billHeader.map(SpreadsheetCell.text))
            let bill = try #require(try await PropertyBill.query(on: app.db).filter(\.$compoundID == compound.id!).filter(\.$period == "2026-01").first())
            #expect(rows.count > 1)
            #expect(rows.dropFirst().allSatisfy { $0.cells[1] == .text("2026-01") })
            #expect(rows.dropFirst().contains { $0.cells[3] == .number(Double(bill.amountFen) / 100) && $0.cells[7] == .date(bill.dueDay) })
            // and the collection rates: the API's JSON and its workbook, and the page's workbook
            let json = try await app.api(.GET, "/api/v1/property/collection?from=2026-01&to=2026-01", token: admin).jsonArray()
            let book = try await app.api(.GET, "/api/v1/property/collection?from=2026-01&to=2026-01&format=xlsx", token: admin)
            let rates = try Spreadsheet.read(Data(buffer: book.body))
            #expect(rates[0].cells == FeeReports.collectionHeader.map(SpreadsheetCell.text))
            #expect(rates.count == json.count + 1)
            let mine = try #require(rates.first { $0.cells.first == .text(compound.name) })
            let billed = try #require(json.first { $0["name"] as? String == compound.name }?["billedFen"] as? Int)
            #expect(mine.cells[2] == .number(Double(billed) / 100))
            let browser = Browser(app)
            try await browser.login("admin")
            let page = try await browser.get("/property/collection.xlsx?to=2026-01")
            #expect(page.status == .ok && page.headers.contentType == Spreadsheet.mediaType)
        }
    }
}
