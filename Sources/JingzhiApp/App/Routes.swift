import Fluent
import Vapor

func registerRoutes(_ app: Application) throws {
    Assets.register(app)
    app.get("healthz") { req async throws -> [String: String] in
        _ = try await OrgNode.query(on: req.db).limit(1).all()
        return ["status": "ok"]
    }

    let web = app.grouped(app.sessions.middleware, SessionActorMiddleware(), CSRFMiddleware())
    let staff = web.grouped(RequireActorMiddleware(redirectToLogin: true), UnlinkedResidentMiddleware())
    let api = app.grouped("api", "v1").grouped(BearerActorMiddleware())
    let apiAuthed = api.grouped(RequireActorMiddleware(redirectToLogin: false), UnlinkedResidentMiddleware())

    AuthPages.register(web: web, authed: staff)
    AuthAPI.register(api: api, authed: apiAuthed)
    HomePage.register(staff)
    OrgPages.register(web: web, authed: staff)
    OrgAPI.register(apiAuthed)
    ResidentPages.register(staff)
    ResidentsAPI.register(apiAuthed)
    UserPages.register(staff)
    UsersAPI.register(apiAuthed)
    AuditPages.register(staff)
    CasesAPI.register(apiAuthed)
    CaseMeasuresAPI.register(apiAuthed)
    CasePages.register(staff)
    HotlinePage.register(staff)
    CaseMeasuresPage.register(staff)
    QRIntake.register(web: web, staff: staff)
    CasePhotos.register(api: apiAuthed, web: staff)
    CaseCategoryAdmin.register(api: apiAuthed, web: staff)
    PatrolsAPI.register(apiAuthed)
    PatrolPages.register(staff)
    PatrolStaffPages.register(staff)
    VisitsAPI.register(apiAuthed)
    VisitPages.register(staff)
    PropertyRoutes.register(web: web, staff: staff, api: apiAuthed)
    CommandCentreAPI.register(apiAuthed)
    CommandCentrePages.register(app, web: staff)
    MonthlyReportPages.register(staff)
    PatrolCommandCentre.register(app)
    OpenAPIDocument.register(app)
    Open311API.register(app)
}
