import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Vapor

/// How much demo data to make: a test-sized county, Yutai (鱼台县), or a Baoji-sized city (宝鸡市).
public enum DemoScale: String, Sendable, CaseIterable { case tiny, county, city }

public struct DemoAccount: Sendable {
    public let username: String
    public let password: String
    public let role: String
    public let nodeName: String
}

/// A `--as-of` that is not a real day.
public struct DemoDateError: Error, CustomStringConvertible, Sendable {
    public let raw: String
    public var description: String {
        "--as-of 须为 YYYY-MM-DD 格式的日期，如 2026-11-20 (--as-of must be a date YYYY-MM-DD, such as 2026-11-20; got \"\(raw)\")"
    }
}

public struct DemoSummary: Sendable {
    /// False when the data set was already present and nothing was written.
    public let created: Bool
    public let nodes: Int
    public let households: Int
    public let residents: Int
    public let accounts: [DemoAccount]
}

/// Seeds a deterministic demo data set: org tree with boundaries and Party organisations, households,
/// residents with tags, grid workers, visits and a few accounts (password `DemoSeeder.password`).
/// Idempotent: when the scale's root node exists, nothing is written.
public enum DemoSeeder {
    public static let password = "Demo2026"

    /// `asOf` is the demo's "today" as a day number (Asia/Shanghai); the same scale and day always make the same rows.
    public static func seed(_ app: Application, scale: DemoScale, asOf: Int? = nil,
                            log: @Sendable (String) -> Void = { _ in }) async throws -> DemoSummary {
        let plan = DemoPlan.make(scale, asOf: asOf ?? DemoPlan.referenceDay)
        if let root = try await OrgNode.query(on: app.db).filter(\.$code == plan.region.rootCode).first() {
            log("\(plan.region.rootName) (\(plan.region.rootCode)) 已存在，未写入任何数据 (already seeded; its dates stay as they were)")
            return try await summary(of: root, plan: plan, on: app.db)
        }
        // The work runs in a child task; its progress lines come back through a stream, so the caller's
        // (non-escaping) `log` is only ever called here, as they happen.
        let (lines, sink) = AsyncStream<String>.makeStream()
        async let outcome: DemoSummary = {
            defer { sink.finish() }
            let log: @Sendable (String) -> Void = { sink.yield($0) }
            if scale == .city {
                let seeded = try await seedInStreets(app, plan: plan, log: log)
                try await OrgTreeVersion.bump(on: app.db)
                return seeded
            }
            return try await app.db.transaction { tx in
                // Two servers started with --demo on one PostgreSQL: the second waits here, then finds the county.
                if tx.isPostgres { try await tx.sql.raw("SELECT pg_advisory_xact_lock(7262018)").run() }
                if let root = try await OrgNode.query(on: tx).filter(\.$code == plan.region.rootCode).first() {
                    return try await summary(of: root, plan: plan, on: tx)
                }
                try await OrgTreeVersion.bump(on: tx)
                return try await seedAtOnce(app, plan: plan, on: tx, log: log)
            }
        }()
        for await line in lines { log(line) }
        return try await outcome
    }

    /// The as-of day number of `raw` (`yyyy-MM-dd`), or of today in Asia/Shanghai when it is nil.
    public static func asOfDay(_ raw: String?, now: Date) throws -> Int {
        guard let raw else { return ShanghaiTime.dayNumber(of: now) }
        guard let day = ShanghaiTime.dayNumber(raw), (1990...2100).contains(DemoDate.civil(day).y) else {
            throw DemoDateError(raw: raw)
        }
        return day
    }

    /// Tiny and county scales: everything in the caller's transaction.
    private static func seedAtOnce(_ app: Application, plan: DemoPlan, on tx: any Database,
                                   log: @escaping @Sendable (String) -> Void) async throws -> DemoSummary {
        let started = Date()
        var builder = DemoBuilder(plan: plan)
        let writer = DemoBulkInsert(tx)
        let root = builder.root(ordinal: try await nextRootOrdinal(on: tx))
        try await writer.write(DemoBatch(nodes: [root]), createdAt: plan.createdAt)
        var tally = Tally(nodes: 1)
        try await tx.withSQLitePageCache(kibibytes: 131_072) {
            for s in plan.streets.indices {
                tally += try await seedStreet(s, under: root, builder: &builder, writer: writer, log: log)
            }
        }
        let accounts = try await createAccounts(app, plan: plan, landmarks: builder.landmarks, on: tx, log: log)
        if let county = try await OrgNode.find(root.id, on: tx) {
            let context = DemoContext(app: app, plan: plan, root: county, db: tx, log: log)
            for part in FeatureList.demoParts { try await part.seedDemo(context) }
        }
        log("完成：\(tally.nodes) 个节点，\(tally.households) 户，\(tally.residents) 人，用时 \(seconds(since: started)) 秒")
        return DemoSummary(created: true, nodes: tally.nodes, households: tally.households, residents: tally.residents,
                           accounts: accounts)
    }

