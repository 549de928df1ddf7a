import Foundation
import JingzhiCore
import Vapor
@testable import JingzhiApp

/// Runs `body` with two apps on one fresh database, as two servers behind a proxy: each has its own connections,
/// caches and clock; only the database is shared. The first app migrated it; the second only opens it, and names itself
/// "b" in `X-Jingzhi-Server` (the first names none).
func withTwoTestApps(_ body: (Application, Application) async throws -> Void) async throws {
    try await withTestApp { a in
        let b = try await Application.make(.testing)
        b.logger.logLevel = .warning
        do {
            var settings = a.settings
            settings.instance = "b"
            try await configure(b, settings: settings)
            try await body(a, b)
        } catch {
            try? await b.asyncShutdown()
            throw error
        }
        try await b.asyncShutdown()
    }
}
