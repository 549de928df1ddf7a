import Foundation
import JingzhiCore

extension SiteURL {
    /// Notices (通知公告): the list, composing, a notice with its receipts, the door-to-door list, the public boards.
    enum Notices {
        case list
        case new
        case show(UUID)
        case act(UUID, action: String)
        case ack(UUID)
        case unreached(UUID)
        case deliver(UUID, recipient: UUID)
        case attachments(UUID)
        case attachment(UUID, file: UUID)
        case poster(UUID)
        case board(code: String)
        case publicNotice(UUID)
        case publicAttachment(UUID, file: UUID)
        case smsOptOut

        enum Pattern {
            static let list = RoutePattern("/notices")
            static let new = RoutePattern("/notices/new", .GET, .POST)
            static let show = RoutePattern("/notices/:id")
            static let act = RoutePattern("/notices/:id/act/:action", .POST)
            static let ack = RoutePattern("/notices/:id/ack", .POST)
            static let unreached = RoutePattern("/notices/:id/unreached")
            static let deliver = RoutePattern("/notices/:id/recipients/:recipient/delivered", .POST)
            static let attachments = RoutePattern("/notices/:id/attachments", .POST)
            static let attachment = RoutePattern("/notices/:id/attachments/:file")
            static let poster = RoutePattern("/notices/:id/poster")
            static let board = RoutePattern("/board/:code")
            static let publicNotice = RoutePattern("/board/notices/:id")
            static let publicAttachment = RoutePattern("/board/notices/:id/files/:file")
            static let smsOptOut = RoutePattern("/notices/sms", .POST)
            static let all = [list, new, show, act, ack, unreached, deliver, attachments, attachment, poster, board, publicNotice,
                              publicAttachment, smsOptOut]
        }

        var path: String {
            switch self {
            case .list: Pattern.list.path()
            case .new: Pattern.new.path()
            case .show(let id): Pattern.show.path(id)
            case .act(let id, let action): Pattern.act.path(id, action)
            case .ack(let id): Pattern.ack.path(id)
            case .unreached(let id): Pattern.unreached.path(id)
            case .deliver(let id, let r): Pattern.deliver.path(id, r)
            case .attachments(let id): Pattern.attachments.path(id)
            case .attachment(let id, let f): Pattern.attachment.path(id, f)
            case .poster(let id): Pattern.poster.path(id)
            case .board(let code): Pattern.board.path(code)
            case .publicNotice(let id): Pattern.publicNotice.path(id)
            case .publicAttachment(let id, let f): Pattern.publicAttachment.path(id, f)
            case .smsOptOut: Pattern.smsOptOut.path()
            }
        }
    }
}
