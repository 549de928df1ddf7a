import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Bills, payments, reversals and what is refused, through the API.
@Suite struct PropertyFeeTests {
    @Test func generatingAPeriodTwiceBillsNobodyTwice() async throws {
        try await withDemoApp { app in
            // setup
            let company = try await PropertyFixture.homeCompany(app)
            let compound = try #require(try await PropertyFixture.compounds(of: company, app).first)
            let item = try await PropertyFixture.serviceFee(app, of: company)
            let token = try await app.token("property_demo")
            let households = try await Household.query(on: app.db).within(DataScope(rootPath: compound.path)).count()
            // act
            let first = try await PropertyFixture.generate(app, token: token, compound: compound, item: item, period: "2026-10")
            let second = try await PropertyFixture.generate(app, token: token, compound: compound, item: item, period: "2026-10")
            // check
            #expect(first.status == .ok, "\(first.text)")
            #expect(try first.json()["created"] as? Int == households)
            #expect(try second.json()["created"] as? Int == 0)
            #expect(try second.json()["alreadyBilled"] as? Int == households)
            let bills = try await PropertyBill.query(on: app.db).filter(\.$compoundID == compound.id!).filter(\.$period == "2026-10").all()
            #expect(bills.count == households)
            #expect(Set(bills.map(\.householdID)).count == households)
            // the amount is area × price, rounded to the fen
            let facts = try #require(try await HouseholdFacts.query(on: app.db).filter(\.$householdID == bills[0].householdID).first())
            #expect(bills[0].amountFen == (facts.areaCentiM2 * item.unitFen + 50) / 100)
            #expect(try await PropertyFixture.audit(app, entity: "property_bill", action: "bill").count == 2)
        }
    }

