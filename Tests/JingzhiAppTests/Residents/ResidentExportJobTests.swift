import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The register's Excel export as a background job: progress any server can report, the file for the requester only.
@Suite struct ResidentExportJobTests {
    static func start(_ app: Application, as user: String, query: String = "") async throws -> (TestingHTTPResponse, String) {
        let token = try await app.token(user)
        let res = try await app.api(.POST, "/api/v1/residents/export-jobs" + query, token: token)
        return (res, token)
    }

    @Test func aJobRunsInTheBackgroundAndOnlyItsRequesterDownloadsTheFile() async throws {
        try await withDemoApp { app in
            app.exportJobsStartAtOnce = false
            let (started, token) = try await Self.start(app, as: "gt01_community")
            #expect(started.status == .accepted)
            let job = try started.json()
            let id = try #require(job["id"] as? String)
            #expect(job["status"] as? String == "queued" && job["rowsDone"] as? Int == 0 && job["download"] == nil)
            // before it has run there is nothing to download; a stranger does not even learn it exists
            try await app.api(.GET, "/api/v1/residents/export-jobs/\(id)/download", token: token) { #expect($0.status == .conflict) }
            let other = try await app.token("bh01_community")
            try await app.api(.GET, "/api/v1/residents/export-jobs/\(id)", token: other) { #expect($0.status == .notFound) }
            // act: the job runs (on whichever server claims it); a second claim finds nothing to do
            await ResidentExportJobs.run(app, try #require(UUID(uuidString: id)))
            await ResidentExportJobs.run(app, try #require(UUID(uuidString: id)))
            // assert: progress says all rows, and the workbook holds exactly the community's residents
            let people = try await Resident.query(on: app.db).within(DataScope(rootPath: try await app.node("YT-GT-01").path)).count()
            let done = try await app.api(.GET, "/api/v1/residents/export-jobs/\(id)", token: token).json()
            #expect(done["status"] as? String == "done" && done["rowsDone"] as? Int == people && done["rowsTotal"] as? Int == people)
            let file = try await app.api(.GET, "/api/v1/residents/export-jobs/\(id)/download", token: token)
            #expect(file.status == .ok && file.headers.contentType == Spreadsheet.mediaType)
            let rows = try Spreadsheet.read(Data(buffer: file.body))
            #expect(rows.count - 1 == people)
            try await app.api(.GET, "/api/v1/residents/export-jobs/\(id)/download", token: other) { #expect($0.status == .notFound) }
            let jobID = try #require(UUID(uuidString: id))
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entityID == jobID).all()
            #expect(Set(audit.map(\.action)) == ["export", "download"])
        }
    }

    @Test func filtersAreKeptAndRolesWithoutExportAreRefused() async throws {
        try await withDemoApp { app in
            app.exportJobsStartAtOnce = false
            let (refused, _) = try await Self.start(app, as: "gt01_grid")
            #expect(refused.status == .forbidden)
            let (bad, _) = try await Self.start(app, as: "gt01_community", query: "?tag=nonsense")
            #expect(bad.status == .unprocessableEntity)
            let (started, token) = try await Self.start(app, as: "gt01_community", query: "?gender=" + "女".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            let raw = try #require(try started.json()["id"] as? String)
            let id = try #require(UUID(uuidString: raw))
            await ResidentExportJobs.run(app, id)
            let women = try await Resident.query(on: app.db).within(DataScope(rootPath: try await app.node("YT-GT-01").path)).filter(\.$gender == "女").count()
            let done = try await app.api(.GET, "/api/v1/residents/export-jobs/\(id)", token: token).json()
            #expect(done["rowsDone"] as? Int == women)
        }
    }

    @Test func aJobLeftByAStoppedServerIsTakenOverAndExpiredOnesGo() async throws {
        try await withDemoApp { app in
            app.exportJobsStartAtOnce = false
            let (started, token) = try await Self.start(app, as: "gt01_community")
            let raw = try #require(try started.json()["id"] as? String)
            let id = try #require(UUID(uuidString: raw))
            // a server claimed it and died: running, no heartbeat for ten minutes
            let old = app.clock.now().addingTimeInterval(-600)
            try await ExportJob.query(on: app.db).filter(\.$id == id).set(\.$status, to: "running").set(\.$heartbeatAt, to: old).update()
            await ResidentExportJobs.tick(app)
            #expect(try await ExportJob.find(id, on: app.db)?.status == "done")
            // a day later the file is gone
            try await ExportJob.query(on: app.db).filter(\.$id == id).set(\.$expiresAt, to: old).update()
            try await app.api(.GET, "/api/v1/residents/export-jobs/\(id)/download", token: token) { #expect($0.status == .gone) }
            await ResidentExportJobs.tick(app)
            #expect(try await ExportJob.find(id, on: app.db) == nil)
        }
    }

    @Test func thePageShowsProgressThenTheDownloadLink() async throws {
        try await withDemoApp { app in
            app.exportJobsStartAtOnce = false
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let list = try await browser.get("/residents")
            #expect(list.text.contains("action=\"/residents/export-jobs"))
            let posted = try await browser.post("/residents/export-jobs", [])
            let location = try #require(posted.headers.first(name: .location))
            #expect(location.hasPrefix("/residents/export-jobs/"))
            let waiting = try await browser.get(location)
            #expect(waiting.status == .ok && waiting.text.contains("<progress") && waiting.text.contains("data-live-page"))
            let id = try #require(UUID(uuidString: String(location.split(separator: "/").last!)))
            await ResidentExportJobs.run(app, id)
            let done = try await browser.get(location)
            #expect(done.text.contains("/residents/export-jobs/\(id)/download"))
            let file = try await browser.get("/residents/export-jobs/\(id)/download")
            #expect(file.status == .ok && file.headers.contentType == Spreadsheet.mediaType)
            let stranger = Browser(app)
            try await stranger.login("bh01_community")
            #expect(try await stranger.get(location).status == .notFound)
        }
    }
}
