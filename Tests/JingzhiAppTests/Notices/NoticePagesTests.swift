import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The pages: staff compose, preview the reach and publish; the resident's home opens on the unread notice; care mode
/// is remembered; the public board and the poster show only what is public.
@Suite struct NoticesPagesTests {
    static func location(_ res: TestingHTTPResponse) -> String { res.headers.first(name: .location) ?? "" }

    /// The home's tiles, without the navigation (which has links of the same names).
    static func tiles(_ res: TestingHTTPResponse) -> String {
        guard let start = res.text.range(of: "class=\"big-actions tiles\""), let end = res.text[start.upperBound...].range(of: "</nav>") else { return "" }
        return String(res.text[start.upperBound..<end.lowerBound])
    }

    @Test func staffPreviewTheReachThenPublishAndTheResidentsHomeOpensOnIt() async throws {
        try await withDemoApp { app in
            // setup
            let grid = try await app.node("YT-GT-01-G01")
            let expected = try await NoticeFixture.residents(app, under: "YT-GT-01-G01")
            let staff = try await WebSession.login(app, "gt01_community")
            let form = try await staff.get("/notices/new")
            let fields: [(String, String)] = [("title", "停水通知"), ("body", "明天**全天停水**\n- 请提前储水\n<script>alert(1)</script>"),
                                              ("nodeIds[]", grid.id!.uuidString), ("audiences[]", "residents"), ("urgent", "1")]
            // act
            let preview = try await staff.post("/notices/new", fields + [("step", "preview")])
            let sent = try await staff.post("/notices/new", fields + [("step", "send")])
            let page = try await staff.get(Self.location(sent))
            let resident = try await WebSession.login(app, "resident_demo")
            let home = try await resident.get("/")
            let notice = try await resident.get(Self.location(sent))
            let homeAfter = try await resident.get("/")
            // check
            #expect(form.text.contains("name=\"nodeIds[]\"") && form.text.contains("第一网格"))
            #expect(preview.status == .ok && preview.text.contains("将送达 <b>\(expected)</b>"))
            #expect(preview.text.contains("停水通知"), "the form keeps what was typed")
            #expect(try await Notice.query(on: app.db).count() == 1)
            #expect(sent.status == .seeOther && page.text.contains("通知已发布，送达 \(expected) 人"))
            #expect(page.text.contains("id=\"receipts\"") && page.text.contains("第一网格"))
            let unread = try #require(home.text.range(of: "id=\"home-notices\""))
            let tiles = try #require(home.text.range(of: "class=\"big-actions tiles\""))
            #expect(unread.lowerBound < tiles.lowerBound, "unread notices come before the tiles")
            #expect(home.text.contains("停水通知") && home.text.contains(">我要反映</a>") && home.text.contains(">缴费</a>"))
            #expect(home.text.contains(">通知公告<span class=\"badge\">1</span></a>"))
            #expect(notice.text.contains("<b>全天停水</b>") && notice.text.contains("<li>请提前储水</li>"))
            #expect(notice.text.contains("&lt;script&gt;") && !notice.text.contains("<script>alert"))
            #expect(notice.text.contains("我已知晓"))
            #expect(!homeAfter.text.contains("id=\"home-notices\""), "read, it leaves the top of the home")
        }
    }

    @Test func aFormThatReachesNobodyIsExplainedAndNothingIsSent() async throws {
        try await withDemoApp { app in
            // setup
            let staff = try await WebSession.login(app, "gt01_community")
            _ = try await staff.get("/notices/new")
            let grid = try await app.node("YT-GT-01-G01")
            // act
            let missing = try await staff.post("/notices/new", [("title", "停水通知"), ("body", "明天停水"), ("step", "send")])
            let partnersOnly = try await staff.post("/notices/new", [("title", "停水通知"), ("body", "明天停水"), ("nodeIds[]", grid.id!.uuidString),
                                                                     ("audiences[]", "partners"), ("step", "send")])
            // check
            #expect(missing.status == .unprocessableEntity && missing.text.contains("发送范围"))
            #expect(partnersOnly.status == .unprocessableEntity && partnersOnly.text.contains("不会送达任何人"))
            #expect(try await Notice.query(on: app.db).count() == 0)
        }
    }

    @Test func careModeIsRememberedForTheAccountAndShowsFewerLargerTiles() async throws {
        try await withDemoApp { app in
            // setup
            let web = try await WebSession.login(app, "resident_demo")
            let before = try await web.get("/")
            // act
            let on = try await web.post("/home/care-mode", [("on", "1")])
            let after = try await web.get("/")
            let nextLogin = try await (try await WebSession.login(app, "resident_demo")).get("/")
            // check
            #expect(!before.text.contains("<body class=\"care\">") && Self.tiles(before).contains(">议事厅</a>"))
            #expect(on.status == .seeOther)
            #expect(after.text.contains("<body class=\"care\">") && after.text.contains("已开启长辈模式"))
            #expect(Self.tiles(after).contains(">我要反映</a>") && !Self.tiles(after).contains(">议事厅</a>"), "care mode keeps the essential tiles only")
            #expect(nextLogin.text.contains("<body class=\"care\">"), "remembered for the account, not the browser")
        }
    }

    @Test func thePublicBoardShowsPublicNoticesWithoutLoginAndThePosterHasAQRCode() async throws {
        try await withDemoApp { app in
            // setup
            let open = try await NoticeFixture.notice(app, to: ["YT-GT-01"], extra: #","public":true"#)
            let inside = try await NoticeFixture.notice(app, to: ["YT-GT-01"])
            let compound = try #require(try await OrgNode.query(on: app.db).within(DataScope(rootPath: try await app.node("YT-GT-01").path))
                .filter(\.$kindRaw == NodeKind.compound.rawValue).first())
            let anonymous = WebSession(app)
            // act
            let board = try await anonymous.get("/board/\(compound.code)")
            let otherBoard = try await anonymous.get("/board/\(try await app.node("YT-BH-01").code)")
            let publicPage = try await anonymous.get("/board/notices/\(open)")
            let internalPage = try await anonymous.get("/board/notices/\(inside)")
            let poster = try await (try await WebSession.login(app, "gt01_community")).get("/notices/\(open)/poster")
            let residentPoster = try await (try await WebSession.login(app, "resident_demo")).get("/notices/\(open)/poster")
            // check
            #expect(board.status == .ok && board.text.contains("/board/notices/\(open)") && !board.text.contains(inside.uuidString))
            #expect(otherBoard.status == .ok && !otherBoard.text.contains(open.uuidString))
            #expect(publicPage.status == .ok && publicPage.text.contains("燃气管道检修通知"))
            #expect(internalPage.status == .notFound)
            #expect(poster.status == .ok && poster.text.contains("<svg") && poster.text.contains("/board/notices/\(open)"))
            #expect(residentPoster.status == .notFound)
        }
    }
}
