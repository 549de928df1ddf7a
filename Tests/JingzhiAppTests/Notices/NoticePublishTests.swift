import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Reach: the number staff see before sending is the number of rows written; publishing (now, later, retried) writes
/// each person once.
@Suite struct NoticesPublishTests {
    @Test func thePreviewEqualsTheRecipientsWrittenAndTheRegisterCount() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let expected = try await NoticeFixture.residents(app, under: "YT-GT-01-G01")
            // act
            let preview = try await app.api(.POST, "/api/v1/notices/preview", token: token, json: try await NoticeFixture.body(app, to: ["YT-GT-01-G01"]))
            let id = try await NoticeFixture.notice(app, to: ["YT-GT-01-G01"])
            let shown = try await app.api(.GET, "/api/v1/notices/\(id)", token: token)
            // check
            let reach = try #require(try preview.json()["recipients"] as? Int)
            #expect(reach == expected && reach > 0)
            #expect(try shown.json()["recipients"] as? Int == reach)
            #expect(try await NoticeFixture.rows(app, id) == reach)
        }
    }

    @Test func tagsNarrowTheResidentsAndOverlappingTargetsCountEachPersonOnce() async throws {
        try await withDemoApp { app in
            // setup: the most common tag in 古亭社区
            let node = try await app.node("YT-GT-01")
            let tags = try await ResidentTag.query(on: app.db).within(DataScope(rootPath: node.path)).all().map(\.tag)
            let tag = try #require(Dictionary(grouping: tags, by: { $0 }).max { $0.value.count < $1.value.count }?.key)
            let tagged = try await NoticeFixture.residents(app, under: "YT-GT-01", tag: tag)
            let everyone = try await NoticeFixture.residents(app, under: "YT-GT-01")
            // act: the community and one of its grids, both narrowed to the tag; then the community with grid workers too
            let narrowed = try await NoticeFixture.notice(app, to: ["YT-GT-01", "YT-GT-01-G01"], tags: [tag])
            let withWorkers = try await NoticeFixture.notice(app, to: ["YT-GT-01"], extra: #","audiences":["residents","grid_workers"]"#)
            // check
            #expect(tagged > 0 && tagged < everyone)
            #expect(try await NoticeFixture.rows(app, narrowed) == tagged)
            let workers = try await NoticeRecipient.query(on: app.db).filter(\.$noticeID == withWorkers).filter(\.$audience == "grid_workers").count()
            #expect(workers >= 1, "gt01_grid works in 第一网格")
            #expect(try await NoticeFixture.rows(app, withWorkers) == everyone + workers)
        }
    }

    @Test func rowsWrittenByTheDatabaseCarryThePersonKeysAndAudiencesOfEachPerson() async throws {
        try await withDemoApp { app in
            // setup
            let node = try await app.node("YT-GT-01")
            let residents = try await Resident.query(on: app.db).within(DataScope(rootPath: node.path)).all()
            // act: residents and grid workers, written by INSERT … SELECT
            let id = try await NoticeFixture.notice(app, to: ["YT-GT-01"], extra: #","audiences":["residents","grid_workers","staff"]"#)
            let rows = try await NoticeRecipient.query(on: app.db).filter(\.$noticeID == id).all()
            // check
            let byResident = Dictionary(grouping: rows.compactMap { r in r.residentID.map { ($0, r) } }, by: \.0)
            #expect(Set(byResident.keys) == Set(residents.compactMap(\.id)), "every resident of the community, once")
            #expect(byResident.allSatisfy { id, rs in rs.count == 1 && rs[0].1.personKey == "r:" + id.uuidString && rs[0].1.audience == "residents" })
            let accounts = rows.filter { $0.userID != nil }
            let grid = try #require(try await User.query(on: app.db).filter(\.$username == "gt01_grid").first())
            let staff = try #require(try await User.query(on: app.db).filter(\.$username == "gt01_community").first())
            #expect(accounts.contains { $0.userID == grid.id && $0.personKey == "u:" + grid.id!.uuidString && $0.audience == "grid_workers" })
            #expect(accounts.contains { $0.userID == staff.id && $0.audience == "staff" })
            #expect(Set(rows.map(\.id)).count == rows.count && rows.allSatisfy { $0.readAt == nil })
            #expect(try await Notice.find(id, on: app.db)?.recipientCount == rows.count)
            // the resident reads it through their own row
            let demo = try await app.token("resident_demo")
            let read = try await app.api(.POST, "/api/v1/me/notices/\(id)/read", token: demo)
            #expect(read.status == .ok, "\(read.text)")
        }
    }

    @Test func publishingAgainWritesNothingTwice() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await NoticeFixture.notice(app, to: ["YT-GT-01"], urgent: true)
            let rows = try await NoticeFixture.rows(app, id)
            let messages = try await OutboundMessage.query(on: app.db).count()
            let token = try await app.token("gt01_community")
            // act: a retried publish over the API, and a second server holding the notice as it was before publishing
            let retry = try await app.api(.POST, "/api/v1/notices/\(id)/publish", token: token)
            let stale = try #require(try await Notice.find(id, on: app.db))
            stale.stateRaw = NoticeState.scheduled.rawValue
            stale.version = 1
            let second = try await NoticeService(db: app.db, now: app.clock.now()).publishing(stale, role: .system)
            // check
            #expect(try retry.status == .ok && (try retry.json()["recipients"] as? Int) == rows)
            #expect(second.wrote == false && second.notice.state == .published)
            #expect(try await NoticeFixture.rows(app, id) == rows)
            #expect(try await OutboundMessage.query(on: app.db).count() == messages)
            #expect(try await LifecycleEvent.history("notice", id, on: app.db).filter { $0.action == "publish" }.count == 1)
        }
    }

    @Test func aScheduledNoticeWaitsThenTheSchedulerPublishesItOnce() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(ISOTime.parse("2026-12-01T02:00:00Z")!)
            let token = try await app.token("gt01_community")
            let resident = try await app.token("resident_demo")
            // act
            let res = try await NoticeFixture.send(app, to: ["YT-GT-01-G01"], extra: #","publishAt":"2026-12-01T18:00:00+08:00""#)
            let id = try #require((try res.json()["id"] as? String).flatMap(UUID.init(uuidString:)))
            let early = await NoticeScheduler.tick(app)
            let beforeTime = try await app.api(.GET, "/api/v1/me/notices", token: resident)
            app.clock.advance(9 * 3600)
            let first = await NoticeScheduler.tick(app)
            let second = await NoticeScheduler.tick(app)
            // check
            #expect(try res.status == .created && (try res.json()["state"] as? String) == "scheduled" && (try res.json()["recipients"] as? Int) == 0)
            #expect(try early.published == 0 && (try beforeTime.jsonArray().isEmpty))
            #expect(first.published == 1 && second.published == 0)
            let after = try await app.api(.GET, "/api/v1/notices/\(id)", token: token)
            #expect(try (try after.json()["state"] as? String) == "published")
            #expect(try await NoticeFixture.rows(app, id) == (try after.json()["recipients"] as? Int))
            #expect(try await app.api(.GET, "/api/v1/me/notices", token: resident).jsonArray().count == 1)
            let history = try await LifecycleEvent.history("notice", id, on: app.db)
            #expect(history.last?.actorName == "定时发布")
        }
    }

    @Test func anExpiredNoticeIsNoLongerShownToResidents() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(ISOTime.parse("2026-12-01T02:00:00Z")!)
            let resident = try await app.token("resident_demo")
            let bad = try await NoticeFixture.send(app, to: ["YT-GT-01-G01"], extra: #","expiresAt":"2026-11-30T18:00:00+08:00""#)
            _ = try await NoticeFixture.notice(app, to: ["YT-GT-01-G01"], extra: #","expiresAt":"2026-12-02T18:00:00+08:00""#)
            let during = try await app.api(.GET, "/api/v1/me/notices", token: resident)
            // act
            app.clock.advance(2 * 86400)
            let after = try await app.api(.GET, "/api/v1/me/notices", token: resident)
            // check
            #expect(bad.status == .unprocessableEntity && bad.errorField == "expiresAt")
            #expect(try during.jsonArray().count == 1 && (try after.jsonArray().isEmpty))
        }
    }
}
