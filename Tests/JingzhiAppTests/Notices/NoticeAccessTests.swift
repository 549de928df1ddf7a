import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Who may send, read and act on notices: every refusal is what the person would see.
@Suite struct NoticesAccessTests {
    @Test func communityStaffCannotTargetAnotherCommunityAndGridWorkersCannotSend() async throws {
        try await withDemoApp { app in
            // act
            let elsewhere = try await NoticeFixture.send(app, to: ["YT-GT-02"])
            let mixed = try await NoticeFixture.send(app, to: ["YT-GT-01-G01", "YT-BH-01"])
            let worker = try await NoticeFixture.send(app, as: "gt01_grid", to: ["YT-GT-01-G01"])
            let resident = try await NoticeFixture.send(app, as: "resident_demo", to: ["YT-GT-01-G01"])
            let preview = try await app.api(.POST, "/api/v1/notices/preview", token: try await app.token("gt01_community"),
                                            json: try await NoticeFixture.body(app, to: ["YT-BH-01"]))
            // check
            #expect(elsewhere.status == .notFound && elsewhere.errorCode == "unknown_node")
            #expect(mixed.status == .notFound, "one target outside the area refuses the whole notice")
            #expect(worker.status == .forbidden && resident.status == .forbidden)
            #expect(preview.status == .notFound, "not even the reach of another community is told")
            #expect(try await Notice.query(on: app.db).count() == 0)
        }
    }

    @Test func aNoticeReachingNobodyOrWithAnUnknownTagIsRefusedWithTheReason() async throws {
        try await withDemoApp { app in
            // setup: partners of 古亭社区 are bound to the community itself, so none lies inside its 第一网格
            let node = try await app.node("YT-GT-01")
            // act
            let nobody = try await NoticeFixture.send(app, to: ["YT-GT-01-G01"], extra: #","audiences":["partners"]"#)
            let unknown = try await NoticeFixture.send(app, to: ["YT-GT-01"], tags: ["外星人"])
            let noTitle = try await app.api(.POST, "/api/v1/notices", token: try await app.token("gt01_community"),
                                            json: #"{"title":"","body":"x","targets":[{"nodeId":"\#(node.id!)"}]}"#)
            let badAudience = try await NoticeFixture.send(app, to: ["YT-GT-01"], extra: #","audiences":["everyone"]"#)
            // check
            #expect(nobody.status == .unprocessableEntity && nobody.errorCode == "reaches_nobody")
            #expect(nobody.text.contains("不会送达任何人"))
            #expect(unknown.status == .unprocessableEntity && unknown.errorField == "tags" && unknown.text.contains("外星人"))
            #expect(noTitle.status == .unprocessableEntity && noTitle.errorField == "title")
            #expect(badAudience.status == .unprocessableEntity && badAudience.errorField == "audiences")
            #expect(try await Notice.query(on: app.db).count() == 0)
        }
    }

    @Test func aResidentCannotReadANoticeNotAddressedToThem() async throws {
        try await withDemoApp { app in
            // setup: one to 第二网格 (not resident_demo's), one to 站前社区 by the street above it
            let otherGrid = try await NoticeFixture.notice(app, to: ["YT-GT-01-G02"])
            let token = try await app.token("resident_demo")
            // act
            let api = try await app.api(.GET, "/api/v1/notices/\(otherGrid)", token: token)
            let read = try await app.api(.POST, "/api/v1/me/notices/\(otherGrid)/read", token: token)
            let mine = try await app.api(.GET, "/api/v1/me/notices", token: token)
            let web = try await WebSession.login(app, "resident_demo")
            let page = try await web.get("/notices/\(otherGrid)")
            let receipts = try await app.api(.GET, "/api/v1/notices/\(otherGrid)/receipts", token: token)
            // check
            #expect(api.status == .notFound && read.status == .notFound && page.status == .notFound && receipts.status == .notFound)
            #expect(try mine.jsonArray().isEmpty)
            #expect(try await NoticeRecipient.query(on: app.db).filter(\.$readAt != nil).count() == 0)
        }
    }

    @Test func aWithdrawnNoticeDisappearsForResidentsButStaysInTheRecord() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await NoticeFixture.notice(app, to: ["YT-GT-01-G01"])
            let resident = try await app.token("resident_demo"), staff = try await app.token("gt01_community")
            let before = try await app.api(.GET, "/api/v1/me/notices", token: resident)
            // act
            let noReason = try await app.api(.POST, "/api/v1/notices/\(id)/withdraw", token: staff, json: "{}")
            let stale = try await app.api(.POST, "/api/v1/notices/\(id)/withdraw", token: staff, json: #"{"note":"发错了","version":1}"#)
            let withdrawn = try await app.api(.POST, "/api/v1/notices/\(id)/withdraw", token: staff, json: #"{"note":"时间有变，另行通知"}"#)
            let again = try await app.api(.POST, "/api/v1/notices/\(id)/withdraw", token: staff, json: #"{"note":"再撤一次"}"#)
            let byWorker = try await app.api(.POST, "/api/v1/notices/\(id)/withdraw", token: try await app.token("gt01_grid"), json: #"{"note":"x"}"#)
            // check
            #expect(try before.jsonArray().count == 1)
            #expect(noReason.status == .unprocessableEntity && noReason.errorField == "note")
            #expect(stale.status == .conflict && stale.errorCode == "notice_changed")
            #expect(try withdrawn.status == .ok && (try withdrawn.json()["state"] as? String) == "withdrawn")
            #expect(again.status == .conflict && again.errorCode == "illegal_transition")
            #expect(byWorker.status == .forbidden)
            #expect(try await app.api(.GET, "/api/v1/me/notices", token: resident).jsonArray().isEmpty)
            #expect(try await app.api(.GET, "/api/v1/notices/\(id)", token: resident).status == .notFound)
            #expect(try await app.api(.POST, "/api/v1/me/notices/\(id)/read", token: resident).status == .notFound)
            // Staff still find it, with its recipients and why it went.
            let kept = try await app.api(.GET, "/api/v1/notices/\(id)", token: staff)
            #expect(try kept.status == .ok && (try kept.json()["state"] as? String) == "withdrawn")
            #expect(try await NoticeFixture.rows(app, id) > 0)
            let history = try await LifecycleEvent.history("notice", id, on: app.db)
            #expect(history.map(\.toState) == ["published", "withdrawn"] && history.last?.note == "时间有变，另行通知")
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entity == "notice").filter(\.$action == "withdraw").count()
            #expect(audit == 1)
        }
    }

    @Test func staffOfAnotherStreetNeitherSeeNorWithdrawANotice() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await NoticeFixture.notice(app, to: ["YT-GT-01"])
            let other = try await app.token("bh01_community")
            // act
            let read = try await app.api(.GET, "/api/v1/notices/\(id)", token: other)
            let withdraw = try await app.api(.POST, "/api/v1/notices/\(id)/withdraw", token: other, json: #"{"note":"x"}"#)
            let list = try await app.api(.GET, "/api/v1/notices", token: other)
            let street = try await app.api(.GET, "/api/v1/notices", token: try await app.token("gt_street"))
            // check
            #expect(read.status == .notFound && withdraw.status == .notFound)
            #expect(try list.jsonArray().isEmpty)
            #expect(try street.jsonArray().map { $0["id"] as? String } == [id.uuidString], "the street above sees its community's notice")
        }
    }
}
