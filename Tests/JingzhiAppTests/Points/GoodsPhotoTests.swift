import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Pictures of supermarket goods: staff in scope add and remove them, residents see them on the shop and in the API.
@Suite struct GoodsPhotoTests {
    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")!

    static func upload(_ app: Application, _ token: String, _ goods: String, _ data: Data) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = BearerAuthorization(token: token)
        headers.contentType = HTTPMediaType(type: "image", subType: "png")
        return try await app.testing().sendRequest(.POST, "/api/v1/points/goods/\(goods)/photos", headers: headers, body: ByteBuffer(data: data))
    }

    @Test func staffAddPicturesResidentsSeeThemOthersAreRefused() async throws {
        try await withDemoApp { app in
            // setup: goods of 古亭社区
            let (staff, other, me) = (try await app.token("gt01_community"), try await app.token("bh01_community"), try await app.token("resident_demo"))
            let made = try await app.api(.POST, "/api/v1/points/goods", token: staff, json: #"{"node":"YT-GT-01","name":"环保袋","pricePoints":5,"stock":10}"#)
            let id = try #require(try made.json()["id"] as? String)
            // act
            let added = try await Self.upload(app, staff, id, Self.png)
            let notImage = try await Self.upload(app, staff, id, Data("not a picture".utf8))
            let outside = try await Self.upload(app, other, id, Self.png)
            let byResident = try await Self.upload(app, me, id, Self.png)
            for _ in 0..<3 { _ = try await Self.upload(app, staff, id, Self.png) }
            let fifth = try await Self.upload(app, staff, id, Self.png)
            // check: one picture per upload, four at most; wrong files, areas and roles refused
            #expect(added.status == .created, "\(added.text)")
            #expect(notImage.status == .unprocessableEntity && notImage.errorField == "photo" && notImage.text.contains("不是照片"))
            #expect(outside.status == .notFound && byResident.status == .forbidden)
            #expect(fifth.status == .unprocessableEntity && fifth.text.contains("最多 4 张"))
            let listed = try await app.api(.GET, "/api/v1/points/goods", token: me).json()["items"] as? [[String: Any]]
            let photoIDs = try #require(listed?.first { $0["id"] as? String == id }?["photoIds"] as? [String])
            #expect(photoIDs.count == 4)
            let img = try await app.api(.GET, "/api/v1/points/goods/\(id)/photos/\(photoIDs[0])", token: me)
            #expect(img.status == .ok && img.headers.contentType?.subType == "png" && Data(buffer: img.body) == Self.png)
            // the resident's shop shows the first picture
            let phone = Browser(app)
            try await phone.login("resident_demo")
            let shop = try await phone.get(SiteURL.Points.shop.path)
            #expect(shop.text.contains(SiteURL.Points.goodsPhoto(UUID(uuidString: id)!, photo: UUID(uuidString: photoIDs[0])!).path))
            // removing: not by another area, then by the staff; audited both ways
            let otherRemove = try await app.api(.DELETE, "/api/v1/points/goods/\(id)/photos/\(photoIDs[0])", token: other)
            let removed = try await app.api(.DELETE, "/api/v1/points/goods/\(id)/photos/\(photoIDs[0])", token: staff)
            let again = try await app.api(.DELETE, "/api/v1/points/goods/\(id)/photos/\(photoIDs[0])", token: staff)
            #expect(otherRemove.status == .notFound && removed.status == .noContent && again.status == .notFound)
            #expect(try await GoodsPhoto.query(on: app.db).count() == 3)
            let trail = try await AuditEntry.query(on: app.db).filter(\.$entity == "points_goods").filter(\.$action ~~ ["photo", "photo_remove"]).count()
            #expect(trail == 5)
        }
    }

    @Test func theGoodsPageUploadsAndRemovesAPictureInTheBrowser() async throws {
        try await withDemoApp { app in
            let staff = try await app.token("gt01_community")
            let made = try await app.api(.POST, "/api/v1/points/goods", token: staff, json: #"{"node":"YT-GT-01","name":"环保袋","pricePoints":5,"stock":10}"#)
            let raw = try #require(try made.json()["id"] as? String)
            let id = try #require(UUID(uuidString: raw))
            let web = Browser(app)
            try await web.login("gt01_community")
            let page = try await web.get(SiteURL.Points.editGoods(id).path)
            #expect(page.text.contains("enctype=\"multipart/form-data\"") && page.text.contains("还没有照片"))
            // upload through the form (multipart, with the page's form token)
            let sent = try await web.postFile(SiteURL.Points.goodsPhotos(id).path, file: Self.png, filename: "bag.png", field: "photo", type: "image/png")
            #expect(sent.status == .seeOther, "\(sent.text)")
            let after = try await web.get(SiteURL.Points.editGoods(id).path)
            let photo = try #require(try await GoodsPhoto.query(on: app.db).filter(\.$goodsID == id).first())
            #expect(after.text.contains("已添加 环保袋 的照片") && after.text.contains(SiteURL.Points.goodsPhoto(id, photo: photo.id!).path))
            #expect(after.text.contains("data-confirm"))
        }
    }
}
