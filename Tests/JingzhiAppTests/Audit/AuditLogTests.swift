import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The audit trail: every change to a resident says who, what, which record, from where and which fields —
/// never the ID number or phone themselves — and each community reads only its own entries.
@Suite struct AuditLogTests {
    static let phone = "13600002468", newPhone = "13600008642"
    static let id = Fixture.idNumber(seq: 246), newID = Fixture.idNumber(seq: 642, born: "19920202")

    /// Creates, updates and deletes one resident of 古亭社区 through the API; returns its id.
    static func lifeCycle(_ app: Application, token: String) async throws -> String {
        let household = try await Fixture.household(app, under: "YT-GT-01")
        let created = try await Fixture.createResident(app, token: token, household: household, name: "审计测试人",
                                                       idNumber: id, phone: phone, tags: ["党员"])
        let rid = try #require(created["id"] as? String)
        try await app.api(.PATCH, "/api/v1/residents/\(rid)", token: token, json: try Fixture.json([
            "name": "审计测试人改", "phone": newPhone, "idNumber": newID, "tags": ["党员", "志愿者"], "note": "换了手机",
        ])).checkStatus(.ok)
        try await app.api(.DELETE, "/api/v1/residents/\(rid)?reason=\("迁出".urlEncoded)", token: token).checkStatus(.noContent)
        return rid
    }

    static func entries(_ app: Application, _ token: String, _ query: String) async throws -> [[String: Any]] {
        let res = try await app.api(.GET, "/api/v1/audit?per=100&\(query)", token: token)
        #expect(res.status == .ok, "\(res.text)")
        return try Fixture.items(res)
    }

