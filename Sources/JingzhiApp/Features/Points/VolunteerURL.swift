import Foundation
import JingzhiCore

extension SiteURL {
    /// Volunteers (志愿者): the resident's registration and posts; the staff's approvals, teams and posts.
    enum Volunteers {
        case mine
        case claim(UUID)
        case release(UUID)
        case manage
        case approve(UUID)
        case decline(UUID)
        case teams
        case posts

        enum Pattern {
            static let mine = RoutePattern("/points/volunteer", .GET, .POST)
            static let claim = RoutePattern("/points/volunteer/posts/:id/claim", .POST)
            static let release = RoutePattern("/points/volunteer/posts/:id/release", .POST)
            static let manage = RoutePattern("/points/volunteers")
            static let approve = RoutePattern("/points/volunteers/:id/approve", .POST)
            static let decline = RoutePattern("/points/volunteers/:id/decline", .POST)
            static let teams = RoutePattern("/points/volunteers/teams", .POST)
            static let posts = RoutePattern("/points/volunteers/posts", .POST)
            static let all = [mine, claim, release, manage, approve, decline, teams, posts]
        }

        var path: String {
            switch self {
            case .mine: Pattern.mine.path()
            case .claim(let id): Pattern.claim.path(id)
            case .release(let id): Pattern.release.path(id)
            case .manage: Pattern.manage.path()
            case .approve(let id): Pattern.approve.path(id)
            case .decline(let id): Pattern.decline.path(id)
            case .teams: Pattern.teams.path()
            case .posts: Pattern.posts.path()
            }
        }
    }
}
