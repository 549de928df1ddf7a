import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Consultation items and evaluation on the topic's page: staff list items, note progress, make a case or mark done,
/// each said in words; residents rate with big buttons once; staff close with a confirmation.
@Suite struct ItemPagesTests {
    @Test func staffWorkTheItemsFromTheTopicPage() async throws {
        try await withDemoApp { app in
            // setup
            let topic = try await ItemTests.decided(app)
            let staff = try await WebSession.login(app, "gt01_community")
            let path = "/topics/\(topic)"
            let page = try await staff.get(path)
            let due = ShanghaiTime.format(app.clock.now().addingTimeInterval(30 * 86_400), "yyyy-MM-dd")
            // act
            let noOwner = try await staff.post(path + "/items", [("title", "电梯井道施工"), ("owner", ""), ("deadline", due)])
            let saidNoOwner = try await staff.get(TopicPagesTests.location(noOwner))
            let badDay = try await staff.post(path + "/items", [("title", "电梯井道施工"), ("owner", "县住建局"), ("deadline", "明天")])
            let saidBadDay = try await staff.get(TopicPagesTests.location(badDay))
            let added = try await staff.post(path + "/items", [("title", "电梯井道施工"), ("owner", "县住建局"), ("deadline", due)])
            let saidAdded = try await staff.get(TopicPagesTests.location(added))
            _ = try await staff.post(path + "/items", [("title", "征求低层住户意见"), ("owner", "古亭社区居委会"), ("deadline", due)])
            let items = try await ConsultationItem.query(on: app.db).sort(\.$createdAt).all()
            let noted = try await staff.get(TopicPagesTests.location(try await staff.post(path + "/items/\(items[1].id!)/note", [("words", "已走访 1–3 层 12 户")])))
            let made = try await staff.get(TopicPagesTests.location(try await staff.post(path + "/items/\(items[0].id!)/case", [("categoryCode", "sheshi")])))
            let doneWithCase = try await staff.get(TopicPagesTests.location(try await staff.post(path + "/items/\(items[0].id!)/done", [])))
            let done = try await staff.get(TopicPagesTests.location(try await staff.post(path + "/items/\(items[1].id!)/done", [])))
            let resident = try await WebSession.login(app, "resident_demo")
            let residentPage = try await resident.get(path)
            let residentAdds = try await resident.post(path + "/items", [("title", "居民加的"), ("owner", "我"), ("deadline", due)])
            // check
            #expect(page.text.contains("添加协商事项") && page.text.contains("还没有协商事项"))
            #expect(saidNoOwner.text.contains("flash error") && saidNoOwner.text.contains("请填写「责任单位」"))
            #expect(saidBadDay.text.contains("flash error") && saidBadDay.text.contains("完成期限"))
            #expect(saidAdded.text.contains("已添加事项「电梯井道施工」，由县住建局在 \(due) 前完成"))
            #expect(noted.text.contains("进展已记录") && noted.text.contains("已走访 1–3 层 12 户"))
            let c = try #require(try await TopicService(db: app.db, now: app.clock.now()).caseLink(of: items[0]))
            let number = try #require(try await Case.find(c.caseID, on: app.db)).number
            #expect(made.text.contains("已转为诉求 \(number)") && made.text.contains("诉求 \(number)："))
            #expect(doneWithCase.text.contains("flash error") && doneWithCase.text.contains("诉求办结即完成"))
            #expect(done.text.contains("「征求低层住户意见」已标记完成"))
            #expect(residentPage.text.contains("电梯井道施工") && !residentPage.text.contains("添加协商事项") && !residentPage.text.contains("/done\""))
            #expect(residentAdds.status == .seeOther)
            #expect(try await ConsultationItem.query(on: app.db).count() == 2)
            let audited = try await AuditEntry.query(on: app.db).filter(\.$entity == "topic_item").all().map(\.action).sorted()
            #expect(audited == ["create", "create", "done", "note"])
        }
    }

    @Test func residentsRateWithBigButtonsOnceAndStaffCloseWithAConfirmation() async throws {
        try await withDemoApp { app in
            // setup
            let topic = try await ItemTests.decided(app)
            let token = try await app.token("gt01_community")
            #expect(try await DeliberationFixture.act(app, token, topic, "complete").status == .ok)
            let path = "/topics/\(topic)"
            let resident = try await WebSession.login(app, "resident_demo")
            let page = try await resident.get(path)
            // act
            let bad = try await resident.get(TopicPagesTests.location(try await resident.post(path + "/evaluation", [("rating", "great")])))
            let rated = try await resident.get(TopicPagesTests.location(try await resident.post(path + "/evaluation", [("rating", "basically"), ("comment", "电梯运行平稳")])))
            let again = try await resident.get(TopicPagesTests.location(try await resident.post(path + "/evaluation", [("rating", "unsatisfied")])))
            let staff = try await WebSession.login(app, "gt01_community")
            let staffPage = try await staff.get(path)
            let staffRates = try await staff.get(TopicPagesTests.location(try await staff.post(path + "/evaluation", [("rating", "satisfied")])))
            let closed = try await staff.get(TopicPagesTests.location(try await staff.post(path + "/act/close", [("version", String(try #require(try await Topic.find(topic, on: app.db)).version))])))
            // check
            #expect(page.text.contains("这件事办得怎么样") && page.text.contains("value=\"satisfied\"") && page.text.contains("value=\"basically\"")
                    && page.text.contains("value=\"unsatisfied\"") && page.text.contains("评价截止"))
            #expect(bad.text.contains("flash error") && bad.text.contains("满意/基本满意/不满意"))
            #expect(rated.text.contains("谢谢您的评价（基本满意）") && rated.text.contains("您的评价：基本满意"))
            #expect(again.text.contains("每人一次"))
            #expect(staffPage.text.contains("满意 0，基本满意 1，不满意 0") && staffPage.text.contains("/act/close\""))
            #expect(staffPage.text.contains("确定要完结吗"))
            #expect(staffRates.text.contains("只有本社区居民可以评价"))
            #expect(closed.text.contains("议题已完结") && closed.text.contains("满意率 100%"))
        }
    }
}
