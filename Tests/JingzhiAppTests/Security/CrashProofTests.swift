import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// No request ends the process: the extremes of every paged list, of money and of a phone's clock are refused with a
/// message, and the server answers the next request. (A trap here would end the whole test run.)
@Suite struct CrashProofTests {
    static let pages = ["page=9223372036854775807", "page=92233720368547759&per=100", "page=-9223372036854775808", "page=0",
                        "per=0", "per=9223372036854775807", "page=1e3", "page=abc"]

    @Test func everyPagedAPIListRefusesExtremePagesAndTheServerAnswersAfterwards() async throws {
        try await withDemoApp { app in
            let admin = try await app.token("admin"), resident = try await app.token("resident_demo")
            let lists = ["/api/v1/cases", "/api/v1/residents", "/api/v1/households", "/api/v1/users", "/api/v1/link-requests",
                         "/api/v1/audit", "/api/v1/patrols", "/api/v1/property/bills", "/api/v1/visits/due"]
            for list in lists {
                for query in Self.pages {
                    let res = try await app.api(.GET, "\(list)?\(query)", token: admin)
                    #expect(res.status == .unprocessableEntity || res.status == .badRequest, "\(list)?\(query): \(res.status)")
                    #expect(res.errorField == "page" || res.errorField == "per", "\(list)?\(query): \(res.text.prefix(200))")
                }
                // the last page there may be is still a page
                let last = try await app.api(.GET, "\(list)?page=\(PageRequest.maxPage)&per=100", token: admin)
                #expect(last.status == .ok, "\(list): \(last.status)")
            }
            let own = try await app.api(.GET, "/api/v1/cases?page=9223372036854775807", token: resident)
            #expect(own.status == .unprocessableEntity)
            #expect(try await app.api(.GET, "/healthz", token: nil).status == .ok)
        }
    }

