import Foundation
import JingzhiCore

extension JingzhiCommands {
    /// Issues an Open311 `api_key` for `name` and returns it; it is shown this once, only its SHA-256 is stored.
    public static func createAPIKey(_ settings: Settings, name: String) async throws -> String {
        try await run(settings) { app in
            try await APIKeyService(db: app.db, now: app.clock.now()).create(name: name, source: .cli("apikey create")).key
        }
    }
}
