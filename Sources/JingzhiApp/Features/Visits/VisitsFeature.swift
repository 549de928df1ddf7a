import JingzhiCore

/// Care visits (关爱探访) and visit plans.
enum VisitsFeature: Feature {
    static func routes(_ g: RouteGroups) throws {
        VisitsAPI.register(g.apiAuthed)
        VisitPages.register(g.staff)
    }

    static let navigation: [NavItem] = [
        navLink(45, .service) { $0.can(.logVisits) ? (SiteURL.Visits.overview(query: []).path, "民情走访", "Care visits") : nil },
    ]

    static let pathColumns = [PathColumn(Visit.schema), PathColumn(VisitPlan.schema)]
}