    @Test func everyPagedPageRefusesOrClampsExtremePages() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            try await browser.login("admin")
            for page in ["/cases", "/residents", "/users", "/audit", "/patrols", "/property/bills"] {
                for query in Self.pages {
                    let res = try await browser.get("\(page)?\(query)")
                    #expect(res.status.code < 500, "\(page)?\(query): \(res.status)")
                }
            }
            #expect(try await browser.get("/").status == .ok)
        }
    }

    @Test func feeItemsAndFactsAreBoundedAndABillPastTheLimitIsRefusedInWords() async throws {
        try await withDemoApp { app in
            // setup
            let company = try await PropertyFixture.homeCompany(app)
            let token = try await app.token("property_demo")
            // act + check: the price from the report is refused at the door
            let huge = try await app.api(.POST, "/api/v1/property/fee-items", token: token,
                                         json: #"{"companyId":"\#(company.id!)","name":"天价","basis":"per_m2","unitFen":999999999999}"#)
            #expect(huge.status == .unprocessableEntity && huge.errorField == "unitFen")
            // the largest price on the largest area would be a bill of 100亿元: refused, nothing written
            let top = try await app.api(.POST, "/api/v1/property/fee-items", token: token,
                                        json: #"{"companyId":"\#(company.id!)","name":"顶格","basis":"per_m2","unitFen":\#(FeeItem.maxUnitFen)}"#)
            #expect(top.status == .created)
            let item = try #require(try await FeeItem.query(on: app.db).filter(\.$name == "顶格").first())
            let compound = try #require(try await PropertyFixture.compounds(of: company, app).first)
            let household = try #require(try await Household.query(on: app.db).within(DataScope(rootPath: compound.path)).first())
            try await app.api(.PUT, "/api/v1/property/households/\(household.id!)/facts", token: token, json: #"{"areaCentiM2":10000000}"#)
                .checkStatus(.ok)
            let bills = try await PropertyBill.query(on: app.db).count()
            let res = try await PropertyFixture.generate(app, token: token, compound: compound, item: item, period: ShanghaiTime.format(Date(), "yyyy-MM"))
            #expect(res.status == .unprocessableEntity && res.errorField == "unitFen" && res.text.contains("账单金额超出范围"), "\(res.text)")
            #expect(try await PropertyBill.query(on: app.db).count() == bills)
        }
    }

    @Test func aPriceStoredBeforeTheBoundsCannotCrashBillingAgain() async throws {
        try await withDemoApp { app in
            // setup: a fee item as the old code let it be written, and a huge billing area
            let company = try await PropertyFixture.homeCompany(app)
            let item = try await PropertyFixture.serviceFee(app, of: company)
            try await app.db.sql.update(FeeItem.schema).set("unit_fen", to: SQLBind(999_999_999_999)).where("id", .equal, SQLBind(item.id!)).run()
            try await app.db.sql.update(HouseholdFacts.schema).set("area_centi_m2", to: SQLBind(10_000_000)).run()
            let compound = try #require(try await PropertyFixture.compounds(of: company, app).first)
            let fresh = try #require(try await FeeItem.find(item.id, on: app.db))
            // act: billing twice
            let token = try await app.token("property_demo")
            let first = try await PropertyFixture.generate(app, token: token, compound: compound, item: fresh, period: "2026-12")
            let second = try await PropertyFixture.generate(app, token: token, compound: compound, item: fresh, period: "2026-12")
            // check: refused with the field, and the server still answers
            #expect(first.status == .unprocessableEntity && first.errorField == "unitFen")
            #expect(second.status == .unprocessableEntity)
            #expect(try await app.api(.GET, "/healthz", token: nil).status == .ok)
        }
    }

    @Test func moneyArithmeticNeverTraps() throws {
        #expect(Money.sum(Int.max, 1) == Int.max)
        #expect(Money.sum(Int.min, -1) == Int.min)
        #expect(Money.total([Int.max, Int.max, 5]) == Int.max)
        #expect(throws: APIError.self) { try Money.product(Int.max / 2, 3, field: "x") }
        #expect(try Money.product(1_000, 2_000, field: "x") == 2_000_000)
        #expect(Money.yuan(Int.min).hasPrefix("-"))
        #expect(FeeReports.rate(Int.max / 2, Int.max) == 0.5)
        #expect(FeeReports.rate(1, 3) == 0.3333)
        #expect(throws: APIError.self) { try Money.fen(1e300, field: "amountFen") }
        #expect(throws: APIError.self) { try Money.fen(.infinity, field: "amountFen") }
    }

    @Test func aBusyDatabaseIsAnsweredAsBusyNotAsAnInternalError() {
        for error in [ConnectionPoolTimeoutError.connectionRequestTimeout as any Error, ConnectionPoolError.shutdown] {
            let described = JingzhiErrorMiddleware.describe(error)
            #expect(described.status == .serviceUnavailable && described.code == "busy")
            #expect(described.headers.first(name: .retryAfter) == "5")
        }
    }

    @Test func aFixFromAClockPastTheYear5000IsRefusedNotATrap() async throws {
        try await withDemoApp { app in
            let scene = try await PatrolScene.make(app)
            let res = try await app.api(.POST, "/api/v1/patrols/\(scene.patrolID)/fixes", token: scene.token,
                                        json: #"{"fixes":[{"latitude":35,"longitude":116,"recordedAt":1e19},{"latitude":35,"longitude":116,"recordedAt":-1e19}]}"#)
            #expect(res.status.code < 500, "\(res.status): \(res.text)")
            #expect(try await app.api(.GET, "/healthz", token: nil).status == .ok)
        }
    }

    @Test func twentyParallelUploadsStoreNineAtMost() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await SecurityFixture.file(app, "huanjing", at: try await SecurityFixture.compound(app))
            let token = try await app.token("gt01_community")
            let png = try QRCode.encode("photo").png(moduleSize: 2)
            // act
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        var status: UInt = 0
                        try await app.testing().test(.POST, "/api/v1/cases/\(id)/photos", beforeRequest: { req in
                            req.headers.bearerAuthorization = BearerAuthorization(token: token)
                            req.body = ByteBuffer(data: png)
                        }, afterResponse: { status = $0.status.code })
                        return status
                    }
                }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
            }
            // check
            #expect(statuses.filter { $0 == 201 }.count == CasePhotos.maxPerCase)
            #expect(statuses.filter { $0 != 201 }.allSatisfy { $0 == 422 })
            #expect(try await CasePhoto.query(on: app.db).filter(\.$caseID == UUID(uuidString: id)!).count() == CasePhotos.maxPerCase)
        }
    }

    @Test func twentyParallelNotesWithoutAVersionAllLand() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await SecurityFixture.file(app, "huanjing", at: try await SecurityFixture.compound(app))
            let token = try await app.token("gt01_community")
            // act
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        try await app.api(.POST, "/api/v1/cases/\(id)/actions/note", token: token, json: #"{"note":"跟进记录 \#(i)"}"#).status
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            // check: every note is in the history, once
            #expect(statuses.allSatisfy { $0 == .ok }, "\(statuses.map(\.code))")
            let notes = try await CaseEvent.query(on: app.db).filter(\.$caseID == UUID(uuidString: id)!).filter(\.$action == "note").count()
            #expect(notes == 20)
        }
    }
}
