import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// Reach of notices for the assessment's `notices.reach` measure, read through this feature.
extension NoticeReceipts {
    /// Recipients under `path` of the notices published in [from, to), and how many were reached.
    static func reach(under path: String, from: Date, to: Date, on db: any Database) async throws -> (recipients: Int, reached: Int) {
        let row = try await db.sql.raw("""
            SELECT COUNT(*) AS n, COUNT(CASE WHEN r.read_at IS NOT NULL OR r.delivered_at IS NOT NULL THEN 1 END) AS reached \
            FROM \(ident: NoticeRecipient.schema) r JOIN \(ident: Notice.schema) n ON n.id = r.notice_id \
            WHERE n.published_at >= \(bind: from) AND n.published_at < \(bind: to) AND \(DataScope(rootPath: path).sqlCondition(column: "r.node_path"))
            """).first()
        return (try row?.decode(column: "n", as: Int.self) ?? 0, try row?.decode(column: "reached", as: Int.self) ?? 0)
    }
}
