import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// The command centre's figures (一屏观) for a subtree, all from SQL aggregates on indexed columns: cases never
/// leave the database in bulk, lists are capped, and only slow-moving figures are cached (`CommandCentreCache`).
struct CommandCentreService {
    let db: any Database
    let now: Date
    let cache: CommandCentreCache
    var providers = CommandCentreProviders()
    /// Who is looking: a grid worker sees only their own patrol among those on the map.
    var viewer: Actor?

    init(db: any Database, now: Date, cache: CommandCentreCache, providers: CommandCentreProviders = .init()) {
        self.db = db
        self.now = now
        self.cache = cache
        self.providers = providers
    }

    init(req: Request) {
        self.init(db: req.db, now: req.now, cache: req.application.commandCentreCache, providers: req.application.commandCentre)
        viewer = req.actor
    }

    static let listLimit = 20
    static let dueSoonHours = 24.0

    var sql: CommandCentreSQL { CommandCentreSQL(db: db) }

    /// The case measures without the hours' percentiles, which the command centre does not show.
    var measures: CaseMeasuresService {
        var m = CaseMeasuresService(db: db, now: now)
        m.withPercentiles = false
        return m
    }

    /// The path of the subtree; "" for the whole tree.
    static func path(_ node: OrgNode?) -> String { node?.path ?? "" }

    /// The measures of the cases created this month so far; a page passes them to both `summary` and `trends`.
    func currentMonth(node: OrgNode?) async throws -> CaseMeasures {
        let today = ShanghaiTime.today(now)
        return try await measures.measures(CaseMeasuresQuery(node: node, from: String(today.prefix(8)) + "01", to: today))
    }

    func summary(node: OrgNode?, currentMonth known: CaseMeasures? = nil) async throws -> CommandCentreSummary {
        let path = Self.path(node)
        let rates: CaseMeasures
        if let known { rates = known } else { rates = try await currentMonth(node: node) }
        let (today, month) = try await tallies(path: path, month: rates)
        return CommandCentreSummary(
            node: node.map { .init(id: $0.id!, code: $0.code, name: $0.name, kind: $0.kindRaw) }, asOf: now,
            today: today, month: month, backlog: try await backlog(path: path),
            rates: CommandCentreRates(month: String(month.from.prefix(7)), rates),
            overdue: try await overdueCases(path: path), dueSoon: try await dueSoonCases(path: path),
            patrols: try await patrols(path: path))
    }

    /// Today's and this month's cases by where they stand now. This month's counts by state are the month's measures
    /// (`currentMonth`, from the running totals); the overdue among them and today's figures are counted here.
    func tallies(path: String, month measures: CaseMeasures) async throws -> (today: CommandCentreTally, month: CommandCentreTally) {
        let today = ShanghaiTime.today(now)
        let monthFirst = String(today.prefix(8)) + "01"
        let todayStart = ShanghaiTime.dayStart(today), monthStart = ShanghaiTime.dayStart(monthFirst)
        let tomorrowStart = todayStart.addingTimeInterval(86400)
        let open = CommandCentreSQL.list(CommandCentreSQL.unanswered)
        let query: SQLQueryString = """
            SELECT COUNT(*) AS t_new, COUNT(CASE WHEN state IN (\(open)) THEN 1 END) AS t_open, \
            COUNT(CASE WHEN state IN (\(open)) AND resolution_due_at < \(bind: now) THEN 1 END) AS t_overdue, \
            COUNT(CASE WHEN state = 'replied' THEN 1 END) AS t_replied, COUNT(CASE WHEN state = 'closed' THEN 1 END) AS t_closed, \
            (SELECT COUNT(*) FROM \(ident: Case.schema) WHERE state IN (\(open)) AND created_at >= \(bind: monthStart) \
             AND created_at < \(bind: tomorrowStart) AND resolution_due_at < \(bind: now) AND \(sql.scopeNarrowedElsewhere(path))) AS m_overdue \
            FROM \(ident: Case.schema) WHERE \(sql.scope(path, boundedInTime: true)) AND created_at >= \(bind: todayStart) AND created_at < \(bind: tomorrowStart)
            """
        guard let row = try await db.sql.raw(query).first() else { throw APIError.notFound }
        func n(_ c: String) throws -> Int { try row.decode(column: c, as: Int.self) }
        let byState = measures.counts.byState
        let month = CommandCentreTally(from: monthFirst, to: today, new: measures.counts.total,
                                       inProgress: CommandCentreSQL.unanswered.reduce(0) { $0 + (byState[$1] ?? 0) },
                                       overdue: try n("m_overdue"), awaitingRating: byState[CaseState.replied.rawValue] ?? 0,
                                       closed: byState[CaseState.closed.rawValue] ?? 0)
        return (CommandCentreTally(from: today, to: today, new: try n("t_new"), inProgress: try n("t_open"), overdue: try n("t_overdue"),
                                   awaitingRating: try n("t_replied"), closed: try n("t_closed")), month)
    }

