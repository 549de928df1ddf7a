import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Residents sign themselves up with a phone number, which files a pending link request; the public form is
/// rate-limited per address; staff whose scope covers the household approve it with a resident of their own.
@Suite struct RegistrationTests {
    static func register(_ app: Application, phone: String, compound: OrgNode, name: String = "自助注册人",
                         password: String = "Resident2026") async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/auth/register", token: nil, json: try Fixture.json([
            "phone": phone, "password": password, "name": name, "nodeId": compound.id!.uuidString, "room": "1号楼1单元101"]))
    }

    /// A resident of the compound no account is linked to yet (the demo resident's account already is to one).
    static func unlinkedResident(_ app: Application, under compound: OrgNode) async throws -> Resident {
        let linked = try await User.query(on: app.db).all().compactMap(\.residentID)
        let all = try await Resident.query(on: app.db).within(DataScope(rootPath: compound.path)).sort(\.$nodePath).all()
        return try #require(all.first { !linked.contains($0.id!) })
    }

    @Test func registrationCreatesAPendingRequestAndAResidentAccount() async throws {
        try await withDemoApp { app in
            // setup
            let compound = try await app.node("YT-GT-01-G01-C01")
            // act
            let res = try await Self.register(app, phone: "13511112222", compound: compound)
            // check
            #expect(res.status == .created)
            let body = try res.json()
            #expect(body["status"] as? String == "pending")
            #expect(body["nodeId"] as? String == compound.id!.uuidString)
            #expect(body["residentId"] == nil || body["residentId"] is NSNull)
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "13511112222").first())
            #expect(user.role == .resident && user.residentID == nil && user.nodeID == nil)
            // the new account can log in but sees no register yet
            let token = try await app.token("13511112222", password: "Resident2026")
            try await app.api(.GET, "/api/v1/residents", token: token) { #expect($0.status == .forbidden) }
        }
    }

    @Test func sixthRegistrationFromTheSameAddressWithinAnHourIs429() async throws {
        try await withDemoApp { app in
            // setup
            let compound = try await app.node("YT-GT-01-G01-C01")
            for i in 1...5 {
                try await Self.register(app, phone: "1351111000\(i)", compound: compound).checkStatus(.created)
            }
            let before = try await Fixture.counts(app)
            // act
            let sixth = try await Self.register(app, phone: "13511110006", compound: compound)
            app.clock.advance(3601)
            let nextHour = try await Self.register(app, phone: "13511110007", compound: compound)
            // check
            #expect(sixth.status == .tooManyRequests)
            #expect(sixth.errorCode == "rate_limited")
            #expect(sixth.headers.first(name: .retryAfter) != nil)
            #expect(nextHour.status == .created, "an hour later the address may sign up again")
            var after = try await Fixture.counts(app)
            after.users -= 1; after.links -= 1; after.audit -= 1 // the next hour's sign-up
            #expect(after == before, "the refused sign-up left no account behind")
            #expect(try await User.query(on: app.db).filter(\.$username == "13511110006").count() == 0)
        }
    }

    @Test(arguments: [
        ("phone", #"{"phone":"12345","password":"Resident2026","name":"甲","nodeId":"NODE","room":"101"}"#),
        ("password", #"{"phone":"13511113333","password":"short","name":"甲","nodeId":"NODE","room":"101"}"#),
        ("name", #"{"phone":"13511113333","password":"Resident2026","name":"","nodeId":"NODE","room":"101"}"#),
        ("nodeId", #"{"phone":"13511113333","password":"Resident2026","name":"甲","nodeId":"GRID","room":"101"}"#),
        ("nodeId", #"{"phone":"13511113333","password":"Resident2026","name":"甲","nodeId":"00000000-0000-0000-0000-000000000000","room":"101"}"#),
        ("room", #"{"phone":"13511113333","password":"Resident2026","name":"甲","nodeId":"NODE"}"#),
    ])
    func badSignUpIsRefusedNamingTheField(_ field: String, _ body: String) async throws {
        try await withDemoApp { app in
            // setup
            let compound = try await app.node("YT-GT-01-G01-C01"), grid = try await app.node("YT-GT-01-G01")
            let json = body.replacingOccurrences(of: "NODE", with: compound.id!.uuidString).replacingOccurrences(of: "GRID", with: grid.id!.uuidString)
            let before = try await Fixture.counts(app)
            // act
            let res = try await app.api(.POST, "/api/v1/auth/register", token: nil, json: json)
            // check
            #expect(res.status == .unprocessableEntity, "\(res.text)")
            #expect(res.errorField == field)
            #expect(try await Fixture.counts(app) == before)
        }
    }

    @Test func phoneAlreadyRegisteredIsAConflict() async throws {
        try await withDemoApp { app in
            // setup
            let compound = try await app.node("YT-GT-01-G01-C01")
            try await Self.register(app, phone: "13511114444", compound: compound).checkStatus(.created)
            // act
            let again = try await Self.register(app, phone: "13511114444", compound: compound, name: "冒名")
            // check
            #expect(again.status == .conflict)
            #expect(try await LinkRequest.query(on: app.db).count() == 1)
        }
    }

    @Test func communityStaffApproveWithAnOwnResidentAndTheResidentThenSeesThemself() async throws {
        try await withDemoApp { app in
            // setup
            let compound = try await app.node("YT-GT-01-G01-C01")
            let link = try #require(try await Self.register(app, phone: "13511115555", compound: compound).json()["id"] as? String)
            let staff = try await app.token("gt01_community")
            let resident = try await Self.unlinkedResident(app, under: compound)
            // act
            let pending = try await app.api(.GET, "/api/v1/link-requests", token: staff)
            let res = try await app.api(.POST, "/api/v1/link-requests/\(link)/approve", token: staff,
                                        json: try Fixture.json(["residentId": resident.id!.uuidString]))
            // check
            let pendingIDs = try Fixture.items(pending).compactMap { $0["id"] as? String }
            #expect(pendingIDs.contains(link))
            #expect(res.status == .ok)
            #expect(try res.json()["status"] as? String == "approved")
            let token = try await app.token("13511115555", password: "Resident2026")
            let own = try await app.api(.GET, "/api/v1/residents/\(resident.id!)", token: token)
            #expect(own.status == .ok)
            #expect(try own.json()["name"] as? String == resident.name)
            let again = try await app.api(.POST, "/api/v1/link-requests/\(link)/approve", token: staff,
                                          json: try Fixture.json(["residentId": resident.id!.uuidString]))
            #expect(again.status == .conflict && again.errorCode == "already_decided")
        }
    }

    @Test func approvingWithAResidentOfAnotherCommunityIsNotFound() async throws {
        try await withDemoApp { app in
            // setup
            let compound = try await app.node("YT-GT-01-G01-C01")
            let link = try #require(try await Self.register(app, phone: "13511116666", compound: compound).json()["id"] as? String)
            let foreign = try await app.resident(under: "YT-BH-01")
            let before = try await Fixture.counts(app)
            // act
            let res = try await app.api(.POST, "/api/v1/link-requests/\(link)/approve", token: try await app.token("gt01_community"),
                                        json: try Fixture.json(["residentId": foreign.id!.uuidString]))
            // check
            #expect(res.status == .notFound)
            #expect(res.errorField == "residentId")
            #expect(!res.text.contains(foreign.name))
            let stored = try #require(try await LinkRequest.find(UUID(uuidString: link), on: app.db))
            #expect(stored.status == "pending" && stored.residentID == nil)
            #expect(try await User.query(on: app.db).filter(\.$username == "13511116666").first()?.residentID == nil)
            #expect(try await Fixture.counts(app) == before)
        }
    }

    @Test func anotherCommunityCanNeitherSeeNorDecideTheRequest() async throws {
        try await withDemoApp { app in
            // setup
            let compound = try await app.node("YT-GT-01-G01-C01")
            let link = try #require(try await Self.register(app, phone: "13511117777", compound: compound).json()["id"] as? String)
            let other = try await app.token("bh01_community")
            let theirs = try await app.resident(under: "YT-BH-01")
            // act
            let list = try await app.api(.GET, "/api/v1/link-requests", token: other)
            let approve = try await app.api(.POST, "/api/v1/link-requests/\(link)/approve", token: other,
                                            json: try Fixture.json(["residentId": theirs.id!.uuidString]))
            let reject = try await app.api(.POST, "/api/v1/link-requests/\(link)/reject", token: other, json: #"{"note":"不认识"}"#)
            // check
            let listed = try Fixture.items(list).compactMap { $0["id"] as? String }
            #expect(!listed.contains(link))
            #expect(approve.status == .notFound && reject.status == .notFound)
            #expect(try await LinkRequest.find(UUID(uuidString: link), on: app.db)?.status == "pending")
        }
    }

    @Test func gridWorkerMayNotApprove() async throws {
        try await withDemoApp { app in
            // setup
            let compound = try await app.node("YT-GT-01-G01-C01")
            let link = try #require(try await Self.register(app, phone: "13511118888", compound: compound).json()["id"] as? String)
            let resident = try await Self.unlinkedResident(app, under: compound)
            // act
            let res = try await app.api(.POST, "/api/v1/link-requests/\(link)/approve", token: try await app.token("gt01_grid"),
                                        json: try Fixture.json(["residentId": resident.id!.uuidString]))
            // check
            #expect(res.status == .forbidden)
            #expect(try await LinkRequest.find(UUID(uuidString: link), on: app.db)?.status == "pending")
        }
    }

    @Test func signUpKeepsThePhoneOutOfTheAuditLog() async throws {
        try await withDemoApp { app in
            // setup
            let compound = try await app.node("YT-GT-01-G01-C01")
            // act
            try await Self.register(app, phone: "13511119999", compound: compound).checkStatus(.created)
            // check: the actor name is masked on purpose; no other part of any entry may carry the number
            let entries = try await AuditEntry.query(on: app.db).all()
            let texts = entries.map { "\($0.actorName) \($0.summary) \($0.changes ?? "")" }
            #expect(texts.contains { $0.contains("135****9999") })
            #expect(!texts.contains { $0.contains("13511119999") })
        }
    }
}
