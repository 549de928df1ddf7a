import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Photos on topics: a resident attaches them from the phone when raising, everyone who may read the topic sees them,
/// anything that is not an image is refused in words and nothing is stored.
@Suite struct TopicPhotoTests {
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 7, count: 200))
    static let text = Data("这不是照片".utf8)

    /// Posts the raise form as multipart, with the session's cookie and form token and one file per entry of `files`.
    static func multipart(_ web: WebSession, _ path: String, fields: [(String, String)], files: [(String, Data)]) async throws -> TestingHTTPResponse {
        let boundary = "----JingzhiTopic" + UUID().uuidString
        var body = Data()
        for (name, value) in fields + [("_csrf", try #require(web.csrf))] {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for (filename, data) in files {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"photos[]\"; filename=\"\(filename)\"\r\nContent-Type: image/png\r\n\r\n".utf8)
                + data + Data("\r\n".utf8)
        }
        body += Data("--\(boundary)--\r\n".utf8)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .cookie, value: "jingzhi_session=\(try #require(web.cookie))")
        headers.contentType = HTTPMediaType(type: "multipart", subType: "form-data", parameters: ["boundary": boundary])
        return try await web.app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(data: body))
    }

    /// Sends raw bytes to the API, as a phone app uploads one photo.
    static func upload(_ app: Application, _ token: String, _ topic: UUID, _ data: Data) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: token)
        headers.contentType = HTTPMediaType(type: "image", subType: "png")
        return try await app.testing().sendRequest(.POST, "/api/v1/topics/\(topic)/photos", headers: headers, body: ByteBuffer(data: data))
    }

    @Test func aResidentRaisesATopicWithPhotosFromThePhoneAndTheTopicPageShowsThem() async throws {
        try await withDemoApp { app in
            // setup
            let home = try await DeliberationFixture.home(app)
            let web = try await WebSession.login(app, "resident_demo")
            let form = try await web.get("/topics/new")
            // act
            let raised = try await Self.multipart(web, "/topics/new", fields: [("title", "路灯坏了一排"), ("description", "晚上回家看不见路"),
                                                                              ("nodeId", home.id!.uuidString)],
                                                  files: [("a.png", Self.png), ("b.png", Self.png)])
            let page = try await web.get(raised.headers.first(name: .location) ?? "/")
            // check
            #expect(form.text.contains("enctype=\"multipart/form-data\"") && form.text.contains("name=\"photos[]\"") && form.text.contains("accept=\"image/*\""))
            #expect(raised.status == .seeOther, "\(raised.text.prefix(300))")
            let t = try #require(try await Topic.query(on: app.db).filter(\.$title == "路灯坏了一排").first())
            let photos = try await TopicPhoto.query(on: app.db).filter(\.$topicID == t.id!).all()
            #expect(photos.count == 2 && photos.allSatisfy { $0.contentType == "image/png" && $0.size == Self.png.count })
            #expect(page.text.contains("/topics/\(t.id!)/photos/\(photos[0].id!)") && page.text.contains("议题照片 1"))
            let img = try await web.get("/topics/\(t.id!)/photos/\(photos[0].id!)")
            #expect(img.status == .ok && img.headers.contentType?.description == "image/png" && img.body.readableBytes == Self.png.count)
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entityID == t.id!).filter(\.$action == "raise").first()
            #expect(audit?.summary.contains("附照片 2 张") == true)
        }
    }

    @Test func aFileThatIsNotAPhotoIsRefusedInWordsAndNoTopicIsMade() async throws {
        try await withDemoApp { app in
            // setup
            let home = try await DeliberationFixture.home(app)
            let web = try await WebSession.login(app, "resident_demo")
            _ = try await web.get("/topics/new")
            // act
            let res = try await Self.multipart(web, "/topics/new", fields: [("title", "楼道堆放杂物"), ("description", "消防通道被堵"),
                                                                           ("nodeId", home.id!.uuidString)],
                                               files: [("a.png", Self.png), ("notes.png", Self.text)])
            // check
            #expect(res.status == .unprocessableEntity)
            #expect(res.text.contains("第 2 个文件不是照片") && res.text.contains("楼道堆放杂物"))
            #expect(try await Topic.query(on: app.db).filter(\.$title == "楼道堆放杂物").count() == 0)
            #expect(try await TopicPhoto.query(on: app.db).count() == 0)
        }
    }

    @Test func theApiTakesPhotosFromTheRaiserOnlyAndShowsThemWithinScope() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await DeliberationFixture.topic(app)
            let raiser = try await app.token("resident_demo")
            let neighbour = try #require(try await DeliberationFixture.residents(app, 1).first)
            // act
            let added = try await Self.upload(app, raiser, id, Self.png)
            let notImage = try await Self.upload(app, raiser, id, Self.text)
            let notRaiser = try await Self.upload(app, neighbour, id, Self.png)
            let shown = try await app.api(.GET, "/api/v1/topics/\(id)", token: neighbour)
            // check
            #expect(added.status == .created, "\(added.text)")
            let photoID = try #require(try added.json()["id"] as? String)
            #expect(notImage.status == .unprocessableEntity && notImage.errorField == "photos" && notImage.text.contains("不是照片"))
            #expect(notRaiser.status == .forbidden && notRaiser.errorCode == "not_raiser")
            #expect(try shown.json()["photoIds"] as? [String] == [photoID])
            let mine = try await app.api(.GET, "/api/v1/topics/\(id)/photos/\(photoID)", token: neighbour)
            #expect(mine.status == .ok && mine.body.readableBytes == Self.png.count)
            let outside = try await app.api(.GET, "/api/v1/topics/\(id)/photos/\(photoID)", token: try await app.token("bh01_community"))
            #expect(outside.status == .notFound)
            let logged = try await AuditEntry.query(on: app.db).filter(\.$entityID == id).filter(\.$action == "photo").count()
            #expect(logged == 1)
        }
    }

    @Test func aTopicTakesAtMostSixPhotos() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await DeliberationFixture.topic(app)
            let raiser = try await app.token("resident_demo")
            for _ in 0..<TopicPhotos.maxPerTopic { #expect(try await Self.upload(app, raiser, id, Self.png).status == .created) }
            // act
            let seventh = try await Self.upload(app, raiser, id, Self.png)
            // check
            #expect(seventh.status == .unprocessableEntity && seventh.text.contains("最多 6 张"))
            #expect(try await TopicPhoto.query(on: app.db).filter(\.$topicID == id).count() == TopicPhotos.maxPerTopic)
        }
    }
}
