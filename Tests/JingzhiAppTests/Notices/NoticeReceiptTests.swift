import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Read receipts move when a resident reads; urgent notices are acknowledged; a grid worker sees who in their grid has
/// not read and marks a resident told at the door, never one outside the grid.
@Suite struct NoticesReceiptTests {
    static func count(_ res: TestingHTTPResponse, _ key: String) throws -> Int { try #require(try res.json()[key] as? Int) }

    @Test func aResidentReadingAndAcknowledgingMovesTheSendersReceipts() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await NoticeFixture.notice(app, to: ["YT-GT-01"], urgent: true)
            let staff = try await app.token("gt01_community"), resident = try await app.token("resident_demo")
            let before = try await app.api(.GET, "/api/v1/notices/\(id)/receipts", token: staff)
            // act
            let read = try await app.api(.POST, "/api/v1/me/notices/\(id)/read", token: resident)
            let readAgain = try await app.api(.POST, "/api/v1/me/notices/\(id)/read", token: resident)
            let ack = try await app.api(.POST, "/api/v1/me/notices/\(id)/ack", token: resident)
            let after = try await app.api(.GET, "/api/v1/notices/\(id)/receipts", token: staff)
            // check
            #expect(try Self.count(before, "read") == 0 && (try Self.count(before, "recipients")) > 0)
            #expect(try read.status == .ok && (try read.json()["readAt"] as? String) != nil)
            #expect(try (try readAgain.json()["readAt"] as? String) == (try read.json()["readAt"] as? String), "the first read counts")
            #expect(try ack.status == .ok && (try ack.json()["ackedAt"] as? String) != nil)
            #expect(try Self.count(after, "read") == 1 && (try Self.count(after, "acknowledged")) == 1)
            let grids = try #require(try after.json()["grids"] as? [[String: Any]])
            let g01 = try #require(grids.first { $0["name"] as? String == "第一网格" })
            #expect(g01["read"] as? Int == 1, "the read lands in the resident's grid")
            #expect(try grids.compactMap { $0["recipients"] as? Int }.reduce(0, +) == (try Self.count(after, "recipients")))
        }
    }

    @Test func onlyUrgentNoticesAskForAcknowledgement() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await NoticeFixture.notice(app, to: ["YT-GT-01-G01"])
            // act
            let ack = try await app.api(.POST, "/api/v1/me/notices/\(id)/ack", token: try await app.token("resident_demo"))
            // check
            #expect(ack.status == .conflict && ack.errorCode == "no_ack_needed")
        }
    }

    @Test func aGridWorkerSeesWhoHasNotReadAndMarksOneToldInPerson() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await NoticeFixture.notice(app, to: ["YT-GT-01"], urgent: true)
            let residentID = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first()?.residentID)
            let resident = try #require(try await Resident.find(residentID, on: app.db))
            let worker = try await WebSession.login(app, "gt01_grid")
            // act
            let list = try await worker.get("/notices/\(id)/unreached")
            let mine = try #require(try await NoticeRecipient.query(on: app.db).filter(\.$noticeID == id).filter(\.$residentID == residentID).first())
            let outside = try #require(try await NoticeRecipient.query(on: app.db).filter(\.$noticeID == id)
                .filter(\.$nodePath >= (try await app.node("YT-GT-01-G02")).path).filter(\.$residentID != nil).sort(\.$nodePath).first())
            let told = try await worker.post("/notices/\(id)/recipients/\(mine.id!)/delivered", [])
            let afterList = try await worker.get("/notices/\(id)/unreached")
            let forged = try await worker.post("/notices/\(id)/recipients/\(outside.id!)/delivered", [])
            let noToken = try await worker.post("/notices/\(id)/recipients/\(mine.id!)/delivered", [], csrf: "forged")
            // check
            #expect(list.status == .ok && list.text.contains(resident.name))
            #expect(!list.text.contains(outside.id!.uuidString), "only residents of the worker's grid are listed")
            #expect(told.status == .seeOther)
            #expect(!afterList.text.contains(mine.id!.uuidString) && afterList.text.contains("已记录上门告知"))
            #expect(forged.status == .notFound)
            #expect(noToken.status == .forbidden)
            let stored = try #require(try await NoticeRecipient.find(mine.id, on: app.db))
            #expect(stored.deliveredAt != nil && stored.readAt == nil)
            #expect(try await NoticeRecipient.find(outside.id, on: app.db)?.deliveredAt == nil)
            let receipts = try await app.api(.GET, "/api/v1/notices/\(id)/receipts", token: try await app.token("gt01_grid"))
            #expect(try Self.count(receipts, "delivered") == 1)
            #expect(try Self.count(receipts, "recipients") == (try await NoticeFixture.residents(app, under: "YT-GT-01-G01")),
                    "a grid worker's receipts cover their grid only")
        }
    }

    @Test func aResidentCannotMarkDeliveriesOrReadTheDoorList() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await NoticeFixture.notice(app, to: ["YT-GT-01-G01"], urgent: true)
            let row = try #require(try await NoticeRecipient.query(on: app.db).filter(\.$noticeID == id).first())
            let web = try await WebSession.login(app, "resident_demo")
            // act
            let list = try await web.get("/notices/\(id)/unreached")
            let mark = try await web.post("/notices/\(id)/recipients/\(row.id!)/delivered", [])
            // check
            #expect(list.status == .forbidden && mark.status == .forbidden)
            #expect(try await NoticeRecipient.find(row.id, on: app.db)?.deliveredAt == nil)
        }
    }
}
