import Fluent
import JingzhiCore
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
                return request.redirect(to: SiteURL.Accounts.login(next: target).path)
            }
            throw APIError.unauthenticated
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
}

/// A resident whose link to a household staff have not approved yet may file cases and follow their own, and
/// nothing more: every other page and endpoint answers 403 until the link is approved.
struct UnlinkedResidentMiddleware: AsyncMiddleware {
    /// Path prefixes open to such an account (web pages, then API).
    static let allowed = [SiteURL.Cases.Pattern.queue, SiteURL.Cases.Pattern.notifications, SiteURL.Accounts.Pattern.password,
                          SiteURL.Accounts.Pattern.logout].map(\.template)
        + ["/api/v1/me", "/api/v1/auth/", "/api/v1/cases", "/api/v1/case-categories"]

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
