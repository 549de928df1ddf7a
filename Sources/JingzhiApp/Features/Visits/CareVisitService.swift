import Fluent
import SQLKit
import JingzhiCore
import Vapor

/// One planned visit to one household: done this period, due by the period's end, or overdue.
struct VisitTask: Content, Sendable {
    let planId: UUID
    let tag: String
    let period: String
    let householdId: UUID
    var address: String
    let residents: [String]
    /// done, due or overdue.
    let status: String
    /// Last day of the period the visit is due in.
    let dueBy: String
    let lastVisitedOn: String?
}

/// Coverage of one grid (or of households outside any grid) in a month.
struct GridCoverage: Content, Sendable {
    let gridId: UUID?
    let gridName: String
    let planned: Int
    let done: Int
    /// done / planned, nil when nothing was planned.
    let rate: Double?
}

/// Care visits (民情走访 / 敲门行动): plans by tag, each worker's due and overdue visits, recording a visit
/// (which may raise a case), and coverage per grid. The definitions are in docs/patrols-and-visits.md.
struct CareVisitService {
    let db: any Database
    let now: Date
    /// What one request reads more than once (the page lists tasks and counts coverage over the same households).
    private let memo = Memo()

    final class Memo: @unchecked Sendable {
        private let lock = NSLock()
        private var _targets: [String: [(household: UUID, nodePath: String, names: [String])]] = [:]
        var targets: [String: [(household: UUID, nodePath: String, names: [String])]] {
            get { lock.withLock { _targets } }
            set { lock.withLock { _targets = newValue } }
        }
    }

    init(db: any Database, now: Date) {
        self.db = db
        self.now = now
    }

    init(req: Request) { self.init(db: req.db, now: req.now) }

    /// A visit inside `scope`; 404 otherwise (other features read visits here, not from the table).
    func visit(_ id: UUID, within scope: DataScope) async throws -> Visit {
        try await Visit.find(id, within: scope, on: db)
    }

    var today: String { ShanghaiTime.today(now) }

    // MARK: Plans

