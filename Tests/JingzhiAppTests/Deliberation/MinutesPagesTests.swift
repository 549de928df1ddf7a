import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The meeting's page: staff publish and revise minutes in words (a mistake keeps what was typed), residents object once
/// during 公示, staff read the objections without names, other communities see nothing.
@Suite struct MinutesPagesTests {
    static func minutes(_ decisions: String) -> [(String, String)] {
        [("attendees", "王主任、李书记、居民代表 12 人"), ("organisations", "古亭社区居委会、物业公司"), ("contributions", "多数居民赞成加装"),
         ("decisions", decisions), ("publicDays", "5")]
    }

    @Test func staffPublishAndReviseAndAMistakeKeepsWhatWasTyped() async throws {
        try await withDemoApp { app in
            // setup
            let (meeting, topic) = try await MinutesTests.meeting(app)
            let staff = try await WebSession.login(app, "gt01_community")
            let path = "/topics/meetings/\(meeting)"
            let before = try await staff.get(path)
            app.clock.advance(4 * 86_400 + 3600)
            _ = try await staff.get(path)
            // act
            let missing = try await staff.post(path + "/minutes", Self.minutes(""))
            let badDays = try await staff.post(path + "/minutes", Self.minutes("同意加装电梯").dropLast() + [("publicDays", "五天")])
            let first = try await staff.post(path + "/minutes", Self.minutes("同意加装电梯"))
            let saidFirst = try await staff.get(TopicPagesTests.location(first))
            let second = try await staff.post(path + "/minutes", Self.minutes("同意加装电梯，费用按楼层分摊"))
            let saidSecond = try await staff.get(TopicPagesTests.location(second))
            let topicPage = try await staff.get("/topics/\(topic)")
            // check
            #expect(before.text.contains("会议开始后可发布纪要") && !before.text.contains("name=\"decisions\""))
            #expect(missing.status == .unprocessableEntity || missing.status == .badRequest)
            #expect(missing.text.contains("flash error") && missing.text.contains("议定事项") && missing.text.contains("多数居民赞成加装"))
            #expect(badDays.status == .unprocessableEntity && badDays.text.contains("公示天数须为整数"))
            #expect(saidFirst.text.contains("纪要已发布，公示至") && saidFirst.text.contains("<b>同意加装电梯</b>"))
            #expect(saidFirst.text.contains("修订纪要") && saidFirst.text.contains("data-confirm"))
            #expect(saidSecond.text.contains("纪要第 2 版已发布，旧版保留"))
            #expect(saidSecond.text.contains("历史版本") && saidSecond.text.contains("第 1 版"))
            #expect(try await MeetingMinutes.query(on: app.db).count() == 2)
            #expect(topicPage.text.contains("/topics/meetings/\(meeting)\""))
        }
    }

    @Test func residentsObjectOnceAndStaffReadTheWordsWithoutNames() async throws {
        try await withDemoApp { app in
            // setup
            let (meeting, _) = try await MinutesTests.meeting(app)
            let path = "/topics/meetings/\(meeting)"
            app.clock.advance(4 * 86_400 + 3600)
            _ = try await app.api(.POST, "/api/v1/meetings/\(meeting)/minutes", token: try await app.token("gt01_community"), json: MinutesTests.body("同意加装电梯"))
            let resident = try await WebSession.login(app, "resident_demo")
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
            let page = try await resident.get(path)
            // act
            let objected = try await resident.post(path + "/objections", [("words", "纪要漏了低层住户的反对意见")])
            let said = try await resident.get(TopicPagesTests.location(objected))
            let again = try await resident.post(path + "/objections", [("words", "再说一次")])
            let saidAgain = try await resident.get(TopicPagesTests.location(again))
            let staff = try await WebSession.login(app, "gt01_community").get(path)
            // check
            #expect(page.text.contains("提出异议") && !page.text.contains("name=\"decisions\""))
            #expect(said.text.contains("您的异议已提交") && said.text.contains("您已对这一版纪要提出异议"))
            #expect(saidAgain.text.contains("每人一次"))
            #expect(staff.text.contains("纪要漏了低层住户的反对意见") && staff.text.contains("异议 1 条"))
            #expect(!staff.text.contains(user.displayName))
        }
    }

    @Test func otherCommunitiesGridWorkersAndPartnersSeeNoMeeting() async throws {
        try await withDemoApp { app in
            // setup
            let (meeting, _) = try await MinutesTests.meeting(app)
            let path = "/topics/meetings/\(meeting)"
            app.clock.advance(4 * 86_400 + 3600)
            // act
            let other = try await WebSession.login(app, "bh01_community")
            let otherPage = try await other.get(path)
            _ = try await other.get("/topics")
            let otherPublish = try await other.post(path + "/minutes", Self.minutes("别的社区"))
            let grid = try await WebSession.login(app, "gt01_grid").get(path)
            let partner = try await WebSession.login(app, "partner_demo").get(path)
            let anonymous = try await app.api(.GET, path, token: nil)
            let residentPublishes = try await WebSession.login(app, "resident_demo")
            _ = try await residentPublishes.get(path)
            let byResident = try await residentPublishes.post(path + "/minutes", Self.minutes("居民发布"))
            // check
            #expect(otherPage.status == .notFound && otherPublish.status == .notFound)
            #expect(grid.status == .notFound)
            #expect(partner.status == .forbidden)
            #expect(anonymous.status == .seeOther || anonymous.status == .unauthorized)
            #expect(byResident.status == .forbidden && byResident.text.contains("flash error"))
            #expect(try await MeetingMinutes.query(on: app.db).count() == 0)
        }
    }
}
