import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Dispatch names the unit (a grid, community, street, a compound's company, a department), may bring the deadline
/// forward within what the category allows, and the page says in words what happened.
@Suite struct CaseDispatchTests {
    let loop = CaseLoopTests()

    /// A resident's request about their compound, accepted by the community.
    func accepted(_ app: Application) async throws -> (id: String, c: Case) {
        let filed = try await loop.submit(app, token: try await app.token("resident_demo"), node: try await loop.homeCompound(app))
        let id = try #require(try filed.json()["id"] as? String)
        #expect(try await loop.act(app, id, "accept", as: "gt01_community").status == .ok)
        return (id, try #require(try await Case.find(UUID(uuidString: id), on: app.db)))
    }

    @Test func aDispatcherNamesANeighbouringGridAndOnlyThatGridHandlesIt() async throws {
        try await withDemoApp { app in
            // setup: the community's second grid
            let (id, c) = try await accepted(app)
            let second = try await app.node("YT-GT-01-G02")
            // act
            let res = try await loop.act(app, id, "dispatch", as: "gt01_community", #"{"handlerNodeId":"\#(second.id!)"}"#)
            // check
            #expect(res.status == .ok, "\(res.text)")
            let moved = try #require(try await Case.find(c.id, on: app.db))
            #expect(moved.handlerLevel == .grid && moved.handlerNodeID == second.id)
            // the first grid's worker is not the handler any more
            #expect(try await loop.act(app, id, "start", as: "gt01_grid").status == .forbidden)
        }
    }

    @Test func unitsOutsideTheAreaOrWithoutACompanyAreRefusedInWords() async throws {
        try await withDemoApp { app in
            // setup
            let (id, _) = try await accepted(app)
            let elsewhere = try await app.node("YT-BH-01-G01")
            let street = try await app.node("YT-GT")
            var unserved: OrgNode?
            for compound in try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.compound.rawValue).within(DataScope(rootPath: street.path)).all()
            where try await !Self.hasCompany(compound, app) {
                unserved = compound
                break
            }
            let bare = try #require(unserved, "the demo has a compound without a company")
            // act
            let far = try await loop.act(app, id, "dispatch", as: "gt01_community", #"{"handlerNodeId":"\#(elsewhere.id!)"}"#)
            let nobody = try await loop.act(app, id, "dispatch", as: "gt_street", #"{"handlerNodeId":"\#(bare.id!)"}"#)
            // check
            #expect(far.status == .notFound && far.errorCode == "unknown_unit")
            #expect(nobody.status == .unprocessableEntity && nobody.errorField == "handlerNodeId")
            #expect(nobody.text.contains("没有物业企业"))
        }
    }

    static func hasCompany(_ compound: OrgNode, _ app: Application) async throws -> Bool {
        try await PropertyScope.contract(of: compound.id!, on: app.db, now: app.clock.now())?.companyID != nil
    }

    @Test func theDeadlineMayComeForwardButNeverPastTheCategorysOrIntoThePast() async throws {
        try await withDemoApp { app in
            // setup
            let (id, c) = try await accepted(app)
            let limit = try #require(c.resolutionDueAt)
            let grid = try await app.node("YT-GT-01-G01")
            func dispatch(_ due: Date) async throws -> TestingHTTPResponse {
                try await loop.act(app, id, "dispatch", as: "gt01_community",
                                   #"{"handlerNodeId":"\#(grid.id!)","resolutionDueAt":"\#(ISOTime.format(due))"}"#)
            }
            // act
            let later = try await dispatch(limit.addingTimeInterval(3600))
            let past = try await dispatch(app.clock.now().addingTimeInterval(-60))
            let earlier = try await dispatch(limit.addingTimeInterval(-3600))
            // check
            #expect(later.status == .unprocessableEntity && later.errorField == "resolutionDueAt")
            #expect(past.status == .unprocessableEntity && past.errorField == "resolutionDueAt")
            #expect(earlier.status == .ok, "\(earlier.text)")
            let moved = try #require(try await Case.find(c.id, on: app.db))
            #expect(abs(moved.resolutionDueAt!.timeIntervalSince(limit.addingTimeInterval(-3600))) < 1)
        }
    }

    @Test func thePageOffersNamedUnitsWithTheDefaultChosenAndSaysWhereTheCaseWent() async throws {
        try await withDemoApp { app in
            // setup
            let (id, c) = try await accepted(app)
            let browser = Browser(app)
            try await browser.login("gt01_community")
            // act
            let page = try await browser.get("/cases/\(id)")
            let grid = try await app.node("YT-GT-01-G02")
            let done = try await browser.post("/cases/\(id)/act/dispatch", [("version", String(c.version)), ("unit", "node:\(grid.id!)")])
            let after = try await browser.get(done.headers.first(name: .location) ?? "/cases/\(id)")
            // check
            #expect(page.text.contains("name=\"unit\" required"))
            #expect(page.text.contains("value=\"node:\(grid.id!)\""))
            #expect(page.text.contains(" selected>"), "the category's default handler is preselected")
            #expect(page.text.contains("name=\"dueBy\""))
            #expect(done.status == .seeOther, "\(done.text.prefix(300))")
            #expect(after.text.contains("已交办给 \(grid.name)，办结时限"))
            #expect(!after.text.contains("已处理"))
        }
    }

    @Test func ticketedCasesGoToOneNamedUnitAndThePageNamesIt() async throws {
        try await withDemoApp { app in
            // setup: two accepted cases
            let first = try await accepted(app), second = try await accepted(app)
            let grid = try await app.node("YT-GT-01-G02")
            let desk = Browser(app)
            try await desk.login("gt01_community")
            let queue = try await desk.get("/cases?state=accepted")
            // act
            let res = try await desk.post("/cases/bulk", [("ids[]", first.id), ("ids[]", second.id), ("unit", "node:\(grid.id!)")])
            let after = try await desk.get(res.headers.first(name: .location) ?? "/cases")
            // check
            #expect(queue.text.contains("name=\"unit\" required") && queue.text.contains("value=\"node:\(grid.id!)\""))
            #expect(res.status == .seeOther)
            for c in [first.c, second.c] {
                let moved = try #require(try await Case.find(c.id, on: app.db))
                #expect(moved.state == .dispatched && moved.handlerNodeID == grid.id)
            }
            #expect(after.text.contains("已交办 2 件给 \(grid.name)"))
        }
    }
}
