import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Supports (附议) count households once each; the threshold sends a topic to review; a topic becomes a case.
@Suite struct TopicSupportTests {
    @Test func supportingTwiceIsRefusedInWordsAndStaffDoNotSupport() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await DeliberationFixture.topic(app)
            let token = try await app.token("resident_demo")
            // act
            let first = try await app.api(.POST, "/api/v1/topics/\(id)/support", token: token)
            let again = try await app.api(.POST, "/api/v1/topics/\(id)/support", token: token)
            let staff = try await app.api(.POST, "/api/v1/topics/\(id)/support", token: try await app.token("gt01_community"))
            // check
            let body = try first.json()
            #expect(first.status == .ok && body["supportCount"] as? Int == 1 && body["supportedByMe"] as? Bool == true)
            #expect(again.status == .conflict && again.errorCode == "already_supported")
            #expect(again.text.contains("每人只能附议一次"))
            #expect(staff.status == .forbidden)
            #expect(try await TopicSupport.query(on: app.db).count() == 1)
            // the support is in the audit trail, once
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "topic").filter(\.$action == "support").count() == 1)
        }
    }

    @Test func reachingTheThresholdOfHouseholdsSendsTheTopicToReviewByItself() async throws {
        try await withDemoApp { app in
            // setup: a threshold of 3 households; two people of one household count once
            try await DeliberationFixture.setThreshold(app, 3)
            let id = try await DeliberationFixture.topic(app)
            let others = try await DeliberationFixture.residents(app, 2)
            let family = try await DeliberationFixture.residents(app, 2, sameHousehold: true)
            // act
            var counts: [Int] = []
            var stages: [String] = []
            for token in family + others {
                let res = try await app.api(.POST, "/api/v1/topics/\(id)/support", token: token)
                #expect(res.status == .ok, "\(res.text)")
                counts.append(try res.json()["supportCount"] as? Int ?? -1)
                stages.append(try DeliberationFixture.stage(res) ?? "")
            }
            // check: the family is one household; the third household moves it
            #expect(counts == [1, 1, 2, 3])
            #expect(stages == ["collect", "collect", "collect", "review"])
            let shown = try await app.api(.GET, "/api/v1/topics/\(id)", token: try await app.token("gt01_community"))
            let history = try #require(try shown.json()["history"] as? [[String: Any]])
            #expect(history.map { $0["action"] as? String } == ["raise", "review"])
            #expect(history.last?["actorName"] as? String == "附议门槛")
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entity == "topic").filter(\.$action == "review").count()
            #expect(audit == 1)
        }
    }

    @Test func parallelSupportsOfManyHouseholdsAllCountAndMoveTheTopicOnce() async throws {
        try await withDemoApp { app in
            // setup
            try await DeliberationFixture.setThreshold(app, 4)
            let id = try await DeliberationFixture.topic(app)
            let tokens = try await DeliberationFixture.residents(app, 6)
            // act
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for token in tokens { group.addTask { try await app.api(.POST, "/api/v1/topics/\(id)/support", token: token).status } }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            // check
            #expect(statuses.allSatisfy { $0 == .ok }, "\(statuses)")
            let topic = try #require(try await Topic.find(id, on: app.db))
            #expect(topic.supportCount == 6 && topic.stage == .review)
            #expect(try await LifecycleEvent.query(on: app.db).filter(\.$entityID == id).filter(\.$action == "review").count() == 1)
        }
    }

    @Test func convertingMakesOneCaseOfTheRaisersLinkedBothWaysAndKeepsTheHistory() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await DeliberationFixture.topic(app, title: "小区东门路灯不亮")
            let staff = try await app.token("gt01_community")
            // act
            let noCategory = try await DeliberationFixture.act(app, staff, id, "convert")
            let converted = try await DeliberationFixture.act(app, staff, id, "convert", #"{"categoryCode":"sheshi","note":"单一维修事项，转诉求办理"}"#)
            // check
            #expect(noCategory.status == .unprocessableEntity && noCategory.errorField == "categoryCode")
            #expect(converted.status == .ok, "\(converted.text)")
            let topic = try converted.json()
            #expect(topic["stage"] as? String == "closed")
            let caseIDs = try #require(topic["caseIds"] as? [String])
            #expect(caseIDs.count == 1)
            let c = try #require(try await Case.find(UUID(uuidString: caseIDs[0]), on: app.db))
            #expect(c.channel == "deliberation" && c.description.hasPrefix("【议事转办】小区东门路灯不亮"))
            let resident = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
            #expect(c.reporterID == resident.id)
            let mine = try await app.api(.GET, "/api/v1/cases/\(c.id!)", token: try await app.token("resident_demo"))
            #expect(mine.status == .ok)
            let back = try await TopicService(db: app.db, now: app.clock.now()).topic(ofCase: c.id!)
            #expect(back?.id == id)
            let history = try #require(topic["history"] as? [[String: Any]])
            #expect(history.map { $0["action"] as? String } == ["raise", "convert"])
            #expect((history.last?["note"] as? String)?.contains(c.number) == true)
            #expect((topic["answer"] as? String)?.contains(c.number) == true)
        }
    }
}
