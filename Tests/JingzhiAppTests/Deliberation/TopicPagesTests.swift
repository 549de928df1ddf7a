import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The pages: a resident raises and supports on the phone; staff review with words after every move; anyone follows
/// a topic's public path, which names no resident.
@Suite struct TopicPagesTests {
    static func location(_ res: TestingHTTPResponse) -> String { res.headers.first(name: .location) ?? "" }

    @Test func aResidentRaisesATopicAndSupportsItWithTheBigButton() async throws {
        try await withDemoApp { app in
            // setup
            let home = try await DeliberationFixture.home(app)
            let web = try await WebSession.login(app, "resident_demo")
            // act
            let list = try await web.get("/topics")
            let form = try await web.get("/topics/new")
            let raised = try await web.post("/topics/new", [("title", "楼下装个快递柜"), ("description", "快递常放在门口丢失"), ("nodeId", home.id!.uuidString)])
            let page = try await web.get(Self.location(raised))
            let supported = try await web.post(Self.location(raised) + "/support", [])
            let after = try await web.get(Self.location(supported))
            // check
            #expect(list.status == .ok && list.text.contains("class=\"button big\"") && list.text.contains("我要提议题"))
            #expect(form.text.contains("name=\"nodeId\"") && form.text.contains(home.name))
            #expect(raised.status == .seeOther)
            #expect(page.text.contains("议题已提出") && page.text.contains("/support\"") && page.text.contains(">附议</button>"))
            #expect(after.text.contains("谢谢您的附议") && after.text.contains("您已附议这个议题"))
            let again = try await web.post(Self.location(raised) + "/support", [])
            #expect(try await web.get(Self.location(again)).text.contains("每人只能附议一次"))
        }
    }

    @Test func aMissingTitleIsSaidInPlainWordsAndTheFormKeepsWhatWasTyped() async throws {
        try await withDemoApp { app in
            // setup
            let home = try await DeliberationFixture.home(app)
            let web = try await WebSession.login(app, "resident_demo")
            _ = try await web.get("/topics/new")
            // act
            let res = try await web.post("/topics/new", [("title", ""), ("description", "快递常放在门口丢失"), ("nodeId", home.id!.uuidString)])
            // check
            #expect(res.status == .unprocessableEntity)
            #expect(res.text.contains("请填写「议题标题」") && res.text.contains("快递常放在门口丢失"))
        }
    }

    @Test func staffReviewWithWordsAfterEveryMoveAndThePublicPathNamesNoResident() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await DeliberationFixture.topic(app, title: "楼道堆物清理")
            let staff = try await WebSession.login(app, "gt01_community")
            let resident = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
            // act
            let list = try await staff.get("/topics?stage=collect&q=" + "楼道".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            let empty = try await staff.get("/topics?stage=review")
            let page = try await staff.get("/topics/\(id)")
            let noReason = try await staff.post("/topics/\(id)/act/decline", [("version", "1"), ("note", "")])
            let said = try await staff.get(Self.location(noReason))
            let declined = try await staff.post("/topics/\(id)/act/decline", [("version", "1"), ("note", "属物业合同范围，已转物业处理")])
            let saidAfter = try await staff.get(Self.location(declined))
            let publicPage = try await app.api(.GET, "/topics/\(id)/timeline", token: nil)
            // check
            #expect(list.text.contains("楼道堆物清理") && !empty.text.contains("楼道堆物清理"))
            #expect(page.text.contains("/act/accept\"") && page.text.contains("/act/decline\"") && page.text.contains("/act/convert\""))
            #expect(said.text.contains("flash error") && said.text.contains("请填写「说明」"))
            #expect(saidAfter.text.contains("已答复不予采纳，理由已公开"))
            #expect(publicPage.status == .ok)
            #expect(publicPage.text.contains("属物业合同范围，已转物业处理") && publicPage.text.contains("未采纳") && publicPage.text.contains("发起议题"))
            #expect(!publicPage.text.contains(resident.displayName))
        }
    }

    @Test func formsNeedTheirTokenAndOtherCommunitiesSeeNoTopic() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await DeliberationFixture.topic(app)
            let staff = try await WebSession.login(app, "bh01_community")
            let own = try await WebSession.login(app, "gt01_community")
            _ = try await own.get("/topics/\(id)")
            // act
            let forged = try await own.post("/topics/\(id)/act/accept", [("version", "1")], csrf: "forged")
            let otherPage = try await staff.get("/topics/\(id)")
            let partner = try await WebSession.login(app, "partner_demo")
            let partnerList = try await partner.get("/topics")
            // check
            #expect(forged.status == .forbidden)
            #expect(otherPage.status == .notFound)
            #expect(partnerList.status == .forbidden)
            #expect(try await Topic.find(id, on: app.db)?.stageRaw == "collect")
        }
    }

    @Test func theThresholdIsSetPerCommunityFromTheStaffList() async throws {
        try await withDemoApp { app in
            // setup
            let community = try await app.node("YT-GT-01")
            let staff = try await WebSession.login(app, "gt01_community")
            let list = try await staff.get("/topics")
            // act
            let saved = try await staff.post("/topics/settings", [("community", community.id!.uuidString), ("supportThreshold", "5")])
            let after = try await staff.get(Self.location(saved))
            let tooMany = try await staff.post("/topics/settings", [("community", community.id!.uuidString), ("supportThreshold", "0")])
            // check
            #expect(list.text.contains("name=\"supportThreshold\" value=\"20\""))
            #expect(after.text.contains("附议满 5 户提交审核") && after.text.contains("name=\"supportThreshold\" value=\"5\""))
            #expect(try await staff.get(Self.location(tooMany)).text.contains("1–10000"))
            #expect(try await DeliberationSetting.of(community.id!, on: app.db).threshold == 5)
        }
    }
}
