import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Property staff see their company's compounds, scattered over the tree, and nothing of another company's.
@Suite struct PropertyScopeTests {
    @Test func unionScopeHoldsEverySubtreeAndNothingElse() {
        let scope = DataScope.union(["0000000a0001", "0000000b0002", "0000000a00010003"])
        #expect(scope.roots == ["0000000a0001", "0000000b0002"])
        #expect(scope.contains("0000000a00010009") && scope.contains("0000000b0002"))
        #expect(!scope.contains("0000000a0002") && !scope.contains("0000"))
        #expect(DataScope.union([]) == .nothing)
    }

    @Test func staffOfTwoCompaniesSeeOnlyTheirOwnCompounds() async throws {
        try await withDemoApp { app in
            // setup
            let home = try await PropertyFixture.homeCompany(app)
            let other = try await PropertyFixture.otherCompany(app)
            let mine = try await PropertyFixture.compounds(of: home, app)
            let theirs = try await PropertyFixture.compounds(of: other, app)
            let homeToken = try await app.token("property_demo")
            let otherToken = try await PropertyFixture.staff(app, for: other, username: "chengtou_staff")
            // the demo scatters a company's compounds over more than one community
            #expect(Set(mine.map { $0.path.prefix(12) }).count > 1)
            // act
            let listed = try await app.api(.GET, "/api/v1/property/compounds", token: homeToken).jsonArray()
            let otherListed = try await app.api(.GET, "/api/v1/property/compounds", token: otherToken).jsonArray()
            let peek = try await app.api(.GET, "/api/v1/property/compounds/\(theirs[0].id!)", token: homeToken)
            let ownDetail = try await app.api(.GET, "/api/v1/property/compounds/\(mine[0].id!)", token: homeToken)
            // check
            #expect(Set(listed.compactMap { $0["id"] as? String }) == Set(mine.map { $0.id!.uuidString }))
            #expect(Set(otherListed.compactMap { $0["id"] as? String }) == Set(theirs.map { $0.id!.uuidString }))
            #expect(peek.status == .notFound)
            #expect(ownDetail.status == .ok)
        }
    }

    @Test func casesAndBillsOfAnotherCompanyStayHidden() async throws {
        try await withDemoApp { app in
            // setup: a repair case and bills in one compound of each company
            let home = try await PropertyFixture.homeCompany(app)
            let other = try await PropertyFixture.otherCompany(app)
            let mine = try #require(try await PropertyFixture.compounds(of: home, app).first)
            let theirs = try #require(try await PropertyFixture.compounds(of: other, app).first)
            let admin = try await app.token("admin")
            var ids: [String] = []
            for compound in [mine, theirs] {
                let res = try await app.api(.POST, "/api/v1/cases", token: admin,
                                            json: #"{"categoryCode":"xiashuidao","nodeId":"\#(compound.id!)","description":"下水道堵了"}"#)
                ids.append(try #require(try res.json()["id"] as? String))
            }
            _ = try await PropertyFixture.generate(app, token: admin, compound: theirs, item: try await PropertyFixture.serviceFee(app, of: other), period: "2026-10")
            let foreignBill = try #require(try await PropertyBill.query(on: app.db).first())
            let token = try await app.token("property_demo")
            // act
            let queue = try await app.api(.GET, "/api/v1/cases", token: token).json()
            let foreignCase = try await app.api(.GET, "/api/v1/cases/\(ids[1])", token: token)
            let bills = try await app.api(.GET, "/api/v1/property/bills", token: token).json()
            let bill = try await app.api(.GET, "/api/v1/property/bills/\(foreignBill.id!)", token: token)
            let pay = try await PropertyFixture.pay(app, token: token, bill: foreignBill.id!, #"{"amountFen":1,"method":"cash"}"#)
            // check
            let seen = (queue["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(seen == [ids[0]])
            #expect(foreignCase.status == .notFound)
            #expect(bills["total"] as? Int == 0)
            #expect(bill.status == .notFound && pay.status == .notFound)
        }
    }

    @Test func anEndedContractTakesTheCompoundOutOfTheStaffsScope() async throws {
        try await withDemoApp { app in
            // setup
            let home = try await PropertyFixture.homeCompany(app)
            let compound = try #require(try await PropertyFixture.compounds(of: home, app).last)
            let contract = try #require(try await PropertyContract.query(on: app.db).filter(\.$compoundID == compound.id!).first())
            let token = try await app.token("property_demo")
            let before = try await app.api(.GET, "/api/v1/property/compounds/\(compound.id!)", token: token)
            // act
            let ended = try await app.api(.POST, "/api/v1/property/contracts/\(contract.id!)/end", token: try await app.token("admin"),
                                          json: #"{"reason":"合同期内服务不达标，解除合同"}"#)
            let after = try await app.api(.GET, "/api/v1/property/compounds/\(compound.id!)", token: token)
            let flagged = try await app.api(.GET, "/api/v1/property/compounds?withoutCompany=1", token: try await app.token("admin")).jsonArray()
            // check
            #expect(before.status == .ok && ended.status == .ok)
            #expect(after.status == .notFound)
            #expect(flagged.contains { $0["id"] as? String == compound.id!.uuidString })
        }
    }
}
