import JingzhiCore
import Vapor

/// Users, roles, sessions, tokens and link requests; it signs every caller in.
enum AccountsFeature: Feature {
    static func configure(_ app: Application) {
        var id = Identity()
        id.web = [app.sessions.middleware, SessionActorMiddleware(), CSRFMiddleware()]
        id.signedIn = [RequireActorMiddleware(redirectToLogin: true), UnlinkedResidentMiddleware()]
        id.api = [BearerActorMiddleware()]
        id.apiSignedIn = [RequireActorMiddleware(redirectToLogin: false), UnlinkedResidentMiddleware()]
        app.identity = id
        app.pageChrome.signedIn = { $0.actor != nil }
        app.pageChrome.userMenu = { req in AuthPages.userMenu(req) }
    }

    static func routes(_ g: RouteGroups) throws {
        AuthPages.register(web: g.web, authed: g.staff)
        AuthAPI.register(api: g.api, authed: g.apiAuthed)
        UserPages.register(g.staff)
        UsersAPI.register(g.apiAuthed)
    }

    static let navigation: [NavItem] = [
        navLink(100, .system) { $0.can(.approveLinks) ? (SiteURL.Accounts.linkRequests.path, "认证审核", "Link requests") : nil },
        navLink(110, .system) { $0.can(.manageUsers) ? (SiteURL.Accounts.users.path, "账号", "Accounts") : nil },
    ]

    static let pathColumns = [PathColumn(LinkRequest.schema)]
}
