import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// A ballot that counts earns its voter the community's points once, online or on paper; a second ballot of the same
/// household is refused and pays nothing; nothing is paid while the community pays 0 (the default).
@Suite struct VotePointsTests {
    static func configure(_ app: Application, vote: Int) async throws {
        let staff = try #require(try await User.query(on: app.db).filter(\.$username == "gt01_community").first())
        let actor = try await Actor.load(staff, on: app.db, now: app.clock.now())
        _ = try await TopicService(db: app.db, now: app.clock.now()).setThreshold(community: try await app.node("YT-GT-01").id, threshold: 20,
                                                                                 pointsVote: vote, by: actor)
    }

    static func voteRefs(_ app: Application) async throws -> [PointsEntry] {
        try await PointsEntry.query(on: app.db).all().filter { $0.sourceRef?.hasPrefix("topic-vote:") == true }
    }

    @Test func eachCountedBallotPaysItsVoterOnce() async throws {
        try await withDemoApp { app in
            // setup: 3 points a ballot
            try await Self.configure(app, vote: 3)
            let same = try await DeliberationFixture.residents(app, 2, sameHousehold: true)
            let before = try await DeliberationPointsAndMeasuresTests.balance(app, same[0]) ?? 0
            let topic = try await VoteFlowTests.deliberating(app)
            let vote = try await VoteFlowTests.open(app, topic, "")
            let sameUser = try #require(try await User.query(on: app.db).filter(\.$username == "delib_r0_h").first())
            let household = try #require(try await Resident.find(sameUser.residentID, on: app.db)).householdID
            let paperVoter = try #require(try await Resident.query(on: app.db).within(DataScope(rootPath: try await app.node("YT-GT-01").path))
                .filter(\.$householdID != household).sort(\.$id).first())
            // act
            let first = try await VoteFlowTests.ballot(app, same[0], vote, "yes")
            let again = try await VoteFlowTests.ballot(app, same[1], vote, "no")
            let paper = try await app.api(.POST, "/api/v1/votes/\(vote)/ballots", token: try await app.token("gt01_community"),
                                          json: #"{"choice":"no","residentId":"\#(paperVoter.id!)"}"#)
            // check
            #expect(first.status == .created, "\(first.text)")
            #expect(again.status == .conflict && again.errorCode == "already_voted")
            #expect(paper.status == .created, "\(paper.text)")
            #expect(try await DeliberationPointsAndMeasuresTests.balance(app, same[0]) == before + 3)
            #expect(try await DeliberationPointsAndMeasuresTests.balance(app, same[1]) ?? 0 == 0)
            let refs = try await Self.voteRefs(app)
            #expect(refs.count == 2 && refs.allSatisfy { $0.points == 3 })
            #expect(Set(refs.compactMap(\.sourceRef)).count == 2)
            #expect(refs.allSatisfy { $0.reason.hasPrefix("参与议题表决") })
        }
    }

    @Test func noPointsForBallotsUntilTheCommunityConfiguresThem() async throws {
        try await withDemoApp { app in
            // setup
            let topic = try await VoteFlowTests.deliberating(app)
            let vote = try await VoteFlowTests.open(app, topic, "")
            let voter = try #require(try await DeliberationFixture.residents(app, 1).first)
            // act
            let cast = try await VoteFlowTests.ballot(app, voter, vote, "yes")
            // check
            #expect(cast.status == .created)
            #expect(try await Self.voteRefs(app).isEmpty)
        }
    }

    @Test func theSettingsFormSavesBallotPointsAndSaysSo() async throws {
        try await withDemoApp { app in
            // setup
            let community = try await app.node("YT-GT-01")
            let web = try await WebSession.login(app, "gt01_community")
            let list = try await web.get("/topics?node=\(community.id!)")
            // act
            let saved = try await web.post("/topics/settings", [("community", community.id!.uuidString), ("supportThreshold", "20"), ("pointsVote", "4")])
            let savedPage = try await web.get(saved.headers.first(name: .location) ?? "/")
            let bad = try await web.post("/topics/settings", [("community", community.id!.uuidString), ("supportThreshold", "20"), ("pointsVote", "5000")])
            let badPage = try await web.get(bad.headers.first(name: .location) ?? "/")
            let resident = try await WebSession.login(app, "resident_demo")
            let refused = try await resident.post("/topics/settings", [("community", community.id!.uuidString), ("supportThreshold", "20"), ("pointsVote", "9")])
            // check
            #expect(list.text.contains("name=\"pointsVote\""))
            #expect(saved.status == .seeOther)
            #expect(savedPage.text.contains("参与表决奖励 4 分"))
            #expect(badPage.text.contains("积分须在 0–1000 之间"))
            #expect(try await DeliberationSetting.points(community.id!, on: app.db).vote == 4)
            #expect(refused.status == .forbidden || refused.status == .seeOther)
            #expect(try await DeliberationSetting.points(community.id!, on: app.db).vote == 4)
        }
    }
}
