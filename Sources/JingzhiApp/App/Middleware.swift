import Fluent
import Vapor

/// Signs in the user of a web session (cookie), if any.
struct SessionActorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let raw = request.session.data["uid"], let id = UUID(uuidString: raw) {
            // A session signed in before the password last changed is over, on every server.
            if let user = try await User.find(id, on: request.db), user.active, request.session.data["sv"] == String(user.sessionVersion) {
                request.actor = try await Actor.load(user, on: request.db, now: request.now)
            } else {
                request.session.destroy()
            }
        }
        return try await next.respond(to: request)
    }
}

/// Signs in the caller of an API request by its `Authorization: Bearer` token.
struct BearerActorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let token = request.headers.bearerAuthorization?.token {
            guard let user = try await AccountService(req: request).user(forToken: token) else {
                throw APIError(.unauthorized, code: "invalid_token", "令牌无效或已过期 (invalid or expired token)")
            }
            request.actor = try await Actor.load(user, on: request.db, now: request.now)
        }
        return try await next.respond(to: request)
    }
}

/// Refuses requests without a signed-in user: API callers get 401, browsers go to the login page.
struct RequireActorMiddleware: AsyncMiddleware {
    let redirectToLogin: Bool

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.actor != nil else {
            if redirectToLogin {
                let target = request.url.path + (request.url.query.map { "?" + $0 } ?? "")
                return request.redirect(to: SiteURL.login(next: target).path)
            }
            throw APIError.unauthenticated
        }
        return try await next.respond(to: request)
    }
}

/// Synchroniser-token CSRF protection for every form post of the web UI.
struct CSRFMiddleware: AsyncMiddleware {
    static let field = "_csrf"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
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

extension Request {
    /// Signs `user` into this browser under a new session id, so an id known before login is worthless after it.
    func startSession(for user: User) async throws {
        if let old = session.id {
            try await application.sessions.driver.deleteSession(old, for: self).get()
            session.id = nil
        }
        session.data["uid"] = user.id!.uuidString
        session.data["sv"] = String(user.sessionVersion)
    }

    /// The CSRF token of this browser session, created on first use.
    var csrfToken: String {
        if let token = session.data["csrf"] { return token }
        let token = AccountService.randomToken()
        session.data["csrf"] = token
        return token
    }
}

/// Turns every error into JSON for API paths and into a readable page for the web UI; never leaks internals.
struct JingzhiErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return Self.response(for: error, request: request)
        }
    }

    static func describe(_ error: any Error) -> APIError {
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

    static func response(for error: any Error, request: Request) -> Response {
        let api = describe(error)
        if api.status.code >= 500 { request.logger.report(error: error) }
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

/// A resident whose link to a household staff have not approved yet may file cases and follow their own, and
/// nothing more: every other page and endpoint answers 403 until the link is approved.
struct UnlinkedResidentMiddleware: AsyncMiddleware {
    /// Path prefixes open to such an account (web and API).
    static let allowed = ["/cases", "/notifications", "/account", "/logout", "/api/v1/me", "/api/v1/auth/", "/api/v1/cases",
                          "/api/v1/case-categories"]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let actor = request.actor, actor.role == .resident, actor.user.residentID == nil {
            let path = request.url.path
            guard path == "/" || Self.allowed.contains(where: { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) else {
                throw APIError(.forbidden, code: "link_pending",
                               "您的账号尚待社区确认住址，确认前只能反映诉求、查看自己的诉求 (until the community confirms your household you may only file and follow your own cases)")
            }
        }
        return try await next.respond(to: request)
    }
}
