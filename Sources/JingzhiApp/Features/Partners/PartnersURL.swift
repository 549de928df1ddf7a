import Foundation
import JingzhiCore

extension SiteURL {
    /// Partners (红色合伙人), the three lists, micro-wishes, service logs, the 双报到 report; the public wall and partner page.
    enum Partners {
        case list(query: String)
        case new
        case show(UUID)
        case act(UUID, action: String)
        case needs(query: String)
        case resources(query: String)
        case projects(query: String)
        case project(UUID)
        case matches(UUID)
        case deliver(UUID)
        case review(UUID)
        case wishes(query: String)
        case wish(UUID)
        case wishAct(UUID, action: String)
        case handOver(UUID)
        case wishPhoto(UUID)
        case wall(query: String)
        case ours(query: String)
        case logs(query: String)
        case logAct(UUID, action: String)
        case report(query: String)
        case register
        case evaluate(UUID)
        case claims
        case claimAct(UUID, action: String)
        case needAct(UUID, action: String)
        case myNeeds
        case endRegistration
        case meetings
        case wishHours(UUID)
        case projectPhotos(UUID)
        case projectPhoto(UUID, photo: UUID)

        enum Pattern {
            static let list = RoutePattern("/partners")
            static let new = RoutePattern("/partners/new", .GET, .POST)
            static let show = RoutePattern("/partners/:id")
            static let act = RoutePattern("/partners/:id/act/:action", .POST)
            static let needs = RoutePattern("/partner-lists/needs", .GET, .POST)
            static let resources = RoutePattern("/partner-lists/resources", .GET, .POST)
            static let projects = RoutePattern("/partner-lists/projects", .GET, .POST)
            static let project = RoutePattern("/partner-lists/projects/:id")
            static let matches = RoutePattern("/partner-lists/projects/:id/matches", .POST)
            static let deliver = RoutePattern("/partner-lists/matches/:id/deliver", .POST)
            static let review = RoutePattern("/partner-lists/projects/:id/review", .POST)
            static let wishes = RoutePattern("/wishes", .GET, .POST)
            static let wish = RoutePattern("/wishes/:id")
            static let wishAct = RoutePattern("/wishes/:id/act/:action", .POST)
            static let handOver = RoutePattern("/wishes/:id/handover", .POST)
            static let wishPhoto = RoutePattern("/wishes/:id/photo")
            static let wall = RoutePattern("/wish-wall")
            static let ours = RoutePattern("/our-partners")
            static let logs = RoutePattern("/service-logs", .GET, .POST)
            static let logAct = RoutePattern("/service-logs/:id/act/:action", .POST)
            static let report = RoutePattern("/partners-report")
            static let register = RoutePattern("/party-members/register", .GET, .POST)
            static let evaluate = RoutePattern("/partners/:id/evaluate", .POST)
            static let claims = RoutePattern("/claims", .GET, .POST)
            static let claimAct = RoutePattern("/claims/:id/act/:action", .POST)
            static let needAct = RoutePattern("/partner-lists/needs/:id/act/:action", .POST)
            static let myNeeds = RoutePattern("/my-needs", .GET, .POST)
            static let endRegistration = RoutePattern("/party-members/end", .POST)
            static let meetings = RoutePattern("/partner-lists/meetings", .GET, .POST)
            static let wishHours = RoutePattern("/wishes/:id/hours", .POST)
            static let projectPhotos = RoutePattern("/partner-lists/projects/:id/photos", .POST)
            static let projectPhoto = RoutePattern("/partner-lists/projects/:id/photos/:photo")
            static let all = [list, new, show, act, needs, resources, projects, project, matches, deliver, review, wishes, wish, wishAct,
                              handOver, wishPhoto, wall, ours, logs, logAct, report, register, evaluate, claims, claimAct, needAct, myNeeds, endRegistration, meetings,
                              wishHours, projectPhotos, projectPhoto]
        }

        var path: String {
            switch self {
            case .list(let q): Pattern.list.path() + q
            case .new: Pattern.new.path()
            case .show(let id): Pattern.show.path(id)
            case .act(let id, let a): Pattern.act.path(id, a)
            case .needs(let q): Pattern.needs.path() + q
            case .resources(let q): Pattern.resources.path() + q
            case .projects(let q): Pattern.projects.path() + q
            case .project(let id): Pattern.project.path(id)
            case .matches(let id): Pattern.matches.path(id)
            case .deliver(let id): Pattern.deliver.path(id)
            case .review(let id): Pattern.review.path(id)
            case .wishes(let q): Pattern.wishes.path() + q
            case .wish(let id): Pattern.wish.path(id)
            case .wishAct(let id, let a): Pattern.wishAct.path(id, a)
            case .handOver(let id): Pattern.handOver.path(id)
            case .wishPhoto(let id): Pattern.wishPhoto.path(id)
            case .wall(let q): Pattern.wall.path() + q
            case .ours(let q): Pattern.ours.path() + q
            case .logs(let q): Pattern.logs.path() + q
            case .logAct(let id, let a): Pattern.logAct.path(id, a)
            case .report(let q): Pattern.report.path() + q
            case .register: Pattern.register.path()
            case .evaluate(let id): Pattern.evaluate.path(id)
            case .claims: Pattern.claims.path()
            case .claimAct(let id, let a): Pattern.claimAct.path(id, a)
            case .needAct(let id, let a): Pattern.needAct.path(id, a)
            case .myNeeds: Pattern.myNeeds.path()
            case .endRegistration: Pattern.endRegistration.path()
            case .meetings: Pattern.meetings.path()
            case .wishHours(let id): Pattern.wishHours.path(id)
            case .projectPhotos(let id): Pattern.projectPhotos.path(id)
            case .projectPhoto(let id, let photo): Pattern.projectPhoto.path(id, photo)
            }
        }
    }
}
