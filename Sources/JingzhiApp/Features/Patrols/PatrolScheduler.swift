import Foundation
import JingzhiCore
import Vapor

/// How long a patrol may sit without a fix, check-in or event before the system ends it.
/// `JINGZHI_PATROL_IDLE_MINUTES` sets it (default 180); tests set `app.patrolSettings`.
struct PatrolSettings: Sendable {
    var idleTimeout: TimeInterval

    static func from(_ settings: Settings) -> PatrolSettings {
        let minutes = settings.environment["JINGZHI_PATROL_IDLE_MINUTES"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil } ?? 180
        return PatrolSettings(idleTimeout: minutes * 60)
    }
}

extension Application {
    private struct PatrolSettingsKey: StorageKey { typealias Value = PatrolSettings }
    var patrolSettings: PatrolSettings {
        get { storage[PatrolSettingsKey.self] ?? .from(settings) }
        set { storage[PatrolSettingsKey.self] = newValue }
    }
}

/// Closes forgotten patrols; called from the deadline scheduler's minute loop with the app clock.
enum PatrolScheduler {
    @discardableResult
    static func tick(_ app: Application) async -> Int {
        do {
            let closed = try await PatrolService(db: app.db, now: app.clock.now()).autoClose(idle: app.patrolSettings.idleTimeout)
            if closed > 0 { app.logger.info("patrols closed after idling: \(closed)") }
            return closed
        } catch {
            app.logger.reportSafely(error, "PatrolScheduler")
            return 0
        }
    }
}
