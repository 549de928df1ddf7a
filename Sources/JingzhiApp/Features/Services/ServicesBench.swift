import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// `jingzhi bench --part services`: the service window's measures and queue over a year of applications (20,000),
/// and the directory's nearby list over 5,000 places, each against a primary-key read in the same run.
enum ServicesBench {
    static let applications = 20_000
    static let places = 5_000

    static func run(_ app: Application, options o: BenchOptions) async throws -> [String] {
        let db = app.db
        let now = app.clock.now()
        guard let root = try await OrgNode.query(on: db).filter(\.$parentID == nil).sort(\.$path).first(),
              let admin = try await User.query(on: db).filter(\.$roleRaw == Role.admin.rawValue).first(),
              let resident = try await Resident.query(on: db).first() else { return ["services: needs a seeded data set"] }
        if try await ServiceMatter.query(on: db).count() == 0 { _ = try await ServiceDemo.seedCatalogue(on: db, at: now) }
        try await seedApplications(now: now, on: db, log: o.log)
        try await seedPlaces(around: resident, now: now, on: db)
        let community = try await OrgNode.query(on: db).within(DataScope(rootPath: root.path)).filter(\.$kindRaw == NodeKind.community.rawValue)
            .sort(\.$path).first()
        let actor = try await Actor.load(admin, on: db, now: now)
        let measures = ServiceMeasures(db: db), queue = ServiceQueue(db: db, now: now)
        let year = now.addingTimeInterval(-366 * 86400)
        let home = try await PlaceService.centre(of: try await OrgNode.find(resident.nodeID, on: db)!, on: db)?.point
        let baseline = try await Bench.measure(o.repeats) { _ = try await Resident.find(resident.id, on: db) }
        var rows: [(String, (Double, Double))] = [("baseline: resident by primary key", baseline)]
        rows.append(("applications per matter and on time, whole area, a year", try await Bench.measure(o.repeats) {
            _ = try await measures.perMatter(in: actor.scope, from: year, to: now)
        }))
        if let community {
            rows.append(("on-time share of one community, a year", try await Bench.measure(o.repeats) {
                _ = try await measures.onTimeShare(in: DataScope(rootPath: community.path), from: year, to: now)
            }))
        }
        rows.append(("application list of the whole area, page 1 (with total)", try await Bench.measure(o.repeats) {
            _ = try await queue.list(for: actor, .init(), page: PageRequest(page: 1, per: 20))
        }))
        var overdue = ServiceQueue.Filter()
        overdue.overdue = true
        rows.append(("application list, overdue only, page 1 (with total)", try await Bench.measure(o.repeats) {
            _ = try await queue.list(for: actor, overdue, page: PageRequest(page: 1, per: 20))
        }))
        rows.append(("deadline supervision tick (nothing newly due)", try await Bench.measure(o.repeats) {
            _ = try await ServiceApplications(db: db, now: now).markOverdue()
        }))
        let places = PlaceService(db: db, now: now)
        rows.append(("places within 3 km of a compound, open now computed, page of 60: before (every place of the box read whole, hours for all)",
                     try await Bench.measure(o.repeats) { _ = try await nearbyBefore(places, home: home, limit: 60) }))
        rows.append(("the same page: after (the database orders the box by distance; only the page read whole)", try await Bench.measure(o.repeats) {
            _ = try await places.nearby(home, limit: 60)
        }))
        rows.append(("the same, open now only", try await Bench.measure(o.repeats) { _ = try await places.nearby(home, openNow: true, limit: 60) }))
        o.log("services bench done")
        let total = try await ServiceApplication.query(on: db).count(), placeCount = try await ServicePlace.query(on: db).count()
        return ["services: \(total) applications, \(placeCount) places",
                "| query | median ms | p90 ms | × baseline |", "|---|---:|---:|---:|"]
            + rows.map { String(format: "| %@ | %.2f | %.2f | %.1f |", $0.0, $0.1.0, $0.1.1, $0.1.0 / baseline.0) }
    }

