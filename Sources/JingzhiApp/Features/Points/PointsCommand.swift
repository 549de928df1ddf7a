import Foundation
import JingzhiCore

extension JingzhiCommands {
    /// `jingzhi points verify`: whether the points ledger balances, and the report to print.
    public static func verifyPoints(_ settings: Settings) async throws -> (ok: Bool, report: String) {
        try await run(settings) { app in
            let r = try await PointsVerify.run(on: app.db)
            return (r.ok, r.text)
        }
    }

    /// `jingzhi points expire`: voids pending redemptions older than `days` (points and stock return).
    public static func expireRedemptions(_ settings: Settings, days: Int) async throws -> Int {
        try await run(settings) { app in
            try await SupermarketService(db: app.db, now: app.clock.now(), source: .cli("points expire")).expireOverdue(days: days)
        }
    }

    /// `jingzhi points expire-year`: moves what is left of `year`'s points to the expiry accounts (again: nothing more).
    public static func expirePoints(_ settings: Settings, year: Int, years: Int) async throws -> (accounts: Int, points: Int) {
        try await run(settings) { app in
            let r = try await PointsExpiry(db: app.db, now: app.clock.now()).run(year: year, years: years)
            return (r.accounts, r.points)
        }
    }
}
