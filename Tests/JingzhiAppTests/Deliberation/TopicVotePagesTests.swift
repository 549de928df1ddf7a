import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Votes on the topic's page: staff open one with a form, a resident votes with a big button once, and after the
/// window the page shows the frozen result.
@Suite struct TopicVotePagesTests {
    @Test func staffOpenAVoteAResidentVotesOnceAndThePageShowsTheResult() async throws {
        try await withDemoApp { app in
            // setup
            let topic = try await VoteFlowTests.deliberating(app)
            let staff = try await WebSession.login(app, "gt01_community")
            _ = try await staff.get("/topics/\(topic)")
            let closes = ShanghaiTime.format(app.clock.now().addingTimeInterval(2 * 86_400), "yyyy-MM-dd'T'HH:mm")
            // act
            let noQuestion = try await staff.post("/topics/\(topic)/votes", [("question", ""), ("closesAt", closes)])
            let saidFirst = try await staff.get(TopicPagesTests.location(noQuestion))
            let opened = try await staff.post("/topics/\(topic)/votes", [("question", "是否同意加装电梯"), ("basis", "household"), ("rule", "majority"),
                                                                         ("quorumPercent", "1"), ("secret", "false"), ("closesAt", closes)])
            let saidAfter = try await staff.get(TopicPagesTests.location(opened))
            let resident = try await WebSession.login(app, "resident_demo")
            let page = try await resident.get("/topics/\(topic)")
            let vote = try #require(try await TopicVote.query(on: app.db).filter(\.$topicID == topic).first())
            let voted = try await resident.post("/topics/\(topic)/votes/\(vote.id!)", [("choice", "yes")])
            let after = try await resident.get(TopicPagesTests.location(voted))
            app.clock.advance(3 * 86_400)
            let result = try await resident.get("/topics/\(topic)")
            // check
            #expect(saidFirst.text.contains("请填写「表决事项」"))
            #expect(saidAfter.text.contains("表决已发起，共 \(vote.eligible) 个表决单位"))
            #expect(page.text.contains("name=\"choice\" value=\"yes\"") && page.text.contains(">同意</button>"))
            #expect(after.text.contains("投票成功") && after.text.contains("您已投票") && !after.text.contains("name=\"choice\""))
            let expected = vote.eligible <= 100 ? "通过" : "参与不足，表决无效"
            #expect(result.text.contains("<b>\(expected)</b> 同意 1，反对 0，弃权 0；参与 1/\(vote.eligible)"))
        }
    }
}
