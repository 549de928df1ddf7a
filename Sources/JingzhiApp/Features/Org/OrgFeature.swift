import JingzhiCore

/// The org and grid tree, boundaries, grid workers and signs.
enum OrgFeature: Feature {
    static func routes(_ g: RouteGroups) throws {
        OrgPages.register(web: g.web, authed: g.staff)
        OrgAPI.register(g.apiAuthed)
    }

    static let navigation: [NavItem] = [
        navLink(80, .grid) { $0.can(.viewOrg) ? (SiteURL.Org.tree.path, "组织网格", "Org & grids") : nil },
    ]

    static let pathColumns = [PathColumn(OrgNode.schema, "path"), PathColumn(GridWorker.schema)]
}
