import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Meetings announced ahead, and votes: one per household (parallel ballots count once), representatives, secret
/// ballots that keep no choice per voter, the window, and the quorum.
@Suite struct VoteFlowTests {
    /// A topic of resident_demo accepted for deliberation.
    static func deliberating(_ app: Application) async throws -> UUID {
        let id = try await DeliberationFixture.topic(app, title: "加装电梯")
        let res = try await DeliberationFixture.act(app, try await app.token("gt01_community"), id, "accept")
        #expect(res.status == .ok, "\(res.text)")
        return id
    }

    static func open(_ app: Application, _ topic: UUID, _ extra: String, hours: Double = 48) async throws -> UUID {
        let closes = ISO8601DateFormatter().string(from: app.clock.now().addingTimeInterval(hours * 3600))
        let res = try await app.api(.POST, "/api/v1/topics/\(topic)/votes", token: try await app.token("gt01_community"),
                                    json: #"{"question":"是否同意加装电梯","closesAt":"\#(closes)"\#(extra)}"#)
        #expect(res.status == .created, "\(res.text)")
        let raw = try res.json()["id"] as? String
        return try #require(raw.flatMap(UUID.init(uuidString:)))
    }

    static func ballot(_ app: Application, _ token: String, _ vote: UUID, _ choice: String) async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/votes/\(vote)/ballots", token: token, json: #"{"choice":"\#(choice)"}"#)
    }

