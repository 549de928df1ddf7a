import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Synchroniser-token CSRF protection for every form post of the web UI.
package struct CSRFMiddleware: AsyncMiddleware {
    package init() {}

    package static let field = "_csrf"

    package func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method == .POST {
            // Uploads arrive streamed; the token sits in the body, so read it whole first.
            if request.body.data == nil { _ = try await request.body.collect(max: 20 * 1024 * 1024).get() }
            let sent = try? request.content.get(String.self, at: Self.field)
            guard let expected = request.session.data["csrf"], let sent, sent == expected else {
                throw APIError(.forbidden, code: "csrf", "表单已过期，请刷新页面后重试 (the form expired; reload and try again)")
            }
        }
        return try await next.respond(to: request)
    }
}

/// Turns every error into JSON for API paths and into a readable page for the web UI; never leaks internals.
package struct JingzhiErrorMiddleware: AsyncMiddleware {
    package init() {}

    package func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return Self.response(for: error, request: request)
        }
    }

    package static func describe(_ error: any Error) -> APIError {
        switch error {
        case let e as APIError: return e
        case let e as DecodingError: return decoding(e)
        case is ConnectionPoolTimeoutError, is ConnectionPoolError:
            // Every database connection busy (or the server shutting down): the request may be retried, it did not fail.
            var out = APIError(.serviceUnavailable, code: "busy", "服务繁忙，请稍后再试 (the server is busy; try again shortly)")
            out.headers.replaceOrAdd(name: .retryAfter, value: "5")
            return out
        case let e as any AbortError:
            let code = e.status == .notFound ? "not_found" : "http_\(e.status.code)"
            let message = e.status == .notFound ? APIError.notFound.message : (e.status.code < 500 ? e.reason : "服务器内部错误 (internal error)")
            var out = APIError(e.status, code: code, message)
            out.headers = e.headers
            return out
        default:
            return APIError(.internalServerError, code: "internal", "服务器内部错误，请稍后再试 (internal error)")
        }
    }

    private static func decoding(_ error: DecodingError) -> APIError {
        func name(_ path: [any CodingKey]) -> String { path.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let ctx): return .missing(name(ctx.codingPath + [key]))
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx):
            return .invalid(name(ctx.codingPath), "字段 \(name(ctx.codingPath)) 类型不正确 (wrong type)")
        case .dataCorrupted(let ctx):
            if ctx.codingPath.isEmpty { return APIError(.badRequest, code: "malformed_body", "请求体不是有效的 JSON (malformed JSON body)") }
            return .invalid(name(ctx.codingPath), "字段 \(name(ctx.codingPath)) 的值无效 (invalid value)")
        @unknown default: return APIError(.badRequest, code: "bad_request", "请求无效 (bad request)")
        }
    }

    package static func response(for error: any Error, request: Request) -> Response {
        let api = describe(error)
        if api.status.code >= 500 { request.logger.reportSafely(error, "request failed") }
        if error is ConnectionPoolTimeoutError { request.application.metrics.poolTimeouts.increment() }
        var headers = api.headers
        let path = request.url.path
        if path.hasPrefix("/api/") || path.hasPrefix("/open311/") || path == "/openapi.json" {
            headers.contentType = .json
            let body = ErrorBody(error: .init(code: api.code, message: api.message, field: api.field))
            let data = (try? JSONEncoder().encode(body)) ?? Data()
            return Response(status: api.status, headers: headers, body: .init(data: data))
        }
        headers.contentType = .html
        let page = ErrorPage.render(api, request: request)
        return Response(status: api.status, headers: headers, body: .init(string: page.raw))
    }
}

extension Request {
    /// The CSRF token of this browser session, created on first use.
    package var csrfToken: String {
        if let token = session.data["csrf"] { return token }
        let token = Tokens.random()
        session.data["csrf"] = token
        return token
    }
}

/// Unguessable tokens: 32 random bytes, URL-safe base64 without padding.
package enum Tokens {
    package static func random() -> String {
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

/// A driver's error code that names no value (SQLite's result code, PostgreSQL's SQLSTATE), for log lines. The app
/// sets it; Core names no driver.
package enum SafeErrorCode {
    private static let box = NIOLockedValueBox<(@Sendable (any Error) -> String?)?>(nil)

    package static func use(_ code: @escaping @Sendable (any Error) -> String?) { box.withLockedValue { $0 = code } }

    package static func of(_ error: any Error) -> String? { box.withLockedValue { $0 }?(error) }
}

extension Logger {
    /// Logs a failure by the error's type and code only: descriptions can quote the values that caused them (a phone
    /// number in a rejected row), and no personal data may reach a log line.
    package func reportSafely(_ error: any Error, _ context: String) {
        let code = (error as? APIError)?.code ?? (error as? any AbortError).map { "http_\($0.status.code)" } ?? SafeErrorCode.of(error)
        self.error("\(context): \(String(reflecting: type(of: error)))\(code.map { " (\($0))" } ?? "")")
    }
}
