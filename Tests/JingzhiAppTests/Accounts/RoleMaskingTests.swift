import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Who sees what of a resident's personal data: the register keepers (admin, community staff) the full ID number;
/// street staff and grid workers only `1101**********1234`, but the full phone, because they call people.
@Suite struct RoleMaskingTests {
    static let name = "掩码测试居民"
    static let phone = "13900001357"
    static let id = Fixture.idNumber(seq: 357, born: "19850612")

    /// A resident with known personal data in 古亭社区 第一网格, reachable by every role tested here.
    static func seed(_ app: Application) async throws -> String {
        let household = try await Fixture.household(app, under: "YT-GT-01-G01")
        let created = try await Fixture.createResident(app, token: try await app.token("gt01_community"), household: household,
                                                       name: name, idNumber: id, phone: phone)
        return try #require(created["id"] as? String)
    }

    struct Expectation: Sendable, CustomStringConvertible {
        let username: String
        let fullID: Bool
        var description: String { username }
    }

    static let viewers = [
        Expectation(username: "admin", fullID: true),
        Expectation(username: "gt01_community", fullID: true),
        Expectation(username: "gt_street", fullID: false),
        Expectation(username: "gt01_grid", fullID: false),
    ]

    @Test(arguments: viewers)
    func jsonListAndSingleReadAreMaskedPerRole(_ viewer: Expectation) async throws {
        try await withDemoApp { app in
            // setup
            let residentID = try await Self.seed(app)
            let token = try await app.token(viewer.username)
            // act
            let list = try await app.api(.GET, "/api/v1/residents?q=\(Self.name.urlEncoded)", token: token)
            let single = try await app.api(.GET, "/api/v1/residents/\(residentID)", token: token)
            // check
            #expect(list.status == .ok && single.status == .ok)
            let item = try #require(try Fixture.items(list).first { $0["id"] as? String == residentID })
            for body in [item, try single.json()] {
                #expect(body["idNumber"] as? String == (viewer.fullID ? Self.id : Fixture.maskedID(Self.id)))
                #expect(body["phone"] as? String == Self.phone, "every register role may phone residents")
            }
            if !viewer.fullID {
                #expect(!list.text.contains(Self.id) && !single.text.contains(Self.id))
            }
        }
    }

    @Test func maskedIDsHaveFourDigitsStarsAndFourDigitsForEveryListedResident() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt_street")
            // act
            let res = try await app.api(.GET, "/api/v1/residents?per=100", token: token)
            // check
            #expect(res.status == .ok)
            let items = try Fixture.items(res)
            #expect(!items.isEmpty)
            let pattern = /^[0-9]{4}\*{10}[0-9X]{4}$/
            for item in items {
                if let id = item["idNumber"] as? String { #expect(id.wholeMatch(of: pattern) != nil, "\(id)") }
                if let phone = item["phone"] as? String { #expect(!phone.contains("*"), "street staff see full phones") }
            }
        }
    }

    @Test(arguments: viewers)
    func residentsPageShowsOnlyTheFormTheRoleMaySee(_ viewer: Expectation) async throws {
        try await withDemoApp { app in
            // setup
            let residentID = try await Self.seed(app)
            let browser = try await WebSession.login(app, viewer.username)
            // act
            let list = try await browser.get("/residents?q=\(Self.name.urlEncoded)")
            let detail = try await browser.get("/residents/\(residentID)")
            // check
            #expect(list.status == .ok && detail.status == .ok)
            #expect(list.text.contains(Self.name))
            for page in [list.text, detail.text] {
                #expect(page.contains(Self.phone))
                if viewer.fullID {
                    #expect(page.contains(Self.id))
                } else {
                    #expect(page.contains(Fixture.maskedID(Self.id)))
                    #expect(!page.contains(Self.id))
                }
            }
        }
    }

    @Test func editFormOfStreetStaffDoesNotCarryTheFullIDNumber() async throws {
        try await withDemoApp { app in
            // setup
            let residentID = try await Self.seed(app)
            let browser = try await WebSession.login(app, "gt_street")
            // act
            let form = try await browser.get("/residents/\(residentID)/edit")
            // check
            #expect(form.status == .ok)
            #expect(!form.text.contains(Self.id))
            #expect(form.text.contains(Fixture.maskedID(Self.id)))
        }
    }

    @Test func streetStaffSavingTheEditFormKeepsTheIDNumberTheyCannotSee() async throws {
        try await withDemoApp { app in
            // setup
            let residentID = try await Self.seed(app)
            let browser = try await WebSession.login(app, "gt_street")
            try await browser.get("/residents/\(residentID)/edit")
            // act: the form comes back with the ID field blank, as the page rendered it
            let res = try await browser.post("/residents/\(residentID)/edit", [
                ("name", Self.name), ("idNumber", ""), ("gender", ""), ("birthDate", ""), ("phone", Self.phone),
                ("relation", "其他"), ("note", "街道核实"),
            ])
            // check
            #expect(res.status == .seeOther)
            let stored = try #require(try await Resident.find(UUID(uuidString: residentID), on: app.db))
            #expect(stored.idNumber == Self.id)
            #expect(stored.note == "街道核实")
        }
    }

    @Test(arguments: [("gt01_community", true), ("gt_street", false), ("admin", true)])
    func csvExportIsMaskedPerRole(_ username: String, _ fullID: Bool) async throws {
        try await withDemoApp { app in
            // setup
            _ = try await Self.seed(app)
            let token = try await app.token(username)
            // act
            let res = try await app.api(.GET, "/api/v1/residents/export?q=\(Self.name.urlEncoded)", token: token)
            // check
            #expect(res.status == .ok)
            #expect(res.headers.contentType?.subType == "csv")
            let lines = res.text.split(whereSeparator: \.isNewline).map(String.init)
            #expect(lines.count == 2, "header and one resident")
            let row = try #require(lines.last)
            #expect(row.contains(Self.name) && row.contains(Self.phone))
            #expect(row.contains(fullID ? Self.id : Fixture.maskedID(Self.id)))
            if !fullID { #expect(!res.text.contains(Self.id)) }
        }
    }

    @Test func gridWorkerMayNotExport() async throws {
        try await withDemoApp { app in
            // act
            let res = try await app.api(.GET, "/api/v1/residents/export", token: try await app.token("gt01_grid"))
            // check
            #expect(res.status == .forbidden)
        }
    }
}

extension String {
    /// Percent-encoded for a query string value.
    var urlEncoded: String {
        addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")) ?? self
    }
}
