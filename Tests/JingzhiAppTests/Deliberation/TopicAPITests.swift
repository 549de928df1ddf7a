import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The small fixed contract of `/api/v1/topics`, wrong input, roles and scope.
@Suite struct TopicAPITests {
    @Test func aResidentRaisesATopicAndTheContractHolds() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("resident_demo")
            let home = try await DeliberationFixture.home(app)
            // act
            let raised = try await DeliberationFixture.raise(app, token: token, node: home)
            let id = try #require(try raised.json()["id"] as? String)
            let shown = try await app.api(.GET, "/api/v1/topics/\(id)", token: token)
            let listed = try await app.api(.GET, "/api/v1/topics?node=\(home.id!)&stage=collect&page=1", token: try await app.token("gt01_community"))
            // check
            #expect(raised.status == .created, "\(raised.text)")
            let topic = try shown.json()
            #expect(topic["id"] as? String == id)
            #expect(topic["stage"] as? String == "collect")
            #expect(topic["caseIds"] as? [Any] != nil && (topic["caseIds"] as? [Any])?.isEmpty == true)
            let history = try #require(topic["history"] as? [[String: Any]])
            #expect(history.map { $0["action"] as? String } == ["raise"])
            #expect(history.first?["actorName"] as? String != nil)
            let page = try listed.json()
            #expect(page["total"] as? Int == 1 && page["page"] as? Int == 1)
            #expect((page["items"] as? [[String: Any]])?.first?["id"] as? String == id)
        }
    }

    @Test func aRetryUnderTheSameIdempotencyKeyReturnsTheFirstTopic() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("resident_demo")
            let home = try await DeliberationFixture.home(app)
            // act
            let first = try await DeliberationFixture.raise(app, token: token, node: home, key: "k-1")
            let again = try await DeliberationFixture.raise(app, token: token, node: home, key: "k-1")
            let other = try await DeliberationFixture.raise(app, token: token, node: home, key: "k-2")
            // check
            #expect(first.status == .created && again.status == .ok && other.status == .created)
            let ids = try [first, again, other].map { try $0.json()["id"] as? String }
            #expect(ids[0] == ids[1] && ids[0] != ids[2])
            #expect(try await Topic.query(on: app.db).count() == 2)
        }
    }

    @Test func wrongInputIsRefusedWithTheFieldNamed() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("resident_demo")
            let home = try await DeliberationFixture.home(app)
            let street = try await app.node("YT-GT")
            let elsewhere = try await app.node("YT-BH-01")
            // act
            let noTitle = try await app.api(.POST, "/api/v1/topics", token: token, json: #"{"description":"x","nodeId":"\#(home.id!)"}"#)
            let noNode = try await app.api(.POST, "/api/v1/topics", token: token, json: #"{"title":"路灯","description":"x"}"#)
            let badProcedure = try await app.api(.POST, "/api/v1/topics", token: token,
                                                 json: #"{"title":"路灯","description":"x","nodeId":"\#(home.id!)","procedure":"vote"}"#)
            let otherCommunity = try await DeliberationFixture.raise(app, token: token, node: elsewhere)
            let aStreet = try await DeliberationFixture.raise(app, token: try await app.token("gt_street"), node: street)
            let badStage = try await app.api(.GET, "/api/v1/topics?stage=open", token: token)
            // check
            #expect(noTitle.status == .unprocessableEntity && noTitle.errorField == "title")
            #expect(noNode.status == .unprocessableEntity && noNode.errorField == "nodeId")
            #expect(badProcedure.status == .unprocessableEntity && badProcedure.errorField == "procedure")
            #expect(otherCommunity.status == .notFound && otherCommunity.errorCode == "unknown_node")
            #expect(aStreet.status == .unprocessableEntity && aStreet.errorField == "nodeId")
            #expect(badStage.status == .unprocessableEntity && badStage.errorField == "stage")
            #expect(try await Topic.query(on: app.db).count() == 0)
        }
    }

    @Test func aResidentActingAsStaffIsRefusedAndOtherAreasSeeNothing() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await DeliberationFixture.topic(app)
            let other = try await app.token("bh01_community")
            // act
            let residentAccepts = try await DeliberationFixture.act(app, try await app.token("resident_demo"), id, "accept")
            let gridAccepts = try await DeliberationFixture.act(app, try await app.token("gt01_grid"), id, "accept")
            let otherReads = try await app.api(.GET, "/api/v1/topics/\(id)", token: other)
            let otherAccepts = try await DeliberationFixture.act(app, other, id, "accept")
            let otherLists = try await app.api(.GET, "/api/v1/topics", token: other)
            let unknown = try await DeliberationFixture.act(app, try await app.token("gt01_community"), id, "approve")
            let propertyRaises = try await DeliberationFixture.raise(app, token: try await app.token("property_demo"), node: try await DeliberationFixture.home(app))
            // check
            #expect(residentAccepts.status == .forbidden)
            #expect(gridAccepts.status == .forbidden)
            #expect(otherReads.status == .notFound)
            #expect(otherAccepts.status == .notFound)
            #expect(try otherLists.json()["total"] as? Int == 0)
            #expect(unknown.status == .notFound && unknown.errorCode == "unknown_action")
            #expect(propertyRaises.status == .forbidden)
            #expect(try await Topic.find(id, on: app.db)?.stageRaw == "collect")
        }
    }

    @Test func reviewAnswersMoveTheTopicAndAStaleVersionIsRefused() async throws {
        try await withDemoApp { app in
            // setup
            let staff = try await app.token("gt01_community")
            let declined = try await DeliberationFixture.topic(app, title: "楼道堆物清理")
            let accepted = try await DeliberationFixture.topic(app, title: "加装电梯")
            let merged = try await DeliberationFixture.topic(app, title: "加装电梯的费用分摊")
            // act
            let noReason = try await DeliberationFixture.act(app, staff, declined, "decline")
            let decline = try await DeliberationFixture.act(app, staff, declined, "decline", #"{"note":"属物业合同范围，已转物业处理"}"#)
            let stale = try await DeliberationFixture.act(app, staff, accepted, "accept", #"{"version":7}"#)
            let accept = try await DeliberationFixture.act(app, staff, accepted, "accept", #"{"version":1,"procedure":"four_two"}"#)
            let merge = try await DeliberationFixture.act(app, staff, merged, "merge", #"{"mergeInto":"\#(accepted)"}"#)
            let declineAgain = try await DeliberationFixture.act(app, staff, declined, "decline", #"{"note":"再次"}"#)
            // check
            #expect(noReason.status == .unprocessableEntity && noReason.errorField == "note")
            #expect(try DeliberationFixture.stage(decline) == "declined")
            #expect(try decline.json()["answer"] as? String == "属物业合同范围，已转物业处理")
            #expect(stale.status == .conflict && stale.errorCode == "topic_changed")
            let (acceptedNow, mergedNow) = (try accept.json(), try merge.json())
            #expect(acceptedNow["stage"] as? String == "deliberate" && acceptedNow["procedure"] as? String == "four_two")
            #expect(mergedNow["stage"] as? String == "merged" && mergedNow["mergedIntoId"] as? String == accepted.uuidString)
            #expect(declineAgain.status == .conflict && declineAgain.errorCode == "illegal_transition")
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entity == "topic").all().map(\.action).sorted()
            #expect(audit == ["accept", "decline", "merge", "raise", "raise", "raise"])
        }
    }
}
