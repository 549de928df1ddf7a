import Foundation
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The staff navigation is grouped into sections once a viewer has more than a few links; every page starts with a skip link.
@Suite struct NavigationSectionsTests {
    @Test func anAdminGetsSectionMenusAndAResidentAFlatRow() async throws {
        try await withDemoApp { app in
            // act
            let admin = try await WebSession.login(app, "admin").get("/cases/hotline")
            let resident = try await WebSession.login(app, "resident_demo").get("/")
            // check: sections in order, the current page's section marked, its link current
            let summaries = admin.text.components(separatedBy: "<summary>").dropFirst().map { $0.components(separatedBy: "</summary>")[0] }
            #expect(summaries.prefix(6) == ["诉求", "网格", "服务", "参与", "物业", "统计"])
            #expect(summaries.contains("系统"))
            #expect(admin.text.contains("<details class=\"navsec\" data-current><summary>诉求</summary>"))
            #expect(admin.text.contains("<a href=\"/cases/hotline\" aria-current=\"page\">热线录入</a>"))
            #expect(admin.text.contains("<a class=\"skip\" href=\"#main\">跳到正文</a>"))
            #expect(admin.text.contains("<main id=\"main\""))
            #expect(!resident.text.contains("navsec"))
            #expect(resident.text.contains("<a href=\"/\" aria-current=\"page\">首页</a>"))
        }
    }
}
