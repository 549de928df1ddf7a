import JingzhiCore
import Vapor

/// Everything of the property work: the API, the staff pages, the resident's pages, the public red/black list.
enum PropertyRoutes {
    static func register(web: any RoutesBuilder, staff: any RoutesBuilder, api: any RoutesBuilder) {
        PropertyAPI.register(api)
        PropertyPages.register(staff)
        ResidentPropertyPages.register(web: web, staff: staff)
    }
}