    /// Unanswered cases now, whatever their age: a short read of `cases_open_cover` (M051).
    func backlog(path: String) async throws -> CommandCentreBacklog {
        let soon = now.addingTimeInterval(Self.dueSoonHours * 3600)
        let query: SQLQueryString = """
            SELECT COUNT(*) AS n_open, COUNT(CASE WHEN resolution_due_at < \(bind: now) THEN 1 END) AS n_overdue, \
            COUNT(CASE WHEN resolution_due_at >= \(bind: now) AND resolution_due_at < \(bind: soon) THEN 1 END) AS n_soon \
            FROM \(ident: Case.schema) WHERE state IN (\(CommandCentreSQL.list(CommandCentreSQL.unanswered))) AND \(sql.scopeNarrowedElsewhere(path))
            """
        guard let row = try await db.sql.raw(query).first() else { throw APIError.notFound }
        return CommandCentreBacklog(open: try row.decode(column: "n_open", as: Int.self), overdue: try row.decode(column: "n_overdue", as: Int.self),
                                    dueSoon: try row.decode(column: "n_soon", as: Int.self))
    }

    /// Unanswered cases past their reply deadline, the longest overdue first.
    func overdueCases(path: String, limit: Int = listLimit) async throws -> [CommandCentreCase] {
        try await brief(try await unanswered(path: path, due: "resolution_due_at < \(bind: now)", limit: limit))
    }

    /// Unanswered cases whose reply is due in the next 24 hours, the nearest first.
    func dueSoonCases(path: String, limit: Int = listLimit) async throws -> [CommandCentreCase] {
        let soon = now.addingTimeInterval(Self.dueSoonHours * 3600)
        return try await brief(try await unanswered(path: path, due: "resolution_due_at >= \(bind: now) AND resolution_due_at < \(bind: soon)", limit: limit))
    }

    /// Unanswered cases of the subtree with their deadline in a range, nearest deadline first. The deadline range is the
    /// narrow condition: a wide subtree is read along `cases_state_due`.
    private func unanswered(path: String, due: SQLQueryString, limit: Int) async throws -> [Case] {
        let query: SQLQueryString = """
            SELECT id FROM \(ident: Case.schema) WHERE state IN (\(CommandCentreSQL.list(CommandCentreSQL.unanswered))) AND \(due) \
            AND \(sql.scopeNarrowedElsewhere(path)) ORDER BY resolution_due_at, id LIMIT \(literal: limit)
            """
        let ids = try await db.sql.raw(query).all().map { try $0.decode(column: "id", as: UUID.self) }
        guard !ids.isEmpty else { return [] }
        let found = Dictionary(try await Case.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0) }) { a, _ in a }
        return ids.compactMap { found[$0] }
    }

    private func brief(_ cases: [Case]) async throws -> [CommandCentreCase] {
        guard !cases.isEmpty else { return [] }
        let places = Dictionary(try await OrgNode.query(on: db).filter(\.$id ~~ Set(cases.map(\.nodeID))).all().map { ($0.id!, $0.name) }) { a, _ in a }
        let names = try await categoryNames()
        var supervised: [UUID: Date] = [:]
        for e in try await CaseEvent.query(on: db).filter(\.$caseID ~~ cases.compactMap(\.id)).filter(\.$action == "supervise").all() {
            supervised[e.caseID] = max(supervised[e.caseID] ?? e.at, e.at)
        }
        return cases.map { c in
            CommandCentreCase(id: c.id!, number: c.number, category: c.categoryCode, categoryName: names[c.categoryCode] ?? c.categoryCode,
                              place: places[c.nodeID] ?? "", state: c.stateRaw, handlerLevel: c.handlerLevelRaw, dueAt: c.resolutionDueAt,
                              hoursOverdue: c.resolutionDueAt.map { (now.timeIntervalSince($0) / 360).rounded() / 10 },
                              supervisedAt: supervised[c.id!])
        }
    }

    func categoryNames() async throws -> [String: String] {
        Dictionary(try await CaseCategory.query(on: db).all().map { ($0.code, $0.name) }) { a, _ in a }
    }

    func patrols(path: String) async throws -> CommandCentrePatrolsBlock {
        guard let provider = providers.patrols else { return CommandCentrePatrolsBlock(available: false, active: []) }
        return CommandCentrePatrolsBlock(available: true, active: try await provider(db, DataScope(rootPath: path), now, viewer))
    }
}
