import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The monthly 议事会 of a compound evaluates its property company: a vote of kind property (满意/基本满意/不满意) whose
/// frozen result, with its quorum, counts in the company's rating as residents' ratings (5, 3 and 1 stars), once.
@Suite struct PropertyEvaluationVoteTests {
    /// A topic of the compound property_demo's company serves, accepted for deliberation; returns (topic, compound).
    static func compoundTopic(_ app: Application) async throws -> (UUID, OrgNode) {
        let compound = try await SecurityFixture.compound(app)
        let staff = try await app.token("gt01_community")
        let res = try await app.api(.POST, "/api/v1/topics", token: staff,
                                    json: #"{"title":"十二月物业服务评议","description":"小区议事会评议物业企业本月服务","nodeId":"\#(compound.id!)"}"#)
        let id = try #require((try res.json()["id"] as? String).flatMap(UUID.init(uuidString:)))
        #expect(try await DeliberationFixture.act(app, staff, id, "accept").status == .ok)
        return (id, compound)
    }

    static func gathered(_ app: Application, _ compound: OrgNode, _ company: UUID) async throws -> RatingInputs {
        var g = RatingInputsGatherer(db: app.db, now: app.clock.now(), month: ShanghaiTime.currentMonth(app.clock.now()))
        let county = try #require(try await OrgService(db: app.db, now: app.clock.now()).ancestors(of: compound).first)
        try await g.load(county: county, compounds: [compound])
        return try await g.inputs(compound: compound, company: company)
    }

    @Test func aQuorateEvaluationCountsInThePropertyRatingOnce() async throws {
        try await withDemoApp { app in
            // setup
            let (topic, compound) = try await Self.compoundTopic(app)
            let company = try #require(try await PropertyScope.contract(of: compound.id!, on: app.db, now: app.clock.now())?.companyID)
            let before = try await Self.gathered(app, compound, company)
            let vote = try await VoteFlowTests.open(app, topic, #","kind":"property","quorumPercent":1"#, hours: 1)
            let voters = try await DeliberationFixture.residents(app, 3)
            // act: one of each
            for (token, choice) in zip(voters, ["yes", "abstain", "no"]) {
                #expect(try await VoteFlowTests.ballot(app, token, vote, choice).status == .created)
            }
            let page = try await WebSession.login(app, "resident_demo").get("/topics/\(topic)")
            app.clock.advance(2 * 3600)
            let closed = try await app.api(.POST, "/api/v1/votes/\(vote)/close", token: try await app.token("gt01_community"))
            let again = try await app.api(.POST, "/api/v1/votes/\(vote)/close", token: try await app.token("gt01_community"))
            let after = try await Self.gathered(app, compound, company)
            // check: 5 + 3 + 1 stars from three ballots
            #expect(page.text.contains(">满意</button>") && page.text.contains(">基本满意</button>") && page.text.contains(">不满意</button>"))
            let json = try closed.json()
            #expect(json["kind"] as? String == "property" && json["ratedCompanyId"] as? String == company.uuidString)
            #expect(json["outcome"] as? String != "invalid" && json["yes"] as? Int == 1 && json["abstain"] as? Int == 1)
            #expect(again.status == .ok)
            #expect(after.ratings == before.ratings + 3 && after.ratingStars == before.ratingStars + 9)
            let rows = try await PropertyBodyRating.query(on: app.db).all()
            #expect(rows.count == 1 && rows[0].sourceRef == "topic-vote:\(vote.uuidString)")
            let shown = try await WebSession.login(app, "gt01_community").get("/topics/\(topic)")
            #expect(shown.text.contains("满意 1，基本满意 1，不满意 1") && shown.text.contains("已作为居民评价计入物业企业本月评级"))
        }
    }

    @Test func anEvaluationWithoutItsQuorumCountsForNothing() async throws {
        try await withDemoApp { app in
            // setup
            let (topic, _) = try await Self.compoundTopic(app)
            let vote = try await VoteFlowTests.open(app, topic, #","kind":"property","quorumPercent":100"#, hours: 1)
            let voter = try #require(try await DeliberationFixture.residents(app, 1).first)
            _ = try await VoteFlowTests.ballot(app, voter, vote, "yes")
            // act
            app.clock.advance(2 * 3600)
            let closed = try await app.api(.POST, "/api/v1/votes/\(vote)/close", token: try await app.token("gt01_community"))
            // check
            #expect(try closed.json()["outcome"] as? String == "invalid")
            #expect(try await PropertyBodyRating.query(on: app.db).count() == 0)
        }
    }

    @Test func onlyATopicOfACompoundWithACompanyTakesAPropertyEvaluation() async throws {
        try await withDemoApp { app in
            // setup: a topic of the whole community
            let staff = try await app.token("gt01_community")
            let whole = try await app.api(.POST, "/api/v1/topics", token: staff,
                                          json: #"{"title":"社区物业总体评议","description":"整个社区","nodeId":"\#(try await app.node("YT-GT-01").id!)"}"#)
            let id = try #require((try whole.json()["id"] as? String).flatMap(UUID.init(uuidString:)))
            _ = try await DeliberationFixture.act(app, staff, id, "accept")
            let closes = ISO8601DateFormatter().string(from: app.clock.now().addingTimeInterval(3600))
            // act
            let refused = try await app.api(.POST, "/api/v1/topics/\(id)/votes", token: staff,
                                            json: #"{"question":"是否满意","closesAt":"\#(closes)","kind":"property"}"#)
            let unknown = try await app.api(.POST, "/api/v1/topics/\(id)/votes", token: staff,
                                            json: #"{"question":"是否满意","closesAt":"\#(closes)","kind":"rating"}"#)
            // check
            #expect(refused.status == .unprocessableEntity && refused.errorField == "kind" && refused.text.contains("评议物业"))
            #expect(unknown.status == .unprocessableEntity && unknown.errorField == "kind")
        }
    }
}
