import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Vapor

extension PointsFeature: BenchContributor {
    static let benchParts = [
        BenchPart(name: "points", help: "parallel redemptions on the county, then `points verify` on a city-sized ledger; seeds on its own",
                  run: .alone { settings, o in try await PointsBench.run(settings, options: o) }),
    ]
}

/// `jingzhi bench --part points`: parallel redemptions by many residents on shared stock (none lost or double-spent),
/// and `points verify` over a city-sized ledger, each against primary-key reads of a resident in the same run.
enum PointsBench {
    static func run(_ settings: Settings, options: BenchOptions) async throws -> [String] {
        try await JingzhiCommands.run(settings) { app in
            _ = try await DemoSeeder.seed(app, scale: .county, log: options.log)
            guard let resident = try await Resident.query(on: app.db).first() else { return ["points: no residents"] }
            let db = settings.usesPostgres ? "PostgreSQL" : "SQLite"
            let baseline = try await Bench.measure(options.repeats) { _ = try await Resident.find(resident.id, on: app.db) }
            let reads = 1000 / baseline.0
            var lines = ["points on \(db): baseline resident by primary key \(String(format: "%.2f", baseline.0)) ms (\(Int(reads)) reads/s)"]
            let r = try await redemptions(app, log: options.log)
            lines.append(String(format: "parallel redemptions (%d residents × %d tries, %d at a time, stock %d): %d held, %d refused in %.2f s: %.0f tries/s = %.3f × baseline reads/s",
                                r.residents, r.tries, r.concurrency, r.stock, r.held, r.refused, r.seconds, Double(r.residents * r.tries) / r.seconds,
                                Double(r.residents * r.tries) / r.seconds / reads))
            lines.append("  lost points: \(r.lost), double-spent points: \(r.doubleSpent), stock left \(r.stockLeft), ledger verifies: \(r.verifies)")
            let accounts = settings.environment["JINGZHI_BENCH_LEDGER_ACCOUNTS"].flatMap(Int.init) ?? 1_889_684
            let seeded = try await cityLedger(app, accounts: accounts, log: options.log)
            let t0 = Date()
            let report = try await PointsVerify.run(on: app.db)
            let ms = Date().timeIntervalSince(t0) * 1000
            lines.append(String(format: "points verify over %d accounts and %d entries (seeded in %.0f s): %.0f ms = %.0f × baseline, balances: %@",
                                report.accounts, report.entries, seeded, ms, ms / baseline.0, report.ok ? "yes" : "NO"))
            return lines
        }
    }

    struct Redemptions {
        var residents = 0, tries = 0, concurrency = 0, stock = 0, held = 0, refused = 0
        var seconds = 0.0
        var lost = 0, doubleSpent = 0, stockLeft = 0
        var verifies = false
    }

