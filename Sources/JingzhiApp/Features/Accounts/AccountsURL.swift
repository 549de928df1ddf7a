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
        case linkRequests
        case linkRequest(UUID)

        var path: String {
            switch self {
            case .login(let next): "/login" + SiteURL.query([("next", next ?? "")].filter { !$0.1.isEmpty })
            case .logout: "/logout"
            case .register: "/register"
            case .password: "/account/password"
            case .users: "/users"
            case .userNew: "/users/new"
            case .linkRequests: "/link-requests"
            case .linkRequest(let id): "/link-requests/\(id)"
            }
        }
    }
}
