import JingzhiCore

/// Each role's home page.
enum HomeFeature: Feature {
    static func routes(_ g: RouteGroups) throws { HomePage.register(g.staff) }
}
