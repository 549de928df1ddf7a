import Foundation
import JingzhiCore
import Vapor

/// How long a redemption waits to be collected before it expires (`JINGZHI_REDEMPTION_DAYS`, default 14), and how many
/// full years points live after the year they were earned in (`JINGZHI_POINTS_EXPIRY_YEARS`, e.g. 1: points of 2026
/// expire at the end of 2027; unset: points never expire). Tests set `app.pointsSettings`.
struct PointsSettings: Sendable {
    var redemptionDays: Int
    var expiryYears: Int? = nil

    static func from(_ settings: Settings) -> PointsSettings {
        let positive = { (key: String) in settings.environment[key].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } }
        return PointsSettings(redemptionDays: positive("JINGZHI_REDEMPTION_DAYS") ?? 14, expiryYears: positive("JINGZHI_POINTS_EXPIRY_YEARS"))
    }
}

extension Application {
    private struct PointsSettingsKey: StorageKey { typealias Value = PointsSettings }
    var pointsSettings: PointsSettings {
        get { storage[PointsSettingsKey.self] ?? .from(settings) }
        set { storage[PointsSettingsKey.self] = newValue }
    }
}

/// The points sweepers, called from the deadline scheduler's minute loop with the app clock: waiting-list offers not
/// confirmed in time pass on, redemptions never collected expire (points and stock return), and once a year the
/// points of the due year expire when expiry is set. Each sweeper claims
/// its rows (a conditional UPDATE, a lifecycle version), so several servers ticking together act once.
enum PointsScheduler {
    struct Report: Equatable, Sendable {
        var offersPassed = 0
        var redemptionsExpired = 0
        /// Resident accounts whose points of the due year expired in this tick.
        var accountsExpired = 0
    }

    @discardableResult
    static func tick(_ app: Application) async -> Report {
        var report = Report()
        let now = app.clock.now()
        do {
            report.offersPassed = try await ActivityService(db: app.db, now: now, source: .system("候补递补")).sweepOffers()
            report.redemptionsExpired = try await SupermarketService(db: app.db, now: now, source: .system("兑换过期"))
                .expireOverdue(days: app.pointsSettings.redemptionDays)
            if let years = app.pointsSettings.expiryYears {
                report.accountsExpired = try await PointsExpiry(db: app.db, now: now).tick(years: years)?.accounts ?? 0
            }
            if report != .init() { app.logger.info("points sweep: \(report)") }
        } catch {
            app.logger.reportSafely(error, "PointsScheduler")
        }
        return report
    }
}
