import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// A month of points per community (每月积分发放与兑换): issued, reversed, spent on goods, returned from voided
/// redemptions, expired. Entries carry their community's path, so one grouped query answers it.
enum PointsReport {
    struct Row: Sendable {
        let community: OrgNode
        var totals: [PointsEntryKind: Int] = [:]

        func points(_ kind: PointsEntryKind) -> Int { totals[kind] ?? 0 }
        /// Awards less their reversals.
        var issued: Int { points(.award) - points(.reversal) }
        /// Redemptions less what came back.
        var spent: Int { points(.redeem) - points(.refund) }
    }

    static func month(_ month: String, scope: DataScope, on db: any Database) async throws -> [Row] {
        let from = ShanghaiTime.dayStart(month + "-01"), to = ShanghaiTime.dayStart(ShanghaiTime.month(month, plus: 1) + "-01")
        let sums = try await db.sql.raw("""
            SELECT node_path, kind, CAST(SUM(points) AS BIGINT) AS total FROM \(ident: PointsEntry.schema)
            WHERE \(scope.sqlCondition(boundedInTime: true, on: db)) AND created_at >= \(bind: from) AND created_at < \(bind: to)
            GROUP BY node_path, kind
            """).all()
        var byPath: [String: [PointsEntryKind: Int]] = [:]
        for row in sums {
            guard let kind = PointsEntryKind(rawValue: try row.decode(column: "kind", as: String.self)) else { continue }
            byPath[try row.decode(column: "node_path", as: String.self), default: [:]][kind, default: 0] += try row.decode(column: "total", as: Int.self)
        }
        let communities = try await OrgNode.query(on: db).filter(\.$kindRaw == NodeKind.community.rawValue).within(scope).sort(\.$path).all()
        return communities.map { Row(community: $0, totals: byPath[$0.path] ?? [:]) }
    }

    static func csv(_ rows: [Row], month: String) -> String {
        var text = CSV.utf8BOM + CSV.line(["月份", "社区", "发放", "冲正", "兑换", "退回", "过期", "净发放", "净兑换"])
        for r in rows {
            text += CSV.line([month, r.community.name] + [PointsEntryKind.award, .reversal, .redeem, .refund, .expiry].map { String(r.points($0)) }
                             + [String(r.issued), String(r.spent)])
        }
        return text
    }
}
