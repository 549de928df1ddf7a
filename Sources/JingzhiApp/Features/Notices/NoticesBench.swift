import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Vapor

extension NoticesFeature: BenchContributor {
    static let benchParts = [
        BenchPart(name: "notices", help: "a notice published to a city's 1.9 million residents and a street's receipts against a primary-key read; seeds on its own",
                  run: .alone { settings, o in try await NoticesBench.run(settings, options: o) }),
    ]
}

/// `jingzhi bench --part notices`: the county demo with its register copied over and over until it holds a city's
/// residents (JINGZHI_BENCH_RECIPIENTS, default 1,889,684, the city demo's count; the copies live in the same grids),
/// then a notice to everyone published (one recipient row each), the preview's count, a street's receipts per grid,
/// the whole area's, and a resident's unread badge, each against a resident read by primary key in the same run.
/// Publishing is timed once (it writes the whole city); the rest take the median of the repeats.
enum NoticesBench {
    static let marker = "bench-notice-"
    static let title = "基准测试：全市通知"

    static func run(_ settings: Settings, options o: BenchOptions) async throws -> [String] {
        try await JingzhiCommands.run(settings) { app in
            _ = try await DemoSeeder.seed(app, scale: .county, log: o.log)
            let db = app.db
            let wanted = settings.environment["JINGZHI_BENCH_RECIPIENTS"].flatMap(Int.init) ?? 1_889_684
            let t0 = Date()
            let added = try await inflate(db, to: wanted, log: o.log)
            let inflated = Date().timeIntervalSince(t0)
            guard let root = try await OrgNode.query(on: db).filter(\.$parentID == nil).sort(\.$path).first(),
                  let community = try await OrgNode.query(on: db).filter(\.$code == "YT-GT-01").first(),
                  let admin = try await User.query(on: db).filter(\.$username == "admin").first(),
                  let streetUser = try await User.query(on: db).filter(\.$username == "gt_street").first(),
                  let residentUser = try await User.query(on: db).filter(\.$username == "resident_demo").first(),
                  let resident = try await Resident.query(on: db).first() else { return ["notices: needs the county demo"] }
            let now = app.clock.now()
            try await clearPrevious(db)
            let adminActor = try await Actor.load(admin, on: db, now: now)
            let street = try await Actor.load(streetUser, on: db, now: now), me = try await Actor.load(residentUser, on: db, now: now)
            let service = NoticeService(db: db, now: now, source: .cli("bench"))
            let everyone = NoticeInput(title: title, body: "全市居民：基准测试通知。", targets: [.init(nodeID: root.id)], audiences: ["residents"])
            let baseline = try await Bench.measure(o.repeats) { _ = try await Resident.find(resident.id, on: db) }
            let heavy = max(3, o.repeats / 4)
            var rows: [(String, (Double, Double))] = [("baseline: resident by primary key", baseline)]
            rows.append(("preview: how many the city notice reaches (count)", try await Bench.measure(heavy) {
                _ = try await service.preview(everyone, by: adminActor)
            }))
            // One community's rows by INSERT … SELECT (a notice set for tomorrow, its rows written and removed again).
            let scheduled = try await service.create(NoticeInput(title: title, body: "社区对比", targets: [.init(nodeID: community.id)],
                                                                 audiences: ["residents"], publishAt: now.addingTimeInterval(86400)), by: adminActor)
            let reach = try await service.reach(of: scheduled)
            var communityRows = 0
            rows.append(("one community's recipient rows by INSERT … SELECT (2 runs)", try await Bench.measure(2) {
                communityRows = try await db.writeTransaction { tx in try await reach.insertRecipients(scheduled.id!, on: tx) }
                try await db.sql.raw("DELETE FROM \(ident: NoticeRecipient.schema) WHERE notice_id = \(bind: scheduled.id!)").run()
            }))
            o.log("notices bench: publishing to the whole city")
            let p0 = DispatchTime.now().uptimeNanoseconds
            let n = try await service.create(everyone, by: adminActor)
            let publishMs = Double(DispatchTime.now().uptimeNanoseconds - p0) / 1_000_000
            let receipts = NoticeReceipts(db: db, now: now)
            rows.append(("receipts of a street (谷亭街道) per grid", try await Bench.measure(heavy) { _ = try await receipts.perGrid(n, for: street) }))
            rows.append(("receipts of the whole area per grid (admin)", try await Bench.measure(3) { _ = try await receipts.perGrid(n, for: adminActor) }))
            rows.append(("a resident's unread notices (home badge)", try await Bench.measure(o.repeats) { _ = try await receipts.unreadCount(me) }))
            let total = try await Resident.query(on: db).count()
            let dbName = settings.usesPostgres ? "PostgreSQL" : "SQLite"
            var lines = [String(format: "notices on %@: %d residents (%d copied in %.0f s), %d in one community", dbName, total, added, inflated, communityRows),
                         "| query | median ms | p90 ms | × baseline |", "|---|---:|---:|---:|"]
            lines += rows.map { String(format: "| %@ | %.2f | %.2f | %.1f |", $0.0, $0.1.0, $0.1.1, $0.1.0 / baseline.0) }
            lines.append(String(format: "| publish to the whole city: %d recipient rows (once: check, count, write, history, audit) | %.0f | | %.0f |",
                                n.recipientCount, publishMs, publishMs / baseline.0))
            return lines
        }
    }

