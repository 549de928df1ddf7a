import Foundation
import JingzhiCore

extension SiteURL {
    /// Sign-in, registration, passwords, accounts and link requests.
    enum Accounts {
        case login(next: String?)
        case logout
        case register
        case password
        case users
        case userNew
        case userActive(UUID)
        case linkRequests
        case linkRequest(UUID)
        case approveLink(UUID)
        case rejectLink(UUID)

        enum Pattern {
            static let login = RoutePattern("/login", .GET, .POST)
            static let logout = RoutePattern("/logout", .POST)
            static let register = RoutePattern("/register", .GET, .POST)
            static let password = RoutePattern("/account/password", .GET, .POST)
            static let users = RoutePattern("/users")
            static let userNew = RoutePattern("/users/new", .GET, .POST)
            static let userActive = RoutePattern("/users/:id/active", .POST)
            static let linkRequests = RoutePattern("/link-requests")
            static let linkRequest = RoutePattern("/link-requests/:id")
            static let approveLink = RoutePattern("/link-requests/:id/approve", .POST)
            static let rejectLink = RoutePattern("/link-requests/:id/reject", .POST)
            static let all = [login, logout, register, password, users, userNew, userActive,
                              linkRequests, linkRequest, approveLink, rejectLink]
        }

        var path: String {
            switch self {
            case .login(let next): Pattern.login.path() + SiteURL.query([("next", next ?? "")])
            case .logout: Pattern.logout.path()
            case .register: Pattern.register.path()
            case .password: Pattern.password.path()
            case .users: Pattern.users.path()
            case .userNew: Pattern.userNew.path()
            case .userActive(let id): Pattern.userActive.path(id)
            case .linkRequests: Pattern.linkRequests.path()
            case .linkRequest(let id): Pattern.linkRequest.path(id)
            case .approveLink(let id): Pattern.approveLink.path(id)
            case .rejectLink(let id): Pattern.rejectLink.path(id)
            }
        }
    }
}
