import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Announcing a meeting from the staff list: too soon is refused with the earliest time, then it is listed with its agenda.
@Suite struct MeetingPagesTests {
    @Test func aMeetingAnnouncedTooSoonSaysTheEarliestTimeAndAnAnnouncedOneIsListed() async throws {
        try await withDemoApp { app in
            // setup
            let topic = try await VoteFlowTests.deliberating(app)
            let community = try await app.node("YT-GT-01")
            let staff = try await WebSession.login(app, "gt01_community")
            let list = try await staff.get("/topics")
            let now = app.clock.now()
            func at(_ days: Double) -> String { ShanghaiTime.format(now.addingTimeInterval(days * 86_400), "yyyy-MM-dd'T'HH:mm") }
            let fields: (String) -> [(String, String)] = { when in
                [("communityId", community.id!.uuidString), ("title", "十二月红色议事会"), ("place", "社区党群服务中心"), ("startsAt", when),
                 ("topicIds[]", topic.uuidString)]
            }
            // act
            let soon = try await staff.post("/topics/meetings", fields(at(1)))
            let saidSoon = try await staff.get(TopicPagesTests.location(soon))
            let ok = try await staff.post("/topics/meetings", fields(at(4)))
            let saidOK = try await staff.get(TopicPagesTests.location(ok))
            // check
            #expect(list.text.contains("name=\"topicIds[]\" value=\"\(topic)\"") && list.text.contains("须提前 3 天"))
            #expect(saidSoon.text.contains("会议须至少提前 3 天公告，最早可定在"))
            #expect(saidOK.text.contains("议事会已公告") && saidOK.text.contains("<b>十二月红色议事会</b></a> · 社区党群服务中心"))
            let meeting = try #require(try await Meeting.query(on: app.db).first())
            #expect(try await TopicService(db: app.db, now: now).agenda(of: meeting) == [topic])
        }
    }
}
