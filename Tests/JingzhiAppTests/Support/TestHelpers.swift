import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Runs `body` on a fresh app loaded with the tiny demo county (see DemoSeeder), password `DemoSeeder.password`.
func withDemoApp(_ body: (Application) async throws -> Void) async throws {
    try await withTestApp { app in
        _ = try await DemoSeeder.seed(app, scale: .tiny)
        try await body(app)
    }
}

extension Application {
    /// A bearer token for a demo account.
    func token(_ username: String, password: String = DemoSeeder.password) async throws -> String {
        let user = try await AccountService(app: self).authenticate(username: username, password: password, ip: "test")
        return try await AccountService(app: self).issueToken(for: user)
    }

    func node(_ code: String) async throws -> OrgNode {
        try #require(try await OrgNode.query(on: db).filter(\.$code == code).first())
    }

    /// Some resident under the node with this code.
    func resident(under code: String) async throws -> Resident {
        let node = try await node(code)
        return try #require(try await Resident.query(on: db).within(DataScope(rootPath: node.path)).sort(\.$nodePath).first())
    }

    /// Sends a request with a bearer token and an optional JSON body.
    @discardableResult
    func api(_ method: HTTPMethod, _ path: String, token: String?, json: String? = nil,
             headers extra: HTTPHeaders = [:], check: (TestingHTTPResponse) async throws -> Void = { _ in }) async throws -> TestingHTTPResponse {
        var captured: TestingHTTPResponse?
        try await testing().test(method, path, beforeRequest: { req in
            if let token { req.headers.bearerAuthorization = BearerAuthorization(token: token) }
            for (k, v) in extra { req.headers.replaceOrAdd(name: k, value: v) }
            if let json {
                req.headers.contentType = .json
                req.body = ByteBuffer(string: json)
            }
        }, afterResponse: { res in
            captured = res
            try await check(res)
        })
        return captured!
    }
}

extension TestingHTTPResponse {
    var text: String { body.getString(at: body.readerIndex, length: body.readableBytes) ?? "" }

    func json() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func jsonArray() throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
    }

    /// The stable error code of an API error body.
    var errorCode: String? { ((try? json())?["error"] as? [String: Any])?["code"] as? String }
    var errorField: String? { ((try? json())?["error"] as? [String: Any])?["field"] as? String }
}
