import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// `jingzhi points verify`: every stored balance equals the sum of its entries, all balances sum to zero, every entry
/// moves a positive amount between two existing accounts, and no account but an issuing one is below zero. The
/// database does the sums and returns only what is wrong, so a city's ledger is checked without loading it.
enum PointsVerify {
    struct Report: Sendable {
        var accounts = 0
        var entries = 0
        var pointsMoved = 0
        var problems: [String] = []
        var ok: Bool { problems.isEmpty }

        var text: String {
            let head = "积分账户 \(accounts) 个，流水 \(entries) 笔，共转移 \(pointsMoved) 分 (\(accounts) accounts, \(entries) entries, \(pointsMoved) points moved)"
            return ([head] + (ok ? ["账目平衡 (the ledger balances)"] : problems)).joined(separator: "\n")
        }
    }

    static func run(on db: any Database) async throws -> Report {
        var report = Report()
        let sql = db.sql
        let totals = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .column(SQLRaw("CAST(COALESCE(SUM(points), 0) AS BIGINT)"), as: "total")
            .from(PointsEntry.schema).first()
        report.entries = try totals?.decode(column: "n", as: Int.self) ?? 0
        report.pointsMoved = try totals?.decode(column: "total", as: Int.self) ?? 0
        let bad = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(PointsEntry.schema)
            .where("points", .lessThanOrEqual, SQLBind(0))
            .orWhere(SQLIdentifier("from_account_id"), .equal, SQLIdentifier("to_account_id"))
            .first()?.decode(column: "n", as: Int.self) ?? 0
        if bad > 0 { report.problems.append("\(bad) 笔流水金额非正或转给自己 (\(bad) entries with no positive amount or one account on both sides)") }
        // Every entry is one debit and one credit of the same points, so debits equal credits by construction; what can
        // drift is a stored balance. The database compares each with its entries and returns only the accounts that
        // differ or went below zero, so a city's accounts are never loaded.
        let flows = """
            SELECT a.key AS key, a.kind AS kind, CAST(a.balance AS BIGINT) AS balance,
                   CAST(COALESCE(i.total, 0) - COALESCE(o.total, 0) AS BIGINT) AS flow
            FROM points_accounts a
            LEFT JOIN (SELECT to_account_id AS id, SUM(points) AS total FROM points_entries GROUP BY to_account_id) i ON i.id = a.id
            LEFT JOIN (SELECT from_account_id AS id, SUM(points) AS total FROM points_entries GROUP BY from_account_id) o ON o.id = a.id
            WHERE a.balance <> COALESCE(i.total, 0) - COALESCE(o.total, 0) OR (a.balance < 0 AND a.kind <> 'issuing')
            LIMIT 1000
            """
        for row in try await sql.raw(SQLQueryString(flows)).all() {
            let key = try row.decode(column: "key", as: String.self), kind = try row.decode(column: "kind", as: String.self)
            let balance = try row.decode(column: "balance", as: Int.self), flow = try row.decode(column: "flow", as: Int.self)
            if balance != flow { report.problems.append("账户 \(key)：存余额 \(balance)，流水合计 \(flow) (stored balance ≠ sum of entries)") }
            if balance < 0 && kind != PointsAccountKind.issuing.rawValue { report.problems.append("账户 \(key)：余额为负 \(balance) (negative balance)") }
        }
        let accounts = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .column(SQLRaw("CAST(COALESCE(SUM(balance), 0) AS BIGINT)"), as: "total").from(PointsAccount.schema).first()
        report.accounts = try accounts?.decode(column: "n", as: Int.self) ?? 0
        let sum = try accounts?.decode(column: "total", as: Int.self) ?? 0
        let orphans = try await sql.raw("""
            SELECT COUNT(*) AS n FROM points_entries e WHERE NOT EXISTS (SELECT 1 FROM points_accounts a WHERE a.id = e.from_account_id)
               OR NOT EXISTS (SELECT 1 FROM points_accounts a WHERE a.id = e.to_account_id)
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        if orphans > 0 { report.problems.append("\(orphans) 笔流水指向不存在的账户 (\(orphans) entries of a missing account)") }
        if sum != 0 { report.problems.append("全部余额合计 \(sum)，应为 0 (balances sum to \(sum), not 0)") }
        return report
    }
}