    /// City scale: one transaction per street. The root carries a temporary code until the last street
    /// is in, so an interrupted run is recognised (and cleared) by the next one instead of counting as done.
    private static func seedInStreets(_ app: Application, plan: DemoPlan,
                                      log: @escaping @Sendable (String) -> Void) async throws -> DemoSummary {
        let started = Date()
        let pendingCode = plan.region.rootCode + "-SEEDING"
        if let leftover = try await OrgNode.query(on: app.db).filter(\.$code == pendingCode).first() {
            log("清除上次未完成的数据 (removing an interrupted run)")
            try await app.db.transaction { tx in try await purge(leftover, on: tx) }
        }
        var builder = DemoBuilder(plan: plan)
        let ordinal = try await nextRootOrdinal(on: app.db)
        let finalRoot = builder.root(ordinal: ordinal)
        let root = NodeRow(id: finalRoot.id, parentID: nil, kind: .county, code: pendingCode, name: finalRoot.name,
                           path: finalRoot.path, segment: finalRoot.segment, depth: 0, boundary: finalRoot.boundary,
                           partyOrgName: finalRoot.partyOrgName)
        try await DemoBulkInsert(app.db).write(DemoBatch(nodes: [root]), createdAt: plan.createdAt)
        var tally = Tally(nodes: 1)
        for s in plan.streets.indices {
            let (part, next) = try await app.db.transaction { [builder] tx in
                var local = builder
                let part = try await tx.withSQLitePageCache(kibibytes: 131_072) {
                    try await seedStreet(s, under: root, builder: &local, writer: DemoBulkInsert(tx), log: log)
                }
                return (part, local)
            }
            builder = next
            tally += part
        }
        let accounts = try await app.db.transaction { [builder] tx in
            try await tx.sql.update(OrgNode.schema).set("code", to: SQLBind(plan.region.rootCode))
                .where("id", .equal, SQLBind(root.id)).run()
            return try await createAccounts(app, plan: plan, landmarks: builder.landmarks, on: tx, log: log)
        }
        log("完成：\(tally.nodes) 个节点，\(tally.households) 户，\(tally.residents) 人，用时 \(seconds(since: started)) 秒")
        return DemoSummary(created: true, nodes: tally.nodes, households: tally.households, residents: tally.residents,
                           accounts: accounts)
    }

    private static func seedStreet(_ s: Int, under root: NodeRow, builder: inout DemoBuilder, writer: DemoBulkInsert,
                                   log: @Sendable (String) -> Void) async throws -> Tally {
        let started = Date()
        let street = builder.street(s, under: root)
        try await writer.write(DemoBatch(nodes: [street]), createdAt: builder.plan.createdAt)
        var tally = Tally(nodes: 1)
        for c in builder.plan.streets[s].communities.indices {
            let batch = builder.community(street: s, index: c, under: street)
            try await writer.write(batch, createdAt: builder.plan.createdAt)
            tally += Tally(nodes: batch.nodes.count, households: batch.households.count, residents: batch.residents.count)
        }
        log("\(street.name)：\(builder.plan.streets[s].communities.count) 个社区，\(tally.households) 户，"
            + "\(tally.residents) 人，用时 \(seconds(since: started)) 秒")
        return tally
    }

    private static func seconds(since start: Date) -> String { String(format: "%.1f", Date().timeIntervalSince(start)) }

    /// The next free ordinal among root nodes, so a new root never collides with an existing tree.
    private static func nextRootOrdinal(on db: any Database) async throws -> Int {
        let last = try await OrgNode.query(on: db).filter(\.$parentID == nil).sort(\.$segment, .descending).first()
        return last.map { PathSegment.ordinal($0.segment) + 1 } ?? 0
    }

    /// Deletes a subtree and every register row in it (children before parents).
    static func purge(_ root: OrgNode, on tx: any Database) async throws {
        let low = SQLBind(root.path), high = SQLBind(root.path + "~")
        for (table, column) in [(ResidentTag.schema, "node_path"), (Visit.schema, "node_path"), (Resident.schema, "node_path"),
                                (Household.schema, "node_path"), (GridWorker.schema, "node_path")] {
            try await tx.sql.delete(from: table).where(SQLIdentifier(column), .greaterThanOrEqual, low)
                .where(SQLIdentifier(column), .lessThan, high).run()
        }
        for depth in stride(from: 12, through: root.depth, by: -1) {
            try await tx.sql.delete(from: OrgNode.schema).where("path", .greaterThanOrEqual, low)
                .where("path", .lessThan, high).where("depth", .equal, SQLBind(depth)).run()
        }
    }

    private static func summary(of root: OrgNode, plan: DemoPlan, on db: any Database) async throws -> DemoSummary {
        let scope = DataScope(rootPath: root.path)
        let specs = accountSpecs(plan)
        let present = Set(try await User.query(on: db).filter(\.$username ~~ specs.map(\.username)).all().map(\.username))
        return DemoSummary(created: false,
                           nodes: try await OrgNode.query(on: db).within(scope).count(),
                           households: try await Household.query(on: db).within(scope).count(),
                           residents: try await Resident.query(on: db).within(scope).count(),
                           accounts: specs.filter { present.contains($0.username) }.map(\.account))
    }

    private struct Tally {
        var nodes = 0, households = 0, residents = 0

        static func += (a: inout Tally, b: Tally) {
            a.nodes += b.nodes
            a.households += b.households
            a.residents += b.residents
        }
    }
}
