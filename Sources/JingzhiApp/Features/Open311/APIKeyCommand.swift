import Foundation
import JingzhiCore

extension JingzhiCommands {
    /// Issues an Open311 `api_key` for `name` and returns it; it is shown this once, only its SHA-256 is stored.
    /// `area` is the code of the node whose requests the key sends (unplaceable ones land there).
    public static func createAPIKey(_ settings: Settings, name: String, area: String? = nil) async throws -> String {
        try await run(settings) { app in
            try await APIKeyService(db: app.db, now: app.clock.now()).create(name: name, areaCode: area, source: .cli("apikey create")).key
        }
    }
}
