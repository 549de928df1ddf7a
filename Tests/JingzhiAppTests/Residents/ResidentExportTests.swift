import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The CSV export Excel opens: BOM, CRLF, the import's own header, only the caller's people, masked per role.
@Suite struct ResidentExportTests {
    static func export(_ app: Application, as user: String?, query: String = "") async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let user { headers.bearerAuthorization = BearerAuthorization(token: try await app.token(user)) }
        return try await app.testing().sendRequest(.GET, "/api/v1/residents/export" + query, headers: headers)
    }

    /// The data records of an export (header dropped), parsed back; short records are padded so a broken
    /// export fails an expectation instead of trapping.
    static func records(_ res: TestingHTTPResponse) -> [[String]] {
        rawRecords(res).map { $0 + Array(repeating: "", count: max(0, 13 - $0.count)) }
    }

    static func rawRecords(_ res: TestingHTTPResponse) -> [[String]] {
        Array(CSV.parse(String(res.text.drop { $0 == "\u{FEFF}" })).dropFirst().map(\.fields))
    }

    static func total(_ app: Application, as user: String, query: String = "") async throws -> Int {
        let res = try await app.api(.GET, "/api/v1/residents?per=1" + query, token: try await app.token(user))
        return try #require(try res.json()["total"] as? Int)
    }

    @Test func communityExportIsExcelReadyAndHoldsExactlyItsOwnPeople() async throws {
        try await withDemoApp { app in
            // setup
            let total = try await Self.total(app, as: "gt01_community")
            let someone = try await app.resident(under: "YT-GT-01")
            // act
            let res = try await Self.export(app, as: "gt01_community")
            // check
            #expect(res.status == .ok)
            #expect(res.headers.contentType?.subType == "csv")
            #expect(res.headers.first(name: .contentDisposition)?.contains("attachment; filename=\"residents-") == true)
            let bytes = Array(res.body.readableBytesView)
            #expect(bytes.prefix(3) == [0xEF, 0xBB, 0xBF])
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            #expect(text.hasPrefix(ResidentImporter.exportHeader.joined(separator: ",") + "\r\n"))
            #expect(text.hasSuffix("\r\n"))
            let physical = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
            #expect(physical.allSatisfy { $0.last == UInt8(ascii: "\r") })
            let rows = Self.records(res)
            #expect(total > 0 && rows.count == total)
            #expect(Self.rawRecords(res).allSatisfy { $0.count == 13 })
            #expect(rows.allSatisfy { $0[0] == "古亭社区" })
            let line = try #require(rows.first { $0[8] == "\t" + someone.idNumber! })
            #expect(line[5] == someone.name)
        }
    }

    @Test func tagFilterNarrowsTheExport() async throws {
        try await withDemoApp { app in
            // setup
            let members = try await Self.total(app, as: "gt01_community", query: "&tag=" + urlEncode("党员"))
            let all = try await Self.total(app, as: "gt01_community")
            // act
            let res = try await Self.export(app, as: "gt01_community", query: "?tag=" + urlEncode("党员"))
            let unknown = try await Self.export(app, as: "gt01_community", query: "?tag=" + urlEncode("外星人"))
            // check
            #expect(res.status == .ok)
            let rows = Self.records(res)
            #expect(rows.count == members && members > 0 && members < all)
            #expect(rows.allSatisfy { ResidentTags.parse($0[11]).contains("党员") })
            #expect(unknown.status == .unprocessableEntity)
        }
    }

    @Test func streetStaffGetMaskedIDNumbersButFullPhones() async throws {
        try await withDemoApp { app in
            // setup
            let total = try await Self.total(app, as: "gt_street")
            let street = try await app.node("YT-GT")
            let withPhone = try #require(try await Resident.query(on: app.db).within(DataScope(rootPath: street.path))
                .filter(\.$phone != nil).sort(\.$nodePath).first())
            // act
            let res = try await Self.export(app, as: "gt_street")
            // check
            #expect(res.status == .ok)
            let rows = Self.records(res)
            #expect(rows.count == total)
            #expect(Set(rows.map { $0[0] }) == ["古亭社区", "鱼城社区"])
            let ids = rows.map { $0[8].trimmingCharacters(in: .whitespaces) }
            #expect(ids.allSatisfy { $0.count == 18 && $0.dropFirst(4).prefix(10) == "**********" })
            let masked = try #require(Mask.idNumber(withPhone.idNumber))
            let row = try #require(rows.first { $0[8] == "\t" + masked && $0[5] == withPhone.name })
            #expect(row[9].trimmingCharacters(in: .whitespaces) == withPhone.phone)
            #expect(!res.text.contains(withPhone.idNumber!))
        }
    }

    @Test func gridWorkersResidentsAndStrangersMayNotExport() async throws {
        try await withDemoApp { app in
            // act
            let grid = try await Self.export(app, as: "gt01_grid")
            let resident = try await Self.export(app, as: "resident_demo")
            let anonymous = try await Self.export(app, as: nil)
            // check
            #expect(grid.status == .forbidden)
            #expect(grid.errorCode == "forbidden")
            #expect(resident.status == .forbidden)
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test func exportedFileReimportsWithoutCreatingAnyone() async throws {
        try await withDemoApp { app in
            // setup
            let exported = try await Self.export(app, as: "gt01_community")
            let before = try await Resident.query(on: app.db).count()
            let total = try await Self.total(app, as: "gt01_community")
            // act
            let res = try await ResidentImportTests.upload(app, Data(exported.body.readableBytesView))
            // check
            #expect(res.status == .ok)
            let report = try res.json()
            #expect((report["errors"] as? [Any])?.isEmpty == true)
            #expect(report["rows"] as? Int == total)
            #expect(report["created"] as? Int == 0)
            #expect(report["unchanged"] as? Int == total)
            #expect(try await Resident.query(on: app.db).count() == before)
        }
    }

    @Test func formulaInANoteIsDefusedInTheExport() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let person = try await app.resident(under: "YT-GT-01")
            try await app.api(.PATCH, "/api/v1/residents/\(person.id!)", token: token,
                              json: #"{"note":"=HYPERLINK(\"http://x.example\",\"点我\")"}"#) { #expect($0.status == .ok) }
            // act
            let res = try await Self.export(app, as: "gt01_community")
            // check
            let row = try #require(Self.records(res).first { $0[5] == person.name && $0[8] == "\t" + person.idNumber! })
            #expect(row[12] == "'=HYPERLINK(\"http://x.example\",\"点我\")")
        }
    }

    @Test
    func noteWithANewlineStaysInOneRecord() async throws {
        try await withDemoApp { app in
            // setup: notes typed through the API use "\n"
            let token = try await app.token("gt01_community")
            let person = try await app.resident(under: "YT-GT-01")
            try await app.api(.PATCH, "/api/v1/residents/\(person.id!)", token: token,
                              json: #"{"note":"独居\n每周探访"}"#) { #expect($0.status == .ok) }
            let total = try await Self.total(app, as: "gt01_community")
            // act
            let res = try await Self.export(app, as: "gt01_community")
            let reimport = try await ResidentImportTests.upload(app, Data(res.body.readableBytesView))
            // check
            let rows = Self.records(res)
            #expect(rows.count == total)
            #expect(Self.rawRecords(res).allSatisfy { $0.count == 13 })
            #expect(rows.contains { $0[5] == person.name && $0[12] == "独居\n每周探访" })
            #expect(reimport.status == .ok)
        }
    }

    @Test func browserDownloadMatchesTheAPI() async throws {
        try await withDemoApp { app in
            // setup
            let browser = Browser(app)
            try await browser.login("gt01_community")
            // act
            let page = try await browser.get("/residents/export.csv?tag=" + urlEncode("党员"))
            let api = try await Self.export(app, as: "gt01_community", query: "?tag=" + urlEncode("党员"))
            // check
            #expect(page.status == .ok)
            #expect(page.text == api.text)
        }
    }
}
