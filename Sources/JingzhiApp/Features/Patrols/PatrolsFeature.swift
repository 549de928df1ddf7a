import JingzhiCore
import Vapor

/// Grid workers' patrols: tracks, check-ins and events.
enum PatrolsFeature: Feature {
    static func configure(_ app: Application) {
        PatrolCommandCentre.register(app)
        app.minuteTasks.addCounting("patrols", { app in await PatrolScheduler.tick(app) })
    }

    static func routes(_ g: RouteGroups) throws {
        PatrolsAPI.register(g.apiAuthed)
        PatrolPages.register(g.staff)
        PatrolStaffPages.register(g.staff)
    }

    static let navigation: [NavItem] = [
        navLink(40, .grid) {
            [.admin, .streetStaff, .communityStaff, .gridWorker].contains($0.role)
                ? ($0.role == .gridWorker ? SiteURL.Patrols.patrol.path : SiteURL.Patrols.list(query: []).path, "巡查走访", "Patrols & visits") : nil
        },
    ]

    static let pathColumns = [PathColumn(Patrol.schema)]
}
