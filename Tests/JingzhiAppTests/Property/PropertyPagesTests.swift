import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The property pages in the browser: staff bill a compound and take a payment, a resident pays online and rates,
/// anyone reads the red/black list.
@Suite struct PropertyPagesTests {
    @Test func staffBillACompoundAndTakeAPartPaymentByForm() async throws {
        try await withDemoApp { app in
            // setup
            let company = try await PropertyFixture.homeCompany(app)
            let compound = try #require(try await PropertyFixture.compounds(of: company, app).first)
            let item = try await PropertyFixture.serviceFee(app, of: company)
            let browser = Browser(app)
            try await browser.login("property_demo")
            // act
            let overview = try await browser.get("/property")
            let page = try await browser.get("/property/compounds/\(compound.id!)")
            let billed = try await browser.post("/property/compounds/\(compound.id!)/bills", [("feeItemId", item.id!.uuidString), ("period", "2026-10")])
            let afterBilling = try await browser.get("/property/compounds/\(compound.id!)")
            let bill = try #require(try await PropertyBill.query(on: app.db).filter(\.$compoundID == compound.id!).sort(\.$nodePath).first())
            let wrong = try await browser.post("/property/bills/\(bill.id!)/pay", [("amountYuan", "12.345"), ("method", "cash"), ("reference", "")])
            let wrongShown = try await browser.get("/property/bills/\(bill.id!)")
            let paid = try await browser.post("/property/bills/\(bill.id!)/pay", [("amountYuan", "10.5"), ("method", "cash"), ("reference", "")])
            let shown = try await browser.get("/property/bills/\(bill.id!)")
            // check
            #expect(overview.status == .ok && overview.text.contains(compound.name) && overview.text.contains(company.name))
            #expect(page.text.contains(req("为全部住户生成")))
            #expect(billed.status == .seeOther)
            #expect(afterBilling.text.contains("新开账单"))
            #expect(wrong.status == .seeOther && wrongShown.text.contains("最多两位小数"))
            #expect(paid.status == .seeOther && shown.text.contains("已收款，收据号 SJ"))
            #expect(try await PropertyBill.find(bill.id, on: app.db)?.paidFen == 1050)
        }
    }

    @Test func aResidentSeesBillsPaysOnlineRatesAndFindsTheRepairForm() async throws {
        try await withDemoApp { app in
            // setup
            let (_, compound) = try await PropertyFixture.residentHome(app)
            let contract = try #require(try await PropertyScope.contract(of: compound.id!, on: app.db, now: Date()))
            let company = try #require(try await PropertyCompany.find(contract.companyID, on: app.db))
            _ = try await PropertyFixture.generate(app, token: try await app.token("admin"), compound: compound,
                                                   item: try await PropertyFixture.serviceFee(app, of: company), period: "2026-10")
            let browser = Browser(app)
            try await browser.login("resident_demo")
            // act
            let mine = try await browser.get("/my/property")
            let (household, _) = try await PropertyFixture.residentHome(app)
            let bill = try #require(try await PropertyBill.query(on: app.db).filter(\.$householdID == household.id!).first())
            let other = try #require(try await PropertyBill.query(on: app.db).filter(\.$householdID != household.id!).first())
            let noRef = try await browser.post("/my/property/bills/\(bill.id!)/pay", [("amountYuan", Money.yuan(bill.amountFen)), ("reference", "")])
            let notMine = try await browser.post("/my/property/bills/\(other.id!)/pay", [("amountYuan", "1"), ("reference", "WX1")])
            let paid = try await browser.post("/my/property/bills/\(bill.id!)/pay", [("amountYuan", Money.yuan(bill.amountFen)), ("reference", "WX202610010001")])
            let rated = try await browser.post("/my/property/rate", [("stars", "5"), ("comment", "维修及时")])
            let after = try await browser.get("/my/property")
            let staffPage = try await browser.get("/property")
            // check
            #expect(mine.status == .ok && mine.text.contains(company.name) && mine.text.contains(company.contactPhone))
            #expect(mine.text.contains("/cases/new?node=\(compound.id!)"))
            #expect(noRef.status == .seeOther && notMine.status == .notFound)
            #expect(paid.status == .seeOther)
            #expect(rated.status == .seeOther)
            #expect(after.text.contains("没有待缴账单") && after.text.contains("线上支付"))
            let payment = try #require(try await PropertyPayment.query(on: app.db).filter(\.$billID == bill.id!).first())
            #expect(payment.payerKind == "resident" && payment.reference == "WX202610010001")
            #expect(try await ResidentCompanyRating.query(on: app.db).first()?.stars == 5)
            #expect(staffPage.status == .forbidden)
        }
    }

    @Test func theRedAndBlackListIsPublic() async throws {
        try await withDemoApp { app in
            // setup
            let admin = Browser(app)
            try await admin.login("admin")
            let month = ShanghaiTime.month(ShanghaiTime.currentMonth(app.clock.now()), plus: -1)
            // act
            let draft = try await Browser(app).get("/property/ratings?month=\(month)")
            let published = try await admin.post("/property/ratings/publish", [("month", month)])
            let page = try await Browser(app).get("/property/ratings")
            let again = try await admin.post("/property/ratings/publish", [("month", month)])
            let refused = try await admin.get("/property/ratings?month=\(month)")
            // check
            #expect(draft.status == .ok && draft.text.contains("未发布"))
            #expect(published.status == .seeOther)
            #expect(page.status == .ok && page.text.contains("已发布") && page.text.contains(month))
            #expect(page.text.contains(try await PropertyFixture.homeCompany(app).name))
            #expect(again.status == .seeOther && refused.text.contains("不能重复发布"))
        }
    }

    private func req(_ s: String) -> String { s }
}
