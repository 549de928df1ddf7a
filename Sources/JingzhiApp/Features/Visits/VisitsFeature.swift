import JingzhiCore

/// Care visits (关爱探访) and visit plans.
enum VisitsFeature: Feature {
    static func routes(_ g: RouteGroups) throws {
        VisitsAPI.register(g.apiAuthed)
        VisitPages.register(g.staff)
    }

    static let pathColumns = [PathColumn(Visit.schema), PathColumn(VisitPlan.schema)]
}