    @Test func partPaymentsReceiptsAndOverpaymentRefused() async throws {
        try await withDemoApp { app in
            // setup
            let company = try await PropertyFixture.homeCompany(app)
            let compound = try #require(try await PropertyFixture.compounds(of: company, app).first)
            let token = try await app.token("property_demo")
            _ = try await PropertyFixture.generate(app, token: token, compound: compound, item: try await PropertyFixture.serviceFee(app, of: company), period: "2026-09")
            let bill = try #require(try await PropertyBill.query(on: app.db).filter(\.$compoundID == compound.id!).sort(\.$nodePath).first())
            let part = bill.amountFen / 3
            // act
            let cash = try await PropertyFixture.pay(app, token: token, bill: bill.id!, #"{"amountFen":\#(part),"method":"cash"}"#)
            let transfer = try await PropertyFixture.pay(app, token: token, bill: bill.id!, #"{"amountFen":\#(part),"method":"transfer","reference":"ZZ20260901"}"#)
            let over = try await PropertyFixture.pay(app, token: token, bill: bill.id!, #"{"amountFen":\#(bill.amountFen),"method":"cash"}"#)
            let rest = try await PropertyFixture.pay(app, token: token, bill: bill.id!, #"{"amountFen":\#(bill.amountFen - 2 * part),"method":"cash"}"#)
            let more = try await PropertyFixture.pay(app, token: token, bill: bill.id!, #"{"amountFen":1,"method":"cash"}"#)
            // check
            #expect(cash.status == .created && transfer.status == .created && rest.status == .created)
            let receipts = try [cash, transfer, rest].map { try #require(try $0.json()["receiptNo"] as? String) }
            #expect(Set(receipts).count == 3 && receipts.allSatisfy { $0.hasPrefix("SJ") })
            #expect(over.status == .unprocessableEntity && over.errorCode == "overpayment")
            #expect(more.errorCode == "overpayment")
            let shown = try await app.api(.GET, "/api/v1/property/bills/\(bill.id!)", token: token).json()
            #expect(shown["paidFen"] as? Int == bill.amountFen && shown["owedFen"] as? Int == 0)
            #expect((shown["payments"] as? [Any])?.count == 3)
            #expect(try await PropertyFixture.audit(app, entity: "property_payment", action: "pay").count == 3)
        }
    }

    @Test(arguments: [#"{"amountFen":-100,"method":"cash"}"#, #"{"amountFen":12.5,"method":"cash"}"#, #"{"amountFen":0,"method":"cash"}"#,
                      #"{"amountFen":100,"method":"bitcoin"}"#, #"{"amountFen":100,"method":"transfer"}"#, #"{"method":"cash"}"#])
    func wrongAmountsAndMethodsAreRefusedAndNothingIsWritten(_ body: String) async throws {
        try await withDemoApp { app in
            // setup
            let company = try await PropertyFixture.homeCompany(app)
            let compound = try #require(try await PropertyFixture.compounds(of: company, app).first)
            let token = try await app.token("property_demo")
            _ = try await PropertyFixture.generate(app, token: token, compound: compound, item: try await PropertyFixture.serviceFee(app, of: company), period: "2026-09")
            let bill = try #require(try await PropertyBill.query(on: app.db).filter(\.$compoundID == compound.id!).first())
            // act
            let res = try await PropertyFixture.pay(app, token: token, bill: bill.id!, body)
            // check
            #expect(res.status == .unprocessableEntity, "\(body): \(res.text)")
            #expect(res.errorField == "amountFen" || res.errorField == "method" || res.errorField == "reference")
            #expect(try await PropertyPayment.query(on: app.db).count() == 0)
            #expect(try await PropertyBill.find(bill.id, on: app.db)?.paidFen == 0)
        }
    }

    @Test func aReversalUndoesAPaymentOnceWithAReason() async throws {
        try await withDemoApp { app in
            // setup
            let company = try await PropertyFixture.homeCompany(app)
            let compound = try #require(try await PropertyFixture.compounds(of: company, app).first)
            let token = try await app.token("property_demo")
            _ = try await PropertyFixture.generate(app, token: token, compound: compound, item: try await PropertyFixture.serviceFee(app, of: company), period: "2026-08")
            let bill = try #require(try await PropertyBill.query(on: app.db).filter(\.$compoundID == compound.id!).first())
            let paid = try await PropertyFixture.pay(app, token: token, bill: bill.id!, #"{"amountFen":\#(bill.amountFen),"method":"cash"}"#)
            let paymentID = try #require(try paid.json()["id"] as? String)
            // act
            let noReason = try await app.api(.POST, "/api/v1/property/payments/\(paymentID)/reverse", token: token, json: "{}")
            let reversed = try await app.api(.POST, "/api/v1/property/payments/\(paymentID)/reverse", token: token, json: #"{"reason":"收错户了"}"#)
            let again = try await app.api(.POST, "/api/v1/property/payments/\(paymentID)/reverse", token: token, json: #"{"reason":"再冲一次"}"#)
            let reversalID = try #require(try reversed.json()["id"] as? String)
            let ofReversal = try await app.api(.POST, "/api/v1/property/payments/\(reversalID)/reverse", token: token, json: #"{"reason":"冲正的冲正"}"#)
            // check
            #expect(noReason.status == .unprocessableEntity && noReason.errorField == "reason")
            #expect(reversed.status == .created)
            #expect(try reversed.json()["amountFen"] as? Int == -bill.amountFen)
            #expect(again.status == .conflict && again.errorCode == "already_reversed")
            #expect(ofReversal.status == .conflict)
            // both entries stay; the bill is owed again
            #expect(try await PropertyPayment.query(on: app.db).filter(\.$billID == bill.id!).count() == 2)
            #expect(try await PropertyBill.find(bill.id, on: app.db)?.paidFen == 0)
            let entry = try #require(try await PropertyFixture.audit(app, entity: "property_payment", action: "reverse").first)
            #expect(entry.summary.contains("收错户了"))
        }
    }

    @Test func billsOnlyForTheCompanysOwnCompoundsAndOnlyByItsStaff() async throws {
        try await withDemoApp { app in
            // setup
            let home = try await PropertyFixture.homeCompany(app)
            let other = try await PropertyFixture.otherCompany(app)
            let foreign = try #require(try await PropertyFixture.compounds(of: other, app).first)
            let ownItem = try await PropertyFixture.serviceFee(app, of: home)
            let otherItem = try await PropertyFixture.serviceFee(app, of: other)
            let token = try await app.token("property_demo")
            let admin = try await app.token("admin")
            // act
            let outsideScope = try await PropertyFixture.generate(app, token: token, compound: foreign, item: ownItem, period: "2026-10")
            let otherCompanysItem = try await PropertyFixture.generate(app, token: token, compound: foreign, item: otherItem, period: "2026-10")
            let adminWrongCompany = try await PropertyFixture.generate(app, token: admin, compound: foreign, item: ownItem, period: "2026-10")
            let badPeriod = try await PropertyFixture.generate(app, token: admin, compound: foreign, item: otherItem, period: "2026-13")
            let grid = try await PropertyFixture.generate(app, token: try await app.token("gt01_grid"), compound: foreign, item: otherItem, period: "2026-10")
            // check
            #expect(outsideScope.status == .notFound)
            #expect(otherCompanysItem.status == .forbidden)
            #expect(adminWrongCompany.status == .unprocessableEntity && adminWrongCompany.errorCode == "not_served")
            #expect(badPeriod.status == .unprocessableEntity && badPeriod.errorField == "period")
            #expect(grid.status == .forbidden)
            #expect(try await PropertyBill.query(on: app.db).count() == 0)
        }
    }

    @Test func collectionRatesPerCompoundCompanyAndMonth() async throws {
        try await withDemoApp { app in
            // setup: two periods of one compound; the first fully paid by one household, half by another
            let company = try await PropertyFixture.homeCompany(app)
            let compound = try #require(try await PropertyFixture.compounds(of: company, app).first)
            let item = try await PropertyFixture.serviceFee(app, of: company)
            let token = try await app.token("property_demo")
            _ = try await PropertyFixture.generate(app, token: token, compound: compound, item: item, period: "2026-09")
            _ = try await PropertyFixture.generate(app, token: token, compound: compound, item: item, period: "2026-10")
            let sept = try await PropertyBill.query(on: app.db).filter(\.$compoundID == compound.id!).filter(\.$period == "2026-09").sort(\.$nodePath).all()
            _ = try await PropertyFixture.pay(app, token: token, bill: sept[0].id!, #"{"amountFen":\#(sept[0].amountFen),"method":"cash"}"#)
            _ = try await PropertyFixture.pay(app, token: token, bill: sept[1].id!, #"{"amountFen":\#(sept[1].amountFen / 2),"method":"cash"}"#)
            let billed = sept.reduce(0) { $0 + $1.amountFen }, collected = sept[0].amountFen + sept[1].amountFen / 2
            // act
            let byCompound = try await app.api(.GET, "/api/v1/property/collection?by=compound&from=2026-09&to=2026-10", token: token).jsonArray()
            let byCompany = try await app.api(.GET, "/api/v1/property/collection?by=company&from=2026-09&to=2026-09", token: try await app.token("admin")).jsonArray()
            let bad = try await app.api(.GET, "/api/v1/property/collection?by=street", token: token)
            // check
            let row = try #require(byCompound.first { $0["period"] as? String == "2026-09" })
            #expect(row["name"] as? String == compound.name)
            #expect(row["billedFen"] as? Int == billed && row["collectedFen"] as? Int == collected)
            #expect(row["rate"] as? Double == Double(collected * 10_000 / billed) / 10_000)
            #expect(byCompound.first { $0["period"] as? String == "2026-10" }?["collectedFen"] as? Int == 0)
            #expect(byCompany.count == 1 && byCompany[0]["collectedFen"] as? Int == collected && byCompany[0]["name"] as? String == company.name)
            #expect(bad.status == .unprocessableEntity)
            // the page: the month's total, a compound found by name, one per page with a pager
            let web = try await WebSession.login(app, "property_demo")
            let found = try await web.get("/property/collection?to=2026-10&q=\(compound.name.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)")
            #expect(found.text.contains("<td>\(compound.name)</td>"))
            let none = try await web.get("/property/collection?to=2026-10&q=nosuchplace")
            #expect(!none.text.contains("<td>\(compound.name)</td>") && none.text.contains("共 0 条"))
            let paged = try await web.get("/property/collection?to=2026-10&per=1")
            #expect(paged.text.contains("rel=\"next\"") || paged.text.contains("共 1 条"))
        }
    }

    @Test func arrearsDunningAndCSV() async throws {
        try await withDemoApp { app in
            // setup: a bill of a past period, unpaid
            let (household, compound) = try await PropertyFixture.residentHome(app)
            let contract = try #require(try await PropertyScope.contract(of: compound.id!, on: app.db, now: Date()))
            let company = try #require(try await PropertyCompany.find(contract.companyID, on: app.db))
            let admin = try await app.token("admin")
            _ = try await PropertyFixture.generate(app, token: admin, compound: compound, item: try await PropertyFixture.serviceFee(app, of: company), period: "2026-01")
            let resident = try await app.token("resident_demo")
            // act
            let arrears = try await app.api(.GET, "/api/v1/property/arrears?compound=\(compound.id!)", token: admin).jsonArray()
            let dunned = try await app.api(.POST, "/api/v1/property/compounds/\(compound.id!)/dunning", token: admin, json: "{}")
            let csv = try await app.api(.GET, "/api/v1/property/bills/export?period=2026-01&compound=\(compound.id!)", token: admin)
            let residentCSV = try await app.api(.GET, "/api/v1/property/bills/export", token: resident)
            // check
            #expect(arrears.contains { $0["householdId"] as? String == household.id!.uuidString })
            #expect(try dunned.json()["notices"] as? Int == arrears.count)
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
            #expect(try await Notification.query(on: app.db).filter(\.$userID == user.id!).filter(\.$kind == "dunning").count() == 1)
            #expect(csv.headers.contentType?.subType == "csv")
            #expect(csv.text.contains("住址,账期,收费项目") && csv.text.contains(household.address))
            #expect(residentCSV.status == .forbidden)
        }
    }
}
