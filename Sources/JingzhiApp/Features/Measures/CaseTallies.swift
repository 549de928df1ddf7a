import Fluent
import Foundation
import JingzhiCore
import NIOConcurrencyHelpers
import SQLKit

/// Running totals behind the case measures, so a whole city-year is a sum over a few thousand rows instead of a
/// scan of a million cases.
///
/// - `case_tallies`: per creation month (Asia/Shanghai), area, category code and handling department, the counts
///   that do not depend on "now" (`counters`). An area is the case's path cut to `depth` segments: 2 (street) and
///   3 (community) are both kept, so any node down to a community is a range of areas, and a county or street sums
///   the coarser rows.
/// - `case_hour_bins`: per depth, month and area, how many response and reply durations fall into each of `bounds`'s
///   log-spaced bins. A percentile is found by counting down the bins to the one holding its rank and reading only
///   that bin's values from the `cases_*_hours` indexes, so it stays exact.
/// - `cases.respond_hours` / `resolve_hours`: each case's durations as the measures define them (null when the case
///   does not count), written by one SQL expression (`CaseMeasuresService.hours`), so bins and raw queries agree.
///
/// Every write of a case moves its old contribution out and its new one in, in the same transaction (`apply`),
/// with additive upserts that are safe when several servers write at once. `rebuild` recomputes an area from the
/// cases (after bulk loads and tree moves); a test checks that both ways give the same rows.
enum CaseTallies {
    static let table = "case_tallies"
    static let binsTable = "case_hour_bins"
    /// The area levels kept: street (county, street: two segments) and community (three).
    static let depths = [2, 3]
    static func areaLength(_ depth: Int) -> Int { depth * PathSegment.width }
    /// Stands for "no handling department" in the key (a null would make every such row distinct).
    static let noDepartment = UUID(uuidString: "00000000-0000-0000-0000-000000000000")!

    /// One counted condition: its column, its SQL over a `cases` row, and the same test in Swift.
    struct Counter: Sendable {
        let column: String
        let sql: String
        let holds: @Sendable (CaseTallyFacts) -> Bool
    }

    static let assessedSQL = "state NOT IN ('merged', 'rejected')"
    static let answeredSQL = "state IN ('replied', 'closed')"

    /// The counts that do not depend on "now". The definitions are `CaseMeasures`'s; the deadline-dependent halves of
    /// the response and resolution denominators are counted live among open cases.
    static let counters: [Counter] = {
        var list = [Counter(column: "n_total", sql: "1 = 1") { _ in true }]
        for state in CaseState.allCases {
            list.append(Counter(column: "st_" + state.rawValue, sql: "state = '\(state.rawValue)'") { $0.state == state.rawValue })
        }
        let a = assessedSQL, r = answeredSQL
        list += [
            Counter(column: "resp_done", sql: "\(a) AND responded_at IS NOT NULL") { $0.assessed && $0.respondedAt != nil },
            Counter(column: "resp_num", sql: "\(a) AND responded_at IS NOT NULL AND (response_due_at IS NULL OR responded_at <= response_due_at)") {
                guard $0.assessed, let at = $0.respondedAt else { return false }
                return $0.responseDueAt.map { at <= $0 } ?? true
            },
            Counter(column: "res_num", sql: r) { $0.answered },
            Counter(column: "ont_num", sql: "\(r) AND (resolution_due_at IS NULL OR replied_at <= resolution_due_at)") {
                guard $0.answered else { return false }
                guard let due = $0.resolutionDueAt else { return true }
                return $0.repliedAt.map { $0 <= due } ?? false
            },
            Counter(column: "sat_num", sql: "state = 'closed' AND rating IN ('satisfied', 'basically_satisfied')") {
                $0.state == "closed" && ["satisfied", "basically_satisfied"].contains($0.rating ?? "")
            },
            Counter(column: "sat_den", sql: "state = 'closed' AND rating IS NOT NULL") { $0.state == "closed" && $0.rating != nil },
            Counter(column: "cls", sql: "state = 'closed'") { $0.state == "closed" },
            Counter(column: "cls_grid", sql: "state = 'closed' AND handler_level IN ('grid', 'property')") {
                $0.state == "closed" && ["grid", "property"].contains($0.handlerLevel)
            },
            Counter(column: "cls_comm", sql: "state = 'closed' AND handler_level IN ('grid', 'property', 'community')") {
                $0.state == "closed" && ["grid", "property", "community"].contains($0.handlerLevel)
            },
        ]
        return list
    }()

