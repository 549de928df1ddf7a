import JingzhiCore
import Vapor

/// Residents' requests (接诉即办): intake, the case loop, photos and categories.
enum CasesFeature: Feature {
    static func configure(_ app: Application) {
        _ = app.caseOrigins
        app.minuteTasks.addCounting("case-deadlines", { app in await CaseDeadlineTask.tick(app) })
        CaseMetrics.register(app)
        CaseErasure.register(app)
        app.homeParts.tiles += [
            HomeTile(order: 10, essential: true) { req in
                // The report form opens at the resident's own compound.
                let compound = try await req.actor.asyncMap { try await ResidentService(req: req).homeCompound(of: $0) } ?? nil
                return (SiteURL.Cases.new(node: compound?.id).path, req.t("我要反映", "Report a problem"), nil)
            },
            HomeTile(order: 20) { req in (SiteURL.Cases.queue(query: []).path, req.t("我的诉求", "My requests"), nil) },
        ]
    }

    static func routes(_ g: RouteGroups) throws {
        CasesAPI.register(g.apiAuthed)
        CasePages.register(g.staff)
        HotlinePage.register(g.staff)
        QRIntake.register(web: g.web, staff: g.staff)
        CasePhotos.register(api: g.apiAuthed, web: g.staff)
        CaseCategoryAdmin.register(api: g.apiAuthed, web: g.staff)
    }

    static let navigation: [NavItem] = [
        navLink(20, .cases) { (SiteURL.Cases.queue(query: []).path, $0.role == .resident ? "我的诉求" : "诉求办理", $0.role == .resident ? "My requests" : "Cases") },
        navLink(30, .cases) { CaseMachine.dispatchers.contains($0.role) ? (SiteURL.Cases.hotline.path, "热线录入", "Hotline") : nil },
        navLink(120, .system) { $0.role == .admin ? (SiteURL.Cases.categories.path, "诉求类别", "Categories") : nil },
    ]

    static let pathColumns = [PathColumn(Case.schema)]
}
