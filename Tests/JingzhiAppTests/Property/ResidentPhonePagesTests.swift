import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// What an elderly resident sees on the phone: two big buttons home, overdue bills marked, repairs preselected.
@Suite struct ResidentPhonePagesTests {
    @Test func homeHasTheTwoBigButtonsAndRepairsPreselectPropertyManagement() async throws {
        try await withDemoApp { app in
            // setup
            let browser = Browser(app)
            try await browser.login("resident_demo")
            // act
            let home = try await browser.get("/")
            let property = try await browser.get("/my/property")
            let repair = try await browser.get("/cases/new?category=wuye")
            // check
            #expect(home.text.contains("class=\"big-actions tiles\"") && home.text.contains(">我要反映</a>") && home.text.contains(">缴费</a>"))
            #expect(property.text.contains("category=wuye"))
            #expect(property.text.contains("暂未接入线上支付"))
            #expect(repair.text.contains("<option value=\"wuye\" selected>"))
        }
    }

    @Test func anOverdueBillIsMarkedAndAPaymentSaysWhichMonthItPaid() async throws {
        try await withDemoApp { app in
            // setup: a bill of last year for the resident's household, part paid
            let (household, compound) = try await PropertyFixture.residentHome(app)
            let company = try await PropertyFixture.homeCompany(app)
            let item = try await PropertyFixture.serviceFee(app, of: company)
            let generated = try await PropertyFixture.generate(app, token: try await app.token("property_demo"), compound: compound, item: item, period: "2025-01")
            #expect(generated.status == .ok, "\(generated.text)")
            let bill = try #require(try await PropertyBill.query(on: app.db).filter(\.$householdID == household.id!).filter(\.$period == "2025-01").first())
            let paid = try await PropertyFixture.pay(app, token: try await app.token("admin"), bill: bill.id!, #"{"amountFen":1,"method":"cash"}"#)
            #expect(paid.status == .created, "\(paid.text)")
            let browser = Browser(app)
            try await browser.login("resident_demo")
            // act
            let page = try await browser.get("/my/property")
            // check
            #expect(page.text.contains("2025-01 \(bill.itemName)</b> <b class=\"error\">逾期</b>"))
            #expect(page.text.contains("<span>2025-01 \(bill.itemName) · 0.01 元"))
        }
    }

    @Test func theLocationListStartsWithTheResidentsOwnCompoundThenItsNeighbours() async throws {
        try await withDemoApp { app in
            // setup
            let (_, compound) = try await PropertyFixture.residentHome(app)
            let browser = Browser(app)
            try await browser.login("resident_demo")
            // act
            let page = try await browser.get("/cases/new")
            // check: the first option after the blank one is home, preselected
            let select = try #require(page.text.components(separatedBy: "name=\"nodeId\"").dropFirst().first)
            let options = select.components(separatedBy: "<option value=\"").dropFirst(2).prefix(2).map { String($0.prefix(36)) }
            #expect(options.first == compound.id!.uuidString)
            #expect(select.contains("value=\"\(compound.id!.uuidString)\" selected"))
            let community = String(compound.path.prefix(compound.path.count - 2 * PathSegment.width))
            for id in options.dropFirst() {
                let node = try #require(try await OrgNode.find(UUID(uuidString: id), on: app.db))
                #expect(node.path.hasPrefix(community), "\(node.name) is not near home")
            }
        }
    }
}