    /// Copies the live register (names, households, nodes; no ID numbers, phones or tags) until it holds `wanted`
    /// residents, in one INSERT … SELECT per copy. Copies carry `import_key` "bench-notice-…"; run twice, nothing is added.
    static func inflate(_ db: any Database, to wanted: Int, log: @Sendable (String) -> Void) async throws -> Int {
        func count() async throws -> Int {
            try await db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: Resident.schema) WHERE deleted_at IS NULL").first()?.decode(column: "n", as: Int.self) ?? 0
        }
        let pg = db.isPostgres
        let newID: SQLQueryString = pg ? "gen_random_uuid()"
            : "(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-8' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
        var have = try await count()
        var copy = 0, added = 0
        while have < wanted {
            copy += 1
            let key: SQLQueryString = "\(bind: marker + String(copy) + "-") || " + (pg ? "CAST(r.id AS TEXT)" : "r.id")
            let exists = try await db.sql.raw("SELECT 1 AS x FROM \(ident: Resident.schema) WHERE import_key >= \(bind: marker + String(copy) + "-") AND import_key < \(bind: marker + String(copy) + "-~") LIMIT 1").first()
            guard exists == nil else { continue }
            try await db.sql.raw("INSERT INTO \(ident: Resident.schema) (id, household_id, node_id, node_path, name, gender, birth_date, relation, tags, import_key, created_at, updated_at) "
                + "SELECT " + newID + ", r.household_id, r.node_id, r.node_path, r.name, r.gender, r.birth_date, r.relation, '', " + key + ", r.created_at, r.updated_at "
                + "FROM \(ident: Resident.schema) r WHERE r.deleted_at IS NULL AND r.import_key NOT LIKE \(bind: marker + "%") ORDER BY r.node_path LIMIT \(bind: wanted - have)").run()
            let now = try await count()
            added += now - have
            have = now
            log("notices bench: \(have) residents")
        }
        return added
    }

    /// A previous run's notices and their rows.
    static func clearPrevious(_ db: any Database) async throws {
        let ids = try await Notice.query(on: db).filter(\.$title == title).all().compactMap(\.id)
        guard !ids.isEmpty else { return }
        try await NoticeRecipient.query(on: db).filter(\.$noticeID ~~ ids).delete()
        try await NoticeTarget.query(on: db).filter(\.$noticeID ~~ ids).delete()
        try await Notice.query(on: db).filter(\.$id ~~ ids).delete()
    }
}
