import JingzhiCore

/// Open311 GeoReport v2 on top of cases.
enum Open311Feature: Feature {
    static func routes(_ g: RouteGroups) throws { Open311API.register(g.app) }
}
