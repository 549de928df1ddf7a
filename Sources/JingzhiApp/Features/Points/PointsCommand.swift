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
}
