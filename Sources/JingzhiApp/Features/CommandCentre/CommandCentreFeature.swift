import JingzhiCore

/// The command centre (指挥中心) and its wall screen.
enum CommandCentreFeature: Feature {
    static func routes(_ g: RouteGroups) throws {
        CommandCentreAPI.register(g.apiAuthed)
        CommandCentrePages.register(g.app, web: g.staff)
    }

    static let navigation: [NavItem] = [
        navLink(70, .stats) { CommandCentreAccess.roles.contains($0.role) ? (SiteURL.CommandCentre.desk(query: []).path, "指挥中心", "Command centre") : nil },
    ]
}
