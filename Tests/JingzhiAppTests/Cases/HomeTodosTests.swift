import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Each staff home opens on its to-dos, counts linking into the queues; departments and companies see their own cases.
@Suite struct HomeTodosTests {
    func tile(_ label: String, _ n: Int, queue: String) -> String {
        "<a class=\"stat\(label == "本单位超期" && n > 0 ? " urgent" : "")\" href=\"/cases?queue=\(queue)\"><span class=\"muted\">\(label)</span><b>\(n)</b></a>"
    }

    @Test func aDepartmentsHomeShowsTheCaseSentToItNotTheTreesCounts() async throws {
        try await withDemoApp { app in
            // setup: a case escalated up to the county department
            let t = CaseQueueTests()
            let c = try await t.file(app, as: "resident_demo", at: try await t.home(app))
            try await t.act(app, c.id, "accept", as: "gt01_community")
            try await t.act(app, c.id, "dispatch", as: "gt01_community", #"{"level":"department"}"#)
            let other = try await t.file(app, as: "resident_demo", at: try await t.home(app))
            try await t.act(app, other.id, "accept", as: "gt01_community")
            try await t.act(app, other.id, "dispatch", as: "gt01_community", #"{"level":"department"}"#)
            try await t.act(app, other.id, "start", as: "dept_zhujian")
            try await t.setDue(app, c.id, Date().addingTimeInterval(-60))
            // act
            let home = try await WebSession.login(app, "dept_zhujian").get("/")
            // check
            #expect(home.text.contains(tile("待受理", 1, queue: "to_accept")))
            // the unstarted one is late: it counts as my unit's overdue, while it waits under 待受理
            #expect(home.text.contains(tile("本单位超期", 1, queue: "mine")))
            #expect(home.text.contains(other.number))
            #expect(home.text.contains(c.number))
            #expect(!home.text.contains("<span class=\"muted\">网格</span>"))
            #expect(!home.text.contains("<span class=\"muted\">居民</span>"))
        }
    }

    @Test func aCommunityHomeCountsDueTodayAndOverdueAndAGridWorkersItsVisits() async throws {
        try await withDemoApp { app in
            // setup: two cases the community handles, one overdue, one due later today
            let t = CaseQueueTests()
            let now = Date()
            app.clock.set(now)
            let late = try await t.file(app, as: "resident_demo", at: try await t.home(app))
            let soon = try await t.file(app, as: "resident_demo", at: try await t.home(app))
            for id in [late.id, soon.id] { try await t.act(app, id, "accept", as: "gt01_community") }
            try await t.setDue(app, late.id, now.addingTimeInterval(-60))
            let endOfDay = ShanghaiTime.dayStart(ShanghaiTime.add(1, to: ShanghaiTime.today(now)))
            try await t.setDue(app, soon.id, now.addingTimeInterval(min(60, endOfDay.timeIntervalSince(now) / 2)))
            // act
            let community = try await WebSession.login(app, "gt01_community").get("/")
            let grid = try await WebSession.login(app, "gt01_grid").get("/")
            // check
            #expect(community.text.contains(tile("今日到期", 1, queue: "mine")))
            #expect(community.text.contains(tile("本单位超期", 1, queue: "mine")))
            #expect(community.text.contains(tile("待受理", 0, queue: "to_accept")))
            #expect(community.text.contains("未读消息"))
            #expect(grid.text.contains("待走访"))
            #expect(grid.text.contains("我的网格"))
        }
    }
}
