import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Companies, contracts, compound class and tier with history and tasks.
@Suite struct PropertyCompoundTests {
    @Test func companiesAreValidatedAndOnlyCountyOrStreetRegistersThem() async throws {
        try await withDemoApp { app in
            let admin = try await app.token("admin")
            let good = #"{"name":"新城物业","licenceNo":"LIC-1","contactName":"赵六","contactPhone":"13800000001","kind":"market"}"#
            // act
            let created = try await app.api(.POST, "/api/v1/property/companies", token: admin, json: good)
            let duplicate = try await app.api(.POST, "/api/v1/property/companies", token: admin, json: good)
            let badPhone = try await app.api(.POST, "/api/v1/property/companies", token: admin,
                                             json: #"{"name":"x","licenceNo":"LIC-2","contactName":"y","contactPhone":"123","kind":"market"}"#)
            let badKind = try await app.api(.POST, "/api/v1/property/companies", token: admin,
                                            json: #"{"name":"x","licenceNo":"LIC-3","contactName":"y","contactPhone":"13800000001","kind":"private"}"#)
            let byCommunity = try await app.api(.POST, "/api/v1/property/companies", token: try await app.token("gt01_community"), json: good)
            // check
            #expect(created.status == .created)
            #expect(duplicate.status == .conflict && duplicate.errorField == "licenceNo")
            #expect(badPhone.errorField == "contactPhone" && badKind.errorField == "kind")
            #expect(byCommunity.status == .forbidden)
        }
    }

    @Test func contractsMayNotOverlapAndStayInScope() async throws {
        try await withDemoApp { app in
            // setup
            let home = try await PropertyFixture.homeCompany(app)
            let served = try #require(try await PropertyFixture.compounds(of: home, app).first)
            let unserved = try #require(try await app.api(.GET, "/api/v1/property/compounds?withoutCompany=1", token: try await app.token("admin"))
                .jsonArray().first { ($0["code"] as? String)?.hasPrefix("YT-GT-01") == true || ($0["code"] as? String)?.hasPrefix("YT-GT-02") == true })
            let street = try await app.token("gt_street")
            func contract(_ compound: String, _ start: String, _ end: String, by token: String) async throws -> TestingHTTPResponse {
                try await app.api(.POST, "/api/v1/property/contracts", token: token,
                                  json: #"{"compoundId":"\#(compound)","companyId":"\#(home.id!)","model":"basic","startDay":"\#(start)","endDay":"\#(end)","feeFenPerM2":20}"#)
            }
            // act
            let overlap = try await contract(served.id!.uuidString, "2026-06-01", "2027-05-31", by: street)
            let fresh = try await contract(unserved["id"] as! String, "2026-01-01", "2027-12-31", by: street)
            let backwards = try await contract(unserved["id"] as! String, "2028-01-01", "2027-12-31", by: street)
            let outside = try await contract(try await app.node("YT-BH-01-G01-C01").id!.uuidString, "2030-01-01", "2030-12-31", by: street)
            let byGrid = try await contract(unserved["id"] as! String, "2030-01-01", "2030-12-31", by: try await app.token("gt01_grid"))
            // check
            #expect(overlap.status == .conflict && overlap.errorCode == "contract_overlap")
            #expect(fresh.status == .created, "\(fresh.text)")
            #expect(backwards.errorField == "endDay")
            #expect(outside.status == .notFound)
            #expect(byGrid.status == .forbidden)
            let row = try await app.api(.GET, "/api/v1/property/compounds/\(unserved["id"] as! String)", token: street).json()
            #expect((row["compound"] as? [String: Any])?["withoutCompany"] as? Bool == false)
        }
    }

    @Test func aTierChangeNeedsAReasonAndKeepsItsHistoryAndTasks() async throws {
        try await withDemoApp { app in
            // setup
            let compound = try await app.node("YT-GT-01-G01-C01")
            let token = try await app.token("gt01_community")
            let path = "/api/v1/property/compounds/\(compound.id!)"
            let current = try await app.api(.GET, path, token: token).json()
            let from = try #require((current["compound"] as? [String: Any])?["tier"] as? String)
            let to = from == "model" ? "problem" : "model"
            // act
            let noReason = try await app.api(.POST, path + "/tier", token: token, json: #"{"tier":"\#(to)"}"#)
            let badTier = try await app.api(.POST, path + "/tier", token: token, json: #"{"tier":"gold","reason":"x"}"#)
            let moved = try await app.api(.POST, path + "/tier", token: token, json: """
                {"tier":"\(to)","reason":"投诉集中，列入整改","tasks":[{"title":"修复单元门禁","owner":"幸福家园物业","dueDay":"2026-12-31"}]}
                """)
            let same = try await app.api(.POST, path + "/tier", token: token, json: #"{"tier":"\#(to)","reason":"再次"}"#)
            let byProperty = try await app.api(.POST, path + "/tier", token: try await app.token("property_demo"), json: #"{"tier":"\#(from)","reason":"自评"}"#)
            // check
            #expect(noReason.status == .unprocessableEntity && noReason.errorField == "reason")
            #expect(badTier.errorField == "tier")
            #expect(moved.status == .ok, "\(moved.text)")
            #expect(same.status == .conflict)
            #expect(byProperty.status == .forbidden)
            let detail = try moved.json()
            let history = try #require(detail["tierHistory"] as? [[String: Any]])
            #expect(history.first?["fromTier"] as? String == from && history.first?["toTier"] as? String == to)
            #expect(history.first?["reason"] as? String == "投诉集中，列入整改")
            #expect(history.first?["actorName"] as? String == "古亭社区 张丽")
            let task = try #require((detail["tasks"] as? [[String: Any]])?.first)
            #expect(task["owner"] as? String == "幸福家园物业" && task["tierChangeId"] as? String == history.first?["id"] as? String)
            // the company ticks the task off
            let done = try await app.api(.POST, "/api/v1/property/tasks/\(task["id"] as! String)/done", token: try await app.token("property_demo"), json: "{}")
            #expect(try done.status == .ok && done.json()["doneBy"] as? String != nil)
            #expect(try await PropertyFixture.audit(app, entity: "compound_profile", action: "tier").count == 1)
        }
    }
}
