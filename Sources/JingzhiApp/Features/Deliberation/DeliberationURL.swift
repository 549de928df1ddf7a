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
        case meeting(UUID)
        case minutes(UUID)
        case objection(UUID)
        case poster(UUID)
        case registration(UUID)
        case checkInCode(UUID)
        case checkIn(UUID, code: String?)
        case attendance(UUID)
        case items(UUID)
        case item(UUID, item: UUID, action: String)
        case evaluate(UUID)
        case measures(query: [(String, String)])
        case photo(UUID, photo: UUID)
        /// The raise form filled in from a visit, a case or a meeting.
        case raiseFrom(TopicOrigin, UUID)

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
            static let meeting = RoutePattern("/topics/meetings/:id")
            static let minutes = RoutePattern("/topics/meetings/:id/minutes", .POST)
            static let objection = RoutePattern("/topics/meetings/:id/objections", .POST)
            static let poster = RoutePattern("/topics/meetings/:id/poster")
            static let registration = RoutePattern("/topics/meetings/:id/registration", .POST)
            static let checkInCode = RoutePattern("/topics/meetings/:id/qr")
            static let checkIn = RoutePattern("/topics/meetings/:id/check-in", .GET, .POST)
            static let attendance = RoutePattern("/topics/meetings/:id/attendance", .POST)
            static let items = RoutePattern("/topics/:id/items", .POST)
            static let item = RoutePattern("/topics/:id/items/:item/:action", .POST)
            static let evaluate = RoutePattern("/topics/:id/evaluation", .POST)
            static let measures = RoutePattern("/topics/measures")
            static let photo = RoutePattern("/topics/:id/photos/:photoId")
            static let all = [list, new, detail, support, act, timeline, settings, openVote, ballot, announce, meeting, minutes, objection, poster,
                              registration, checkInCode, checkIn, attendance, items, item, evaluate, measures, photo]
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
            case .meeting(let id): Pattern.meeting.path(id)
            case .minutes(let id): Pattern.minutes.path(id)
            case .objection(let id): Pattern.objection.path(id)
            case .poster(let id): Pattern.poster.path(id)
            case .registration(let id): Pattern.registration.path(id)
            case .checkInCode(let id): Pattern.checkInCode.path(id)
            case .checkIn(let id, let code): Pattern.checkIn.path(id) + SiteURL.query([("code", code ?? "")])
            case .attendance(let id): Pattern.attendance.path(id)
            case .items(let id): Pattern.items.path(id)
            case .item(let id, let item, let action): Pattern.item.path(id, item, action)
            case .evaluate(let id): Pattern.evaluate.path(id)
            case .measures(let q): Pattern.measures.path() + SiteURL.query(q)
            case .photo(let id, let photo): Pattern.photo.path(id, photo)
            case .raiseFrom(let origin, let id): Pattern.new.path() + SiteURL.query([(origin.rawValue, id.uuidString)])
            }
        }
    }
}
