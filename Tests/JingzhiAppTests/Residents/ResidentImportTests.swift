import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Bulk import of the spreadsheets communities keep: encodings, all-or-nothing, line numbers, scope, re-imports.
@Suite struct ResidentImportTests {
    static let header = "社区,小区,楼栋,单元,房号,姓名,性别,出生日期,身份证号,手机号,与户主关系,标签,备注"

    /// A real dwelling of 古亭社区 from the demo data: its first compound, building and unit.
    struct Place { let community: String; let compound: String; let building: String; let unit: String }

    static func place(_ app: Application, community code: String = "YT-GT-01") async throws -> Place {
        let community = try await app.node(code)
        let unit = try #require(try await OrgNode.query(on: app.db).within(DataScope(rootPath: community.path))
            .filter(\.$kindRaw == NodeKind.unit.rawValue).sort(\.$path).first())
        let building = try #require(try await OrgNode.find(unit.parentID, on: app.db))
        let compound = try #require(try await OrgNode.find(building.parentID, on: app.db))
        return Place(community: community.name, compound: compound.name, building: building.name, unit: unit.name)
    }

    static func file(_ rows: [String]) -> String { ([header] + rows).joined(separator: "\n") + "\n" }

    /// Three people: two in a new room of an existing unit, one in a building the file introduces.
    static func goodRows(_ p: Place) -> [String] {
        [
            "\(p.community),\(p.compound),\(p.building),\(p.unit),901,张建国,男,,370827199001051239,13912345678,户主,党员,",
            "\(p.community),\(p.compound),\(p.building),\(p.unit),901,李秀英,女,1985-03-12,370827198503124560,,配偶,党员、志愿者,新迁入",
            "\(p.community),\(p.compound),测试9号楼,,101,王小明,男,2000-02-29,370827200002297893,,子女,,",
        ]
    }

    @discardableResult
    static func upload(_ app: Application, _ data: Data, as user: String = "gt01_community", query: String = "") async throws -> TestingHTTPResponse {
        let token = try await app.token(user)
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: token)
        headers.contentType = HTTPMediaType(type: "text", subType: "csv")
        return try await app.testing().sendRequest(.POST, "/api/v1/residents/import" + query, headers: headers, body: ByteBuffer(data: data))
    }

    static func errors(_ res: TestingHTTPResponse) throws -> [(line: Int, field: String?, message: String)] {
        try #require(try res.json()["errors"] as? [[String: Any]]).map { ($0["line"] as! Int, $0["field"] as? String, $0["message"] as! String) }
    }

    static func residentCount(_ app: Application) async throws -> Int { try await Resident.query(on: app.db).count() }

    @Test func goodFileCreatesResidentsAndANewBuilding() async throws {
        try await withDemoApp { app in
            // setup
            let p = try await Self.place(app)
            let before = try await Self.residentCount(app)
            // act
            let res = try await Self.upload(app, Data(Self.file(Self.goodRows(p)).utf8))
            // check
            #expect(res.status == .ok)
            let report = try res.json()
            #expect(report["encoding"] as? String == "utf8")
            #expect(report["rows"] as? Int == 3)
            #expect(report["created"] as? Int == 3)
            #expect(report["committed"] as? Bool == true)
            #expect((report["errors"] as? [Any])?.isEmpty == true)
            #expect(try await Self.residentCount(app) == before + 3)
            let li = try #require(try await Resident.query(on: app.db).filter(\.$idNumber == "370827198503124560").first())
            #expect(li.name == "李秀英" && li.gender == "女" && li.birthDate == "1985-03-12" && li.relation == "配偶")
            #expect(li.tagList == ["党员", "志愿者"] && li.note == "新迁入")
            let zhang = try #require(try await Resident.query(on: app.db).filter(\.$idNumber == "370827199001051239").first())
            #expect(zhang.birthDate == "1990-01-05" && zhang.phone == "13912345678" && zhang.householdID == li.householdID)
            let building = try #require(try await OrgNode.query(on: app.db).filter(\.$name == "测试9号楼").first())
            #expect(building.kind == .building)
            let wang = try #require(try await Resident.query(on: app.db).filter(\.$idNumber == "370827200002297893").first())
            #expect(wang.nodeID == building.id)
            let home = try #require(try await Household.find(wang.householdID, on: app.db))
            #expect(home.address.contains(p.compound) && home.address.contains("测试9号楼") && home.room == "101")
        }
    }

    @Test func utf8WithBOMImportsTheSame() async throws {
        try await withDemoApp { app in
            // setup
            let p = try await Self.place(app)
            let data = Data([0xEF, 0xBB, 0xBF]) + Data(Self.file(Self.goodRows(p)).utf8)
            // act
            let res = try await Self.upload(app, data)
            // check
            #expect(res.status == .ok)
            #expect(try res.json()["encoding"] as? String == "utf8")
            #expect(try res.json()["created"] as? Int == 3)
            #expect(try await Resident.query(on: app.db).filter(\.$name == "张建国").count() == 1)
        }
    }

    @Test func gb18030FileFromExcelImportsWithItsEncodingReported() async throws {
        try await withDemoApp { app in
            // setup
            let p = try await Self.place(app)
            let data = gb18030(Self.file(Self.goodRows(p)))
            #expect(String(data: data, encoding: .utf8) == nil)
            // act
            let res = try await Self.upload(app, data)
            // check
            #expect(res.status == .ok)
            #expect(try res.json()["encoding"] as? String == "gb18030")
            #expect(try res.json()["created"] as? Int == 3)
            let li = try #require(try await Resident.query(on: app.db).filter(\.$idNumber == "370827198503124560").first())
            #expect(li.name == "李秀英" && li.tagList == ["党员", "志愿者"] && li.note == "新迁入")
        }
    }

    @Test func importingTheSameFileAgainCreatesNobody() async throws {
        try await withDemoApp { app in
            // setup
            let p = try await Self.place(app)
            let data = Data(Self.file(Self.goodRows(p)).utf8)
            try await Self.upload(app, data)
            let after1 = try await Self.residentCount(app)
            // act
            let second = try await Self.upload(app, data)
            let third = try await Self.upload(app, data)
            // check
            for res in [second, third] {
                #expect(res.status == .ok)
                let report = try res.json()
                #expect(report["created"] as? Int == 0)
                #expect(report["unchanged"] as? Int == 3)
                #expect(report["updated"] as? Int == 0)
            }
            #expect(try await Self.residentCount(app) == after1)
            #expect(try await OrgNode.query(on: app.db).filter(\.$name == "测试9号楼").count() == 1)
        }
    }

    /// Line 2 good; 3 bad check digit; 4 unknown tag; 5 no name; 6 repeats the ID of line 2.
    static func badRows(_ p: Place) -> [String] {
        let at = "\(p.community),\(p.compound),\(p.building),\(p.unit),902"
        return [
            "\(at),赵一,男,,370827197208080011,,户主,,",
            "\(at),钱二,女,,370827198801011119,,配偶,,",
            "\(at),孙三,男,,370827196611203339,,子女,外星人,",
            "\(at),,女,,370827198001010045,,子女,,",
            "\(at),李四,男,,370827197208080011,,其他,,",
        ]
    }

    @Test func badRowsAreAllReportedWithLinesAndNothingIsWritten() async throws {
        try await withDemoApp { app in
            // setup
            let p = try await Self.place(app)
            let before = try await Self.residentCount(app)
            let households = try await Household.query(on: app.db).count()
            // act
            let res = try await Self.upload(app, Data(Self.file(Self.badRows(p)).utf8))
            // check
            #expect(res.status == .unprocessableEntity)
            let report = try res.json()
            #expect(report["committed"] as? Bool == false)
            #expect(report["created"] as? Int == 0)
            #expect(report["valid"] as? Int == 1)
            let errors = try Self.errors(res)
            #expect(errors.map(\.line) == [3, 4, 5, 6])
            #expect(errors.map(\.field) == ["idNumber", "tags", "name", "idNumber"])
            #expect(errors[0].message.contains("身份证号无效") && !errors[0].message.contains("370827198801011119"))
            #expect(errors[1].message.contains("外星人"))
            #expect(errors[3].message.contains("第 2 行"))
            #expect(try await Self.residentCount(app) == before)
            #expect(try await Household.query(on: app.db).count() == households)
            #expect(try await Resident.query(on: app.db).filter(\.$name == "赵一").count() == 0)
        }
    }

    @Test func skipInvalidImportsTheGoodRowsAndReportsTheRest() async throws {
        try await withDemoApp { app in
            // setup
            let p = try await Self.place(app)
            let before = try await Self.residentCount(app)
            // act
            let res = try await Self.upload(app, Data(Self.file(Self.badRows(p)).utf8), query: "?skipInvalid=true")
            // check
            #expect(res.status == .ok)
            let report = try res.json()
            #expect(report["committed"] as? Bool == true)
            #expect(report["created"] as? Int == 1)
            #expect(report["skipped"] as? Int == 4)
            #expect(try Self.errors(res).map(\.line) == [3, 4, 5, 6])
            #expect(try await Self.residentCount(app) == before + 1)
            #expect(try await Resident.query(on: app.db).filter(\.$name == "赵一").count() == 1)
            #expect(try await Resident.query(on: app.db).filter(\.$name ~~ ["钱二", "孙三", "李四"]).count() == 0)
        }
    }

    @Test func dryRunChecksButWritesNothing() async throws {
        try await withDemoApp { app in
            // setup
            let p = try await Self.place(app)
            let before = try await Self.residentCount(app)
            // act
            let good = try await Self.upload(app, Data(Self.file(Self.goodRows(p)).utf8), query: "?dryRun=true")
            let bad = try await Self.upload(app, Data(Self.file(Self.badRows(p)).utf8), query: "?dryRun=true&skipInvalid=true")
            // check
            #expect(good.status == .ok)
            #expect(try good.json()["valid"] as? Int == 3)
            #expect(try good.json()["committed"] as? Bool == false)
            #expect(try good.json()["created"] as? Int == 0)
            #expect(bad.status == .unprocessableEntity)
            #expect(try Self.errors(bad).count == 4)
            #expect(try await Self.residentCount(app) == before)
            #expect(try await OrgNode.query(on: app.db).filter(\.$name == "测试9号楼").count() == 0)
        }
    }

    @Test func fileWithoutTheNameColumnIsRefusedNamingIt() async throws {
        try await withDemoApp { app in
            // setup
            let p = try await Self.place(app)
            let text = "小区,楼栋,单元,房号,性别,身份证号\n\(p.compound),\(p.building),\(p.unit),903,男,370827197208080011\n"
            // act
            let res = try await Self.upload(app, Data(text.utf8))
            let empty = try await Self.upload(app, Data())
            let onlyBOM = try await Self.upload(app, Data([0xEF, 0xBB, 0xBF]))
            // check
            #expect(res.status == .unprocessableEntity)
            #expect(res.errorField == "file")
            #expect(try #require((try res.json()["error"] as? [String: Any])?["message"] as? String).contains("姓名"))
            #expect(empty.status == .badRequest)
            #expect(onlyBOM.status == .unprocessableEntity)
            #expect(try await Resident.query(on: app.db).filter(\.$idNumber == "370827197208080011").count() == 0)
        }
    }

    @Test func placesOfAnotherCommunityAreRowErrorsAndNothingIsWritten() async throws {
        try await withDemoApp { app in
            // setup
            let own = try await Self.place(app)
            let other = try await Self.place(app, community: "YT-BH-01")
            let rows = [
                "\(own.community),\(own.compound),\(own.building),\(own.unit),904,周好,男,,370827197208080011,,户主,,",
                "\(other.community),\(other.compound),\(other.building),\(other.unit),101,吴越,男,,370827198801011118,,户主,,",
                ",\(other.compound),\(other.building),\(other.unit),101,郑界,女,,370827198001010045,,户主,,",
            ]
            let before = try await Self.residentCount(app)
            // act
            let res = try await Self.upload(app, Data(Self.file(rows).utf8))
            // check
            #expect(res.status == .unprocessableEntity)
            let errors = try Self.errors(res)
            #expect(errors.map(\.line) == [3, 4])
            #expect(errors.map(\.field) == ["community", "compound"])
            #expect(errors[0].message.contains("不在您的管辖范围") && errors[0].message.contains(other.community))
            #expect(errors[1].message.contains(other.compound))
            #expect(try await Self.residentCount(app) == before)
        }
    }

    @Test
    func idNumberOfAResidentOutsideTheScopeDoesNotChangeThem() async throws {
        try await withDemoApp { app in
            // setup
            let p = try await Self.place(app)
            let foreign = try await app.resident(under: "YT-BH-01")
            let id = try #require(foreign.idNumber)
            let row = "\(p.community),\(p.compound),\(p.building),\(p.unit),905,冒名顶替,\(foreign.gender),,\(id),,户主,重点关注,"
            // act
            let res = try await Self.upload(app, Data(Self.file([row]).utf8), query: "?skipInvalid=true")
            // check: 古亭社区 staff must not be able to rename or retag someone of 站前社区
            let after = try #require(try await Resident.find(foreign.id, on: app.db))
            #expect(after.name == foreign.name)
            #expect(after.tags == foreign.tags)
            #expect(try res.json()["updated"] as? Int != 1)
        }
    }

    @Test func quotedFieldsWithCommasAndNewlinesKeepTheirContentAndLineNumbers() async throws {
        try await withDemoApp { app in
            // setup
            let p = try await Self.place(app)
            let at = "\(p.community),\(p.compound),\(p.building),\(p.unit)"
            let text = Self.file([
                "\(at),906,\"冯,大\",男,,370827197208080011,,户主,\"党员,志愿者\",\"住 3 楼, 东户\n常年独居\"",
                "\(at),906,陈明,男,,370827198801011118,12345,子女,,",
            ])
            // act
            let checked = try await Self.upload(app, Data(text.utf8), query: "?dryRun=true")
            let imported = try await Self.upload(app, Data(text.utf8), query: "?skipInvalid=true")
            // check: the second record starts on line 4 because the note spans two lines
            #expect(try Self.errors(checked).map { "\($0.line) \($0.field ?? "")" } == ["4 phone"])
            #expect(imported.status == .ok)
            let feng = try #require(try await Resident.query(on: app.db).filter(\.$idNumber == "370827197208080011").first())
            #expect(feng.name == "冯,大")
            #expect(feng.tagList == ["党员", "志愿者"])
            #expect(feng.note == "住 3 楼, 东户\n常年独居")
        }
    }

    @Test func datesAsExcelWritesThemAreAccepted() async throws {
        try await withDemoApp { app in
            // setup: people without ID numbers, so the date column is what is stored
            let p = try await Self.place(app)
            let at = "\(p.community),\(p.compound),\(p.building),\(p.unit),907"
            let rows = ["\(at),日期甲,男,1990/1/5,,,户主,,", "\(at),日期乙,女,19900105,,,配偶,,", "\(at),日期丙,女,1990年1月5日,,,子女,,",
                        "\(at),日期丁,男,1990/1/5,370827199001051239,,其他,,"]
            let wrong = "\(at),日期戊,男,1990/2/30,,,其他,,"
            // act
            let res = try await Self.upload(app, Data(Self.file(rows).utf8))
            let refused = try await Self.upload(app, Data(Self.file([wrong]).utf8))
            // check
            #expect(res.status == .ok)
            #expect(try res.json()["created"] as? Int == 4)
            let born = try await Resident.query(on: app.db).filter(\.$name ~~ ["日期甲", "日期乙", "日期丙", "日期丁"]).all().map(\.birthDate)
            #expect(born == Array(repeating: "1990-01-05", count: 4))
            #expect(refused.status == .unprocessableEntity)
            #expect(try Self.errors(refused).map(\.field) == ["birthDate"])
        }
    }

    @Test func onlyCommunityStaffAndAdminsMayImport() async throws {
        try await withDemoApp { app in
            // setup
            let p = try await Self.place(app)
            let data = Data(Self.file(Self.goodRows(p)).utf8)
            // act
            let grid = try await Self.upload(app, data, as: "gt01_grid")
            let street = try await Self.upload(app, data, as: "gt_street")
            let anonymous = try await app.testing().sendRequest(.POST, "/api/v1/residents/import", body: ByteBuffer(data: data))
            // check
            #expect(grid.status == .forbidden)
            #expect(street.status == .forbidden)
            #expect(anonymous.status == .unauthorized)
            #expect(try await Resident.query(on: app.db).filter(\.$name == "张建国").count() == 0)
        }
    }

    // MARK: The upload page

    @Test func uploadPageImportsAFileAndShowsTheSummary() async throws {
        try await withDemoApp { app in
            // setup
            let p = try await Self.place(app)
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let data = gb18030(Self.file(Self.goodRows(p)))
            // act
            let form = try await browser.get("/residents/import")
            let checked = try await browser.postFile("/residents/import", file: data, fields: [("dryRun", "true")])
            let imported = try await browser.postFile("/residents/import", file: data)
            let withErrors = try await browser.postFile("/residents/import", file: Data(Self.file(Self.badRows(p)).utf8))
            // check
            #expect(form.status == .ok)
            #expect(form.text.contains("enctype=\"multipart/form-data\"") && form.text.contains("name=\"_csrf\""))
            #expect(checked.status == .ok)
            #expect(checked.text.contains("检查通过：共 3 行"))
            #expect(imported.status == .ok)
            #expect(imported.text.contains("已导入：新增 3，更新 0，未变 0，跳过 0。"))
            #expect(imported.text.contains("gb18030"))
            #expect(withErrors.status == .unprocessableEntity)
            #expect(withErrors.text.contains("第 3 行 「身份证号」"))
            #expect(withErrors.text.contains("未导入任何数据"))
            #expect(try await Resident.query(on: app.db).filter(\.$name == "张建国").count() == 1)
        }
    }

    /// `count` copies of one person without an ID number: valid, and about 70 bytes a row.
    static func bigFile(_ p: Place, count: Int) -> Data {
        Data(file(Array(repeating: "\(p.community),\(p.compound),\(p.building),\(p.unit),901,张三,男,1990-01-01,,,户主,,", count: count)).utf8)
    }

    @Test func smallUploadThroughARealServerIsChecked() async throws {
        try await withDemoApp { app in
            // setup
            let p = try await Self.place(app)
            let browser = Browser(app, live: true)
            try await browser.login("gt01_community")
            // act
            let res = try await browser.postFile("/residents/import", file: Self.bigFile(p, count: 10), fields: [("dryRun", "true")])
            // check
            #expect(res.status == .ok)
            #expect(res.text.contains("检查通过：共 10 行"))
        }
    }

    @Test
    func realSizedUploadThroughARealServerIsChecked() async throws {
        try await withDemoApp { app in
            // setup: a community register of 3000 rows (~200 KB), sent over HTTP like a browser does
            let p = try await Self.place(app)
            let browser = Browser(app, live: true)
            try await browser.login("gt01_community")
            let data = Self.bigFile(p, count: 3000)
            // act
            let res = try await browser.postFile("/residents/import", file: data, fields: [("dryRun", "true")])
            // check
            #expect(data.count > 150_000)
            #expect(res.status == .ok)
            #expect(res.text.contains("检查通过：共 3000 行"))
        }
    }

    @Test func uploadWithoutTheFormTokenIsRefused() async throws {
        try await withDemoApp { app in
            // setup
            let p = try await Self.place(app)
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let before = try await Self.residentCount(app)
            // act
            let res = try await browser.postFile("/residents/import", file: Data(Self.file(Self.goodRows(p)).utf8), withCSRF: false)
            let grid = Browser(app)
            try await grid.login("gt01_grid")
            let page = try await grid.get("/residents/import")
            // check
            #expect(res.status == .forbidden)
            #expect(try await Self.residentCount(app) == before)
            #expect(page.status == .forbidden)
        }
    }
}
