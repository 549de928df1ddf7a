import JingzhiCore
import Vapor

/// Property services: companies, contracts, fees, inspections and ratings.
enum PropertyFeature: Feature {
    static func configure(_ app: Application) {
        app.homeParts.tiles.append(HomeTile(order: 30, essential: true) { req in (SiteURL.Property.mine.path, req.t("缴费", "Pay bills"), nil) })
    }

    static func routes(_ g: RouteGroups) throws {
        PropertyRoutes.register(web: g.web, staff: g.staff, api: g.apiAuthed)
    }

    static let navigation: [NavItem] = [
        navLink(60, .property) { actor in
            let unlinked = actor.role == .resident && actor.user.residentID == nil
            guard ![.partner, .departmentStaff].contains(actor.role), !unlinked else { return nil }
            return (actor.role == .resident ? SiteURL.Property.mine.path : SiteURL.Property.overview(withoutCompany: false).path, "物业服务", "Property")
        },
    ]

    static let pathColumns = PropertyScope.pathColumns
}
