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
    /// fourth with a redemption, with the balances they sum to. The database generates the rows (bench setup, not
    /// what is measured): one multi-row `INSERT … SELECT` per table and chunk over a series of numbers, ids derived
    /// from the number, so 1.9 million accounts take minutes, not the half hour row-by-row binds took in a debug build.
    /// Returns the seconds it took.
    static func cityLedger(_ app: Application, accounts: Int, log: @Sendable (String) -> Void) async throws -> Double {
        let t0 = Date()
        let communities = try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.community.rawValue).sort(\.$path).all()
        guard !communities.isEmpty, accounts > 0 else { return 0 }
        let now = app.clock.now()
        let db = app.db, sql = app.db.sql, pg = app.db.isPostgres
        try await db.schema(helper).ignoreExisting().field("k", .int, .required).field("community_id", .uuid, .required)
            .field("node_path", .string, .required).field("issuing_id", .uuid, .required).field("market_id", .uuid, .required).create()
        try await sql.delete(from: helper).run()
        var issued = Array(repeating: 0, count: communities.count), sold = Array(repeating: 0, count: communities.count)
        var issuing: [UUID] = []
        for (k, c) in communities.enumerated() {
            let i = try await PointsLedger.account(.issuing, community: c, now: now, on: db), m = try await PointsLedger.account(.supermarket, community: c, now: now, on: db)
            issuing.append(i.id!)
            try await sql.insert(into: helper).columns("k", "community_id", "node_path", "issuing_id", "market_id")
                .values(SQLBind(k), SQLBind(c.id!), SQLBind(c.path), SQLBind(i.id!), SQLBind(m.id!)).run()
        }
        // What each community's issuing account pays out and its supermarket takes in, by the same formulas as the rows.
        for n in 0..<accounts {
            issued[n % communities.count] += (10 + n % 20) + (5 + n % 7)
            if n % 4 == 0 { sold[n % communities.count] += 10 }
        }
        // Fresh id prefixes per run (accounts, two awards, redemptions); the last 12 hex digits are the row's number.
        let prefixes = (0..<4).map { _ in String(UUID().uuidString.prefix(24)) }
        let chunk = 100_000
        for start in stride(from: 0, to: accounts, by: chunk) {
            let end = min(accounts, start + chunk)
            try await db.writeTransaction { tx in
                let s = tx.sql
                let series = pg ? "generate_series(\(start), \(end - 1)) AS g(n)" : "g"
                let with = pg ? "" : "WITH RECURSIVE g(n) AS (SELECT \(start) UNION ALL SELECT n + 1 FROM g WHERE n + 1 < \(end)) "
                func id(_ p: String) -> String { pg ? "CAST('\(p)' || lpad(upper(to_hex(n)), 12, '0') AS uuid)" : "'\(p)' || printf('%012X', n)" }
                // The run's clock as a literal (no input reaches this SQL): timestamptz on PostgreSQL, epoch seconds on SQLite.
                let stamp = pg ? "CAST('\(now.formatted(.iso8601))' AS timestamptz)" : String(format: "%.3f", now.timeIntervalSince1970)
                func at(_ hours: Int) -> String {
                    pg ? "\(stamp) - (n % 365) * interval '1 day' + interval '\(hours) hours'" : "\(stamp) - (n % 365) * 86400.0 + \(hours * 3600).0"
                }
                try await s.raw("\(unsafeRaw: """
                    INSERT INTO \(PointsAccount.schema) (id, key, kind, community_id, node_path, balance, created_at) \(with)
                    SELECT \(id(prefixes[0])), 'bench:' || \(id(prefixes[0])), '\(PointsAccountKind.resident.rawValue)', c.community_id, c.node_path,
                           (10 + n % 20) + (5 + n % 7) - CASE WHEN n % 4 = 0 THEN 10 ELSE 0 END, \(stamp)
                    FROM \(series) JOIN \(helper) c ON c.k = n % \(communities.count)
                    """)").run()
                let entries = [("(10 + n % 20)", "c.issuing_id", id(prefixes[0]), PointsEntryKind.award, prefixes[1], 0, "1 = 1"),
                               ("(5 + n % 7)", "c.issuing_id", id(prefixes[0]), .award, prefixes[2], 1, "1 = 1"),
                               ("10", id(prefixes[0]), "c.market_id", .redeem, prefixes[3], 2, "n % 4 = 0")]
                for (points, from, to, kind, prefix, hours, when) in entries {
                    try await s.raw("\(unsafeRaw: """
                        INSERT INTO \(PointsEntry.schema) (id, from_account_id, to_account_id, points, kind, reason, node_path, actor_name, created_at) \(with)
                        SELECT \(id(prefix)), \(from), \(to), \(points), '\(kind.rawValue)', '\(kind.zh)', c.node_path, '压力测试', \(at(hours))
                        FROM \(series) JOIN \(helper) c ON c.k = n % \(communities.count) WHERE \(when)
                        """)").run()
                }
            }
            if start % 500_000 == 0 { log("points bench: ledger \(start) / \(accounts) accounts") }
        }
        for k in communities.indices {
            try await sql.update(PointsAccount.schema).set(SQLIdentifier("balance"), to: SQLBinaryExpression(SQLIdentifier("balance"), .subtract, SQLBind(issued[k])))
                .where("id", .equal, SQLBind(issuing[k])).run()
            let market = try await PointsLedger.account(.supermarket, community: communities[k], now: now, on: db)
            try await sql.update(PointsAccount.schema).set(SQLIdentifier("balance"), to: SQLBinaryExpression(SQLIdentifier("balance"), .add, SQLBind(sold[k])))
                .where("id", .equal, SQLBind(market.id!)).run()
        }
        try await db.schema(helper).delete()
        return Date().timeIntervalSince(t0)
    }

    /// A scratch table of the communities the generated rows are spread over (dropped afterwards).
    static let helper = "bench_points_communities"
}
