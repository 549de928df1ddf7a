import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Shared steps of the service-application tests, on the tiny demo (resident_demo lives in 古亭社区 第一网格 YT-GT-01-G01).
enum ServiceFixture {
    static let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
    static let text = Data("这不是图片".utf8).base64EncodedString()

    static func matter(_ app: Application, _ code: String) async throws -> ServiceMatter {
        try #require(try await ServiceMatter.query(on: app.db).filter(\.$code == code).first())
    }

    /// The JSON materials of a matter: a photo of each, or only of those named.
    static func materials(_ m: ServiceMatter, only: [String]? = nil, data: String = png) -> String {
        (only ?? m.materials).map { #"{"material":"\#($0)","data":"\#(data)"}"# }.joined(separator: ",")
    }

    @discardableResult
    static func apply(_ app: Application, as user: String = "resident_demo", code: String = "JZZM", residentID: UUID? = nil,
                      materials: String? = nil) async throws -> TestingHTTPResponse {
        let m = try await matter(app, code)
        let resident = residentID.map { #","residentId":"\#($0)""# } ?? ""
        return try await app.api(.POST, "/api/v1/services/applications", token: try await app.token(user),
                                 json: #"{"matterId":"\#(m.id!)"\#(resident),"materials":[\#(materials ?? Self.materials(m))]}"#)
    }

    /// Applies as resident_demo and returns the application's id.
    static func applied(_ app: Application, code: String = "JZZM") async throws -> UUID {
        let res = try await apply(app, code: code)
        #expect(res.status == .created, "\(res.text)")
        return try #require((try res.json()["id"] as? String).flatMap(UUID.init(uuidString:)))
    }

    @discardableResult
    static func act(_ app: Application, _ id: UUID, _ action: String, as user: String = "gt01_community", json: String = "{}") async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/services/applications/\(id)/\(action)", token: try await app.token(user), json: json)
    }

    static func load(_ app: Application, _ id: UUID) async throws -> ServiceApplication {
        try #require(try await ServiceApplication.find(id, on: app.db))
    }
}
