import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Points for an accepted topic and for rating an outcome, paid once through the ledger; the measures per community
/// and month, hand-counted.
@Suite struct DeliberationPointsAndMeasuresTests {
    static func balance(_ app: Application, _ token: String) async throws -> Int? {
        try await app.api(.GET, "/api/v1/points/accounts/me", token: token).json()["balance"] as? Int
    }

    static func configure(_ app: Application, accepted: Int, evaluation: Int) async throws {
        let staff = try #require(try await User.query(on: app.db).filter(\.$username == "gt01_community").first())
        let actor = try await Actor.load(staff, on: app.db, now: app.clock.now())
        _ = try await TopicService(db: app.db, now: app.clock.now()).setThreshold(community: try await app.node("YT-GT-01").id, threshold: 20,
                                                                                 pointsAccepted: accepted, pointsEvaluation: evaluation, by: actor)
    }

    @Test func theRaiserAndTheRatersArePaidOnceThroughTheLedger() async throws {
        try await withDemoApp { app in
            // setup: 5 points for an accepted topic, 2 for rating
            try await Self.configure(app, accepted: 5, evaluation: 2)
            let me = try await app.token("resident_demo")
            let others = try await DeliberationFixture.residents(app, 2)
            let before = try await Self.balance(app, me) ?? 0
            // act
            let topic = try await ItemTests.decided(app)
            let staff = try await app.token("gt01_community")
            let afterAccept = try await Self.balance(app, me) ?? 0
            #expect(try await DeliberationFixture.act(app, staff, topic, "complete").status == .ok)
            _ = try await EvaluationTests.rate(app, me, topic, "satisfied")
            _ = try await EvaluationTests.rate(app, others[0], topic, "unsatisfied")
            let closed = try await DeliberationFixture.act(app, staff, topic, "close")
            let t = try #require(try await Topic.find(topic, on: app.db))
            let actor = try await Actor.load(try #require(try await User.query(on: app.db).filter(\.$username == "gt01_community").first()), on: app.db, now: app.clock.now())
            try await DeliberationPoints.evaluated(t, by: actor, source: .cli("test"), at: app.clock.now(), on: app.db)
            try await DeliberationPoints.accepted(t, by: actor, source: .cli("test"), at: app.clock.now(), on: app.db)
            // check
            #expect(closed.status == .ok, "\(closed.text)")
            #expect(afterAccept == before + 5)
            #expect(try await Self.balance(app, me) == before + 5 + 2)
            #expect(try await Self.balance(app, others[0]) == 2)
            #expect(try await Self.balance(app, others[1]) ?? 0 == 0)
            let refs = try await PointsEntry.query(on: app.db).filter(\.$sourceRef != nil).all().compactMap(\.sourceRef).filter { $0.hasPrefix("topic-") }
            #expect(refs.count == 3 && refs.filter { $0.hasPrefix("topic-accepted:") }.count == 1)
        }
    }

    @Test func nothingIsPaidUnlessTheCommunityConfiguresPoints() async throws {
        try await withDemoApp { app in
            // setup
            let me = try await app.token("resident_demo")
            let before = try await Self.balance(app, me) ?? 0
            // act
            _ = try await VoteFlowTests.deliberating(app)
            // check
            #expect(try await Self.balance(app, me) ?? 0 == before)
            #expect(try await PointsEntry.query(on: app.db).all().compactMap(\.sourceRef).filter { $0.hasPrefix("topic-") }.isEmpty)
        }
    }

    @Test func theMeasuresCountWhatHappenedInTheMonthPerCommunity() async throws {
        try await withDemoApp { app in
            // setup: three topics raised this month; one accepted the next day, one declined after 8 days, one left;
            // the accepted one decided, two items due in 10 days (one done in time, one late), two ratings (one unsatisfied)
            let staff = try await app.token("gt01_community")
            let month = ShanghaiTime.currentMonth(app.clock.now())
            let start = try ShanghaiTime.dayStart(month + "-01", field: "month")
            app.clock.set(start.addingTimeInterval(2 * 3600))
            let accepted = try await DeliberationFixture.topic(app, title: "加装电梯")
            let late = try await DeliberationFixture.topic(app, title: "宠物活动区")
            _ = try await DeliberationFixture.topic(app, title: "快递柜")
            app.clock.advance(86_400)
            _ = try await DeliberationFixture.act(app, staff, accepted, "accept")
            _ = try await DeliberationFixture.act(app, staff, accepted, "decide", #"{"note":"表决通过"}"#)
            let a = try ItemTests.id(try await app.api(.POST, "/api/v1/topics/\(accepted)/items", token: staff,
                                                       json: #"{"title":"井道","owner":"住建局","deadline":"\#(ISO8601DateFormatter().string(from: app.clock.now().addingTimeInterval(10 * 86_400)))"}"#))
            let b = try ItemTests.id(try await app.api(.POST, "/api/v1/topics/\(accepted)/items", token: staff,
                                                       json: #"{"title":"意见","owner":"居委会","deadline":"\#(ISO8601DateFormatter().string(from: app.clock.now().addingTimeInterval(10 * 86_400)))"}"#))
            _ = try await app.api(.POST, "/api/v1/topics/\(accepted)/items/\(a)/done", token: staff)
            app.clock.advance(7 * 86_400)
            _ = try await DeliberationFixture.act(app, staff, late, "decline", #"{"note":"绿地不足"}"#)
            app.clock.advance(4 * 86_400)
            _ = try await app.api(.POST, "/api/v1/topics/\(accepted)/items/\(b)/done", token: staff)
            _ = try await DeliberationFixture.act(app, staff, accepted, "complete")
            let raters = try await DeliberationFixture.residents(app, 1)
            _ = try await EvaluationTests.rate(app, try await app.token("resident_demo"), accepted, "basically")
            _ = try await EvaluationTests.rate(app, raters[0], accepted, "unsatisfied")
            // act
            let read = try await app.api(.GET, "/api/v1/deliberation/measures?month=\(month)&node=YT-GT-01", token: staff)
            let page = try await WebSession.login(app, "gt01_community").get("/topics/measures?month=\(month)")
            let byResident = try await app.api(.GET, "/api/v1/deliberation/measures", token: try await app.token("resident_demo"))
            let byGrid = try await app.api(.GET, "/api/v1/deliberation/measures", token: try await app.token("gt01_grid"))
            let badMonth = try await app.api(.GET, "/api/v1/deliberation/measures?month=2026-13", token: staff)
            let other = try await app.api(.GET, "/api/v1/deliberation/measures?month=\(month)", token: try await app.token("bh01_community"))
            // check
            #expect(read.status == .ok, "\(read.text)")
            let row = try #require((try read.json()["rows"] as? [[String: Any]])?.first)
            #expect(row["raised"] as? Int == 3 && row["reviewedWithin7Days"] as? Int == 1 && row["accepted"] as? Int == 1)
            #expect(row["decided"] as? Int == 1 && row["itemsDue"] as? Int == 2 && row["itemsOnTime"] as? Int == 1)
            #expect(row["ratings"] as? Int == 2 && row["satisfied"] as? Int == 1)
            #expect(page.status == .ok && page.text.contains("1/2 · 50.0%") && page.text.contains("1 · 33.3%"))
            #expect(byResident.status == .forbidden && byGrid.status == .forbidden)
            #expect(badMonth.status == .unprocessableEntity && badMonth.errorField == "month")
            let otherTotal = try #require(try other.json()["total"] as? [String: Any])
            #expect(otherTotal["raised"] as? Int == 0)
        }
    }
}
