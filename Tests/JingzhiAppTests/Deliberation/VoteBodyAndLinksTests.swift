import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The property company votes as one body where the procedure invites it; a merge carries the supports over; a case
/// names the topic it came from.
@Suite struct VoteBodyAndLinksTests {
    @Test func underTheFiveStepsThePropertyCompanyVotesOnceAsOneBody() async throws {
        try await withDemoApp { app in
            // setup: resident_demo's compound is served by 幸福家园 (property_demo); quorum 1 %
            let topic = try await VoteFlowTests.deliberating(app)
            let vote = try await VoteFlowTests.open(app, topic, #","quorumPercent":1"#)
            let community = try await app.node("YT-GT-01")
            let households = try await Household.query(on: app.db).within(DataScope(rootPath: community.path)).count()
            let property = try await app.token("property_demo")
            let neighbour = try await DeliberationFixture.residents(app, 1)[0]
            // act
            let read = try await app.api(.GET, "/api/v1/votes/\(vote)", token: try await app.token("gt01_community"))
            let web = try await WebSession.login(app, "property_demo")
            let page = try await web.get("/topics/\(topic)")
            let cast = try await web.get(TopicPagesTests.location(try await web.post("/topics/\(topic)/votes/\(vote)", [("choice", "yes")])))
            let twice = try await VoteFlowTests.ballot(app, property, vote, "no")
            let partner = try await VoteFlowTests.ballot(app, try await app.token("partner_demo"), vote, "yes")
            _ = try await VoteFlowTests.ballot(app, try await app.token("resident_demo"), vote, "no")
            _ = try await VoteFlowTests.ballot(app, neighbour, vote, "yes")
            app.clock.advance(49 * 3600)
            let closed = try await app.api(.POST, "/api/v1/votes/\(vote)/close", token: try await app.token("gt01_community"))
            // check: yes 2 (company, neighbour), no 1 → 2 × 2 > 3, passed; eligible = households + the company
            #expect(read.status == .ok)
            let body = try read.json()
            #expect(body["eligible"] as? Int == households + 1 && body["propertyCompanyId"] as? String != nil)
            #expect(page.status == .ok && page.text.contains("物业公司作为一方参与表决") && page.text.contains("value=\"yes\""))
            #expect(cast.text.contains("投票成功"))
            #expect(twice.status == .conflict && twice.text.contains("贵单位已经投过票"))
            #expect(partner.status == .notFound || partner.status == .forbidden)
            let r = try closed.json()
            #expect(r["yes"] as? Int == 2 && r["no"] as? Int == 1 && r["outcome"] as? String == "passed")
            let ballots = try await TopicBallot.query(on: app.db).filter(\.$voteID == vote).all()
            #expect(ballots.filter { $0.voterKey.hasPrefix("c:") }.count == 1)
            // Outside the company's compounds a topic does not exist for its staff, and the staff pages stay closed.
            let wide = try await DeliberationFixture.raise(app, token: try await app.token("gt01_community"), node: community, title: "社区层面的议题")
            let wideID = try #require((try wide.json()["id"] as? String))
            #expect(try await web.get("/topics/\(wideID)").status == .notFound)
            #expect(try await web.get("/topics").status == .forbidden)
        }
    }

    @Test func underFourTwoTheRepresentativesDecideAndNoCompanyVotes() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await DeliberationFixture.topic(app, title: "加装电梯")
            let staff = try await app.token("gt01_community")
            #expect(try await DeliberationFixture.act(app, staff, id, "accept", #"{"procedure":"four_two"}"#).status == .ok)
            // act
            let vote = try await VoteFlowTests.open(app, id, "")
            let read = try await app.api(.GET, "/api/v1/votes/\(vote)", token: staff)
            let companyBallot = try await VoteFlowTests.ballot(app, try await app.token("property_demo"), vote, "yes")
            // check
            #expect(try read.json()["basis"] as? String == "representative")
            let company = try read.json()["propertyCompanyId"]
            #expect(company == nil || company is NSNull)
            #expect(companyBallot.status == .forbidden)
        }
    }

    @Test func mergingCarriesTheSupportsOverAndTheTargetReachesReview() async throws {
        try await withDemoApp { app in
            // setup: threshold 2 households; A has two supporters (and went to review), B one of them
            try await DeliberationFixture.setThreshold(app, 2)
            let a = try await DeliberationFixture.topic(app, title: "楼道灯不亮")
            let b = try await DeliberationFixture.topic(app, title: "楼道照明改造")
            let people = try await DeliberationFixture.residents(app, 2)
            for t in people { #expect(try await app.api(.POST, "/api/v1/topics/\(a)/support", token: t).status == .ok) }
            _ = try await app.api(.POST, "/api/v1/topics/\(b)/support", token: people[0])
            let staff = try await app.token("gt01_community")
            // act
            let merged = try await DeliberationFixture.act(app, staff, a, "merge", #"{"mergeInto":"\#(b)"}"#)
            let target = try await app.api(.GET, "/api/v1/topics/\(b)", token: staff)
            let timeline = try await app.api(.GET, "/topics/\(b)/timeline", token: nil)
            // check
            let mergedStage = try DeliberationFixture.stage(merged)
            #expect(merged.status == .ok && mergedStage == "merged")
            #expect(try target.json()["supportCount"] as? Int == 2)
            #expect(try DeliberationFixture.stage(target) == "review")
            #expect(try await TopicSupport.query(on: app.db).filter(\.$topicID == b).count() == 2)
            #expect(timeline.text.contains("合并其他议题") && timeline.text.contains("转入附议 1 人"))
        }
    }

    @Test func aCaseFromATopicOrItsItemNamesTheTopicOnItsPage() async throws {
        try await withDemoApp { app in
            // setup
            let converted = try await DeliberationFixture.topic(app, title: "东门路灯不亮")
            let staff = try await app.token("gt01_community")
            let res = try await DeliberationFixture.act(app, staff, converted, "convert", #"{"categoryCode":"sheshi"}"#)
            let caseID = try #require((try res.json()["caseIds"] as? [String])?.first.flatMap(UUID.init(uuidString:)))
            let decided = try await ItemTests.decided(app)
            let item = try ItemTests.id(try await ItemTests.add(app, decided, "电梯井道施工"))
            let made = try await app.api(.POST, "/api/v1/topics/\(decided)/items/\(item)/case", token: staff, json: #"{"categoryCode":"sheshi"}"#)
            let itemCase = try #require((try made.json()["caseId"] as? String).flatMap(UUID.init(uuidString:)))
            let web = try await WebSession.login(app, "gt01_community")
            // act
            let page = try await web.get("/cases/\(caseID)")
            let itemPage = try await web.get("/cases/\(itemCase)")
            let plain = try await app.api(.POST, "/api/v1/cases", token: try await app.token("resident_demo"),
                                          json: #"{"categoryCode":"sheshi","nodeId":"\#(try await DeliberationFixture.home(app).id!)","description":"路面破损"}"#)
            let plainID = try #require((try plain.json()["id"] as? String))
            let plainPage = try await web.get("/cases/\(plainID)")
            // check
            #expect(page.text.contains("来自议题") && page.text.contains("href=\"/topics/\(converted)/timeline\"") && page.text.contains("东门路灯不亮"))
            #expect(itemPage.text.contains("加装电梯：电梯井道施工"))
            #expect(plainPage.status == .ok && !plainPage.text.contains("来自议题"))
        }
    }
}