    func createPlan(node: OrgNode, tag: String?, period: String?, startsOn: String?, by actor: Actor, source: AuditSource) async throws -> VisitPlan {
        guard let tag, ResidentTags.all.contains(tag) else {
            throw APIError.invalid("tag", "请选择特殊人群标签，如 独居老人 (choose a special-group tag)")
        }
        guard let period = period.flatMap(VisitPeriod.init(rawValue:)) else {
            throw APIError.invalid("period", "周期须为 week、month 或 quarter (period must be week, month or quarter)")
        }
        let start = startsOn.flatMap { $0.isEmpty ? nil : $0 } ?? today
        guard Validate.date(start) != nil else { throw APIError.invalid("startsOn", "日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)") }
        let plan = VisitPlan()
        plan.nodeID = node.id!
        plan.nodePath = node.path
        plan.nodeName = node.name
        plan.tag = tag
        plan.periodRaw = period.rawValue
        plan.startsOn = start
        plan.active = true
        plan.createdBy = actor.userID
        plan.createdAt = now
        try await db.writeTransaction { tx in
            try await plan.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "visit_plan", entityID: plan.id, nodePath: node.path,
                                      summary: "走访计划：\(node.name) \(tag) \(period.label(.zh))")
        }
        return plan
    }

    func retire(_ plan: VisitPlan, source: AuditSource) async throws {
        plan.active = false
        try await db.writeTransaction { tx in
            try await plan.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "retire", entity: "visit_plan", entityID: plan.id, nodePath: plan.nodePath,
                                      summary: "停用走访计划：\(plan.nodeName) \(plan.tag)")
        }
    }

    /// Active plans that reach into the subtree at `path`: set on it, above it, or below it.
    func plans(reaching path: String) async throws -> [VisitPlan] {
        try await VisitPlan.query(on: db).filter(\.$active == true).sort(\.$createdAt).all()
            .filter { path.hasPrefix($0.nodePath) || $0.nodePath.hasPrefix(path) }
    }

    /// Households under both the plan's node and `path` where someone carries the plan's tag, with those people.
    /// Read as plain columns (not whole models), and once per tag and subtree for the life of this service.
    private func targets(of plan: VisitPlan, under path: String) async throws -> [(household: UUID, nodePath: String, names: [String])] {
        let root = plan.nodePath.count > path.count ? plan.nodePath : path
        if let hit = memo.targets[plan.tag + "|" + root] { return hit }
        let rows = try await db.sql.raw("""
            SELECT r.household_id AS h, t.node_path AS p, r.name AS n FROM \(ident: ResidentTag.schema) t \
            JOIN \(ident: Resident.schema) r ON r.id = t.resident_id WHERE t.tag = \(bind: plan.tag) AND \(DataScope(rootPath: root).sqlCondition(column: "t.node_path")) \
            AND r.deleted_at IS NULL
            """).all()
        var byHousehold: [UUID: (String, [String])] = [:]
        for row in rows {
            let h = try row.decode(column: "h", as: UUID.self), p = try row.decode(column: "p", as: String.self)
            let n = try row.decode(column: "n", as: String.self)
            byHousehold[h, default: (p, [])].1.append(n)
        }
        let out = byHousehold.map { ($0.key, $0.value.0, $0.value.1) }
        memo.targets[plan.tag + "|" + root] = out
        return out
    }

    /// Visit days per household under `path` from `from` to `to` (inclusive).
    private func visitDays(under path: String, from: String, to: String) async throws -> [UUID: [String]] {
        let rows = try await db.sql.raw("""
            SELECT household_id AS h, visited_on AS d FROM \(ident: Visit.schema) \
            WHERE \(DataScope(rootPath: path).sqlCondition()) AND visited_on >= \(bind: from) AND visited_on <= \(bind: to)
            """).all()
        var out: [UUID: [String]] = [:]
        for row in rows {
            let h = try row.decode(column: "h", as: UUID.self), d = try row.decode(column: "d", as: String.self)
            out[h, default: []].append(d)
        }
        return out.mapValues { $0.sorted() }
    }

    // MARK: Due and overdue

    /// Every planned visit under `path` for the current period: overdue first (the last period was missed and
    /// nothing since), then due (not yet visited this period), then done.
    /// An overdue visit is due by the last day of the missed period, so its date is always in the past. Within a
    /// status and day the order is the tree's (building by building); addresses are left for `addressed`.
    func tasks(under path: String, tag: String? = nil) async throws -> [VisitTask] {
        var out: [(task: VisitTask, path: String)] = []
        for plan in try await plans(reaching: path) where tag == nil || plan.tag == tag {
            let p = plan.period
            let first = p.firstCounted(from: plan.startsOn)
            let current = p.start(of: today)
            let previous = p.previous(current)
            let counted = max(first, current)
            let dueBy = VisitPeriod.dayBefore(p.next(counted))
            let visits = try await visitDays(under: path, from: previous, to: today)
            let households = try await targets(of: plan, under: path)
            for h in households {
                let days = visits[h.household] ?? []
                let status: String
                if days.contains(where: { $0 >= current }) { status = "done" }
                else if previous >= first && !days.contains(where: { $0 >= previous }) { status = "overdue" }
                else { status = "due" }
                out.append((VisitTask(planId: plan.id!, tag: plan.tag, period: plan.periodRaw, householdId: h.household,
                                      address: "", residents: h.names.sorted(), status: status,
                                      dueBy: status == "overdue" ? VisitPeriod.dayBefore(current) : dueBy,
                                      lastVisitedOn: days.last), h.nodePath))
            }
        }
        let rank = ["overdue": 0, "due": 1, "done": 2]
        return out.sorted { a, b in
            (rank[a.task.status]!, a.task.dueBy, a.path, a.task.householdId.uuidString) < (rank[b.task.status]!, b.task.dueBy, b.path, b.task.householdId.uuidString)
        }.map(\.task)
    }

    /// The tasks with their households' addresses: only those about to be shown are looked up.
    func addressed<S: Sequence>(_ tasks: S) async throws -> [VisitTask] where S.Element == VisitTask {
        var list = Array(tasks)
        let book = try await addressBook(list.map(\.householdId))
        for i in list.indices { list[i].address = book[list[i].householdId] ?? "" }
        return list
    }

    private func addressBook(_ ids: [UUID]) async throws -> [UUID: String] {
        var book: [UUID: String] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            let list = SQLList(chunk.map { SQLBind($0) })
            for row in try await db.sql.raw("SELECT id, address FROM \(ident: Household.schema) WHERE id IN (\(list))").all() {
                book[try row.decode(column: "id", as: UUID.self)] = try row.decode(column: "address", as: String.self)
            }
        }
        return book
    }

    // MARK: Coverage

    /// Coverage in `month` (YYYY-MM) per grid under `node`. A planned visit is one (plan, household, period) where the
    /// period is counted for the plan, ends inside the month and has ended by today; it is done on time when the
    /// household has a visit dated inside that period. Households are those tagged in today's register.
    /// With `byChild` the rows are the node's children instead of its grids (a county's streets, a street's
    /// communities), so a wide area reads as a short table to drill into. `tag` narrows to one plan tag.
    func coverage(under node: OrgNode, month: String, tag: String? = nil, byChild: Bool = false) async throws -> (total: GridCoverage, grids: [GridCoverage]) {
        guard month.count == 7, let monthStart = ShanghaiTime.dayNumber(month + "-01").map(ShanghaiTime.day(number:)) else {
            throw APIError.invalid("month", "月份格式应为 YYYY-MM (month must be YYYY-MM)")
        }
        let monthEnd = VisitPeriod.dayBefore(VisitPeriod.month.next(monthStart))
        let allGrids: [OrgNode]
        if byChild {
            let children = try await OrgNode.query(on: db).filter(\.$parentID == node.id).sort(\.$path).all()
            allGrids = node.kind == .grid || children.isEmpty ? [node] : children
        } else {
            let grids = try await OrgNode.query(on: db).filter(\.$kindRaw == NodeKind.grid.rawValue)
                .within(DataScope(rootPath: node.path)).sort(\.$path).all()
            let ancestorGrid = node.kind == .grid ? nil : try await OrgService(db: db, now: now).ancestors(of: node).last { $0.kind == .grid }
            allGrids = grids + (ancestorGrid.map { [$0] } ?? [])
        }
        var planned: [String: Int] = [:], done: [String: Int] = [:]   // keyed by grid path, "" for no grid
        func gridKey(_ path: String) -> String { allGrids.first { path.hasPrefix($0.path) }?.path ?? "" }
        for plan in try await plans(reaching: node.path) where tag == nil || plan.tag == tag {
            let p = plan.period
            var periods: [(String, String)] = []
            var s = p.firstCounted(from: plan.startsOn)
            while s <= monthEnd {
                let end = VisitPeriod.dayBefore(p.next(s))
                if end >= monthStart && end <= monthEnd && end < today { periods.append((s, end)) }
                s = p.next(s)
            }
            guard let earliest = periods.first?.0 else { continue }
            let visits = try await visitDays(under: node.path, from: earliest, to: monthEnd)
            for h in try await targets(of: plan, under: node.path) {
                let key = gridKey(h.nodePath), days = visits[h.household] ?? []
                for (from, to) in periods {
                    planned[key, default: 0] += 1
                    if days.contains(where: { $0 >= from && $0 <= to }) { done[key, default: 0] += 1 }
                }
            }
        }
        func row(_ id: UUID?, _ name: String, _ key: String) -> GridCoverage {
            let n = planned[key] ?? 0, d = done[key] ?? 0
            return GridCoverage(gridId: id, gridName: name, planned: n, done: d, rate: n == 0 ? nil : Double(d) / Double(n))
        }
        var rows = allGrids.map { row($0.id, $0.name, $0.path) }
        if planned[""] != nil { rows.append(row(nil, byChild ? "直属 (directly under)" : "未划入网格 (no grid)", "")) }
        let n = planned.values.reduce(0, +), d = done.values.reduce(0, +)
        return (GridCoverage(gridId: node.id, gridName: node.name, planned: n, done: d, rate: n == 0 ? nil : Double(d) / Double(n)), rows)
    }

    // MARK: Recording

    /// Records a visit and, when `caseCategory` is given, raises a case at the household (channel `patrol`), in one transaction.
    func record(household: Household, visitedOn: String?, kind: String?, notes: String?, caseCategory: String?, caseDescription: String?,
                by actor: Actor, source: AuditSource) async throws -> (Visit, Case?) {
        try await db.writeTransaction { tx in
            let visit = try await ResidentService(db: tx, now: now).addVisit(to: household, on: visitedOn, kind: kind, notes: notes,
                                                                           visitor: actor.user, source: source)
            guard let code = caseCategory, !code.isEmpty else { return (visit, nil) }
            let submission = CaseSubmission(categoryCode: code, nodeID: household.nodeID, description: caseDescription.flatMap { $0.isEmpty ? nil : $0 } ?? visit.notes,
                                            channel: "patrol")
            let (c, _) = try await CaseService(db: tx, now: now).submit(submission, by: actor, idempotencyKey: nil)
            visit.caseID = c.id
            try await visit.save(on: tx)
            return (visit, c)
        }
    }
}
