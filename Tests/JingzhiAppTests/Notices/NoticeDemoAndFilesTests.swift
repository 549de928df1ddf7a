import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The demo's notices (an urgent one partly read, resident_demo's row unread, seeding twice writes nothing), and
/// attachments: checked by their bytes, served only to whoever may read the notice.
@Suite struct NoticesDemoAndFilesTests {
    @Test func theDemoHasAnUrgentNoticePartlyReadAndSeedingTwiceWritesNothing() async throws {
        try await withDemoApp { app in
            // setup
            let county = try await app.node("YT")
            // act
            let made = try await NoticeDemo.seed(under: county, asOf: DemoPlan.referenceDay, on: app.db)
            let again = try await NoticeDemo.seed(under: county, asOf: DemoPlan.referenceDay, on: app.db)
            // check
            #expect(made == NoticeDemo.plans().count && again == 0)
            let urgent = try #require(try await Notice.query(on: app.db).filter(\.$urgent == true).first())
            let rows = try await NoticeRecipient.query(on: app.db).filter(\.$noticeID == urgent.id!).all()
            let read = rows.filter { $0.readAt != nil }.count
            #expect(read > 0 && read < rows.count, "partly read")
            #expect(rows.contains { $0.ackedAt != nil } && rows.contains { $0.deliveredAt != nil })
            let mine = try await app.api(.GET, "/api/v1/me/notices", token: try await app.token("resident_demo"))
            let entry = try #require(try mine.jsonArray().first { $0["id"] as? String == urgent.id!.uuidString })
            #expect(entry["readAt"] == nil, "resident_demo still has it to read")
        }
    }

    @Test func picturesAndPDFsAreCheckedByTheirBytesAndServedOnlyToReaders() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await NoticeFixture.notice(app, to: ["YT-GT-01-G01"])
            let notice = try #require(try await Notice.find(id, on: app.db))
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0, count: 32))
            let pdf = Data("%PDF-1.4\n%…".utf8)
            // act
            await #expect(throws: APIError.self) {
                try await NoticeFiles.add([("notes.txt", Data("not a picture".utf8))], to: notice, on: app.db, now: app.clock.now())
            }
            try await NoticeFiles.add([("停水示意图.png", png), ("通知原文.pdf", pdf)], to: notice, on: app.db, now: app.clock.now())
            let files = try await NoticeAttachment.query(on: app.db).filter(\.$noticeID == id).sort(\.$fileName).all()
            let pdfFile = try #require(files.first { $0.contentType == "application/pdf" })
            let resident = try await WebSession.login(app, "resident_demo")
            let page = try await resident.get("/notices/\(id)")
            let served = try await resident.get("/notices/\(id)/attachments/\(pdfFile.id!)")
            let outsider = try await (try await WebSession.login(app, "bh01_community")).get("/notices/\(id)/attachments/\(pdfFile.id!)")
            let anonymous = try await WebSession(app).get("/board/notices/\(id)/files/\(pdfFile.id!)")
            // check
            #expect(files.count == 2, "the text file stored nothing")
            #expect(page.text.contains("通知原文.pdf") && page.text.contains("<img src=\"/notices/\(id)/attachments/"))
            #expect(served.status == .ok && served.headers.contentType?.description == "application/pdf")
            #expect(served.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(outsider.status == .notFound && anonymous.status == .notFound, "not public: only its readers get the file")
        }
    }
}
