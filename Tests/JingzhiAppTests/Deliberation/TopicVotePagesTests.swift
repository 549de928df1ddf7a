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

    @Test func atTheMeetingAnOfficerEntersPaperBallotsOfTheResidentsPresent() async throws {
        try await withDemoApp { app in
            // setup: the meeting began; resident_demo registered and was entered present
            let meeting = try await MeetingAttendanceTests.meeting(app, capacity: 10)
            let topic = try #require(try await MeetingAgendaItem.query(on: app.db).first()).topicID
            let me = try await app.token("resident_demo")
            _ = try await app.api(.POST, "/api/v1/meetings/\(meeting)/registration", token: me)
            app.clock.advance(4 * 86_400)
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
            let rid = try #require(user.residentID)
            let staffToken = try await app.token("gt01_community")
            _ = try await app.api(.POST, "/api/v1/meetings/\(meeting)/attendance", token: staffToken, json: #"{"residentId":"\#(rid)"}"#)
            let staff = try await WebSession.login(app, "gt01_community")
            let form = try await staff.get("/topics/\(topic)")
            let closes = ShanghaiTime.format(app.clock.now().addingTimeInterval(3 * 3600), "yyyy-MM-dd'T'HH:mm")
            _ = try await staff.post("/topics/\(topic)/votes", [("question", "是否同意加装电梯"), ("quorumPercent", "1"), ("closesAt", closes),
                                                                ("meetingId", meeting.uuidString)])
            let vote = try #require(try await TopicVote.query(on: app.db).filter(\.$topicID == topic).first())
            let page = try await staff.get("/topics/\(topic)")
            // act
            let noVoter = try await staff.get(TopicPagesTests.location(try await staff.post("/topics/\(topic)/votes/\(vote.id!)", [("choice", "yes")])))
            let entered = try await staff.get(TopicPagesTests.location(try await staff.post("/topics/\(topic)/votes/\(vote.id!)",
                                                                                            [("choice", "yes"), ("residentId", rid.uuidString)])))
            let twice = try await staff.get(TopicPagesTests.location(try await staff.post("/topics/\(topic)/votes/\(vote.id!)",
                                                                                          [("choice", "no"), ("residentId", rid.uuidString)])))
            let online = try await VoteFlowTests.ballot(app, me, vote.id!, "no")
            // check
            #expect(form.text.contains("name=\"meetingId\"") && form.text.contains("十二月议事会"))
            #expect(vote.meetingID == meeting)
            #expect(page.text.contains("录入纸质选票") && page.text.contains("name=\"residentId\""))
            #expect(noVoter.text.contains("flash error") && noVoter.text.contains("居民"))
            #expect(entered.text.contains("纸质选票已录入") && entered.text.contains("到会居民的纸质选票已全部录入"))
            #expect(twice.text.contains("flash error") && twice.text.contains("已经投过票"))
            #expect(online.status == .conflict)
            let ballots = try await TopicBallot.query(on: app.db).filter(\.$voteID == vote.id!).all()
            #expect(ballots.map(\.channel) == ["paper"] && ballots.first?.choice == "yes")
        }
    }
}
