import Foundation
import JingzhiCore

extension SiteURL {
    /// Deliberation (议事): topic lists, raising and supporting a topic, review moves, the public path of a topic.
    enum Deliberation {
        case list(query: [(String, String)])
        case new
        case detail(UUID)
        case support(UUID)
        case act(UUID, action: String)
        case timeline(UUID)
        case settings
        case openVote(UUID)
        case announce
        case ballot(UUID, vote: UUID)

        enum Pattern {
            static let list = RoutePattern("/topics")
            static let new = RoutePattern("/topics/new", .GET, .POST)
            static let detail = RoutePattern("/topics/:id")
            static let support = RoutePattern("/topics/:id/support", .POST)
            static let act = RoutePattern("/topics/:id/act/:action", .POST)
            static let timeline = RoutePattern("/topics/:id/timeline")
            static let settings = RoutePattern("/topics/settings", .POST)
            static let openVote = RoutePattern("/topics/:id/votes", .POST)
            static let ballot = RoutePattern("/topics/:id/votes/:vote", .POST)
            static let announce = RoutePattern("/topics/meetings", .POST)
            static let all = [list, new, detail, support, act, timeline, settings, openVote, ballot, announce]
        }

        var path: String {
            switch self {
            case .list(let q): Pattern.list.path() + SiteURL.query(q)
            case .new: Pattern.new.path()
            case .detail(let id): Pattern.detail.path(id)
            case .support(let id): Pattern.support.path(id)
            case .act(let id, let action): Pattern.act.path(id, action)
            case .timeline(let id): Pattern.timeline.path(id)
            case .settings: Pattern.settings.path()
            case .openVote(let id): Pattern.openVote.path(id)
            case .announce: Pattern.announce.path()
            case .ballot(let id, let vote): Pattern.ballot.path(id, vote)
            }
        }
    }
}
