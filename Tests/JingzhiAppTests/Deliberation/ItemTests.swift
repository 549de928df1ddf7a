import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The consultation list of a decided topic: items with owner and deadline, progress notes, an item made a case
/// linked both ways, and the topic completing only once every item is done.
@Suite struct ItemTests {
    /// A topic of resident_demo decided (in implement).
    static func decided(_ app: Application) async throws -> UUID {
        let id = try await VoteFlowTests.deliberating(app)
        let res = try await DeliberationFixture.act(app, try await app.token("gt01_community"), id, "decide", #"{"note":"表决通过，加装电梯"}"#)
        #expect(res.status == .ok, "\(res.text)")
        return id
    }

    static func add(_ app: Application, _ topic: UUID, _ title: String, token: String? = nil) async throws -> TestingHTTPResponse {
        let deadline = ISO8601DateFormatter().string(from: app.clock.now().addingTimeInterval(30 * 86_400))
        let staff = try await app.token("gt01_community")
        return try await app.api(.POST, "/api/v1/topics/\(topic)/items", token: token ?? staff,
                                 json: #"{"title":"\#(title)","owner":"古亭社区居委会","deadline":"\#(deadline)"}"#)
    }

    static func id(_ res: TestingHTTPResponse) throws -> UUID {
        try #require((try res.json()["id"] as? String).flatMap(UUID.init(uuidString:)))
    }

    @Test func anItemBecomesACaseLinkedBothWaysAndTheTopicCompletesWhenAllAreDone() async throws {
        try await withDemoApp { app in
            // setup
            let topic = try await Self.decided(app)
            let staff = try await app.token("gt01_community")
            let a = try Self.id(try await Self.add(app, topic, "征求低层住户意见"))
            let b = try Self.id(try await Self.add(app, topic, "电梯井道施工"))
            let base = "/api/v1/topics/\(topic)/items"
            // act
            let noted = try await app.api(.POST, "\(base)/\(a)/notes", token: staff, json: #"{"words":"已走访 1–3 层 12 户"}"#)
            let made = try await app.api(.POST, "\(base)/\(b)/case", token: staff, json: #"{"categoryCode":"sheshi"}"#)
            let twice = try await app.api(.POST, "\(base)/\(b)/case", token: staff, json: #"{"categoryCode":"sheshi"}"#)
            let doneWithCase = try await app.api(.POST, "\(base)/\(b)/done", token: staff)
            let aDone = try await app.api(.POST, "\(base)/\(a)/done", token: staff)
            let tooEarly = try await DeliberationFixture.act(app, staff, topic, "complete")
            let caseID = try #require((try made.json()["caseId"] as? String).flatMap(UUID.init(uuidString:)))
            let c = try #require(try await Case.find(caseID, on: app.db))
            c.stateRaw = CaseState.closed.rawValue // the loop's own moves are the cases feature's tests
            try await c.save(on: app.db)
            let list = try await app.api(.GET, base, token: try await app.token("resident_demo"))
            let completed = try await DeliberationFixture.act(app, staff, topic, "complete")
            // check
            #expect(noted.status == .created)
            #expect((try noted.json()["notes"] as? [[String: Any]])?.first?["words"] as? String == "已走访 1–3 层 12 户")
            #expect(made.status == .created, "\(made.text)")
            #expect(c.channel == "deliberation")
            let service = TopicService(db: app.db, now: app.clock.now())
            #expect(try await service.item(ofCase: caseID)?.id == b)
            #expect(try await service.topic(ofCase: caseID)?.id == topic)
            #expect(twice.status == .conflict && twice.errorCode == "has_case")
            #expect(doneWithCase.status == .conflict && doneWithCase.errorCode == "has_case")
            #expect(try aDone.json()["done"] as? Bool == true)
            #expect(tooEarly.status == .conflict && tooEarly.errorCode == "items_open")
            let items = try #require(try JSONSerialization.jsonObject(with: Data(list.text.utf8)) as? [[String: Any]])
            #expect(items.map { $0["caseState"] as? String } == [nil, "closed"])
            #expect(items.allSatisfy { $0["done"] as? Bool == true })
            #expect(completed.status == .ok, "\(completed.text)")
            #expect(try DeliberationFixture.stage(completed) == "evaluate")
            let timeline = try await app.api(.GET, "/topics/\(topic)/timeline", token: nil)
            #expect(timeline.text.contains("协商事项：电梯井道施工"))
            #expect(timeline.text.contains("诉求 \(c.number)"))
            let page = try await WebSession.login(app, "resident_demo").get("/topics/\(topic)")
            #expect(page.text.contains("协商事项清单"))
            #expect(page.text.contains("诉求 \(c.number)：\(CaseState.closed.zh)"))
        }
    }

    @Test func itemsFollowTheDecisionAndOnlyCommunityStaffAddThem() async throws {
        try await withDemoApp { app in
            // setup
            let early = try await VoteFlowTests.deliberating(app)
            let topic = try await Self.decided(app)
            // act
            let beforeDecision = try await Self.add(app, early, "太早")
            let byResident = try await Self.add(app, topic, "居民加的", token: try await app.token("resident_demo"))
            let otherCommunity = try await Self.add(app, topic, "别的社区", token: try await app.token("bh01_community"))
            let otherReads = try await app.api(.GET, "/api/v1/topics/\(topic)/items", token: try await app.token("bh01_community"))
            let unknownItem = try await app.api(.POST, "/api/v1/topics/\(topic)/items/\(UUID())/done", token: try await app.token("gt01_community"))
            // check
            #expect(beforeDecision.status == .conflict && beforeDecision.errorCode == "not_decided")
            #expect(byResident.status == .forbidden)
            #expect(otherCommunity.status == .notFound)
            #expect(otherReads.status == .notFound)
            #expect(unknownItem.status == .notFound)
        }
    }
}
