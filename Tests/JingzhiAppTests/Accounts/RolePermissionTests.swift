import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// What each role may do, whatever its scope: grid workers keep the register but do not remove, import or
/// manage accounts; departments, property companies and partners see no register; a resident sees only themself.
@Suite struct RolePermissionTests {
    @Test func gridWorkerCannotDeleteAResidentOfTheirOwnGrid() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_grid")
            let own = try await app.resident(under: "YT-GT-01-G01")
            try await app.api(.GET, "/api/v1/residents/\(own.id!)", token: token) { #expect($0.status == .ok) }
            // act
            let res = try await app.api(.DELETE, "/api/v1/residents/\(own.id!)", token: token)
            // check
            #expect(res.status == .forbidden)
            #expect(res.errorCode == "forbidden")
            #expect(try await Resident.find(own.id, on: app.db) != nil)
        }
    }

    @Test func gridWorkerCannotImport() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_grid")
            let before = try await Fixture.counts(app)
            let csv = "小区,楼栋,单元,房号,姓名,性别\n幸福家园,1号楼,1单元,999,网格导入,女\n"
            // act
            let res = try await Fixture.send(app, .POST, "/api/v1/residents/import", token: token, body: csv,
                                             contentType: HTTPMediaType(type: "text", subType: "csv"))
            // check
            #expect(res.status == .forbidden)
            #expect(res.errorCode == "forbidden")
            #expect(try await Fixture.counts(app) == before)
        }
    }

    @Test func gridWorkerCannotListCreateOrChangeAccounts() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_grid")
            let grid = try await app.node("YT-GT-01-G01")
            let colleague = try #require(try await User.query(on: app.db).filter(\.$username == "gt01_grid").first())
            let before = try await Fixture.counts(app)
            // act
            let list = try await app.api(.GET, "/api/v1/users", token: token)
            let create = try await app.api(.POST, "/api/v1/users", token: token, json: try Fixture.json([
                "username": "grid_made", "password": "Abcdef123", "role": "grid_worker", "nodeId": grid.id!.uuidString]))
            let patch = try await app.api(.PATCH, "/api/v1/users/\(colleague.id!)", token: token, json: #"{"displayName":"改名"}"#)
            // check
            #expect(list.status == .forbidden)
            #expect(create.status == .forbidden)
            #expect(patch.status == .forbidden)
            #expect(try await Fixture.counts(app) == before)
            #expect(try await User.find(colleague.id, on: app.db)?.displayName == colleague.displayName)
        }
    }

    @Test(arguments: ["admin", "street_staff", "community_staff", "department_staff"])
    func communityStaffCannotCreateAccountsWithMorePowerThanTheirOwn(_ role: String) async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let community = try await app.node("YT-GT-01")
            let before = try await Fixture.counts(app)
            // act
            let res = try await app.api(.POST, "/api/v1/users", token: token, json: try Fixture.json([
                "username": "climber", "password": "Abcdef123", "role": role, "nodeId": community.id!.uuidString]))
            // check
            #expect(res.status == .forbidden)
            #expect(try await Fixture.counts(app) == before)
        }
    }

    @Test func communityStaffCreatesAGridWorkerInTheirCommunity() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let grid = try await app.node("YT-GT-01-G02")
            // act
            let res = try await app.api(.POST, "/api/v1/users", token: token, json: try Fixture.json([
                "username": "gt01_grid2", "password": "Abcdef123", "role": "grid_worker", "nodeId": grid.id!.uuidString, "phone": "13812340000"]))
            // check
            #expect(res.status == .created)
            #expect(try res.json()["role"] as? String == "grid_worker")
            #expect(try res.json()["phone"] as? String == "13812340000")
            let login = try await app.api(.POST, "/api/v1/auth/token", token: nil, json: #"{"username":"gt01_grid2","password":"Abcdef123"}"#)
            #expect(login.status == .ok)
        }
    }

    @Test(arguments: ["dept_zhujian", "property_demo", "partner_demo", "resident_demo"])
    func rolesWithoutTheRegisterCannotListResidents(_ username: String) async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token(username)
            // act
            let list = try await app.api(.GET, "/api/v1/residents", token: token)
            let export = try await app.api(.GET, "/api/v1/residents/export", token: token)
            let households = try await app.api(.GET, "/api/v1/households", token: token)
            // check
            #expect(list.status == .forbidden)
            #expect(list.errorCode == "forbidden")
            #expect(export.status == .forbidden)
            #expect(households.status == .forbidden)
            #expect(!list.text.contains("idNumber"))
        }
    }

    @Test(arguments: ["dept_zhujian", "property_demo", "partner_demo"])
    func rolesWithoutTheRegisterCannotReadOneResidentEither(_ username: String) async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token(username)
            let someone = try await app.resident(under: "YT-GT-01-G01")
            // act
            let res = try await app.api(.GET, "/api/v1/residents/\(someone.id!)", token: token)
            // check
            #expect(res.status == .forbidden)
            #expect(!res.text.contains(someone.name))
        }
    }

    @Test func residentReadsTheirOwnEntryInFull() async throws {
        try await withDemoApp { app in
            // setup
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
            let ownID = try #require(user.residentID)
            let own = try #require(try await Resident.find(ownID, on: app.db))
            let token = try await app.token("resident_demo")
            // act
            let res = try await app.api(.GET, "/api/v1/residents/\(ownID)", token: token)
            // check
            #expect(res.status == .ok)
            let body = try res.json()
            #expect(body["name"] as? String == own.name)
            #expect(body["idNumber"] as? String == own.idNumber, "a resident sees their own ID number in full")
        }
    }

    @Test func residentCannotReadSomeoneElse() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("resident_demo")
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
            let own = try #require(try await Resident.find(user.residentID, on: app.db))
            let neighbour = try #require(try await Resident.query(on: app.db).filter(\.$id != own.id!)
                .within(DataScope(rootPath: try await app.node("YT-GT-01").path)).first())
            // act
            let res = try await app.api(.GET, "/api/v1/residents/\(neighbour.id!)", token: token)
            // check: never the record, whatever the status
            #expect([.forbidden, .notFound].contains(res.status))
            #expect(!res.text.contains(neighbour.name))
            #expect(neighbour.idNumber.map { !res.text.contains($0) } ?? true)
        }
    }

    @Test func residentAskingForAnotherResidentGets404LikeAnUnknownId() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("resident_demo")
            let other = try await app.resident(under: "YT-BH-01")
            // act
            let foreign = try await app.api(.GET, "/api/v1/residents/\(other.id!)", token: token)
            let unknown = try await app.api(.GET, "/api/v1/residents/\(UUID())", token: token)
            // check
            #expect(foreign.status == .notFound)
            #expect(unknown.status == .notFound)
            #expect(foreign.errorCode == unknown.errorCode)
        }
    }

    @Test func noTokenIsAnswered401Unauthenticated() async throws {
        try await withDemoApp { app in
            // act
            let res = try await app.api(.GET, "/api/v1/residents", token: nil)
            // check
            #expect(res.status == .unauthorized)
            #expect(res.headers.contentType?.subType == "json")
            #expect(res.errorCode == "unauthenticated")
        }
    }

    @Test(arguments: ["not-a-token", "x.y.z", String(repeating: "A", count: 43)])
    func badBearerTokenIsAnswered401InvalidToken(_ token: String) async throws {
        try await withDemoApp { app in
            // act
            let res = try await app.api(.GET, "/api/v1/residents", token: nil, headers: ["Authorization": "Bearer \(token)"])
            // check
            #expect(res.status == .unauthorized)
            #expect(res.errorCode == "invalid_token")
        }
    }

    @Test func tokenStopsWorkingAfterThirtyDaysAndAfterLogout() async throws {
        try await withDemoApp { app in
            // setup
            let expiring = try await app.token("gt01_community")
            let revoked = try await app.token("gt01_community")
            // act
            try await app.api(.DELETE, "/api/v1/auth/token", token: revoked) { #expect($0.status == .noContent) }
            let afterLogout = try await app.api(.GET, "/api/v1/me", token: revoked)
            app.clock.advance(31 * 86400)
            let afterExpiry = try await app.api(.GET, "/api/v1/me", token: expiring)
            // check
            #expect(afterLogout.status == .unauthorized && afterLogout.errorCode == "invalid_token")
            #expect(afterExpiry.status == .unauthorized && afterExpiry.errorCode == "invalid_token")
        }
    }

    @Test func webPagesSendAStrangerToTheLoginPage() async throws {
        try await withDemoApp { app in
            // act
            let res = try await WebSession(app).get("/residents?tag=党员")
            // check
            #expect(res.status == .seeOther)
            let location = try #require(res.headers.first(name: .location))
            #expect(location.hasPrefix("/login?next="))
        }
    }
}