    @Test func createUpdateAndDeleteEachWriteAnEntryWithWhoWhatAndWhere() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            // act
            let rid = try await Self.lifeCycle(app, token: token)
            let entries = try await Self.entries(app, token, "entityId=\(rid)")
            // check
            let actions = entries.compactMap { $0["action"] as? String }
            #expect(Set(actions) == ["create", "update", "delete"])
            #expect(entries.count == 3)
            for e in entries {
                #expect(e["entity"] as? String == "resident")
                #expect(e["entityId"] as? String == rid)
                #expect((e["actorName"] as? String)?.contains("gt01_community") == true)
                #expect(e["actorId"] as? String != nil)
                #expect((e["ip"] as? String)?.isEmpty == false)
                #expect(e["at"] != nil)
            }
            let deleteSummary = entries.first { $0["action"] as? String == "delete" }?["summary"] as? String
            #expect(deleteSummary?.contains("迁出") == true)
        }
    }

    @Test func updateEntryNamesTheChangedFieldsButNeverThePersonalValues() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            // act
            let rid = try await Self.lifeCycle(app, token: token)
            let update = try #require(try await Self.entries(app, token, "entityId=\(rid)&action=update").first)
            // check
            let text = try #require(update["changes"] as? String)
            let changes = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(Set(changes.keys).isSuperset(of: ["name", "phone", "idNumber", "tags", "note"]))
            #expect((changes["name"] as? [String])?.last == "审计测试人改")
            for secret in [Self.phone, Self.newPhone, Self.id, Self.newID] {
                #expect(!text.contains(secret))
                #expect(!text.contains(String(secret.suffix(8))), "not even the tail of \(secret)")
            }
        }
    }

    @Test func noEntryAnywhereCarriesTheIDNumberOrPhone() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            // act
            _ = try await Self.lifeCycle(app, token: token)
            let all = try await AuditEntry.query(on: app.db).all()
            // check
            for e in all {
                let text = [e.summary, e.changes ?? "", e.actorName].joined(separator: " ")
                for secret in [Self.phone, Self.newPhone, Self.id, Self.newID] { #expect(!text.contains(secret), "\(e.action) \(e.entity): \(text)") }
            }
        }
    }

    @Test func listFiltersByEntityAndAction() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            _ = try await Self.lifeCycle(app, token: token)
            let household = try await Fixture.household(app, under: "YT-GT-01")
            try await app.api(.POST, "/api/v1/households/\(household.id!)/visits", token: token,
                              json: #"{"visitedOn":"2026-01-10","notes":"审计走访"}"#).checkStatus(.created)
            // act
            let residents = try await Self.entries(app, token, "entity=resident")
            let updates = try await Self.entries(app, token, "entity=resident&action=update")
            let visits = try await Self.entries(app, token, "entity=visit&action=create")
            let nothing = try await Self.entries(app, token, "entity=resident&action=approve")
            // check
            let residentEntities = Set(residents.compactMap { $0["entity"] as? String })
            let updateActions = Set(updates.compactMap { $0["action"] as? String })
            let visitEntities = Set(visits.compactMap { $0["entity"] as? String })
            #expect(residents.count == 3 && residentEntities == ["resident"])
            #expect(updates.count == 1 && updateActions == ["update"])
            #expect(visits.count == 1 && visitEntities == ["visit"])
            #expect(nothing.isEmpty)
        }
    }

    @Test func eachCommunityReadsOnlyItsOwnEntries() async throws {
        try await withDemoApp { app in
            // setup: both communities change their own residents
            let gt = try await app.token("gt01_community"), bh = try await app.token("bh01_community")
            let ownID = try await Self.lifeCycle(app, token: gt)
            let foreign = try await app.resident(under: "YT-BH-01")
            try await app.api(.PATCH, "/api/v1/residents/\(foreign.id!)", token: bh, json: #"{"note":"站前社区的修改"}"#).checkStatus(.ok)
            // act
            let seenByGT = try await Self.entries(app, gt, "")
            let seenByBH = try await Self.entries(app, bh, "")
            let probe = try await Self.entries(app, gt, "entityId=\(foreign.id!)")
            let street = try await Self.entries(app, try await app.token("bh_street"), "")
            // check
            let gtIDs = Set(seenByGT.compactMap { $0["entityId"] as? String })
            let bhIDs = Set(seenByBH.compactMap { $0["entityId"] as? String })
            #expect(gtIDs.contains(ownID) && !gtIDs.contains(foreign.id!.uuidString))
            #expect(bhIDs.contains(foreign.id!.uuidString) && !bhIDs.contains(ownID))
            #expect(probe.isEmpty)
            let gtTexts = seenByGT.map { "\($0["summary"] as? String ?? "") \($0["changes"] as? String ?? "")" }
            #expect(!gtTexts.contains { $0.contains("站前社区的修改") })
            let streetIDs = Set(street.compactMap { $0["entityId"] as? String })
            #expect(streetIDs.contains(foreign.id!.uuidString) && !streetIDs.contains(ownID))
        }
    }

    @Test(arguments: ["gt01_grid", "dept_zhujian", "partner_demo", "resident_demo"])
    func rolesWithoutAuditAccessAreRefused(_ username: String) async throws {
        try await withDemoApp { app in
            // act
            let res = try await app.api(.GET, "/api/v1/audit", token: try await app.token(username))
            // check
            #expect(res.status == .forbidden)
        }
    }

    @Test(arguments: [
        #"{"phone":"12345"}"#, #"{"idNumber":"\#(Fixture.withWrongCheckDigit(Fixture.idNumber(seq: 99)))"}"#, #"{"tags":["不存在"]}"#, #"{"name":""}"#, #"{"name":7}"#,
    ])
    func failedUpdateWritesNoEntry(_ body: String) async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let resident = try await app.resident(under: "YT-GT-01")
            let before = try await AuditEntry.query(on: app.db).count()
            // act
            let res = try await app.api(.PATCH, "/api/v1/residents/\(resident.id!)", token: token, json: body)
            // check
            #expect(res.status == .unprocessableEntity, "\(res.text)")
            #expect(try await AuditEntry.query(on: app.db).count() == before)
            #expect(try await Self.entries(app, token, "entityId=\(resident.id!)").isEmpty)
        }
    }

    @Test func updateThatChangesNothingWritesNoEntry() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let resident = try await app.resident(under: "YT-GT-01")
            let before = try await AuditEntry.query(on: app.db).count()
            // act
            let res = try await app.api(.PATCH, "/api/v1/residents/\(resident.id!)", token: token, json: try Fixture.json(["name": resident.name]))
            // check
            #expect(res.status == .ok)
            #expect(try await AuditEntry.query(on: app.db).count() == before)
        }
    }

    @Test func badFiltersAreRefusedNamingTheParameter() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            // act
            let badID = try await app.api(.GET, "/api/v1/audit?entityId=xyz", token: token)
            let badDate = try await app.api(.GET, "/api/v1/audit?from=2026-02-30", token: token)
            // check
            #expect(badID.status == .unprocessableEntity && badID.errorField == "entityId")
            #expect(badDate.status == .unprocessableEntity && badDate.errorField == "from")
        }
    }
}
