import Foundation
import Fluent
import JingzhiCore
import SQLKit

/// Suggested matches (智能撮合): for each open need, the resources of the same category whose partner serves its place
/// (the partner's area holds the need's path), still available by the need's date and with something left to promise,
/// of a partner in force; the nearest partner first (a community's own before the street's), then the most left.
///
/// Needs are read in due order, a batch at a time from the index; a batch's resources come in one query by the
/// batch's categories and the few ancestor paths of its needs (the path index), so the cost follows the page asked
/// for, not the size of the city.
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

    /// At most `limit` lines, at most `perNeed` for each need, over the open needs in `scope` (or one need).
    func lines(within scope: DataScope, needID: UUID? = nil, limit: Int = 200, perNeed: Int = 3) async throws -> [Line] {
        let today = ShanghaiTime.today(now)
        // Enough needs for a page when most have a fit; more batches follow when they do not.
        let batch = needID == nil ? max(20, limit / perNeed + 10) : 1
        struct N { let id: UUID, category: String, path: String, due: String }
        var out: [Line] = []
        var offset = 0
        while out.count < limit {
            let one: SQLQueryString = needID.map { "id = \(bind: $0)" } ?? "1 = 1"
            let needs = try await db.sql.raw("""
                SELECT id, category, node_path, due_day FROM \(ident: Need.schema)
                WHERE state IN (\(binds: [NeedState.open.rawValue, NeedState.partlyMet.rawValue])) AND \(scope.sqlCondition()) AND \(one)
                ORDER BY due_day, id LIMIT \(literal: batch) OFFSET \(literal: offset)
                """).all().map {
                N(id: try $0.decode(column: "id", as: UUID.self), category: try $0.decode(column: "category", as: String.self),
                  path: try $0.decode(column: "node_path", as: String.self), due: try $0.decode(column: "due_day", as: String.self))
            }
            guard !needs.isEmpty else { break }
            offset += needs.count
            let width = PathSegment.width
            let prefixes = Set(needs.flatMap { n in stride(from: width, through: n.path.count, by: width).map { String(n.path.prefix($0)) } })
            let rows = try await db.sql.raw("""
                SELECT r.id AS id, r.partner_id AS partner_id, r.category AS category, r.node_path AS node_path,
                       r.available_from AS available_from, r.quantity - r.committed AS left_qty
                FROM \(ident: PartnerResource.schema) r
                JOIN \(ident: Partner.schema) p ON p.id = r.partner_id
                WHERE r.category IN (\(binds: Array(Set(needs.map(\.category))))) AND r.active = \(bind: true)
                  AND r.node_path IN (\(binds: Array(prefixes))) AND r.committed < r.quantity AND r.available_to >= \(bind: today)
                  AND p.state IN (\(binds: [PartnerState.approved.rawValue, PartnerState.warned.rawValue])) AND p.agreement_to >= \(bind: today)
                """).all()
            struct R { let id: UUID, partner: UUID, category: String, path: String, from: String, left: Int }
            let resources = try rows.map {
                R(id: try $0.decode(column: "id", as: UUID.self), partner: try $0.decode(column: "partner_id", as: UUID.self),
                  category: try $0.decode(column: "category", as: String.self), path: try $0.decode(column: "node_path", as: String.self),
                  from: try $0.decode(column: "available_from", as: String.self), left: try $0.decode(column: "left_qty", as: Int.self))
            }
            let byCategory = Dictionary(grouping: resources, by: \.category)
            for n in needs {
                let fits = (byCategory[n.category] ?? []).filter { n.path.hasPrefix($0.path) && $0.from <= n.due }
                    .sorted { ($0.path.count, $0.left, $0.id.uuidString) > ($1.path.count, $1.left, $1.id.uuidString) }
                for r in fits.prefix(needID == nil ? perNeed : limit) {
                    out.append(Line(needID: n.id, resourceID: r.id, partnerID: r.partner, left: r.left))
                    if out.count == limit { return out }
                }
            }
            if needs.count < batch { break }
        }
        return out
    }
}
