import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// A browser for the web UI: keeps the `jingzhi_session` cookie and the CSRF token of the last form it saw.
final class WebSession {
    /// The app the next request goes to: a test of several servers moves the session to another one.
    var app: Application
    private(set) var cookie: String?
    private(set) var csrf: String?

    init(_ app: Application) { self.app = app }

    /// Logs in through the form, as a person would: GET /login for the cookie and token, then POST it.
    static func login(_ app: Application, _ username: String, password: String = DemoSeeder.password) async throws -> WebSession {
        let session = WebSession(app)
        let form = try await session.get("/login")
        #expect(form.status == .ok)
        let res = try await session.post("/login", [("username", username), ("password", password)])
        #expect(res.status == .seeOther, "login as \(username) failed: \(res.status)")
        return session
    }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        try await send(.GET, path, form: nil)
    }

    /// Posts a form with this session's CSRF token added (or `csrf`, to forge one).
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], csrf forged: String? = nil) async throws -> TestingHTTPResponse {
        try await send(.POST, path, form: [("_csrf", forged ?? csrf ?? "")] + fields)
    }

    private func send(_ method: HTTPMethod, _ path: String, form: [(String, String)]?) async throws -> TestingHTTPResponse {
        var captured: TestingHTTPResponse?
        let cookie = self.cookie
        try await app.testing().test(method, path, beforeRequest: { req in
            if let cookie { req.headers.replaceOrAdd(name: .cookie, value: "jingzhi_session=\(cookie)") }
            if let form {
                req.headers.contentType = .urlEncodedForm
                req.body = ByteBuffer(string: Self.encode(form))
            }
        }, afterResponse: { captured = $0 })
        let res = try #require(captured)
        if let value = res.headers.setCookie?["jingzhi_session"]?.string { self.cookie = value }
        if let token = Self.csrfToken(in: res.text) { csrf = token }
        return res
    }

    static func encode(_ fields: [(String, String)]) -> String {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        return fields.map { k, v in
            (k.addingPercentEncoding(withAllowedCharacters: allowed) ?? k) + "=" + (v.addingPercentEncoding(withAllowedCharacters: allowed) ?? v)
        }.joined(separator: "&")
    }

    /// The value of the hidden `_csrf` input of a page, if it has one.
    static func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }
}
