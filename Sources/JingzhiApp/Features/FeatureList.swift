import JingzhiCore

/// Every feature of the app, in the order their routes and navigation are registered. A new feature adds itself here.
enum FeatureList {
    static var all: [any Feature.Type] { [
        AccountsFeature.self, HomeFeature.self, OrgFeature.self, ResidentsFeature.self, AuditFeature.self,
        CasesFeature.self, PatrolsFeature.self, VisitsFeature.self, PropertyFeature.self, CommandCentreFeature.self,
        MeasuresFeature.self, OpenAPIFeature.self, Open311Feature.self,
    ] }

    /// Every table column that carries a node path, from every feature.
    static var pathColumns: [PathColumn] { all.flatMap { $0.pathColumns } }
}

/// A navigation link shown to the actors `visible` lets through.
func navLink(_ order: Int, _ visible: @escaping @Sendable (Actor) -> (href: String, zh: String, en: String)?) -> NavItem {
    NavItem(order: order) { req in
        guard let actor = req.actor, let l = visible(actor) else { return nil }
        return (l.href, req.lang.t(l.zh, l.en))
    }
}
