import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The demo's topics: several stages in both demo communities, dated back from the as-of day, written once.
@Suite struct DeliberationDemoTests {
    @Test func demoTopicsCoverTheStagesAreAnchoredToTheAsOfDayAndAreWrittenOnce() async throws {
        try await withDemoApp { app in
            // setup
            let county = try await app.node("YT")
            let asOf = DemoPlan.referenceDay
            // act
            let made = try await DeliberationDemo.seed(under: county, asOf: asOf, on: app.db)
            let again = try await DeliberationDemo.seed(under: county, asOf: asOf, on: app.db)
            // check
            let topics = try await Topic.query(on: app.db).all()
            let year = DeliberationYearDemo.subjects.count * DeliberationYearDemo.communities.count * 3
            #expect(made == DeliberationDemo.plans().count + year && again == 0 && topics.count == made)
            #expect(Set(topics.map(\.stageRaw)) == Set(TopicStage.allCases.map(\.rawValue)))
            let meeting = try #require(try await Meeting.query(on: app.db).filter(\.$title == "十月红色议事会").first())
            #expect(try await MeetingMinutes.query(on: app.db).filter(\.$meetingID == meeting.id!).count() == 1)
            let vote = try #require(try await TopicVote.query(on: app.db).filter(\.$meetingID == meeting.id!).first())
            // Paper ballots of the first 60 households (the tiny demo may have fewer): 50 yes, 6 no, the rest abstain.
            let households = try await Household.query(on: app.db).within(DataScope(rootPath: try await app.node("YT-GT-01").path)).count()
            let cast = min(60, households)
            #expect(vote.yes == min(50, cast) && vote.no == min(6, max(0, cast - 50)) && vote.abstain == max(0, cast - 56))
            #expect(vote.outcome == VoteOutcome.passed.rawValue && vote.eligible == households)
            #expect(try await MeetingAttendance.query(on: app.db).filter(\.$state == "attended").count() == 1)
            // The compound's evaluation of its company: counted in the rating as many ratings as ballots, 5/3/1 stars each.
            let evaluation = try #require(try await TopicVote.query(on: app.db).filter(\.$kindRaw == VoteKind.property.rawValue).first())
            let fed = try #require(try await PropertyBodyRating.query(on: app.db).first())
            #expect(evaluation.tally.cast > 0 && fed.ratings == evaluation.tally.cast)
            #expect(fed.stars == evaluation.yes * 5 + evaluation.abstain * 3 + evaluation.no * 1)
            let dance = try #require(topics.first { $0.title == "社区广场晚间跳舞音量扰民" })
            #expect(dance.stage == .closed && dance.answer?.contains("满意 1") == true)
            let bikes = try #require(topics.first { $0.title == "规范电动车停放和充电" })
            let bikeCase = try #require(try await TopicCaseLink.query(on: app.db).filter(\.$topicID == bikes.id!).first())
            let open = try #require(try await Case.find(bikeCase.caseID, on: app.db))
            #expect(bikes.stage == .implement && bikeCase.itemID != nil && open.state != .closed)
            let converted = try #require(topics.first { $0.title == "东门路灯长期不亮" })
            let links = try await TopicCaseLink.query(on: app.db).filter(\.$topicID == converted.id!).all()
            #expect(links.count == 1)
            #expect(try await Case.find(links[0].caseID, on: app.db)?.channel == "deliberation")
            let seats = try #require(topics.first { $0.title == "楼前加装休息座椅" })
            #expect(seats.createdAt == DemoDate.instant(asOf - 6, hour: 10) && seats.supportCount == 1)
            #expect(topics.allSatisfy { $0.createdAt <= DemoDate.instant(asOf, hour: 18) })
            let zhanqian = try await app.node("YT-BH-01")
            #expect(topics.contains { $0.communityID == zhanqian.id })
            // A year of topics: the oldest raised about a year ago; every whole-way topic closed after its meeting's
            // minutes, and its decision item's case closed through the loop (so the item is done).
            #expect(topics.map(\.createdAt).min() == DemoDate.instant(asOf - 360, hour: 10))
            let whole = topics.filter { $0.title.hasSuffix("·更新小区健身器材") }
            #expect(whole.count == 2 && whole.allSatisfy { $0.stage == .closed })
            #expect(try await Meeting.query(on: app.db).count() == 1 + year / 3)
            #expect(try await MeetingMinutes.query(on: app.db).count() == 1 + year / 3)
            let yearLinks = try await TopicCaseLink.query(on: app.db).filter(\.$topicID ~~ topics.filter { $0.title.contains("·") }.map { $0.id! }).all()
            let cases = try await Case.query(on: app.db).filter(\.$id ~~ yearLinks.map(\.caseID)).all()
            #expect(yearLinks.count == year / 3 * 2 && cases.count == yearLinks.count && cases.allSatisfy { $0.state == .closed })
            #expect(topics.filter { $0.stage == .declined }.count >= year / 3)
            // Every decided vote met its quorum: no decision rests on an invalid vote.
            #expect(try await TopicVote.query(on: app.db).all().allSatisfy { $0.outcome == VoteOutcome.passed.rawValue })
        }
    }
}
