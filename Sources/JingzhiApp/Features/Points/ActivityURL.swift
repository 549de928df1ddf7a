import Foundation
import JingzhiCore

extension SiteURL {
    /// Volunteer activities (志愿活动): the residents' list, an activity, the venue's scan link; the staff's pages.
    enum Activities {
        case list
        case show(UUID)
        case signUp(UUID)
        case cancel(UUID)
        case confirm(UUID)
        case scan(UUID, code: String?)
        case manage
        case organise(UUID)
        case qr(UUID)
        case present(UUID, attendance: UUID)
        case verify(UUID, attendance: UUID)
        case announce(UUID)

        enum Pattern {
            static let list = RoutePattern("/points/activities")
            static let show = RoutePattern("/points/activities/:id")
            static let signUp = RoutePattern("/points/activities/:id/signup", .POST)
            static let cancel = RoutePattern("/points/activities/:id/cancel", .POST)
            static let confirm = RoutePattern("/points/activities/:id/confirm", .POST)
            static let scan = RoutePattern("/points/activities/:id/scan", .GET, .POST)
            static let manage = RoutePattern("/points/organise", .GET, .POST)
            static let organise = RoutePattern("/points/organise/:id")
            static let qr = RoutePattern("/points/organise/:id/qr")
            static let present = RoutePattern("/points/organise/:id/attendances/:attendance/present", .POST)
            static let verify = RoutePattern("/points/organise/:id/attendances/:attendance/verify", .POST)
            static let announce = RoutePattern("/points/organise/:id/announce", .POST)
            static let all = [list, show, signUp, cancel, confirm, scan, manage, organise, qr, present, verify, announce]
        }

        var path: String {
            switch self {
            case .list: Pattern.list.path()
            case .show(let id): Pattern.show.path(id)
            case .signUp(let id): Pattern.signUp.path(id)
            case .cancel(let id): Pattern.cancel.path(id)
            case .confirm(let id): Pattern.confirm.path(id)
            case .scan(let id, let code): Pattern.scan.path(id) + SiteURL.query([("code", code ?? "")])
            case .manage: Pattern.manage.path()
            case .organise(let id): Pattern.organise.path(id)
            case .qr(let id): Pattern.qr.path(id)
            case .present(let id, let a): Pattern.present.path(id, a)
            case .verify(let id, let a): Pattern.verify.path(id, a)
            case .announce(let id): Pattern.announce.path(id)
            }
        }
    }
}