    /// Tags `count` residents with accounts as representatives (居民代表) and returns their tokens.
    static func representatives(_ app: Application, _ count: Int) async throws -> [String] {
        let tokens = try await DeliberationFixture.residents(app, count)
        for i in 0..<count {
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "delib_r\(i)_d").first())
            let r = try #require(try await Resident.find(user.residentID, on: app.db))
            try await ResidentTag(residentID: r.id!, tag: VoteBasis.representativeTag, nodePath: r.nodePath).create(on: app.db)
        }
        return tokens
    }

    @Test func aMeetingMustBeAnnouncedAheadAndSaysTheEarliestTime() async throws {
        try await withDemoApp { app in
            // setup
            let topic = try await Self.deliberating(app)
            let raw = try await DeliberationFixture.topic(app, title: "还在征集的议题")
            let community = try await app.node("YT-GT-01")
            let staff = try await app.token("gt01_community")
            let now = app.clock.now()
            func body(_ days: Double, _ topics: [UUID]) -> String {
                let at = ISO8601DateFormatter().string(from: now.addingTimeInterval(days * 86_400))
                return #"{"communityId":"\#(community.id!)","title":"十一月议事会","place":"社区党群服务中心","startsAt":"\#(at)","topicIds":[\#(topics.map { "\"\($0)\"" }.joined(separator: ","))]}"#
            }
            // act
            let soon = try await app.api(.POST, "/api/v1/meetings", token: staff, json: body(2, [topic]))
            let notReady = try await app.api(.POST, "/api/v1/meetings", token: staff, json: body(4, [raw]))
            let ok = try await app.api(.POST, "/api/v1/meetings", token: staff, json: body(3.01, [topic]))
            let byResident = try await app.api(.POST, "/api/v1/meetings", token: try await app.token("resident_demo"), json: body(4, [topic]))
            // check
            #expect(soon.status == .unprocessableEntity && soon.errorCode == "too_soon")
            #expect(soon.text.contains(ShanghaiTime.format(now.addingTimeInterval(3 * 86_400), "yyyy-MM-dd HH:mm")))
            #expect(notReady.status == .unprocessableEntity && notReady.errorField == "topicIds")
            #expect(ok.status == .created, "\(ok.text)")
            #expect(try ok.json()["topicIds"] as? [String] == [topic.uuidString])
            // the announcement reached the community as a notice, with the agenda, on its public board too
            #expect((try ok.json()["noticeRecipients"] as? Int ?? 0) > 0, "\(ok.text)")
            let notice = try #require(try await Notice.query(on: app.db).filter(\.$title == "议事会通知：十一月议事会").first())
            #expect(notice.isPublic && notice.body.contains("社区党群服务中心") && notice.body.contains("1. "))
            let mine = try await app.api(.GET, "/api/v1/me/notices", token: try await app.token("resident_demo"))
            #expect(mine.text.contains("议事会通知：十一月议事会"))
            #expect(byResident.status == .forbidden)
            let page = try await app.api(.GET, "/topics/\(topic)/timeline", token: nil)
            #expect(page.text.contains("列入议事会：十一月议事会"))
        }
    }

    @Test func aHouseholdVotesOnceEvenInParallelAndWithoutQuorumTheVoteIsInvalid() async throws {
        try await withDemoApp { app in
            // setup
            let topic = try await Self.deliberating(app)
            let vote = try await Self.open(app, topic, #","quorumPercent":50"#)
            let family = try await DeliberationFixture.residents(app, 2, sameHousehold: true)
            // act: the two of one household at once
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                group.addTask { try await Self.ballot(app, family[0], vote, "yes").status }
                group.addTask { try await Self.ballot(app, family[1], vote, "no").status }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            let again = try await Self.ballot(app, family[0], vote, "no")
            let early = try await app.api(.POST, "/api/v1/votes/\(vote)/close", token: try await app.token("gt01_community"))
            app.clock.advance(49 * 3600)
            let late = try await Self.ballot(app, try await app.token("resident_demo"), vote, "yes")
            let closed = try await app.api(.POST, "/api/v1/votes/\(vote)/close", token: try await app.token("gt01_community"))
            // check
            #expect(statuses.sorted { $0.code < $1.code } == [.created, .conflict])
            #expect(again.status == .conflict && again.errorCode == "already_voted")
            #expect(early.status == .conflict && early.errorCode == "vote_open")
            #expect(late.status == .forbidden && late.errorCode == "vote_closed")
            let result = try closed.json()
            #expect(result["state"] as? String == "closed" && result["outcome"] as? String == "invalid")
            #expect(result["ballots"] as? Int == 1 && (result["yes"] as? Int ?? 0) + (result["no"] as? Int ?? 0) == 1)
            #expect(try await TopicBallot.query(on: app.db).filter(\.$voteID == vote).count() == 1)
        }
    }

    @Test func representativesDecideByTwoThirdsAndASecretVoteKeepsNoChoicePerVoter() async throws {
        try await withDemoApp { app in
            // setup: 4 representatives; 3 yes, 1 no is 9 ≥ 8, two thirds passed, turnout 4/4
            let topic = try await Self.deliberating(app)
            let reps = try await Self.representatives(app, 4)
            let vote = try await Self.open(app, topic, #","basis":"representative","rule":"two_thirds","quorumPercent":75,"secret":true"#)
            // act
            var statuses: [HTTPStatus] = []
            for (token, choice) in zip(reps, ["yes", "yes", "no", "yes"]) { statuses.append(try await Self.ballot(app, token, vote, choice).status) }
            let notARep = try await Self.ballot(app, try await app.token("resident_demo"), vote, "yes")
            let open = try await app.api(.GET, "/api/v1/votes/\(vote)", token: try await app.token("resident_demo"))
            app.clock.advance(49 * 3600)
            let counted = try await app.api(.GET, "/api/v1/votes/\(vote)", token: try await app.token("resident_demo"))
            // check
            #expect(statuses == [.created, .created, .created, .created])
            #expect(notARep.status == .forbidden && notARep.errorCode == "not_eligible")
            let whileOpen = try open.json()
            #expect(whileOpen["yes"] == nil && whileOpen["ballots"] as? Int == 4)
            let r = try counted.json()
            #expect(r["eligible"] as? Int == 4 && r["yes"] as? Int == 3 && r["no"] as? Int == 1 && r["abstain"] as? Int == 0)
            #expect(r["outcome"] as? String == "passed")
            let ballots = try await TopicBallot.query(on: app.db).filter(\.$voteID == vote).all()
            #expect(ballots.count == 4 && ballots.allSatisfy { $0.choice == nil })
            #expect(try await TopicSecretChoice.query(on: app.db).filter(\.$voteID == vote).count() == 4)
            let timeline = try await app.api(.GET, "/topics/\(topic)/timeline", token: nil)
            #expect(timeline.text.contains("表决结果：通过") && timeline.text.contains("同意 3，反对 1，弃权 0；参与 4/4"))
        }
    }

    @Test func anOfficerEntersPaperBallotsPerResidentAndAMajorityPasses() async throws {
        try await withDemoApp { app in
            // setup: per resident, simple majority, quorum 1 %: 2 yes, 1 abstain is 4 > 3, passed
            let topic = try await Self.deliberating(app)
            let vote = try await Self.open(app, topic, #","basis":"resident","quorumPercent":1"#)
            let community = try await app.node("YT-GT-01")
            let people = try await Resident.query(on: app.db).within(DataScope(rootPath: community.path)).sort(\.$id).limit(3).all()
            let staff = try await app.token("gt01_community")
            let eligible = try await Resident.query(on: app.db).within(DataScope(rootPath: community.path)).count()
            // act
            var channels: [String] = []
            for (p, choice) in zip(people, ["yes", "abstain", "yes"]) {
                let res = try await app.api(.POST, "/api/v1/votes/\(vote)/ballots", token: staff, json: #"{"choice":"\#(choice)","residentId":"\#(p.id!)"}"#)
                channels.append(try res.json()["channel"] as? String ?? "\(res.status)")
            }
            let twice = try await app.api(.POST, "/api/v1/votes/\(vote)/ballots", token: staff, json: #"{"choice":"no","residentId":"\#(people[0].id!)"}"#)
            app.clock.advance(49 * 3600)
            let closed = try await app.api(.POST, "/api/v1/votes/\(vote)/close", token: staff)
            // check
            #expect(channels == ["paper", "paper", "paper"])
            #expect(twice.status == .conflict)
            let r = try closed.json()
            #expect(r["eligible"] as? Int == eligible && r["yes"] as? Int == 2 && r["abstain"] as? Int == 1)
            #expect(r["outcome"] as? String == (eligible <= 300 ? "passed" : "invalid"))
        }
    }
}
