import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The pages without JavaScript: a worker starts, checks in, reports with a photo and ends on the phone page; staff
/// read the list and the replay; care visits are planned and recorded through forms.
@Suite struct PatrolPageTests {
    /// A request with the browser's cookies (for JSON and multipart bodies the shared client does not build).
    func send(_ b: Browser, _ path: String, contentType: HTTPMediaType, body: Data) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .cookie, value: b.cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        headers.contentType = contentType
        return try await b.app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(data: body))
    }

    func multipart(_ b: Browser, _ path: String, fields: [(String, String)], photo: Data) async throws -> TestingHTTPResponse {
        let boundary = "----JingzhiPatrol" + UUID().uuidString
        var body = Data()
        for (name, value) in fields + [("_csrf", try #require(b.csrf))] {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"photos[]\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n".utf8) + photo + Data("\r\n".utf8)
        body += Data("--\(boundary)--\r\n".utf8)
        return try await send(b, path, contentType: HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary]), body: body)
    }

    @Test func aWorkerRunsAPatrolOnThePhonePageAndStaffReplayIt() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(PatrolScene.startTime)
            let b = Browser(app)
            try await b.login("gt01_grid")
            let grid = try await app.node("YT-GT-01-G01")
            let area = try GeoArea.parse(text: grid.boundary!)
            let box = area.box!
            // act: start
            #expect(try await b.get("/patrol").text.contains("patrol-start"))
            #expect(try await b.post("/patrol/start", []).status == .seeOther)
            let page = try await b.get("/patrol")
            let patrol = try #require(try await Patrol.query(on: app.db).first())
            #expect(page.text.contains("data-patrol=\"\(patrol.id!)\"") && page.text.contains("/static/patrol.js"))
            // the page's script sends fixes as JSON with the form token
            let lat = (box.minLat + box.maxLat) / 2, lon = (box.minLon + box.maxLon) / 2
            let fixes = #"{"_csrf":"\#(b.csrf!)","fixes":[{"id":"p1","latitude":\#(lat),"longitude":\#(lon),"accuracy":5,"recordedAt":\#((PatrolScene.startTime.timeIntervalSince1970 + 10) * 1000)}]}"#
            let sent = try await send(b, "/patrol/\(patrol.id!)/fixes", contentType: .json, body: Data(fixes.utf8))
            #expect(sent.status == .ok && sent.text.contains("\"accepted\":1"))
            // check-ins: outside the grid refused on the page, inside accepted
            let outside = try #require(try await OrgNode.query(on: app.db).filter(\.$kindRaw == "building").all().first { !$0.path.hasPrefix(grid.path) })
            let inside = try #require(try await OrgNode.query(on: app.db).filter(\.$kindRaw == "building").all().first { $0.path.hasPrefix(grid.path) })
            let refused = try await b.post("/patrol/\(patrol.id!)/checkin", [("buildingId", outside.id!.uuidString), ("latitude", ""), ("longitude", "")])
            #expect(refused.status == .unprocessableEntity && refused.text.contains("不在您的网格内"))
            #expect(try await b.post("/patrol/\(patrol.id!)/checkin", [("buildingId", inside.id!.uuidString), ("latitude", ""), ("longitude", "")]).status == .seeOther)
            // an event with a photo
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 1, count: 100))
            let reported = try await multipart(b, "/patrol/\(patrol.id!)/event", fields: [("categoryCode", "huanjing"), ("description", "路边垃圾堆放"),
                                                                                        ("latitude", ""), ("longitude", "")], photo: png)
            #expect(reported.status == .seeOther)
            let c = try #require(try await Case.query(on: app.db).filter(\.$channel == "patrol").first())
            #expect(c.latitude == lat && c.longitude == lon)
            #expect(try await CasePhoto.query(on: app.db).filter(\.$caseID == c.id!).count() == 1)
            #expect(try await b.get("/patrol").text.contains(c.number))
            // end
            #expect(try await b.post("/patrol/\(patrol.id!)/end", []).status == .seeOther)
            #expect(try await b.get("/patrol").text.contains("patrol-start"))
            // staff: the list and the replay over the grid
            let staff = Browser(app)
            try await staff.login("gt01_community")
            #expect(try await staff.get("/patrol").status == .forbidden)
            let list = try await staff.get("/patrols")
            #expect(list.status == .ok && list.text.contains("/patrols/\(patrol.id!)"))
            let detail = try await staff.get("/patrols/\(patrol.id!)")
            #expect(detail.status == .ok)
            #expect(detail.text.contains("class=\"track-map\"") && detail.text.contains("class=\"pin event\"") && detail.text.contains(inside.name))
            let outsider = Browser(app)
            try await outsider.login("bh01_community")
            #expect(try await outsider.get("/patrols/\(patrol.id!)").status == .notFound)
        }
    }

    @Test func visitsArePlannedAndRecordedThroughForms() async throws {
        try await withDemoApp { app in
            app.clock.set(CareVisitTests.now)
            let staff = Browser(app)
            try await staff.login("gt01_community")
            let community = try await app.node("YT-GT-01")
            _ = try await staff.get("/visits")
            let bad = try await staff.post("/visits/plans", [("nodeId", community.id!.uuidString), ("tag", "富豪"), ("period", "week"), ("startsOn", "2026-11-30")])
            #expect(bad.status == .unprocessableEntity && bad.text.contains("特殊人群标签"))
            #expect(try await staff.post("/visits/plans", [("nodeId", community.id!.uuidString), ("tag", "党员"), ("period", "month"),
                                                          ("startsOn", "2026-11-01")]).status == .seeOther)
            let page = try await staff.get("/visits")
            #expect(page.text.contains("党员") && page.text.contains("coverage-total"))
            // the worker records a due visit and raises a case from it
            let worker = Browser(app)
            try await worker.login("gt01_grid")
            let tasks = try await worker.get("/visits")
            let marker = "/visits/record?household="
            let start = try #require(tasks.text.range(of: marker))
            let household = String(tasks.text[start.upperBound...].prefix(36))
            #expect(try await worker.get(marker + household).status == .ok)
            let saved = try await worker.post("/visits/record", [("householdId", household), ("visitedOn", "2026-12-09"), ("kind", "关爱探访"),
                                                                 ("notes", "家中暖气不热"), ("caseCategoryCode", "qita"), ("caseDescription", "")])
            #expect(saved.status == .seeOther)
            let visit = try #require(try await Visit.query(on: app.db).filter(\.$notes == "家中暖气不热").first())
            let c = try #require(try await Case.find(visit.caseID, on: app.db))
            #expect(c.description == "家中暖气不热")
        }
    }
}
