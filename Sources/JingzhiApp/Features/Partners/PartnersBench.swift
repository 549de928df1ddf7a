import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Vapor

extension PartnersFeature: BenchContributor {
    static let benchParts = [
        BenchPart(name: "partners", help: "suggested matches for a city's open needs and resources against a primary-key read; seeds on its own",
                  run: .alone { settings, o in try await PartnersBench.run(settings, options: o) }),
    ]
}

/// `jingzhi bench --part partners`: the county demo plus a city's worth of open needs and partner resources
/// (JINGZHI_BENCH_NEEDS, default 50,000; a resource per five needs), then the suggested matches — the first page for
/// the whole city, a community's, one need's — each against a need read by primary key in the same run.
enum PartnersBench {
    static func run(_ settings: Settings, options: BenchOptions) async throws -> [String] {
        try await JingzhiCommands.run(settings) { app in
            _ = try await DemoSeeder.seed(app, scale: .county, log: options.log)
            let needs = settings.environment["JINGZHI_BENCH_NEEDS"].flatMap(Int.init) ?? 50_000
            let t0 = Date()
            try await seed(app, needs: needs, log: options.log)
            let seeded = Date().timeIntervalSince(t0)
            let db = settings.usesPostgres ? "PostgreSQL" : "SQLite"
            guard let one = try await Need.query(on: app.db).filter(\.$stateRaw == NeedState.open.rawValue).sort(\.$id).first(),
                  let root = try await OrgNode.query(on: app.db).filter(\.$parentID == nil).first(),
                  let community = try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.community.rawValue).sort(\.$path).first() else {
                return ["partners: no data"]
            }
            let open = try await Need.query(on: app.db).filter(\.$stateRaw == NeedState.open.rawValue).count()
            let resources = try await PartnerResource.query(on: app.db).count()
            let baseline = try await Bench.measure(options.repeats) { _ = try await Need.find(one.id, on: app.db) }
            let s = Suggestions(db: app.db, now: app.clock.now())
            var lines = [String(format: "partners on %@: %d open needs, %d resources (seeded in %.0f s); baseline need by primary key %.2f ms",
                                db, open, resources, seeded, baseline.0)]
            for (name, scope, need) in [("city, first 200 suggestions", DataScope(rootPath: root.path), nil as UUID?),
                                        ("one community, first 200", DataScope(rootPath: community.path), nil),
                                        ("one need, first 20", DataScope.everything, one.id)] {
                var found = 0
                let t = try await Bench.measure(options.repeats) { found = try await s.lines(within: scope, needID: need, limit: need == nil ? 200 : 20).count }
                lines.append(String(format: "suggested matches, %@: median %.2f ms, p90 %.2f ms = %.1f × baseline (%d lines)", name, t.0, t.1, t.0 / baseline.0, found))
            }
            return lines
        }
    }

    /// Open needs over every grid of the county and resources of street- and community-level partners, in chunks.
    static func seed(_ app: Application, needs: Int, log: @Sendable (String) -> Void) async throws {
        let db = app.db
        let now = app.clock.now()
        let today = ShanghaiTime.today(now)
        let grids = try await OrgNode.query(on: db).filter(\.$kindRaw == NodeKind.grid.rawValue).sort(\.$path).all()
        let homes = try await OrgNode.query(on: db).filter(\.$kindRaw ~~ [NodeKind.community.rawValue, NodeKind.street.rawValue]).sort(\.$path).all()
        guard !grids.isEmpty, !homes.isEmpty else { return }
        let partnerCount = max(1, needs / 50)
        var partners: [Partner] = []
        for i in 0..<partnerCount {
            let home = homes[i % homes.count]
            let p = Partner()
            p.id = UUID()
            p.name = "压测合伙人\(i)"
            p.kindRaw = PartnerKind.allCases[i % 5].rawValue
            p.creditCode = String(format: "BENCH%013d", i)
            p.offers = "压测"
            p.contactName = "压测"
            p.contactPhone = "13900000000"
            p.partyBranch = ""
            p.nodeID = home.id!
            p.nodePath = home.path
            p.stateRaw = PartnerState.approved.rawValue
            p.agreementCategoriesRaw = PartnerCategory.allCases.map(\.rawValue).joined(separator: ",")
            p.agreementFrom = ShanghaiTime.add(-30, to: today)
            p.agreementTo = ShanghaiTime.add(365, to: today)
            p.version = 1
            p.createdAt = now
            partners.append(p)
        }
        for chunk in stride(from: 0, to: partners.count, by: 500) { try await Array(partners[chunk..<min(partners.count, chunk + 500)]).create(on: db) }
        var batch: [PartnerResource] = []
        for i in 0..<(needs / 5) {
            let p = partners[i % partners.count]
            let r = PartnerResource()
            r.partnerID = p.id!
            r.title = "压测资源\(i)"
            r.categoryRaw = PartnerCategory.allCases[i % 5].rawValue
            r.quantity = 10 + i % 50
            r.unit = "项"
            r.committed = i % 7 == 0 ? r.quantity : 0
            r.availableFrom = ShanghaiTime.add(-(i % 60), to: today)
            r.availableTo = ShanghaiTime.add(i % 3 == 0 ? -1 : 30 + i % 300, to: today)
            r.place = ""
            r.nodePath = p.nodePath
            r.active = i % 11 != 0
            r.createdAt = now
            batch.append(r)
            if batch.count == 500 { try await batch.create(on: db); batch = [] }
        }
        if !batch.isEmpty { try await batch.create(on: db) }
        log("partners bench: \(partners.count) partners, \(needs / 5) resources")
        var nb: [Need] = []
        for i in 0..<needs {
            let g = grids[(i * 7919) % grids.count]
            let n = Need()
            n.title = "压测需求\(i)"
            n.categoryRaw = PartnerCategory.allCases[(i / 3) % 5].rawValue
            n.quantity = 1 + i % 20
            n.unit = "项"
            n.forWhom = "压测"
            n.nodeID = g.id!
            n.nodePath = g.path
            n.dueDay = ShanghaiTime.add(i % 90, to: today)
            n.source = "community"
            n.stateRaw = i % 4 == 3 ? NeedState.met.rawValue : NeedState.open.rawValue
            n.claimable = false
            n.committed = 0
            n.delivered = 0
            n.createdBy = "压测"
            n.version = 1
            n.createdAt = now
            nb.append(n)
            if nb.count == 500 { try await nb.create(on: db); nb = [] }
        }
        if !nb.isEmpty { try await nb.create(on: db) }
        log("partners bench: \(needs) needs")
    }
}
