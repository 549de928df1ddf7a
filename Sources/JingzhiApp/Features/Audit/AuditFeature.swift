import JingzhiCore

/// The audit trail's pages (the log itself is Core's).
enum AuditFeature: Feature {
    static func routes(_ g: RouteGroups) throws {
        AuditPages.register(g.staff)
        PersonalDataLogPages.register(web: g.staff, api: g.apiAuthed)
    }

    static let navigation: [NavItem] = [
        navLink(130, .system) { $0.can(.viewAudit) ? (SiteURL.Audit.log(query: []).path, "操作日志", "Audit log") : nil },
    ]

    /// The trail and the shared lifecycle history both follow their records when a node moves.
    static let pathColumns = [PathColumn(AuditEntry.schema), PathColumn(LifecycleEvent.schema), PathColumn(PersonalDataAccess.schema)]
}
