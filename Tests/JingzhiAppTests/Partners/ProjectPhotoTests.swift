import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Projects have photos of their progress: staff of the area upload pictures (the shared image rules), shown on the
/// project page and in the API; nobody else adds or sees them.
@Suite struct ProjectPhotoTests {
    static func upload(_ app: Application, _ project: UUID, token: String, data: Data, query: String = "") async throws -> TestingHTTPResponse {
        var captured: TestingHTTPResponse?
        try await app.testing().test(.POST, "/api/v1/projects/\(project)/photos\(query)", beforeRequest: { req in
            req.headers.bearerAuthorization = BearerAuthorization(token: token)
            req.headers.contentType = .png
            req.body = ByteBuffer(data: data)
        }, afterResponse: { captured = $0 })
        return try #require(captured)
    }

    @Test func staffAddProgressPhotosThatThePageAndTheAPIShowAndOthersAreRefused() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(ISOTime.parse("2026-12-01T10:00:00+08:00")!)
            let s = try await ListMatchTests.setup(app)
            let partner = try await app.token("partner_demo")
            // act
            let added = try await Self.upload(app, s.project, token: s.staff, data: PartnerFixture.png, query: "?caption=%E5%8F%91%E6%94%BE%E6%A3%89%E8%A2%AB")
            let notImage = try await Self.upload(app, s.project, token: s.staff, data: Data("%PDF-1.4 not a picture".utf8))
            let tooBig = try await Self.upload(app, s.project, token: s.staff, data: PartnerFixture.png + Data(count: ImageFiles.maxBytes))
            let otherCommunity = try await Self.upload(app, s.project, token: try await app.token("bh01_community"), data: PartnerFixture.png)
            let byPartner = try await Self.upload(app, s.project, token: partner, data: PartnerFixture.png)
            let detail = try await app.api(.GET, "/api/v1/projects/\(s.project)", token: s.staff)
            let photoID = try #require(try added.json()["id"] as? String)
            let image = try await app.api(.GET, "/api/v1/projects/\(s.project)/photos/\(photoID)", token: s.staff)
            let imageByOther = try await app.api(.GET, "/api/v1/projects/\(s.project)/photos/\(photoID)", token: try await app.token("bh01_community"))
            let staffWeb = Browser(app)
            try await staffWeb.login("gt01_community")
            let page = try await staffWeb.get("/partner-lists/projects/\(s.project)")
            app.clock.set(ISOTime.parse("2026-12-01T10:05:00+08:00")!)  // later: the list is in upload order
            let viaForm = try await staffWeb.postFile("/partner-lists/projects/\(s.project)/photos", file: PartnerFixture.png, filename: "进展.png",
                                                      fields: [("caption", "入户送被")], field: "photo", type: "image/png")
            let list = try await app.api(.GET, "/api/v1/projects/\(s.project)/photos", token: s.staff)
            // check
            #expect(added.status == .created, "\(added.text)")
            #expect(try added.json()["caption"] as? String == "发放棉被" && (try added.json()["contentType"] as? String) == "image/png")
            #expect(notImage.status == .unprocessableEntity && notImage.errorField == "photo")
            #expect(tooBig.status == .unprocessableEntity && tooBig.errorField == "photo")
            #expect(otherCommunity.status == .notFound)
            #expect(byPartner.status == .forbidden)
            let photos = try #require(try detail.json()["photos"] as? [[String: Any]])
            #expect(photos.count == 1 && photos[0]["url"] as? String == "/api/v1/projects/\(s.project)/photos/\(photoID)")
            #expect(image.status == .ok && image.headers.contentType == .png && image.body.readableBytes == PartnerFixture.png.count)
            #expect(imageByOther.status == .notFound)
            #expect(page.text.contains("进展照片") && page.text.contains("/partner-lists/projects/\(s.project)/photos/\(photoID)") && page.text.contains("发放棉被"))
            #expect(viaForm.status == .seeOther || viaForm.status == .found)
            #expect(try list.jsonArray().map { $0["caption"] as? String } == ["发放棉被", "入户送被"])
            #expect(try await ProjectPhoto.query(on: app.db).count() == 2, "refused uploads stored nothing")
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "photo").filter(\.$entityID == s.project).count() == 2)
        }
    }
}
