import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The round from self-assessment to publication through the API, with the people who must not act refused, the
/// ranking contract with ties, sums up the tree, and corrections.
@Suite struct AssessmentFlowTests {
    @Test func weightsThatDoNotAddUpAreRefusedByTheAPI() async throws {
        try await withDemoApp { app in
            AssessmentFixture.register(app)
            let admin = try await app.token("admin")
            var bad = AssessmentScoringTests.system
            bad.dimensions[1].weight = 30
            let refused = try await app.api(.POST, "/api/v1/assessment/systems", token: admin,
                                            json: "{\"code\":\"t\",\"name\":\"测试\",\"definition\":\(bad.json())}")
            let saved = try await app.api(.POST, "/api/v1/assessment/systems", token: admin,
                                          json: "{\"code\":\"t\",\"name\":\"测试\",\"definition\":\(AssessmentFixture.definitionJSON())}")
            let byStreet = try await app.api(.POST, "/api/v1/assessment/systems", token: try await app.token("gt_street"),
                                             json: "{\"code\":\"t2\",\"name\":\"测试\",\"definition\":\(AssessmentFixture.definitionJSON())}")
            let list = try await app.api(.GET, "/api/v1/assessment/systems", token: try await app.token("gt01_community")).json()
            #expect(refused.status == .unprocessableEntity && refused.errorCode == "weights_not_100")
            #expect(saved.status == .created && byStreet.status == .forbidden)
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["name"] as? String == "测试" && items[0]["version"] as? Int == 1 && items[0]["id"] is String)
        }
    }

    @Test func selfAssessReviewPublishAndRank() async throws {
        try await withDemoApp { app in
            // setup
            let r = try await AssessmentFixture.round(app)
            let community = try await app.token("gt01_community"), street = try await app.token("gt_street")
            let otherStreet = try await app.token("bh_street"), admin = try await app.token("admin")
            let gt01 = try await AssessmentFixture.result(app, r, "YT-GT-01"), bh01 = try await AssessmentFixture.result(app, r, "YT-BH-01")
            let base = "/api/v1/assessment/results/\(gt01.id!)"
            // act: the community self-assesses
            for (ind, score) in [("a2", 80), ("a3", 70), ("b1", 60)] {
                try await app.api(.POST, base + "/score", token: community, json: "{\"indicator\":\"\(ind)\",\"score\":\(score)}") { #expect($0.status == .ok) }
            }
            let tooHigh = try await app.api(.POST, base + "/score", token: community, json: "{\"indicator\":\"a2\",\"score\":120}")
            let noReason = try await app.api(.POST, base + "/score", token: community, json: "{\"indicator\":\"d1\",\"score\":2}")
            try await app.api(.POST, base + "/score", token: community, json: "{\"indicator\":\"d1\",\"score\":2,\"note\":\"投诉查实\"}")
            try await app.api(.POST, base + "/score", token: community, json: "{\"indicator\":\"x1\",\"score\":3}")
            let notMine = try await app.api(.GET, "/api/v1/assessment/results/\(bh01.id!)", token: community)
            let selfAccept = try await app.api(.POST, base + "/accept", token: community, json: "{}")
            let submitted = try await app.api(.POST, base + "/submit", token: community, json: "{}").json()
            // the street reviews
            let outside = try await app.api(.POST, base + "/adjust", token: otherStreet, json: "{\"indicator\":\"a3\",\"score\":75,\"reason\":\"核实\"}")
            let withoutReason = try await app.api(.POST, base + "/adjust", token: street, json: "{\"indicator\":\"a3\",\"score\":75}")
            let adjusted = try await app.api(.POST, base + "/adjust", token: street, json: "{\"indicator\":\"a3\",\"score\":75,\"reason\":\"台账照片核实后上调\"}").json()
            try await app.api(.POST, base + "/accept", token: street, json: "{}") { #expect($0.status == .ok) }
            for code in ["YT-GT-02", "YT-BH-01", "YT-BH-02"] { try await AssessmentFixture.complete(app, r, code) }
            let streetPublish = try await app.api(.POST, "/api/v1/assessment/rounds/\(r.id!)/publish", token: street, json: "{}")
            let pending = try await app.api(.POST, "/api/v1/assessment/rounds/\(r.id!)/publish", token: admin, json: "{}")
            for res in [gt01, bh01] + [try await AssessmentFixture.result(app, r, "YT-GT-02"), try await AssessmentFixture.result(app, r, "YT-BH-02")] {
                try await app.api(.POST, "/api/v1/assessment/results/\(res.id!)/bonus", token: admin, json: "{\"indicator\":\"x1\",\"approve\":true}") {
                    #expect($0.status == .ok)
                }
            }
            let published = try await app.api(.POST, "/api/v1/assessment/rounds/\(r.id!)/publish", token: admin, json: "{}")
            let twice = try await app.api(.POST, "/api/v1/assessment/rounds/\(r.id!)/publish", token: admin, json: "{}")
            let edit = try await app.api(.POST, base + "/score", token: community, json: "{\"indicator\":\"a2\",\"score\":90}")
            let ranking = try await app.api(.GET, "/api/v1/assessment/rankings?system=test", token: admin).json()
            let streetRanking = try await app.api(.GET, "/api/v1/assessment/rankings?system=test&period=2026-10", token: street).json()
            let tree = try await app.api(.GET, "/api/v1/assessment/rounds/\(r.id!)/tree?node=\(try await app.node("YT-GT").id!)", token: admin).json()
            let resident = try await app.api(.GET, "/api/v1/assessment/rankings?system=test", token: try await app.token("resident_demo"))
            // check: refusals in words and codes
            #expect(tooHigh.status == .unprocessableEntity && tooHigh.errorCode == "score_out_of_range")
            #expect(noReason.status == .unprocessableEntity && noReason.errorField == "note")
            #expect(notMine.status == .notFound && selfAccept.status == .forbidden && outside.status == .notFound)
            #expect(submitted["state"] as? String == "submitted")
            #expect(withoutReason.status == .unprocessableEntity && withoutReason.errorField == "reason")
            let a3 = try #require((adjusted["entries"] as? [[String: Any]])?.first { $0["indicator"] as? String == "a3" })
            #expect(a3["score"] as? Double == 75 && a3["selfScore"] as? Double == 70 && a3["adjustReason"] as? String == "台账照片核实后上调")
            #expect(streetPublish.status == .forbidden)
            #expect(pending.status == .conflict && pending.errorCode == "bonus_pending")
            #expect(published.status == .ok)
            #expect(twice.status == .conflict && twice.errorCode == "illegal_transition")
            #expect(edit.status == .conflict && edit.errorCode == "round_published")
            // check: by hand — 古亭 and 站前: A1 = 90×.7 + 80×.3 = 87, A2 = 75, A = 81, B = 60: 72.6 − 2 + 3 = 73.6 (tied first);
            // 湖滨 (no data for a1): A1 = 80, A = 77.5: 70.5 + 1 = 71.5; 鱼城 (a1 = 50): A1 = 59, A = 67: 64.2 + 1 = 65.2.
            let items = try #require(ranking["items"] as? [[String: Any]])
            let ids = [try await app.node("YT-GT-01").id!, try await app.node("YT-BH-01").id!, try await app.node("YT-BH-02").id!, try await app.node("YT-GT-02").id!]
            #expect(Set(items.prefix(2).compactMap { $0["nodeId"] as? String }) == Set(ids.prefix(2).map(\.uuidString)))
            #expect(items.map { $0["rank"] as? Int } == [1, 1, 3, 4])
            #expect(items.map { $0["score"] as? Double } == [73.6, 73.6, 71.5, 65.2])
            #expect(items[2]["nodeId"] as? String == ids[2].uuidString && items[3]["nodeId"] as? String == ids[3].uuidString)
            #expect((items[0]["dimensions"] as? [[String: Any]])?.map { $0["score"] as? Double } == [81, 60])
            // the street sees its own two communities, ranked among themselves
            #expect((streetRanking["items"] as? [[String: Any]])?.map { $0["rank"] as? Int } == [1, 2])
            // 古亭 9/10 + 鱼城 1/2 = 10/12 for the street, not the average 0.7
            let line = try #require((tree["items"] as? [[String: Any]])?.first { $0["indicator"] as? String == "a1" })
            #expect(line["numerator"] as? Double == 10 && line["denominator"] as? Double == 12)
            #expect(resident.status == .notFound || resident.status == .forbidden)
        }
    }

    @Test func evidenceIsAPictureOrAPDFAndAVetoBarsTheRedList() async throws {
        try await withDemoApp { app in
            let r = try await AssessmentFixture.round(app)
            let service = AssessmentService(app: app, now: app.clock.now())
            let res = try await AssessmentFixture.result(app, r, "YT-GT-01")
            await #expect(throws: APIError.self) {
                try await service.selfScore(r, res, role: .unit, indicator: "a2", score: 80, note: nil, files: [("notes.txt", Data("hello".utf8))])
            }
            try await service.selfScore(r, res, role: .unit, indicator: "a2", score: 80, note: "台账", files: [("photo.png", AssessmentFixture.png)])
            try await service.selfScore(r, res, role: .unit, indicator: "v1", score: 1, note: nil)
            let stored = try await AssessmentEvidence.query(on: app.db).filter(\.$resultID == res.id!).all()
            #expect(stored.count == 1 && stored[0].contentType == "image/png")
            await #expect(throws: APIError.self) { try await service.selfScore(r, res, role: .unit, indicator: "v1", score: 0.5, note: nil) }
            await #expect(throws: APIError.self) { try await service.selfScore(r, res, role: .reviewer, indicator: "a2", score: 80, note: nil) }
            for code in ["YT-GT-01", "YT-GT-02", "YT-BH-01", "YT-BH-02"] { try await AssessmentFixture.complete(app, r, code, a3: 100, bonus: false) }
            try await service.publish(r, role: .county)
            let vetoed = try await AssessmentFixture.result(app, r, "YT-GT-01")
            #expect(vetoed.vetoed && vetoed.list == "black")
        }
    }

    @Test func aCorrectionIsANewRevisionWithAReason() async throws {
        try await withDemoApp { app in
            let r = try await AssessmentFixture.round(app)
            for code in ["YT-GT-01", "YT-GT-02", "YT-BH-01", "YT-BH-02"] { try await AssessmentFixture.complete(app, r, code, bonus: false) }
            let admin = try await app.token("admin")
            try await app.api(.POST, "/api/v1/assessment/rounds/\(r.id!)/publish", token: admin, json: "{}") { #expect($0.status == .ok) }
            let noReason = try await app.api(.POST, "/api/v1/assessment/rounds/\(r.id!)/correct", token: admin, json: "{}")
            let byStreet = try await app.api(.POST, "/api/v1/assessment/rounds/\(r.id!)/correct", token: try await app.token("gt_street"), json: "{\"reason\":\"数据有误\"}")
            let created = try await app.api(.POST, "/api/v1/assessment/rounds/\(r.id!)/correct", token: admin, json: "{\"reason\":\"鱼城社区台账补交\"}").json()
            let c = try #require(try await AssessmentRound.find(UUID(uuidString: created["id"] as? String ?? ""), on: app.db))
            let yucheng = try await AssessmentFixture.result(app, c, "YT-GT-02")
            try await app.api(.POST, "/api/v1/assessment/results/\(yucheng.id!)/adjust", token: admin, json: "{\"indicator\":\"a3\",\"score\":100,\"reason\":\"台账补交\"}") {
                #expect($0.status == .ok)
            }
            let before = try await app.api(.GET, "/api/v1/assessment/rankings?system=test", token: admin).json()
            try await app.api(.POST, "/api/v1/assessment/rounds/\(c.id!)/publish", token: admin, json: "{}") { #expect($0.status == .ok) }
            let after = try await app.api(.GET, "/api/v1/assessment/rankings?system=test", token: admin).json()
            let old = try #require(try await AssessmentRound.find(r.id, on: app.db))
            #expect(noReason.status == .unprocessableEntity && byStreet.status == .forbidden)
            #expect(c.revision == 2 && c.correctionReason == "鱼城社区台账补交" && old.roundState == .superseded)
            func score(_ k: [String: Any], _ id: UUID) -> Double? { (k["items"] as? [[String: Any]])?.first { $0["nodeId"] as? String == id.uuidString }?["score"] as? Double }
            let node = try await app.node("YT-GT-02").id!
            // 鱼城: a3 75 → 100 raises A2 by 25, A by 12.5, the total by 7.5
            #expect(score(before, node) == 62.2 && score(after, node) == 69.7)
            #expect(after["roundId"] as? String == c.id!.uuidString)
        }
    }
}
