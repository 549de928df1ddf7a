import Fluent
import JingzhiCore
import Vapor

func registerRoutes(_ app: Application) throws {
    Assets.register(app)
    app.get("healthz") { req async throws -> [String: String] in
        _ = try await req.db.query(AuditEntry.self).limit(1).all()
        return ["status": "ok"]
    }
    try app.register(features: FeatureList.all)
}
