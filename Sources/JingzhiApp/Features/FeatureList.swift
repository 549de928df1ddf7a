import JingzhiCore

/// Every feature of the app, in the order their routes and navigation are registered. A new feature adds itself here.
enum FeatureList {
    static var all: [any Feature.Type] { [
        AccountsFeature.self, HomeFeature.self, OrgFeature.self, ResidentsFeature.self, AuditFeature.self,
        CasesFeature.self, PatrolsFeature.self, VisitsFeature.self, PropertyFeature.self, CommandCentreFeature.self,
        MeasuresFeature.self, DeliberationFeature.self, OpenAPIFeature.self, Open311Feature.self, PointsFeature.self,
        DevicesFeature.self,
        NoticesFeature.self,
        PartnersFeature.self,
        ServicesFeature.self,
        CanteenFeature.self,
        AssessmentFeature.self,
        ObservabilityFeature.self,
    ] }

    /// Every table column that carries a node path, from every feature.
    static var pathColumns: [PathColumn] { all.flatMap { $0.pathColumns } }

    /// Every web page's route pattern (the frame's and each feature's); `SiteURLRouteTests` holds it to the route table.
    static var pages: [RoutePattern] {
        SiteURL.Pattern.all + SiteURL.Accounts.Pattern.all + SiteURL.Org.Pattern.all + SiteURL.Residents.Pattern.all
            + SiteURL.Audit.Pattern.all + SiteURL.Cases.Pattern.all + SiteURL.Patrols.Pattern.all + SiteURL.Visits.Pattern.all
            + SiteURL.Property.Pattern.all + SiteURL.CommandCentre.Pattern.all + SiteURL.Measures.Pattern.all
            + SiteURL.Points.Pattern.all + SiteURL.Activities.Pattern.all + SiteURL.Volunteers.Pattern.all + SiteURL.Deliberation.Pattern.all
            + SiteURL.Devices.Pattern.all
            + SiteURL.Home.Pattern.all + SiteURL.Notices.Pattern.all
            + SiteURL.Partners.Pattern.all
            + SiteURL.Services.Pattern.all + SiteURL.Canteen.Pattern.all
            + SiteURL.Assessment.Pattern.all
    }
}

/// The sections of the staff navigation; each feature's links name theirs.
extension NavSection {
    static let cases = NavSection("cases", zh: "诉求", en: "Cases", order: 10)
    static let grid = NavSection("grid", zh: "网格", en: "Grids", order: 20)
    static let service = NavSection("service", zh: "服务", en: "Services", order: 30)
    static let participation = NavSection("participation", zh: "参与", en: "Participation", order: 40)
    static let property = NavSection("property", zh: "物业", en: "Property", order: 50)
    static let stats = NavSection("stats", zh: "统计", en: "Statistics", order: 60)
    static let system = NavSection("system", zh: "系统", en: "System", order: 70)
}

/// A navigation link in `section` shown to the actors `visible` lets through.
func navLink(_ order: Int, _ section: NavSection = .more, _ visible: @escaping @Sendable (Actor) -> (href: String, zh: String, en: String)?) -> NavItem {
    NavItem(order: order, section: section) { req in
        guard let actor = req.actor, let l = visible(actor) else { return nil }
        return (l.href, req.lang.t(l.zh, l.en))
    }
}
