import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The same isolation through the web pages: a worker of 古亭社区 (YT-GT-01), signed in with the login form,
/// can neither list, read, change nor guess-by-id anything of 站前社区 (YT-BH-01): 404, not a leak.
@Suite struct WebScopeTests {
    static let foreignName = "站前隔离测试人"

    struct Foreign {
        let resident: UUID
        let household: Household
        let community: OrgNode
        let grid: OrgNode
    }

    /// A resident of 站前社区 with a name nobody else has, registered by that community's own worker.
    static func foreign(_ app: Application) async throws -> Foreign {
        let household = try await Fixture.household(app, under: "YT-BH-01")
        let created = try await Fixture.createResident(app, token: try await app.token("bh01_community"), household: household,
                                                       name: foreignName, idNumber: Fixture.idNumber(seq: 801), phone: "13700008011")
        return Foreign(resident: try #require(UUID(uuidString: created["id"] as? String ?? "")), household: household,
                       community: try await app.node("YT-BH-01"), grid: try await app.node("YT-BH-01-G01"))
    }

    @Test func foreignRecordsAreNotFoundLikeMadeUpIds() async throws {
        try await withDemoApp { app in
            // setup
            let b = try await Self.foreign(app)
            let browser = try await WebSession.login(app, "gt01_community")
            let own = try await app.resident(under: "YT-GT-01")
            try await browser.get("/residents/\(own.id!)").checkStatus(.ok)
            // act
            let pages = [
                try await browser.get("/residents/\(b.resident)"),
                try await browser.get("/residents/\(b.resident)/edit"),
                try await browser.get("/residents/\(b.resident)/delete"),
                try await browser.get("/households/\(b.household.id!)"),
                try await browser.get("/org/\(b.community.id!)"),
                try await browser.get("/org/\(b.grid.id!)"),
                try await browser.get("/org/\(b.grid.id!)/edit"),
                try await browser.get("/residents/new?household=\(b.household.id!)"),
                try await browser.get("/households/new?node=\(b.household.nodeID)"),
            ]
            let madeUp = try await browser.get("/residents/\(UUID())")
            // check
            #expect(madeUp.status == .notFound)
            for page in pages {
                #expect(page.status == .notFound)
                #expect(!page.text.contains(Self.foreignName))
                #expect(!page.text.contains(b.household.address))
                #expect(!page.text.contains(b.community.name))
            }
        }
    }

    @Test func postingTheEditFormOfAForeignResidentChangesNothing() async throws {
        try await withDemoApp { app in
            // setup
            let b = try await Self.foreign(app)
            let browser = try await WebSession.login(app, "gt01_community")
            let before = try await Fixture.counts(app)
            // act
            let edit = try await browser.post("/residents/\(b.resident)/edit", [("name", "篡改"), ("gender", "男"), ("relation", "其他")])
            let delete = try await browser.post("/residents/\(b.resident)/delete", [("reason", "迁出")])
            let visit = try await browser.post("/households/\(b.household.id!)/visits", [("visitedOn", "2026-01-10"), ("kind", "入户走访"), ("notes", "越界走访")])
            // check
            #expect(edit.status == .notFound)
            #expect(delete.status == .notFound)
            #expect(visit.status == .notFound)
            let stored = try #require(try await Resident.find(b.resident, on: app.db))
            #expect(stored.name == Self.foreignName)
            #expect(try await Fixture.counts(app) == before)
        }
    }

    @Test func residentsListPageNeverShowsTheOtherCommunity() async throws {
        try await withDemoApp { app in
            // setup
            let b = try await Self.foreign(app)
            let browser = try await WebSession.login(app, "gt01_community")
            // act
            let plain = try await browser.get("/residents")
            let search = try await browser.get("/residents?q=\(Self.foreignName.urlEncoded)")
            let byNode = try await browser.get("/residents?node=\(b.community.id!)")
            let byCode = try await browser.get("/residents?node=YT-BH-01")
            let allPages = try await (1...5).asyncMap { try await browser.get("/residents?page=\($0)") }
            // check
            #expect(plain.status == .ok)
            #expect(!plain.text.contains(Self.foreignName))
            #expect(search.status == .ok)
            #expect(!search.text.contains("/residents/\(b.resident)"))
            #expect(search.text.contains("没有符合条件的居民"))
            #expect(byNode.status == .notFound && byCode.status == .notFound)
            #expect(allPages.allSatisfy { !$0.text.contains(Self.foreignName) && !$0.text.contains(b.household.address) })
        }
    }

    @Test func ownCommunitysWorkerSeesTheRecordThePagesHideFromOthers() async throws {
        try await withDemoApp { app in
            // setup: the control — the same pages work for 站前社区's own worker
            let b = try await Self.foreign(app)
            let browser = try await WebSession.login(app, "bh01_community")
            // act
            let resident = try await browser.get("/residents/\(b.resident)")
            let household = try await browser.get("/households/\(b.household.id!)")
            let search = try await browser.get("/residents?q=\(Self.foreignName.urlEncoded)")
            // check
            #expect(resident.status == .ok && resident.text.contains(Self.foreignName))
            #expect(household.status == .ok && household.text.contains(Self.foreignName))
            #expect(search.text.contains("/residents/\(b.resident)"))
        }
    }

    @Test func auditPageShowsNothingOfTheOtherCommunity() async throws {
        try await withDemoApp { app in
            // setup
            _ = try await Self.foreign(app)
            let browser = try await WebSession.login(app, "gt01_community")
            let owner = try await WebSession.login(app, "bh01_community")
            // act
            let page = try await browser.get("/audit?entity=resident")
            let control = try await owner.get("/audit?entity=resident")
            // check
            #expect(page.status == .ok)
            #expect(!page.text.contains(Self.foreignName))
            #expect(control.text.contains(Self.foreignName), "站前社区 itself sees the entry")
        }
    }

    @Test func streetWorkerBrowsesBothOwnCommunitiesButNotTheOtherStreet() async throws {
        try await withDemoApp { app in
            // setup
            let browser = try await WebSession.login(app, "gt_street")
            let gt01 = try await app.node("YT-GT-01"), gt02 = try await app.node("YT-GT-02")
            let bh01 = try await app.node("YT-BH-01"), street = try await app.node("YT-GT")
            // act
            let streetPage = try await browser.get("/org/\(street.id!)")
            let own1 = try await browser.get("/org/\(gt01.id!)")
            let own2 = try await browser.get("/org/\(gt02.id!)")
            let foreign = try await browser.get("/org/\(bh01.id!)")
            // check
            #expect(streetPage.status == .ok)
            #expect(streetPage.text.contains(gt01.name) && streetPage.text.contains(gt02.name))
            #expect(!streetPage.text.contains(bh01.name))
            #expect(own1.status == .ok && own2.status == .ok)
            #expect(foreign.status == .notFound)
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
