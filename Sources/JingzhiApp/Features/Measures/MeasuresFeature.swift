import JingzhiCore

/// Measures (考核统计) of the case loop: running totals, breakdowns and the monthly report.
enum MeasuresFeature: Feature {
    static func routes(_ g: RouteGroups) throws {
        CaseMeasuresAPI.register(g.apiAuthed)
        CaseMeasuresPage.register(g.staff)
        MonthlyReportPages.register(g.staff)
    }

    static let navigation: [NavItem] = [
        navLink(50, .stats) { $0.role != .partner && $0.role != .propertyStaff && $0.role.isStaff ? (SiteURL.Measures.page(query: "").path, "考核统计", "Measures") : nil },
    ]
}