    /// A year of applications of residents all over the area, every state, made once (multi-row inserts).
    static func seedApplications(now: Date, on db: any Database, log: @Sendable (String) -> Void) async throws {
        guard try await ServiceApplication.query(on: db).filter(\.$number >= "BENCH").filter(\.$number < "BENCH~").count() == 0 else { return }
        let matters = try await ServiceMatter.query(on: db).all()
        let residents = try await Resident.query(on: db).limit(applications).all()
        guard !matters.isEmpty, !residents.isEmpty else { return }
        let states: [ServiceState] = [.approved, .approved, .approved, .rejected, .needsMore, .accepted, .submitted, .withdrawn]
        for start in stride(from: 0, to: applications, by: 500) {
            let batch = (start..<min(applications, start + 500)).map { i -> [any SQLExpression] in
                let r = residents[i % residents.count], m = matters[i % matters.count], state = states[i % states.count]
                let submitted = now.addingTimeInterval(-Double(i % 365) * 86400 - 3600)
                let due = submitted.addingTimeInterval(Double(m.deadlineDays) * 86400)
                let decided: Date? = [.approved, .rejected].contains(state) ? submitted.addingTimeInterval(Double(i % 9) * 86400) : nil
                let overdue: Date? = (decided.map { $0 > due } ?? (state.isOpen && due < now)) ? due : nil
                return [SQLBind(UUID()), SQLBind(String(format: "BENCH-%06d", i)), SQLBind(m.id!), SQLBind(m.name), SQLBind(r.id!), SQLBind(r.name),
                        SQLBind(r.nodePath), SQLBind(UUID()), SQLBind(i % 5 == 0), SQLBind(""), SQLBind(state.rawValue), SQLBind(1),
                        SQLBind(submitted), SQLBind(due), SQLBind(overdue), SQLBind(decided), SQLBind(""), SQLBind(submitted)]
            }
            let insert = db.sql.insert(into: ServiceApplication.schema).columns("id", "number", "matter_id", "matter_name", "resident_id", "resident_name",
                "node_path", "applicant_user_id", "proxy", "note", "state", "version", "submitted_at", "due_at", "overdue_at", "decided_at", "missing", "created_at")
            for row in batch { insert.values(row) }
            try await insert.run()
        }
        log("services bench: \(applications) applications seeded")
    }

    /// The nearby list as `PlaceService.nearby` made it until 2026-12-06, for the before/after rows: every active place
    /// of the box read as a model, closed days and hours worked out for all inside the circle, then sorted.
    static func nearbyBefore(_ s: PlaceService, home: GeoPoint?, radius: Double = 3000, limit: Int) async throws -> Int {
        var q = ServicePlace.query(on: s.db).filter(\.$active == true)
        if let home, let box = GeoBox([home])?.expanded(byMetres: radius) {
            q = q.filter(\.$lat >= box.minLat).filter(\.$lat <= box.maxLat).filter(\.$lon >= box.minLon).filter(\.$lon <= box.maxLon)
        }
        let all = try await q.limit(5000).all()
        let calendar = try await s.calendar(around: ShanghaiTime.today(s.now))
        let closed = try await s.closures(of: all.compactMap(\.id))
        let clock = PlaceSchedule.clock(s.now)
        var listed = all.map { p in (p, home.map { Geo.distance($0, p.point) }) }.filter { home == nil || ($0.1 ?? 0) <= radius }
            .map { p, m in (p, m, s.schedule(p, calendar: calendar, closures: closed[p.id!] ?? [:]).status(at: clock)) }
        listed.sort { ($0.1 ?? 0, $0.0.name) < ($1.1 ?? 0, $1.0.name) }
        return min(limit, listed.count)
    }

    /// 5,000 places spread over a 20 km square around the resident's unit, made once.
    static func seedPlaces(around r: Resident, now: Date, on db: any Database) async throws {
        // (Marked by their address: "基准~" sorts before every Chinese name, so a name range found none and each run added 5,000.)
        guard try await ServicePlace.query(on: db).filter(\.$address == "bench").count() == 0,
              let node = try await OrgNode.find(r.nodeID, on: db), let centre = try await PlaceService.centre(of: node, on: db)?.point else { return }
        let hours = try OpeningHours.parse(Array(repeating: "08:00-12:00 14:00-18:00", count: 6) + ["休息"]).raw
        for start in stride(from: 0, to: places, by: 500) {
            let insert = db.sql.insert(into: ServicePlace.schema).columns("id", "name", "kind", "node_path", "address", "phone", "lat", "lon", "hours",
                                                                          "keeps_holidays", "description", "active", "version", "updated_at")
            for i in start..<min(places, start + 500) {
                let kind = PlaceKind.allCases[i % PlaceKind.allCases.count]
                let lat = centre.lat + Double((i * 7919) % 2000 - 1000) / 10_000, lon = centre.lon + Double((i * 104_729) % 2000 - 1000) / 10_000
                insert.values([SQLBind(UUID()), SQLBind("基准\(kind.zh)\(i)"), SQLBind(kind.rawValue), SQLBind(r.nodePath), SQLBind("bench"),
                               SQLBind("0537-6200000"), SQLBind(lat), SQLBind(lon), SQLBind(hours), SQLBind(i % 3 == 0), SQLBind(""), SQLBind(true),
                               SQLBind(1), SQLBind(now)])
            }
            try await insert.run()
        }
    }
}

extension ServicesFeature: BenchContributor {
    static let benchParts = [
        BenchPart(name: "services", help: "service-window measures and queue over 20,000 applications, nearby places of 5,000", run: .onDataSet { app, o in
            try await ServicesBench.run(app, options: o)
        }),
    ]
}
