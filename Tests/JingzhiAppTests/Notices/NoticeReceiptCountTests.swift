import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Receipts per grid from one grouped scan equal the rows counted one by one; recipient ids count up under the notice's
/// own prefix and a second write adds nobody; the assessment's reach counts what the rows say.
@Suite struct NoticeReceiptCountTests {
    /// Rows of the notice under `path`: recipients, read, delivered, acknowledged, neither read nor delivered.
    static func counted(_ rows: [NoticeRecipient], under path: String) -> [Int] {
        let inside = rows.filter { $0.nodePath.hasPrefix(path) }
        return [inside.count, inside.filter { $0.readAt != nil }.count, inside.filter { $0.deliveredAt != nil }.count,
                inside.filter { $0.ackedAt != nil }.count, inside.filter { !$0.reached }.count]
    }

    @Test func aStreetsReceiptsPerGridMatchTheRowsCountedOneByOne() async throws {
        try await withDemoApp { app in
            // setup: residents and staff of 古亭社区 (staff sit outside any grid), a few read, one acknowledged, one told at the door
            let id = try await NoticeFixture.notice(app, to: ["YT-GT-01"], urgent: true, extra: #","audiences":["residents","grid_workers","staff"]"#)
            let rows = try await NoticeRecipient.query(on: app.db).filter(\.$noticeID == id).sort(\.$nodePath).all()
            let now = app.clock.now()
            for (i, r) in rows.enumerated() where i % 3 == 0 {
                r.readAt = now
                if i % 6 == 0 { r.ackedAt = now }
                try await r.save(on: app.db)
            }
            let door = try #require(rows.last { $0.residentID != nil && $0.readAt == nil })
            door.deliveredAt = now
            try await door.save(on: app.db)
            let notice = try #require(try await Notice.find(id, on: app.db))
            let all = try await NoticeRecipient.query(on: app.db).filter(\.$noticeID == id).all()
            // act
            let street = try await NoticeReceipts(db: app.db, now: now).perGrid(notice, for: try await NoticeFixture.actor(app, "gt_street"))
            let worker = try await NoticeReceipts(db: app.db, now: now).perGrid(notice, for: try await NoticeFixture.actor(app, "gt01_grid"))
            // check
            func numbers(_ l: NoticeReceipts.GridLine) -> [Int] { [l.recipients, l.read, l.delivered, l.acked, l.unreached] }
            let community = try await app.node("YT-GT-01")
            #expect(numbers(street.total) == Self.counted(all, under: community.path) && street.total.recipients == notice.recipientCount)
            let grids = try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.grid.rawValue).within(DataScope(rootPath: community.path)).all()
            for g in grids where !Self.counted(all, under: g.path).allSatisfy({ $0 == 0 }) {
                let line = try #require(street.grids.first { $0.gridID == g.id }, "a line for \(g.name)")
                #expect(numbers(line) == Self.counted(all, under: g.path), "\(g.name)")
            }
            let rest = try #require(street.grids.last)
            #expect(rest.gridID == nil && rest.recipients == all.filter { r in !grids.contains { r.nodePath.hasPrefix($0.path) } }.count && rest.recipients > 0,
                    "the staff outside any grid are the last line")
            let g01 = try await app.node("YT-GT-01-G01")
            #expect(numbers(worker.total) == Self.counted(all, under: g01.path) && worker.grids.count == 1 && worker.grids[0].gridID == g01.id)
        }
    }

    @Test func idsCountUpUnderTheNoticeAndASecondWriteAddsNobodyAndReachCountsTheRows() async throws {
        try await withDemoApp { app in
            // setup: one instant for the whole test (the window below is a minute either side of it, and a busy machine
            // can take longer than that between the first notice and the counts)
            app.clock.set(app.clock.now())
            let first = try await NoticeFixture.notice(app, to: ["YT-GT-01"], extra: #","audiences":["residents","grid_workers"]"#)
            let second = try await NoticeFixture.notice(app, to: ["YT-GT-01"])
            let notice = try #require(try await Notice.find(first, on: app.db))
            let reach = try await NoticeService(db: app.db, now: app.clock.now()).reach(of: notice)
            let resident = try #require(try await NoticeRecipient.query(on: app.db).filter(\.$noticeID == first).filter(\.$residentID != nil).first())
            resident.readAt = app.clock.now()
            try await resident.save(on: app.db)
            // act
            let again = try await reach.insertRecipients(first, on: app.db)
            let community = try await app.node("YT-GT-01")
            let counted = try await NoticeReceipts.reach(under: community.path, from: app.clock.now().addingTimeInterval(-60),
                                                         to: app.clock.now().addingTimeInterval(60), on: app.db)
            let outside = try await NoticeReceipts.reach(under: try await app.node("YT-GT-02").path, from: app.clock.now().addingTimeInterval(-60),
                                                         to: app.clock.now().addingTimeInterval(60), on: app.db)
            // check
            let a = try await NoticeRecipient.query(on: app.db).filter(\.$noticeID == first).all()
            let b = try await NoticeRecipient.query(on: app.db).filter(\.$noticeID == second).all()
            #expect(again == a.count && a.count == notice.recipientCount, "a second write adds nobody")
            #expect(Set(a.map(\.personKey)).count == a.count)
            let prefix = String(first.uuidString.prefix(24))
            #expect(a.allSatisfy { $0.id!.uuidString.hasPrefix(prefix) } && Set((a + b).map(\.id)).count == a.count + b.count)
            let residentsInOrder = a.filter { $0.residentID != nil }.sorted { $0.id!.uuidString < $1.id!.uuidString }.map(\.nodePath)
            #expect(residentsInOrder == residentsInOrder.sorted(), "ids follow the path order")
            let window = try await Notice.query(on: app.db).filter(\.$publishedAt >= app.clock.now().addingTimeInterval(-60))
                .filter(\.$publishedAt < app.clock.now().addingTimeInterval(60)).all().compactMap(\.id)
            let expected = try await NoticeRecipient.query(on: app.db).filter(\.$noticeID ~~ window).all().filter { $0.nodePath.hasPrefix(community.path) }
            #expect(window.contains(first) && window.contains(second))
            #expect(counted.recipients == expected.count && counted.reached == expected.filter(\.reached).count && counted.reached >= 1)
            let second02 = try await app.node("YT-GT-02").path
            #expect(outside.recipients == (try await NoticeRecipient.query(on: app.db).filter(\.$noticeID ~~ window).all()).filter { $0.nodePath.hasPrefix(second02) }.count,
                    "only rows under 第二社区 count there")
        }
    }
}
