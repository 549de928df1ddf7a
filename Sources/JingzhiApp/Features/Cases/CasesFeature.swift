import JingzhiCore
import Vapor

/// Residents' requests (接诉即办): intake, the case loop, photos and categories.
enum CasesFeature: Feature {
    static func configure(_ app: Application) { _ = app.caseOrigins }

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
