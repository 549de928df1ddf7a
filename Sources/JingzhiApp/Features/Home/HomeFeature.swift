import JingzhiCore
import Vapor

/// Each role's home page; the residents' phone home shows what other features register (`app.homeParts`).
enum HomeFeature: Feature {
    static func configure(_ app: Application) {
        app.identity.web.append(CareMode.Loader())
        app.pageChrome.bodyClass = { CareMode.isOn($0) ? "care" : nil }
        app.pageChrome.head = HomeApp.head
    }

    static func routes(_ g: RouteGroups) throws {
        HomePage.register(g.staff)
        HomeApp.register(g.web)
        g.staff.post(SiteURL.Home.Pattern.careMode, use: CareMode.toggle)
    }
}
