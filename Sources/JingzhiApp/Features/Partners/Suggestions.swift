import Foundation
import Fluent
import JingzhiCore
import SQLKit

/// Suggested matches (智能撮合): for each open need, the resources of the same category whose partner serves its place
/// (the partner's area holds the need's path), still available by the need's date and with something left to promise;
/// the nearest partner first (the longest path: a community's own before the street's).
struct Suggestions {
    let db: any Database
    let now: Date

    struct Line: Sendable {
        let needID: UUID
        let resourceID: UUID
        let partnerID: UUID
        /// What the resource has left to promise.
        let left: Int
    }

    /// One query over the needs in `scope` (or one need), at most `limit` lines, needs by due day.
    func lines(within scope: DataScope, needID: UUID? = nil, limit: Int = 200) async throws -> [Line] {
        let today = ShanghaiTime.today(now)
        let active = [PartnerState.approved.rawValue, PartnerState.warned.rawValue]
        let one: SQLQueryString = needID.map { "n.id = \(bind: $0)" } ?? "1 = 1"
        let rows = try await db.sql.raw("""
            SELECT n.id AS need_id, r.id AS resource_id, r.partner_id AS partner_id, r.quantity - r.committed AS left_qty
            FROM \(ident: Need.schema) n
            JOIN \(ident: PartnerResource.schema) r ON r.category = n.category AND r.active = \(bind: true)
              AND n.node_path >= r.node_path AND n.node_path < r.node_path || '~'
              AND r.committed < r.quantity AND r.available_to >= \(bind: today) AND r.available_from <= n.due_day
            JOIN \(ident: Partner.schema) p ON p.id = r.partner_id AND p.state IN (\(binds: active)) AND p.agreement_to >= \(bind: today)
            WHERE n.state IN (\(binds: [NeedState.open.rawValue, NeedState.partlyMet.rawValue])) AND \(scope.sqlCondition(column: "n.node_path"))
              AND \(one)
            ORDER BY n.due_day, n.id, LENGTH(r.node_path) DESC, r.quantity - r.committed DESC
            LIMIT \(literal: limit)
            """).all()
        return try rows.map {
            Line(needID: try $0.decode(column: "need_id", as: UUID.self), resourceID: try $0.decode(column: "resource_id", as: UUID.self),
                 partnerID: try $0.decode(column: "partner_id", as: UUID.self), left: try $0.decode(column: "left_qty", as: Int.self))
        }
    }
}