    /// Lower bounds of the duration bins in hours: 0, then growing by 2^(1/8) (about 9%) from one minute on.
    /// A value's bin is found by comparing against these same numbers, in Swift and in SQL.
    static let bounds: [Double] = (0..<190).map { i in (pow(2, Double(i) / 8) - 1) / 60 }

    /// The bin holding `hours`: the last bound not above it (values below 0 go to bin 0).
    static func bin(_ hours: Double) -> Int {
        var lo = 0, hi = bounds.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if bounds[mid] <= hours { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    // MARK: - Keeping them up to date

    /// Moves a case's contribution from `old` to `new` (either nil for a case that appears or disappears).
    static func apply(old: CaseTallyFacts?, new: CaseTallyFacts?, on db: any Database) async throws {
        var cells: [CaseTallyFacts.Key: [Int]] = [:]
        for (facts, sign) in [(old, -1), (new, 1)] {
            guard let facts else { continue }
            for depth in depths {
                let key = facts.key(depth: depth)
                var row = cells[key] ?? Array(repeating: 0, count: counters.count)
                for (i, c) in counters.enumerated() where c.holds(facts) { row[i] += sign }
                cells[key] = row
            }
        }
        // Always in the same order, so two transactions moving cases of the same area wait for each other instead of
        // deadlocking (PostgreSQL locks each row as it upserts it).
        let ordered = cells.sorted { a, b in
            (a.key.depth, a.key.month, a.key.area, a.key.category, a.key.department.uuidString)
                < (b.key.depth, b.key.month, b.key.area, b.key.category, b.key.department.uuidString)
        }
        try await upsertTallies(ordered.filter { $0.value.contains { $0 != 0 } }, on: db)
        var bins: [BinKey: Int] = [:]
        for (facts, sign) in [(old, -1), (new, 1)] {
            guard let facts else { continue }
            for depth in depths {
                let key = facts.key(depth: depth)
                for (measure, hours) in [("respond", facts.respondHours), ("resolve", facts.resolveHours)] {
                    guard let hours else { continue }
                    bins[BinKey(depth: depth, month: key.month, area: key.area, measure: measure, bin: bin(hours)), default: 0] += sign
                }
            }
        }
        let changed = bins.filter { $0.value != 0 }
        if !changed.isEmpty { try await upsertBins(changed, on: db) }
    }

    /// Writes the case's durations (`respond_hours`, `resolve_hours`) from its stored times, then reads its facts.
    static func refreshedFacts(of id: UUID, on db: any Database) async throws -> CaseTallyFacts? {
        try await refreshHours(where: "id = \(bind: id)", on: db)
        return try await facts(of: id, on: db)
    }

    /// A case's facts as stored (after any earlier write in the same transaction).
    static func facts(of id: UUID, on db: any Database) async throws -> CaseTallyFacts? {
        let sql: SQLQueryString = """
            SELECT state, created_at, node_path, category_code, handler_department_id, handler_level, response_due_at, \
            resolution_due_at, responded_at, replied_at, rating, respond_hours, resolve_hours FROM \(ident: Case.schema) WHERE id = \(bind: id)
            """
        guard let row = try await db.sql.raw(sql).first() else { return nil }
        return try CaseTallyFacts(row: row)
    }

    static func refreshHours(where condition: SQLQueryString, on db: any Database) async throws {
        let respond = CaseMeasuresService.hours(end: "responded_at", postgres: db.isPostgres)
        let resolve = CaseMeasuresService.hours(end: "replied_at", postgres: db.isPostgres)
        try await db.sql.raw("""
            UPDATE \(ident: Case.schema) SET \
            respond_hours = CASE WHEN \(unsafeRaw: assessedSQL) AND responded_at IS NOT NULL THEN \(respond) END, \
            resolve_hours = CASE WHEN \(unsafeRaw: answeredSQL) AND replied_at IS NOT NULL THEN \(resolve) END \
            WHERE \(condition)
            """).run()
    }

    /// Recomputes from the cases every area row that holds cases under `path` (nil: everything): at each depth, the
    /// area containing `path` or, for a shallower path, all areas under it.
    static func rebuild(under path: String?, on db: any Database) async throws {
        func range(_ column: String, _ prefix: String?) -> SQLQueryString {
            prefix.map { DataScope.subtree($0, column: column) } ?? "1 = 1"
        }
        try await refreshHours(where: range("node_path", path), on: db)
        let month = CaseMeasuresService.monthExpression(postgres: db.isPostgres)
        let department: SQLQueryString = db.isPostgres
            ? "COALESCE(handler_department_id, CAST(\(bind: noDepartment) AS UUID))"
            : "COALESCE(handler_department_id, \(bind: noDepartment))"
        let columns = counters.map(\.column).joined(separator: ", ")
        let sums = counters.map { "COUNT(CASE WHEN \($0.sql) THEN 1 END)" }.joined(separator: ", ")
        for depth in depths {
            let prefix = path.map { String($0.prefix(areaLength(depth))) }
            let cases = range("node_path", prefix), areas: SQLQueryString = "depth = \(literal: depth) AND \(range("area_path", prefix))"
            try await db.sql.raw("DELETE FROM \(ident: table) WHERE \(areas)").run()
            try await db.sql.raw("DELETE FROM \(ident: binsTable) WHERE \(areas)").run()
            try await db.sql.raw("""
                INSERT INTO \(ident: table) (depth, month, area_path, category_code, department_id, \(unsafeRaw: columns)) \
                SELECT \(literal: depth), \(month), substr(node_path, 1, \(literal: areaLength(depth))), category_code, \(department), \(unsafeRaw: sums) \
                FROM \(ident: Case.schema) WHERE \(cases) GROUP BY 2, 3, 4, 5
                """).run()
            let counts = NIOLockedValueBox([BinKey: Int]())
            try await db.sql.raw("""
                SELECT \(month) AS m, substr(node_path, 1, \(literal: areaLength(depth))) AS a, respond_hours, resolve_hours \
                FROM \(ident: Case.schema) WHERE \(cases) AND (respond_hours IS NOT NULL OR resolve_hours IS NOT NULL)
                """).run { row in
                guard let m = try? row.decode(column: "m", as: String.self), let a = try? row.decode(column: "a", as: String.self) else { return }
                let r = (try? row.decode(column: "respond_hours", as: Double?.self)) ?? nil
                let s = (try? row.decode(column: "resolve_hours", as: Double?.self)) ?? nil
                counts.withLockedValue { bins in
                    if let r { bins[BinKey(depth: depth, month: m, area: a, measure: "respond", bin: bin(r)), default: 0] += 1 }
                    if let s { bins[BinKey(depth: depth, month: m, area: a, measure: "resolve", bin: bin(s)), default: 0] += 1 }
                }
            }
            try await upsertBins(counts.withLockedValue { $0 }, on: db)
        }
    }

    // MARK: - SQL

    struct BinKey: Hashable, Sendable {
        let depth: Int
        let month: String
        let area: String
        let measure: String
        let bin: Int
    }

    /// One statement for all the cells (their keys differ, so no row is touched twice), in the order given.
    private static func upsertTallies(_ cells: [(key: CaseTallyFacts.Key, value: [Int])], on db: any Database) async throws {
        guard !cells.isEmpty else { return }
        let columns = counters.map(\.column)
        let rows: [SQLQueryString] = cells.map { key, delta in
            let values: [SQLQueryString] = delta.map { "CAST(\(bind: $0) AS INTEGER)" }
            return "(CAST(\(bind: key.depth) AS INTEGER), \(bind: key.month), \(bind: key.area), \(bind: key.category), \(bind: key.department), \(values.joined(separator: ", ")))"
        }
        let updates = columns.map { "\($0) = \(table).\($0) + excluded.\($0)" }.joined(separator: ", ")
        try await db.sql.raw("""
            INSERT INTO \(ident: table) (depth, month, area_path, category_code, department_id, \(unsafeRaw: columns.joined(separator: ", "))) \
            VALUES \(rows.joined(separator: ", ")) \
            ON CONFLICT (depth, month, area_path, category_code, department_id) DO UPDATE SET \(unsafeRaw: updates)
            """).run()
    }

    private static func upsertBins(_ bins: [BinKey: Int], on db: any Database) async throws {
        let rows = bins.sorted { ($0.key.depth, $0.key.month, $0.key.area, $0.key.measure, $0.key.bin) < ($1.key.depth, $1.key.month, $1.key.area, $1.key.measure, $1.key.bin) }
        for start in stride(from: 0, to: rows.count, by: 500) {
            let values: [SQLQueryString] = rows[start..<min(rows.count, start + 500)].map { k, n in
                "(CAST(\(bind: k.depth) AS INTEGER), \(bind: k.month), \(bind: k.area), \(bind: k.measure), CAST(\(bind: k.bin) AS INTEGER), CAST(\(bind: n) AS INTEGER))"
            }
            try await db.sql.raw("""
                INSERT INTO \(ident: binsTable) (depth, month, area_path, measure, bin, n) VALUES \(values.joined(separator: ", ")) \
                ON CONFLICT (depth, month, area_path, measure, bin) DO UPDATE SET n = \(unsafeRaw: binsTable).n + excluded.n
                """).run()
        }
    }
}

/// What the measures read of one case, as stored.
struct CaseTallyFacts: Sendable, Equatable {
    struct Key: Hashable, Sendable {
        let depth: Int
        let month: String
        let area: String
        let category: String
        let department: UUID
    }

    var state: String
    var createdAt: Date
    var nodePath: String
    var categoryCode: String
    var departmentID: UUID?
    var handlerLevel: String
    var responseDueAt: Date?
    var resolutionDueAt: Date?
    var respondedAt: Date?
    var repliedAt: Date?
    var rating: String?
    var respondHours: Double?
    var resolveHours: Double?

    var assessed: Bool { state != "merged" && state != "rejected" }
    var answered: Bool { state == "replied" || state == "closed" }

    func key(depth: Int) -> Key {
        Key(depth: depth, month: ShanghaiTime.format(createdAt, "yyyy-MM"), area: String(nodePath.prefix(CaseTallies.areaLength(depth))),
            category: categoryCode, department: departmentID ?? CaseTallies.noDepartment)
    }

    /// A case just made, before anything happened to it (its durations are not known yet).
    init(newCase c: Case) {
        state = c.stateRaw
        createdAt = c.createdAt!
        nodePath = c.nodePath
        categoryCode = c.categoryCode
        departmentID = c.handlerDepartmentID
        handlerLevel = c.handlerLevelRaw
        responseDueAt = c.responseDueAt
        resolutionDueAt = c.resolutionDueAt
        respondedAt = c.respondedAt
        repliedAt = c.repliedAt
        rating = c.rating
    }

    init(row: any SQLRow) throws {
        state = try row.decode(column: "state", as: String.self)
        createdAt = try row.decode(column: "created_at", as: Date.self)
        nodePath = try row.decode(column: "node_path", as: String.self)
        categoryCode = try row.decode(column: "category_code", as: String.self)
        departmentID = try row.decode(column: "handler_department_id", as: UUID?.self)
        handlerLevel = try row.decode(column: "handler_level", as: String.self)
        responseDueAt = try row.decode(column: "response_due_at", as: Date?.self)
        resolutionDueAt = try row.decode(column: "resolution_due_at", as: Date?.self)
        respondedAt = try row.decode(column: "responded_at", as: Date?.self)
        repliedAt = try row.decode(column: "replied_at", as: Date?.self)
        rating = try row.decode(column: "rating", as: String?.self)
        respondHours = try row.decode(column: "respond_hours", as: Double?.self)
        resolveHours = try row.decode(column: "resolve_hours", as: Double?.self)
    }
}