    /// 200 residents of one community, each paid for 3 of the goods, try 4 each, 16 at a time, on stock for 450.
    static func redemptions(_ app: Application, log: @Sendable (String) -> Void) async throws -> Redemptions {
        var out = Redemptions(residents: 200, tries: 4, concurrency: 16, stock: 450)
        let now = app.clock.now()
        guard let community = try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.community.rawValue).sort(\.$path).first() else { return out }
        let people = try await Resident.query(on: app.db).within(DataScope(rootPath: community.path)).sort(\.$id).range(0..<out.residents).all()
        out.residents = people.count
        let admin = PointsDemo.systemActor(role: .admin)
        let price = 10
        let goods = try await SupermarketService(db: app.db, now: now).create(
            GoodsInput(name: "压力测试商品", description: nil, pricePoints: Double(price), stock: Double(out.stock), monthlyLimit: nil), community: community, by: admin)
        var before: [UUID: Int] = [:]
        for p in people {
            _ = try await PointsService(db: app.db, now: now).award(residentID: p.id, points: Double(3 * price), reason: "压力测试", sourceRef: nil,
                                                                    idempotencyKey: nil, by: admin)
            before[p.id!] = try await PointsService(db: app.db, now: now).account(of: p).balance
        }
        log("points bench: \(people.count) residents paid, redeeming")
        let tries = people.flatMap { p in Array(repeating: p, count: out.tries) }.shuffled()
        let t0 = Date()
        var held = 0
        for wave in stride(from: 0, to: tries.count, by: out.concurrency) {
            held += try await withThrowingTaskGroup(of: Int.self) { group in
                for p in tries[wave..<min(tries.count, wave + out.concurrency)] {
                    group.addTask {
                        do {
                            _ = try await SupermarketService(db: app.db, now: now).redeem(goodsID: goods.id, quantity: 1, idempotencyKey: nil,
                                                                                          by: PointsDemo.residentActor(p))
                            return 1
                        } catch let e as APIError where e.status == .conflict { return 0 }
                    }
                }
                return try await group.reduce(0, +)
            }
        }
        out.seconds = Date().timeIntervalSince(t0)
        out.held = held
        out.refused = tries.count - held
        // Every resident's points: what they had, less what their held redemptions cost, to the point.
        for p in people {
            let count = try await PointsRedemption.query(on: app.db).filter(\.$residentID == p.id!).filter(\.$goodsID == goods.id!).count()
            let balance = try await PointsService(db: app.db, now: now).account(of: p).balance
            let expected = (before[p.id!] ?? 0) - count * price
            if balance > expected { out.doubleSpent += balance - expected }
            if balance < expected || balance < 0 { out.lost += expected - balance }
        }
        out.stockLeft = try await PointsGoods.find(goods.id, on: app.db)?.stock ?? -1
        if out.stockLeft != out.stock - held || out.stockLeft < 0 { out.lost += abs(out.stock - held - out.stockLeft) }
        out.verifies = try await PointsVerify.run(on: app.db).ok
        return out
    }

    /// A city's year: `accounts` resident accounts over the county's communities, each with two awards and every
    /// fourth with a redemption, written in bulk with the balances they sum to. Returns the seconds it took.
    static func cityLedger(_ app: Application, accounts: Int, log: @Sendable (String) -> Void) async throws -> Double {
        let t0 = Date()
        let communities = try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.community.rawValue).all()
        guard !communities.isEmpty else { return 0 }
        let now = app.clock.now()
        var issuing: [PointsAccount] = [], markets: [PointsAccount] = []
        for c in communities {
            issuing.append(try await PointsLedger.account(.issuing, community: c, now: now, on: app.db))
            markets.append(try await PointsLedger.account(.supermarket, community: c, now: now, on: app.db))
        }
        var issued = Array(repeating: 0, count: communities.count), sold = Array(repeating: 0, count: communities.count)
        let sql = app.db.sql
        let batch = 2_000
        for start in stride(from: 0, to: accounts, by: batch) {
            var accountRows: [[any SQLExpression]] = [], entryRows: [[any SQLExpression]] = []
            for i in start..<min(accounts, start + batch) {
                let k = i % communities.count
                let id = UUID(), c = communities[k]
                let day = now.addingTimeInterval(-Double(i % 365) * 86_400)
                let awards = [10 + i % 20, 5 + i % 7]
                let spent = i % 4 == 0 ? 10 : 0
                issued[k] += awards.reduce(0, +)
                sold[k] += spent
                accountRows.append([SQLBind(id), SQLBind("bench:\(id.uuidString)"), SQLBind(PointsAccountKind.resident.rawValue), SQLBind(c.id!),
                                    SQLBind(c.path), SQLBind(awards.reduce(0, +) - spent), SQLBind(now)])
                for (j, points) in awards.enumerated() {
                    entryRows.append(entry(from: issuing[k].id!, to: id, points: points, kind: .award, path: c.path, at: day.addingTimeInterval(Double(j) * 3600)))
                }
                if spent > 0 { entryRows.append(entry(from: id, to: markets[k].id!, points: spent, kind: .redeem, path: c.path, at: day.addingTimeInterval(7200))) }
            }
            try await app.db.writeTransaction { [accountRows, entryRows] tx in
                try await insert(tx.sql, PointsAccount.schema, ["id", "key", "kind", "community_id", "node_path", "balance", "created_at"], accountRows)
                try await insert(tx.sql, PointsEntry.schema, ["id", "from_account_id", "to_account_id", "points", "kind", "reason", "node_path", "actor_name", "created_at"], entryRows)
            }
            if start % 200_000 == 0 { log("points bench: ledger \(start) / \(accounts) accounts") }
        }
        for (k, _) in communities.enumerated() {
            try await sql.update(PointsAccount.schema).set(SQLIdentifier("balance"), to: SQLBinaryExpression(SQLIdentifier("balance"), .subtract, SQLBind(issued[k])))
                .where("id", .equal, SQLBind(issuing[k].id!)).run()
            try await sql.update(PointsAccount.schema).set(SQLIdentifier("balance"), to: SQLBinaryExpression(SQLIdentifier("balance"), .add, SQLBind(sold[k])))
                .where("id", .equal, SQLBind(markets[k].id!)).run()
        }
        return Date().timeIntervalSince(t0)
    }

    static func entry(from: UUID, to: UUID, points: Int, kind: PointsEntryKind, path: String, at: Date) -> [any SQLExpression] {
        [SQLBind(UUID()), SQLBind(from), SQLBind(to), SQLBind(points), SQLBind(kind.rawValue), SQLBind(kind.zh), SQLBind(path), SQLBind("压力测试"), SQLBind(at)]
    }

    /// Multi-row inserts, under the databases' limit of bound values per statement.
    static func insert(_ sql: any SQLDatabase, _ table: String, _ columns: [String], _ rows: [[any SQLExpression]]) async throws {
        let per = max(1, min(500, 30_000 / columns.count))
        for start in stride(from: 0, to: rows.count, by: per) {
            let builder = sql.insert(into: table).columns(columns)
            for row in rows[start..<min(rows.count, start + per)] { builder.values(row) }
            try await builder.run()
        }
    }
}
