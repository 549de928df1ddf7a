import JingzhiCore
import Vapor

/// Households and residents, their tags, import and export.
enum ResidentsFeature: Feature {
    static func configure(_ app: Application) {
        app.minuteTasks.add("resident-retention") { app in await ResidentRetention.tick(app) }
        app.minuteTasks.add("export-jobs") { app in await ResidentExportJobs.tick(app) }
    }

    static func routes(_ g: RouteGroups) throws {
        ResidentPages.register(g.staff)
        ResidentsAPI.register(g.apiAuthed)
    }

    static let navigation: [NavItem] = [
        navLink(90, .grid) { $0.can(.viewResidents) ? (SiteURL.Residents.list(query: []).path, "居民信息", "Residents") : nil },
    ]

    static let pathColumns = [PathColumn(Household.schema), PathColumn(Resident.schema), PathColumn(ResidentTag.schema)]
}
