import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The same class of defect outside cases: property accounts reach only their own company's compounds and records,
/// and only a unit whose area it concerns can widen an account's reach.
@Suite struct PropertyAccessTests {
    @Test func aPropertyAccountWithoutACompanySeesNothing() async throws {
        try await withDemoApp { app in
            // setup: a community makes a property account at its own node and never links it
            let community = try await app.node("YT-GT-01")
            let res = try await app.api(.POST, "/api/v1/users", token: try await app.token("gt01_community"),
                                        json: #"{"username":"prop_x","password":"Passw0rd1","role":"property_staff","nodeId":"\#(community.id!)"}"#)
            res.checkStatus(.created)
            let wuye = try await SecurityFixture.file(app, "wuye", at: try await SecurityFixture.compound(app))
            try await SecurityFixture.act(app, wuye, "accept", as: "gt01_community").checkStatus(.ok)
            try await SecurityFixture.act(app, wuye, "dispatch", as: "gt01_community", #"{"level":"property"}"#).checkStatus(.ok)
            // act
            let token = try await app.token("prop_x", password: "Passw0rd1")
            let cases = try await app.api(.GET, "/api/v1/cases", token: token)
            let bills = try await app.api(.GET, "/api/v1/property/bills", token: token)
            let reply = try await app.api(.POST, "/api/v1/cases/\(wuye)/actions/start", token: token, json: "{}")
            // check
            #expect(try cases.json()["total"] as? Int == 0)
            #expect(try bills.json()["total"] as? Int == 0)
            #expect(reply.status == .notFound)
        }
    }

    @Test func aStreetLinksOnlyItsOwnAccountsToACompanyServingIt() async throws {
        try await withDemoApp { app in
            // setup: an account made by 古亭社区, and a company that serves 谷亭
            let company = try await PropertyFixture.homeCompany(app)
            let community = try await app.node("YT-GT-01")
            let made = try await app.api(.POST, "/api/v1/users", token: try await app.token("gt01_community"),
                                         json: #"{"username":"prop_y","password":"Passw0rd1","role":"property_staff","nodeId":"\#(community.id!)"}"#)
            let userID = try #require(try made.json()["id"] as? String)
            // act: 滨湖街道 (another street) tries to link it; then 谷亭街道 does
            let foreign = try await app.api(.POST, "/api/v1/property/companies/\(company.id!)/staff", token: try await app.token("bh_street"),
                                            json: #"{"userId":"\#(userID)"}"#)
            let own = try await app.api(.POST, "/api/v1/property/companies/\(company.id!)/staff", token: try await app.token("gt_street"),
                                        json: #"{"userId":"\#(userID)"}"#)
            // check
            #expect(foreign.status == .notFound || foreign.status == .forbidden, "\(foreign.status)")
            #expect(own.status == .noContent)
        }
    }

    @Test func aCompanyReadsOnlyItsOwnBillsEvenWhereItNowServes() async throws {
        try await withDemoApp { app in
            // setup: bills of another company at a compound; then property_demo's company takes that compound over
            let mine = try await PropertyFixture.homeCompany(app), other = try await PropertyFixture.otherCompany(app)
            let otherCompound = try #require(try await PropertyFixture.compounds(of: other, app).first)
            let otherStaff = try await PropertyFixture.staff(app, for: other, username: "other_fees")
            try await PropertyFixture.generate(app, token: otherStaff, compound: otherCompound, item: try await PropertyFixture.serviceFee(app, of: other),
                                               period: ShanghaiTime.format(Date(), "yyyy-MM")).checkStatus(.ok)
            let otherBills = try await PropertyBill.query(on: app.db).filter(\.$companyID == other.id!).filter(\.$compoundID == otherCompound.id!).count()
            try #require(otherBills > 0)
            for contract in try await PropertyContract.query(on: app.db).filter(\.$compoundID == otherCompound.id!).all() {
                contract.companyID = mine.id
                try await contract.save(on: app.db)
            }
            // act
            let token = try await app.token("property_demo")
            let listed = try await app.api(.GET, "/api/v1/property/bills?compound=\(otherCompound.id!)&per=100", token: token)
            let oneBill = try #require(try await PropertyBill.query(on: app.db).filter(\.$companyID == other.id!).filter(\.$compoundID == otherCompound.id!).first())
            let single = try await app.api(.GET, "/api/v1/property/bills/\(oneBill.id!)", token: token)
            let csv = try await app.api(.GET, "/api/v1/property/bills/export?compound=\(otherCompound.id!)", token: token)
            // check: the compound is now in scope, but the other company's records are not property_demo's
            #expect(try listed.json()["total"] as? Int == 0)
            #expect(single.status == .notFound)
            #expect(csv.status == .ok && csv.text.split(separator: "\n").count == 1)
        }
    }

    @Test func behindAProxyTheAddressIsTheOneTheProxySaw() async throws {
        try await withDemoApp { app in
            // a client that sends its own X-Forwarded-For cannot pick the address its failures count against
            app.settings.trustProxy = true
            for i in 1...5 {
                try await app.api(.POST, "/api/v1/auth/token", token: nil, json: try Fixture.json(["username": "gt01_grid", "password": "wrong-\(i)"]),
                                  headers: ["X-Forwarded-For": "10.9.9.\(i), 203.0.113.50"]).checkStatus(.unauthorized)
            }
            let res = try await app.api(.POST, "/api/v1/auth/token", token: nil, json: try Fixture.json(["username": "gt01_grid", "password": DemoSeeder.password]),
                                        headers: ["X-Forwarded-For": "10.8.8.8, 203.0.113.50"])
            #expect(res.status == .tooManyRequests)
        }
    }

    @Test func casesDispatchedToACompoundNotifyTheCompanysStaff() async throws {
        try await withDemoApp { app in
            let id = try await SecurityFixture.file(app, "wuye", at: try await SecurityFixture.compound(app))
            try await SecurityFixture.act(app, id, "accept", as: "gt01_community").checkStatus(.ok)
            try await SecurityFixture.act(app, id, "dispatch", as: "gt01_community", #"{"level":"property"}"#).checkStatus(.ok)
            let staff = try #require(try await User.query(on: app.db).filter(\.$username == "property_demo").first())
            let notes = try await JingzhiApp.Notification.query(on: app.db).filter(\.$userID == staff.id!).filter(\.$caseID == UUID(uuidString: id)).count()
            #expect(notes >= 1)
        }
    }
}

/// A grid worker's position is personal data: on the command centre a grid worker follows only their own patrol.
@Suite struct PatrolPrivacyTests {
    @Test func aGridWorkerSeesOnlyTheirOwnPatrolAndTrackOnTheCommandCentre() async throws {
        try await withDemoApp { app in
            // setup: a colleague on the same grid is out on patrol
            let grid = try await app.node("YT-GT-01-G01")
            _ = try await AccountService(app: app).createUser(username: "gt01_grid2", password: DemoSeeder.password, role: .gridWorker, node: grid,
                                                              displayName: "同网格同事", phone: nil, creator: nil, source: .cli("test"))
            let colleague = try await app.token("gt01_grid2")
            let started = try await app.api(.POST, "/api/v1/patrols", token: colleague)
            started.checkStatus(.created)
            let patrolID = try #require(try started.json()["id"] as? String)
            // act
            let me = try await app.token("gt01_grid")
            let wall = try await app.api(.GET, "/api/v1/command-centre", token: me).json()
            let track = try await app.api(.GET, "/api/v1/command-centre/patrols/\(patrolID)/track", token: me)
            let staff = try await app.api(.GET, "/api/v1/command-centre/patrols/\(patrolID)/track", token: try await app.token("gt01_community"))
            // check
            let active = ((wall["patrols"] as? [String: Any])?["active"] as? [[String: Any]]) ?? []
            #expect(active.isEmpty)
            #expect(track.status == .notFound)
            #expect(staff.status == .ok)
        }
    }
}

@Suite struct CompanyEditTests {
    @Test func aStreetCannotChangeACompanyThatServesOtherStreets() async throws {
        try await withDemoApp { app in
            // setup: the company also serves a compound outside 谷亭 (given one there for this test)
            let company = try await PropertyFixture.homeCompany(app)
            let elsewhere = try #require(try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.compound.rawValue)
                .filter(\.$path >= (try await app.node("YT-GT-02")).path).filter(\.$path < (try await app.node("YT-GT-02")).path + "~").first())
            let contract = try #require(try await PropertyContract.query(on: app.db).filter(\.$compoundID == elsewhere.id!).first())
            contract.companyID = company.id
            try await contract.save(on: app.db)
            // a street-level account whose area is 古亭社区 only
            _ = try await AccountService(app: app).createUser(username: "narrow_street", password: DemoSeeder.password, role: .streetStaff,
                                                              node: try await app.node("YT-GT-01"), displayName: "x", phone: nil, creator: nil, source: .cli("test"))
            // act
            let community = try await app.api(.PATCH, "/api/v1/property/companies/\(company.id!)", token: try await app.token("narrow_street"),
                                              json: #"{"active":false}"#)
            let admin = try await app.api(.PATCH, "/api/v1/property/companies/\(company.id!)", token: try await app.token("admin"),
                                          json: #"{"contactPhone":"13900000000"}"#)
            // check
            #expect(community.status == .forbidden)
            #expect(admin.status == .ok)
            #expect(try await PropertyCompany.find(company.id, on: app.db)?.active == true)
        }
    }
}

@Suite struct BoundaryCaptureTests {
    @Test func aGridDrawnOverAnotherAreaDoesNotDrawItsCasesIn() async throws {
        try await withDemoApp { app in
            // setup: a point well inside another community's grid
            let other = try await app.node("YT-GT-02-G01")
            let text = try #require(other.boundary)
            let box = try #require(GeoBox(boundaries: [try Boundary.parse(text: text)]))
            let (lat, lon) = ((box.south + box.north) / 2, (box.west + box.east) / 2)
            #expect(try await GridLocator.grid(latitude: lat, longitude: lon, on: app.db)?.code == "YT-GT-02-G01")
            // act: 古亭社区 draws its first grid over the whole county
            let grid = try await app.node("YT-GT-01-G01")
            let huge = #"{"type":"Polygon","coordinates":[[[100,20],[130,20],[130,45],[100,45],[100,20]]]}"#
            try await Fixture.send(app, .PUT, "/api/v1/org/nodes/\(grid.id!)/boundary", token: try await app.token("gt01_community"), body: huge,
                                   contentType: .json).checkStatus(.ok)
            // check: the point still belongs where it lies
            #expect(try await GridLocator.grid(latitude: lat, longitude: lon, on: app.db)?.code == "YT-GT-02-G01")
        }
    }
}
