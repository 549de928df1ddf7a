import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Photos: the bytes decide what is an image; sizes and counts are bounded; only those who see the case see them.
@Suite struct CasePhotoTests {
    func newCase(_ app: Application) async throws -> String {
        let community = try await app.node("YT-GT-01")
        let compound = try #require(try await OrgNode.query(on: app.db).within(DataScope(rootPath: community.path))
            .filter(\.$kindRaw == NodeKind.compound.rawValue).first())
        let res = try await app.api(.POST, "/api/v1/cases", token: try await app.token("gt01_community"),
                                    json: #"{"categoryCode":"huanjing","nodeId":"\#(compound.id!)","description":"垃圾堆放"}"#)
        return try #require(try res.json()["id"] as? String)
    }

    func upload(_ app: Application, _ id: String, _ data: Data, as user: String = "gt01_community") async throws -> TestingHTTPResponse {
        var captured: TestingHTTPResponse?
        let token = try await app.token(user)
        try await app.testing().test(.POST, "/api/v1/cases/\(id)/photos", beforeRequest: { req in
            req.headers.bearerAuthorization = BearerAuthorization(token: token)
            req.headers.replaceOrAdd(name: .contentType, value: "image/jpeg")
            req.body = ByteBuffer(data: data)
        }, afterResponse: { captured = $0 })
        return captured!
    }

    @Test func aRealImageIsKeptAndServedToThoseWhoSeeTheCase() async throws {
        try await withDemoApp { app in
            // setup: a real PNG (our QR renderer makes one)
            let id = try await newCase(app)
            let png = try QRCode.encode("photo").png(moduleSize: 2)
            // act
            let res = try await upload(app, id, png)
            // check
            #expect(res.status == .created)
            let photoID = try #require(try res.json()["id"] as? String)
            let own = try await app.api(.GET, "/api/v1/cases/\(id)/photos/\(photoID)", token: try await app.token("gt01_community"))
            #expect(own.status == .ok && own.headers.contentType?.description.hasPrefix("image/png") == true)
            #expect(own.body.readableBytes == png.count)
            let foreign = try await app.api(.GET, "/api/v1/cases/\(id)/photos/\(photoID)", token: try await app.token("bh01_community"))
            #expect(foreign.status == .notFound)
        }
    }

    @Test func aFileThatIsNotAnImageIsRefusedWhateverItClaims() async throws {
        try await withDemoApp { app in
            let id = try await newCase(app)
            let res = try await upload(app, id, Data("<script>alert(1)</script>".utf8))
            #expect(res.status == .unprocessableEntity && res.errorField == "photos")
            let big = Data([0xFF, 0xD8, 0xFF]) + Data(count: CasePhotos.maxBytes)
            #expect(try await upload(app, id, big).status != .created)
            #expect(try await CasePhoto.query(on: app.db).count() == 0)
        }
    }

    @Test func aCaseTakesAtMostNinePhotos() async throws {
        try await withDemoApp { app in
            let id = try await newCase(app)
            let png = try QRCode.encode("p").png(moduleSize: 1)
            for _ in 0..<CasePhotos.maxPerCase { #expect(try await upload(app, id, png).status == .created) }
            let tenth = try await upload(app, id, png)
            #expect(tenth.status == .unprocessableEntity)
            #expect(try await CasePhoto.query(on: app.db).count() == CasePhotos.maxPerCase)
        }
    }

    @Test func sniffingKnowsTheCommonPhoneFormats() {
        #expect(CasePhotos.sniff(Data([0xFF, 0xD8, 0xFF, 0xE0])) == "image/jpeg")
        #expect(CasePhotos.sniff(Data("RIFF\0\0\0\0WEBPVP8 ".utf8)) == "image/webp")
        #expect(CasePhotos.sniff(Data([0, 0, 0, 0x18]) + Data("ftypheic".utf8)) == "image/heic")
        #expect(CasePhotos.sniff(Data("GIF89a".utf8)) == nil)
    }
}
