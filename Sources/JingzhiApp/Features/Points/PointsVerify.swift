import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// `jingzhi points verify`: every stored balance equals the sum of its entries, the ledger balances (what leaves
/// accounts equals what reaches them, and all balances sum to zero), every entry moves a positive amount between two
/// accounts, and no account but an issuing one is below zero.
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
        // What left and what reached each account, summed in the database.
        var flows: [UUID: (out: Int, in: Int)] = [:]
        for (column, outgoing) in [("from_account_id", true), ("to_account_id", false)] {
            let rows = try await sql.select().column(SQLIdentifier(column), as: "account")
                .column(SQLRaw("CAST(SUM(points) AS BIGINT)"), as: "total")
                .from(PointsEntry.schema).groupBy(SQLIdentifier(column)).all()
            for row in rows {
                let id = try row.decode(column: "account", as: UUID.self), total = try row.decode(column: "total", as: Int.self)
                if outgoing { flows[id, default: (0, 0)].out += total } else { flows[id, default: (0, 0)].in += total }
            }
        }
        let totals = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .column(SQLRaw("CAST(COALESCE(SUM(points), 0) AS BIGINT)"), as: "total")
            .from(PointsEntry.schema).first()
        report.entries = try totals?.decode(column: "n", as: Int.self) ?? 0
        report.pointsMoved = try totals?.decode(column: "total", as: Int.self) ?? 0
        let debits = flows.values.reduce(0) { $0 + $1.out }, credits = flows.values.reduce(0) { $0 + $1.in }
        if debits != credits { report.problems.append("借贷不等：转出 \(debits)，转入 \(credits) (debits \(debits) ≠ credits \(credits))") }
        let bad = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(PointsEntry.schema)
            .where("points", .lessThanOrEqual, SQLBind(0))
            .orWhere(SQLIdentifier("from_account_id"), .equal, SQLIdentifier("to_account_id"))
            .first()?.decode(column: "n", as: Int.self) ?? 0
        if bad > 0 { report.problems.append("\(bad) 笔流水金额非正或转给自己 (\(bad) entries with no positive amount or one account on both sides)") }
        var sum = 0
        var known = Set<UUID>()
        for a in try await PointsAccount.query(on: db).all() {
            report.accounts += 1
            known.insert(a.id!)
            sum += a.balance
            let f = flows[a.id!] ?? (0, 0)
            if a.balance != f.in - f.out {
                report.problems.append("账户 \(a.key)：存余额 \(a.balance)，流水合计 \(f.in - f.out) (stored balance ≠ sum of entries)")
            }
            if a.balance < 0 && !a.mayGoNegative {
                report.problems.append("账户 \(a.key)：余额为负 \(a.balance) (negative balance)")
            }
        }
        for id in flows.keys where !known.contains(id) { report.problems.append("流水指向不存在的账户 \(id) (entries of a missing account)") }
        if sum != 0 { report.problems.append("全部余额合计 \(sum)，应为 0 (balances sum to \(sum), not 0)") }
        return report
    }
}
