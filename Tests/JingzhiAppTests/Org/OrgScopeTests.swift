import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The org tree seen from 古亭社区 (YT-GT-01): nodes of 站前社区 (YT-BH-01) cannot be listed, read, changed,
/// deleted, moved or used as a target — and the answer is the 404 a made-up id gets.
@Suite struct OrgScopeTests {
    @Test func foreignNodeIsNotFoundForEveryVerb() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let foreign = try await app.node("YT-BH-01-G01-C01")
            let before = try await Fixture.counts(app)
            let base = "/api/v1/org/nodes/\(foreign.id!)"
            // act
            let responses = [
                try await app.api(.GET, base, token: token),
                try await app.api(.PATCH, base, token: token, json: #"{"name":"被改名"}"#),
                try await app.api(.DELETE, base, token: token),
                try await app.api(.GET, base + "/ancestors", token: token),
                try await app.api(.GET, base + "/boundary", token: token),
                try await app.api(.PUT, base + "/boundary", token: token, json: OrgBoundaryTests.square),
                try await app.api(.GET, base + "/workers", token: token),
                try await app.api(.POST, base + "/move", token: token, json: try Fixture.json(["parentId": try await app.node("YT-GT-01-G01").id!.uuidString])),
            ]
            let madeUp = try await app.api(.GET, "/api/v1/org/nodes/\(UUID())", token: token)
            // check
            #expect(madeUp.status == .notFound)
            for res in responses {
                #expect(res.status == .notFound, "\(res.status)")
                #expect(res.errorCode == madeUp.errorCode)
                #expect(!res.text.contains(foreign.name))
            }
            let stored = try #require(try await OrgNode.find(foreign.id, on: app.db))
            #expect(stored.name == foreign.name && stored.path == foreign.path && stored.boundary == foreign.boundary)
            #expect(try await Fixture.counts(app) == before)
        }
    }

    @Test func deletingAnEmptyForeignNodeIsNotFoundAndKeepsIt() async throws {
        try await withDemoApp { app in
            // setup: an empty compound in 站前社区, which would be deletable by its own staff
            let grid = try await app.node("YT-BH-01-G01")
            let created = try await app.api(.POST, "/api/v1/org/nodes", token: try await app.token("bh01_community"), json: try Fixture.json([
                "parentId": grid.id!.uuidString, "kind": "compound", "code": "YT-BH-01-G01-CX", "name": "空小区"]))
            let id = try #require(try created.json()["id"] as? String)
            // act
            let res = try await app.api(.DELETE, "/api/v1/org/nodes/\(id)", token: try await app.token("gt01_community"))
            // check
            #expect(res.status == .notFound)
            #expect(try await OrgNode.find(UUID(uuidString: id), on: app.db) != nil)
        }
    }

    @Test(arguments: ["YT-BH-01", "YT-BH", "YT-GT", "NO-SUCH-NODE"])
    func listingChildrenOfANodeOutsideTheScopeIsNotFoundWithFieldParent(_ code: String) async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let byID = try await OrgNode.query(on: app.db).filter(\.$code == code).first()?.id?.uuidString ?? UUID().uuidString
            // act
            let res1 = try await app.api(.GET, "/api/v1/org/nodes?parent=\(code)", token: token)
            let res2 = try await app.api(.GET, "/api/v1/org/nodes?parent=\(byID)", token: token)
            // check
            for res in [res1, res2] {
                #expect(res.status == .notFound)
                #expect(res.errorCode == "unknown_node")
                #expect(res.errorField == "parent")
            }
        }
    }

    @Test func movingOwnNodeIntoAForeignParentIsRefusedAndNothingMoves() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let compound = try await app.node("YT-GT-01-G01-C01")
            let foreignGrid = try await app.node("YT-BH-01-G01")
            let underCompound = try await Resident.query(on: app.db).within(DataScope(rootPath: compound.path)).count()
            // act
            let res = try await app.api(.POST, "/api/v1/org/nodes/\(compound.id!)/move", token: token,
                                        json: try Fixture.json(["parentId": foreignGrid.id!.uuidString]))
            // check
            #expect(res.status == .notFound)
            #expect(res.errorField == "parentId")
            let stored = try #require(try await OrgNode.find(compound.id, on: app.db))
            #expect(stored.path == compound.path && stored.parentID == compound.parentID)
            #expect(underCompound > 0)
            #expect(try await Resident.query(on: app.db).within(DataScope(rootPath: compound.path)).count() == underCompound)
        }
    }

    @Test func topOfTheTreeIsTheOwnCommunityAndItsChildrenAreOwnGrids() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            // act
            let top = try await app.api(.GET, "/api/v1/org/nodes", token: token)
            let children = try await app.api(.GET, "/api/v1/org/nodes?parent=YT-GT-01", token: token)
            // check
            let topCodes = try top.jsonArray().compactMap { $0["code"] as? String }
            #expect(topCodes == ["YT-GT-01"])
            let codes = try children.jsonArray().compactMap { $0["code"] as? String }
            #expect(codes == ["YT-GT-01-G01", "YT-GT-01-G02"])
        }
    }

    @Test func streetWorkerSeesBothCommunitiesOfTheStreetButNotTheOtherStreet() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt_street")
            let street = try await app.node("YT-GT")
            // act
            let children = try await app.api(.GET, "/api/v1/org/nodes?parent=YT-GT", token: token)
            let foreignNode = try await app.api(.GET, "/api/v1/org/nodes/\(try await app.node("YT-BH-01").id!)", token: token)
            let ownResidents = try await app.api(.GET, "/api/v1/residents?node=YT-GT-02", token: token)
            let allResidents = try await app.api(.GET, "/api/v1/residents", token: token)
            let foreignResidents = try await app.api(.GET, "/api/v1/residents?node=YT-BH-01", token: token)
            // check
            let communityCodes = try children.jsonArray().compactMap { $0["code"] as? String }
            #expect(communityCodes == ["YT-GT-01", "YT-GT-02"])
            #expect(foreignNode.status == .notFound)
            #expect(ownResidents.status == .ok)
            #expect((try ownResidents.json()["total"] as? Int ?? 0) > 0)
            let inStreet = try await Resident.query(on: app.db).within(DataScope(rootPath: street.path)).count()
            #expect(try allResidents.json()["total"] as? Int == inStreet)
            #expect(foreignResidents.status == .notFound && foreignResidents.errorField == "node")
        }
    }

    @Test func usersListShowsOnlyAccountsOfTheOwnCommunity() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            // act
            let res = try await app.api(.GET, "/api/v1/users?per=100", token: token)
            let foreignUser = try #require(try await User.query(on: app.db).filter(\.$username == "bh01_grid").first())
            let patch = try await app.api(.PATCH, "/api/v1/users/\(foreignUser.id!)", token: token, json: #"{"active":false}"#)
            // check
            #expect(res.status == .ok)
            let names = Set(try Fixture.items(res).compactMap { $0["username"] as? String })
            #expect(names.isSuperset(of: ["gt01_community", "gt01_grid", "partner_demo", "property_demo"]))
            #expect(names.isDisjoint(with: ["admin", "gt_street", "bh_street", "bh01_community", "bh01_grid", "dept_zhujian", "resident_demo"]))
            #expect(patch.status == .notFound)
            #expect(try await User.find(foreignUser.id, on: app.db)?.active == true)
        }
    }

    @Test func creatingAnAccountOnAForeignNodeIsNotFound() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let before = try await Fixture.counts(app)
            // act
            let res = try await app.api(.POST, "/api/v1/users", token: token, json: try Fixture.json([
                "username": "planted", "password": "Abcdef123", "role": "grid_worker", "nodeId": try await app.node("YT-BH-01-G01").id!.uuidString]))
            // check
            #expect(res.status == .notFound)
            #expect(res.errorField == "nodeId")
            #expect(try await Fixture.counts(app) == before)
        }
    }

    @Test
    func takenCodeOfAForeignNodeDoesNotRevealItsName() async throws {
        try await withDemoApp { app in
            // setup: codes are unique county-wide, so the conflict itself is unavoidable — the name is not
            let token = try await app.token("gt01_community")
            let foreign = try await app.node("YT-BH-01-G01-C01")
            let grid = try await app.node("YT-GT-01-G01")
            // act
            let create = try await app.api(.POST, "/api/v1/org/nodes", token: token, json: try Fixture.json([
                "parentId": grid.id!.uuidString, "kind": "compound", "code": foreign.code, "name": "撞编码"]))
            let rename = try await app.api(.PATCH, "/api/v1/org/nodes/\(try await app.node("YT-GT-01-G01-C01").id!)", token: token,
                                           json: try Fixture.json(["code": foreign.code]))
            // check
            for res in [create, rename] {
                #expect(res.status == .conflict && res.errorCode == "code_taken")
                #expect(!res.text.contains(foreign.name), "\(res.text)")
            }
        }
    }

    @Test func attachingAForeignAccountAsGridWorkerIsRefusedLikeAnUnknownAccount() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let grid = try await app.node("YT-GT-01-G02")
            let foreign = try #require(try await User.query(on: app.db).filter(\.$username == "bh01_grid").first())
            let path = "/api/v1/org/nodes/\(grid.id!)/workers"
            // act
            let unknown = try await app.api(.POST, path, token: token, json: try Fixture.json(["name": "张三", "phone": "13800001111", "userId": UUID().uuidString]))
            let planted = try await app.api(.POST, path, token: token, json: try Fixture.json(["name": "李四", "phone": "13800002222", "userId": foreign.id!.uuidString]))
            // check: the foreign account's existence is not revealed, and it is not linked to an own grid
            #expect(planted.status == unknown.status)
            #expect(planted.errorField == unknown.errorField)
            #expect(try await GridWorker.query(on: app.db).filter(\.$userID == foreign.id!).filter(\.$gridID == grid.id!).count() == 0)
        }
    }
}
