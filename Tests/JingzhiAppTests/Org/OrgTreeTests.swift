import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Shaping the tree: new compounds, renames that households' addresses follow, moves that keep every record,
/// and the rules that refuse nonsense (loops, non-empty deletes, kinds in the wrong place).
@Suite struct OrgTreeTests {
    static func create(_ app: Application, _ token: String, parent: OrgNode, kind: String, code: String, name: String) async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/org/nodes", token: token, json: try Fixture.json([
            "parentId": parent.id!.uuidString, "kind": kind, "code": code, "name": name]))
    }

    @Test func compoundCreatedUnderAGridHoldsBuildingsAndHouseholds() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let grid = try await app.node("YT-GT-01-G01")
            // act
            let compound = try await Self.create(app, token, parent: grid, kind: "compound", code: "YT-GT-01-G01-CT", name: "测试新苑")
            let building = try await Self.create(app, token, parent: try await app.node("YT-GT-01-G01-CT"), kind: "building",
                                                 code: "YT-GT-01-G01-CT-B01", name: "1号楼")
            let buildingID = try #require(try building.json()["id"] as? String)
            let household = try await app.api(.POST, "/api/v1/households", token: token, json: #"{"nodeId":"\#(buildingID)","room":"101"}"#)
            // check
            #expect(compound.status == .created)
            let body = try compound.json()
            #expect(body["kind"] as? String == "compound")
            #expect(body["parentId"] as? String == grid.id!.uuidString)
            #expect(body["depth"] as? Int == grid.depth + 1)
            #expect(building.status == .created)
            #expect(household.status == .created)
            #expect(try household.json()["address"] as? String == "测试新苑 1号楼 101")
            let children = try await app.api(.GET, "/api/v1/org/nodes?parent=YT-GT-01-G01", token: token)
            let childCodes = try children.jsonArray().compactMap { $0["code"] as? String }
            #expect(childCodes.contains("YT-GT-01-G01-CT"))
        }
    }

    @Test func renamingACompoundRewritesTheAddressesOfItsHouseholds() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let compound = try await app.node("YT-GT-01-G01-C01")
            let households = try await Household.query(on: app.db).within(DataScope(rootPath: compound.path)).all()
            #expect(!households.isEmpty)
            #expect(households.allSatisfy { $0.address.hasPrefix(compound.name + " ") })
            // act
            let res = try await app.api(.PATCH, "/api/v1/org/nodes/\(compound.id!)", token: token, json: #"{"name":"幸福家园二期"}"#)
            // check
            #expect(res.status == .ok)
            #expect(try res.json()["name"] as? String == "幸福家园二期")
            for h in households {
                let shown = try await app.api(.GET, "/api/v1/households/\(h.id!)", token: token)
                let address = try #require(try shown.json()["address"] as? String)
                #expect(address == "幸福家园二期 " + h.address.dropFirst(compound.name.count + 1))
            }
            let audit = try #require(try await AuditEntry.query(on: app.db).filter(\.$entityID == compound.id!).filter(\.$action == "update").first())
            #expect(audit.changes?.contains("幸福家园二期") == true)
        }
    }

    @Test func movingACompoundToAnotherGridKeepsItsRecordsAndTheyFollowTheNewGrid() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let compound = try await app.node("YT-GT-01-G01-C01")
            let oldGrid = try await app.node("YT-GT-01-G01"), newGrid = try await app.node("YT-GT-01-G02")
            let inside = DataScope(rootPath: compound.path)
            let household = try #require(try await Household.query(on: app.db).within(inside).first())
            try await app.api(.POST, "/api/v1/households/\(household.id!)/visits", token: token,
                              json: #"{"visitedOn":"2026-01-10","kind":"入户走访","notes":"搬迁前走访"}"#).checkStatus(.created)
            let residents = try await Resident.query(on: app.db).within(inside).all()
            let households = try await Household.query(on: app.db).within(inside).all()
            let tags = try await ResidentTag.query(on: app.db).within(inside).count()
            let visits = try await Visit.query(on: app.db).within(inside).count()
            let before = try await Fixture.counts(app)
            // act
            let res = try await app.api(.POST, "/api/v1/org/nodes/\(compound.id!)/move", token: token,
                                        json: try Fixture.json(["parentId": newGrid.id!.uuidString]))
            // check
            #expect(res.status == .ok, "\(res.text)")
            let moved = try #require(try await OrgNode.find(compound.id, on: app.db))
            #expect(moved.parentID == newGrid.id && moved.path.hasPrefix(newGrid.path) && moved.depth == compound.depth)
            let now = DataScope(rootPath: moved.path)
            #expect(Set(try await Resident.query(on: app.db).within(now).all().map(\.id)) == Set(residents.map(\.id)))
            #expect(Set(try await Household.query(on: app.db).within(now).all().map(\.id)) == Set(households.map(\.id)))
            #expect(try await ResidentTag.query(on: app.db).within(now).count() == tags)
            #expect(try await Visit.query(on: app.db).within(now).count() == visits)
            #expect(try await Household.query(on: app.db).within(now).all().map(\.address).sorted() == households.map(\.address).sorted())
            var after = try await Fixture.counts(app)
            after.audit -= 1 // the move itself
            #expect(after == before)
            let underNew = try await app.api(.GET, "/api/v1/residents?node=\(newGrid.id!)&per=100", token: token)
            let underOld = try await app.api(.GET, "/api/v1/residents?node=\(oldGrid.id!)&per=100", token: token)
            let newIDs = Set(try Fixture.items(underNew).compactMap { $0["id"] as? String })
            let oldIDs = Set(try Fixture.items(underOld).compactMap { $0["id"] as? String })
            let movedIDs = Set(residents.map { $0.id!.uuidString })
            #expect(movedIDs.subtracting(newIDs).isEmpty, "moved residents are listed under the new grid")
            #expect(movedIDs.intersection(oldIDs).isEmpty, "and no longer under the old one")
        }
    }

    @Test func compoundMovedToAnotherCommunityLeavesTheOldCommunitysSight() async throws {
        try await withDemoApp { app in
            // setup
            let street = try await app.token("gt_street"), oldCommunity = try await app.token("gt01_community")
            let compound = try await app.node("YT-GT-01-G02-C01")
            let target = try await app.node("YT-GT-02-G01")
            let resident = try await app.resident(under: compound.code)
            try await app.api(.GET, "/api/v1/residents/\(resident.id!)", token: oldCommunity).checkStatus(.ok)
            // act
            let res = try await app.api(.POST, "/api/v1/org/nodes/\(compound.id!)/move", token: street,
                                        json: try Fixture.json(["parentId": target.id!.uuidString]))
            // check
            #expect(res.status == .ok, "\(res.text)")
            try await app.api(.GET, "/api/v1/residents/\(resident.id!)", token: oldCommunity) { #expect($0.status == .notFound) }
            try await app.api(.GET, "/api/v1/org/nodes/\(compound.id!)", token: oldCommunity) { #expect($0.status == .notFound) }
            let listed = try await app.api(.GET, "/api/v1/residents?node=YT-GT-02-G01&per=100", token: street)
            let ids = try Fixture.items(listed).compactMap { $0["id"] as? String }
            #expect(ids.contains(resident.id!.uuidString))
            let stored = try #require(try await Resident.find(resident.id, on: app.db))
            #expect(stored.name == resident.name && stored.idNumber == resident.idNumber && stored.householdID == resident.householdID)
        }
    }

    @Test func movingANodeUnderItselfOrItsDescendantIsRefused() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let grid = try await app.node("YT-GT-01-G01")
            try await Self.create(app, token, parent: grid, kind: "micro_grid", code: "YT-GT-01-G01-M1", name: "微网格一").checkStatus(.created)
            let micro = try await app.node("YT-GT-01-G01-M1")
            let compound = try await app.node("YT-GT-01-G01-C01")
            let building = try await app.node("YT-GT-01-G01-C01-B01")
            // act
            let gridIntoMicro = try await app.api(.POST, "/api/v1/org/nodes/\(grid.id!)/move", token: token, json: try Fixture.json(["parentId": micro.id!.uuidString]))
            let compoundIntoBuilding = try await app.api(.POST, "/api/v1/org/nodes/\(compound.id!)/move", token: token, json: try Fixture.json(["parentId": building.id!.uuidString]))
            let intoItself = try await app.api(.POST, "/api/v1/org/nodes/\(compound.id!)/move", token: token, json: try Fixture.json(["parentId": compound.id!.uuidString]))
            // check
            for res in [gridIntoMicro, compoundIntoBuilding, intoItself] {
                #expect(res.status == .unprocessableEntity)
                #expect(res.errorField == "parentId")
            }
            #expect(try await OrgNode.find(grid.id, on: app.db)?.path == grid.path)
            #expect(try await OrgNode.find(compound.id, on: app.db)?.path == compound.path)
        }
    }

    @Test func movingOrDeletingTheOwnScopeRootIsForbidden() async throws {
        try await withDemoApp { app in
            // setup
            let community = try await app.node("YT-GT-01")
            let otherStreet = try await app.node("YT-BH")
            // act
            let move = try await app.api(.POST, "/api/v1/org/nodes/\(community.id!)/move", token: try await app.token("gt01_community"),
                                         json: try Fixture.json(["parentId": otherStreet.id!.uuidString]))
            let delete = try await app.api(.DELETE, "/api/v1/org/nodes/\(try await app.node("YT-GT").id!)", token: try await app.token("gt_street"))
            // check
            #expect(move.status == .forbidden)
            #expect(delete.status == .forbidden)
            #expect(try await OrgNode.find(community.id, on: app.db)?.path == community.path)
        }
    }

    @Test(arguments: ["YT-GT-01-G01-C01", "YT-GT-01-G01", "YT-GT-01-G01-C01-B01"])
    func deletingANodeThatStillHoldsSomethingIsAConflict(_ code: String) async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let node = try await app.node(code)
            let before = try await Fixture.counts(app)
            // act
            let res = try await app.api(.DELETE, "/api/v1/org/nodes/\(node.id!)", token: token)
            // check
            #expect(res.status == .conflict)
            #expect(res.errorCode == "node_not_empty")
            #expect(try await Fixture.counts(app) == before)
        }
    }

    @Test func deletingAnEmptyNodeWorksAndItIsGone() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let created = try await Self.create(app, token, parent: try await app.node("YT-GT-01-G02"), kind: "compound", code: "YT-GT-01-G02-CE", name: "待删小区")
            let id = try #require(try created.json()["id"] as? String)
            // act
            let res = try await app.api(.DELETE, "/api/v1/org/nodes/\(id)", token: token)
            // check
            #expect(res.status == .noContent)
            try await app.api(.GET, "/api/v1/org/nodes/\(id)", token: token) { #expect($0.status == .notFound) }
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entityID == UUID(uuidString: id)!).filter(\.$action == "delete").count() == 1)
        }
    }

    @Test(arguments: [("YT-GT-01", "building"), ("YT-GT-01-G01-C01", "unit"), ("YT-GT-01-G01", "community"),
                      ("YT-GT-01-G01-C01-B01", "compound"), ("YT-GT-01-G01", "street")])
    func aKindUnderTheWrongParentKindIsRefused(_ parentCode: String, _ kind: String) async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let before = try await Fixture.counts(app)
            // act
            let res = try await Self.create(app, token, parent: try await app.node(parentCode), kind: kind, code: "WRONG-1", name: "放错层级")
            // check
            #expect(res.status == .unprocessableEntity)
            #expect(res.errorField == "kind")
            #expect(try await Fixture.counts(app) == before)
        }
    }

    @Test func unknownKindMissingParentAndTakenCodeAreRefused() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let grid = try await app.node("YT-GT-01-G01")
            let before = try await Fixture.counts(app)
            // act
            let unknownKind = try await Self.create(app, token, parent: grid, kind: "village", code: "V-1", name: "村")
            let noParent = try await app.api(.POST, "/api/v1/org/nodes", token: token, json: #"{"kind":"compound","code":"P-1","name":"无上级"}"#)
            let takenCode = try await Self.create(app, token, parent: grid, kind: "compound", code: "YT-BH-01-G01-C01", name: "撞编码")
            let badCode = try await Self.create(app, token, parent: grid, kind: "compound", code: "有 空格", name: "坏编码")
            // check
            #expect(unknownKind.status == .unprocessableEntity && unknownKind.errorField == "kind")
            #expect(noParent.status == .unprocessableEntity && noParent.errorField == "parentId")
            #expect(takenCode.status == .conflict && takenCode.errorCode == "code_taken")
            #expect(badCode.status == .unprocessableEntity && badCode.errorField == "code")
            #expect(try await Fixture.counts(app) == before)
        }
    }

    @Test func gridWorkerCannotChangeTheTree() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_grid")
            let grid = try await app.node("YT-GT-01-G01")
            // act
            let create = try await Self.create(app, token, parent: grid, kind: "compound", code: "GW-1", name: "网格员建")
            let rename = try await app.api(.PATCH, "/api/v1/org/nodes/\(grid.id!)", token: token, json: #"{"name":"改名"}"#)
            // check
            #expect(create.status == .forbidden && rename.status == .forbidden)
            #expect(try await OrgNode.find(grid.id, on: app.db)?.name == grid.name)
        }
    }
}
