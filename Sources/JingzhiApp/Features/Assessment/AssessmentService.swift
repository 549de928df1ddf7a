import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// Indicator systems and rounds: versions, opening a round with its units, computing the platform's indicators.
/// The review steps are in AssessmentReview.swift, publication and corrections in AssessmentPublish.swift.
struct AssessmentService {
    let app: Application
    let db: any Database
    let now: Date
    let source: AuditSource

    init(app: Application, db: (any Database)? = nil, now: Date, source: AuditSource = .system()) {
        self.app = app
        self.db = db ?? app.db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(app: req.application, db: req.db, now: req.now, source: req.auditSource) }

    var measures: AssessmentMeasureRegistry { app.assessmentMeasures }

    static func requireCounty(_ actor: Actor) throws {
        guard actor.role == .admin else {
            throw APIError(.forbidden, code: "forbidden", "只有县级管理员可以管理指标体系、发起和发布考核 (only county admins manage systems and rounds)")
        }
    }

    // MARK: Systems

    /// The newest version of every system the actor's county keeps.
    func systems(for actor: Actor) async throws -> [AssessmentSystem] {
        let all = try await AssessmentSystem.query(on: db).sort(\.$code).sort(\.$version, .descending).all()
        var seen = Set<String>()
        return all.filter { s in (actor.scope.contains(s.nodePath) || actor.nodePath.hasPrefix(s.nodePath)) && seen.insert(s.code).inserted }
    }

    func system(_ id: UUID, for actor: Actor) async throws -> AssessmentSystem {
        guard let s = try await AssessmentSystem.find(id, on: db), actor.scope.contains(s.nodePath) || actor.nodePath.hasPrefix(s.nodePath) else {
            throw APIError.notFound
        }
        return s
    }

    /// Saves a new version of `code` (version 1 for a new code). Weights must add up to 100 % at every level.
    func saveSystem(code: String, name: String, unitKind: AssessmentUnitKind, definition: AssessmentDefinition, note: String?,
                    nodePath: String, by actor: Actor? = nil) async throws -> AssessmentSystem {
        if let actor { try Self.requireCounty(actor) }
        let code = code.trimmingCharacters(in: .whitespaces)
        guard !code.isEmpty, code.count <= 40, code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw APIError.invalid("code", "编码须为 1–40 个字母、数字、- 或 _ (code: 1–40 letters, digits, - or _)")
        }
        let name = try Validate.text(name, field: "name", max: 60)!
        try definition.validate(measures: measures.keys)
        let previous = try await AssessmentSystem.query(on: db).filter(\.$code == code).sort(\.$version, .descending).first()
        if previous != nil, (note ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw APIError.invalid("note", "修改指标体系须说明原因 (say why the system changes)")
        }
        let s = AssessmentSystem()
        s.id = UUID()
        s.code = code
        s.name = name
        s.version = (previous?.version ?? 0) + 1
        s.unitKindRaw = unitKind.rawValue
        s.definitionJSON = definition.json()
        s.note = note
        s.nodePath = previous?.nodePath ?? nodePath
        s.createdBy = source.actorName
        s.createdAt = now
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await s.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "assessment_system", entityID: s.id, nodePath: s.nodePath,
                                      summary: "考核指标体系「\(name)」第 \(s.version) 版" + (note.map { "：\($0)" } ?? ""))
        }
        return s
    }

    // MARK: Rounds

    /// The units of a round: the nodes of the unit kind under its node, the property companies serving compounds there,
    /// or the county's active departments.
    func units(kind: AssessmentUnitKind, root: OrgNode) async throws -> [AssessmentUnitRef] {
        if let nodeKind = kind.nodeKind {
            return try await OrgNode.query(on: db).filter(\.$kindRaw == nodeKind.rawValue).within(DataScope(rootPath: root.path)).sort(\.$path).all()
                .map { AssessmentUnitRef(id: $0.id!, name: $0.name, path: $0.path, kind: kind) }
        }
        if kind == .department {
            return try await CaseDepartments.active(on: db).map { AssessmentUnitRef(id: $0.id, name: $0.name, path: root.path, kind: kind) }
        }
        let ids = Set(try await PropertyContract.query(on: db).within(DataScope(rootPath: root.path)).all().compactMap(\.companyID))
        guard !ids.isEmpty else { return [] }
        return try await PropertyCompany.query(on: db).filter(\.$id ~~ Array(ids)).filter(\.$active == true).sort(\.$name).all()
            .map { AssessmentUnitRef(id: $0.id!, name: $0.name, path: root.path, kind: kind) }
    }

    /// Opens a round of `system` for `period` over the units under `node`, freezing the system's definition, and fills
    /// its computed indicators. One round per system, node and period (corrections aside).
    func openRound(system: AssessmentSystem, periodKind: AssessmentPeriodKind, period: String, node: OrgNode, by actor: Actor? = nil,
                   compute: Bool = true) async throws -> AssessmentRound {
        if let actor {
            try Self.requireCounty(actor)
            guard actor.scope.contains(node.path) else { throw APIError.notFound }
        }
        guard let days = periodKind.days(period) else {
            throw APIError.invalid("period", "周期格式应为 2026-10（月）、2026-Q4（季）或 2026（年） (period: 2026-10, 2026-Q4 or 2026)")
        }
        if try await AssessmentRound.query(on: db).filter(\.$systemCode == system.code).filter(\.$nodeID == node.id!).filter(\.$period == period).first() != nil {
            throw APIError.conflict("该周期的考核已发起 (a round of this system for this period and place exists)", code: "round_exists")
        }
        let units = try await units(kind: system.unitKind, root: node)
        guard !units.isEmpty else {
            throw APIError(.unprocessableEntity, code: "no_units", "所选范围内没有\(system.unitKind.zh)可考核 (no \(system.unitKind.en) to assess there)", field: "nodeId")
        }
        let r = AssessmentRound()
        r.id = UUID()
        r.systemID = system.id!
        r.systemCode = system.code
        r.systemName = system.name
        r.systemVersion = system.version
        r.definitionJSON = system.definitionJSON
        r.unitKindRaw = system.unitKindRaw
        r.periodKindRaw = periodKind.rawValue
        r.period = period
        r.fromDay = days.from
        r.toDay = days.to
        r.nodeID = node.id!
        r.nodePath = node.path
        r.state = RoundState.open.rawValue
        r.revision = 1
        r.version = 1
        r.createdAt = now
        let def = system.definition, source = source, now = now
        try await db.writeTransaction { tx in
            try await r.create(on: tx)
            var entries: [AssessmentEntry] = []
            for u in units {
                let res = Self.newResult(r, u)
                try await res.create(on: tx)
                entries += def.indicators.map { Self.newEntry(r, res, $0) }
            }
            try await Self.insert(entries, on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "open", entity: "assessment_round", entityID: r.id, nodePath: r.nodePath,
                                      summary: "发起考核「\(r.title)」：\(units.count) 个\(system.unitKind.zh)")
        }
        if compute { try await refresh(r) }
        return r
    }

    static func newResult(_ r: AssessmentRound, _ u: AssessmentUnitRef) -> AssessmentResult {
        let res = AssessmentResult()
        res.id = UUID()
        res.roundID = r.id!
        res.unitID = u.id
        res.unitName = u.name
        res.nodePath = u.path
        res.state = ResultState.draft.rawValue
        res.dimensionsJSON = "[]"
        res.vetoed = false
        res.version = 1
        return res
    }

    /// Writes a round's empty entries with multi-row INSERTs (a round of the city has ~10,000).
    static func insert(_ entries: [AssessmentEntry], on db: any Database) async throws {
        try await DemoBulkInsert(db).insert(AssessmentEntry.schema, ["id", "round_id", "result_id", "indicator", "kind", "node_path"], entries) { e in
            [SQLBind(e.id ?? UUID()), SQLBind(e.roundID), SQLBind(e.resultID), SQLBind(e.indicator), SQLBind(e.kind), SQLBind(e.nodePath)]
        }
    }

    static func newEntry(_ r: AssessmentRound, _ res: AssessmentResult, _ ind: IndicatorDef) -> AssessmentEntry {
        let e = AssessmentEntry()
        e.roundID = r.id!
        e.resultID = res.id!
        e.indicator = ind.code
        e.kind = ind.kind.rawValue
        e.nodePath = res.nodePath
        if ind.kind == .bonus { e.bonusState = nil }
        return e
    }

    /// Recomputes the numerators and denominators of every computed indicator of an open round from the platform.
    /// A unit the platform has no figure for keeps none (shown as missing).
    func refresh(_ r: AssessmentRound) async throws {
        guard r.roundState == .open else { throw Self.published }
        guard let root = try await OrgNode.find(r.nodeID, on: db) else { throw APIError.notFound }
        let results = try await AssessmentResult.query(on: db).filter(\.$roundID == r.id!).all()
        let units = results.map { AssessmentUnitRef(id: $0.unitID, name: $0.unitName, path: $0.nodePath, kind: r.unitKind) }
        let computed = r.definition.indicators.filter { $0.kind == .computed }
        let keys = Set(computed.compactMap(\.measure))
        let ctx = AssessmentMeasureContext(app: app, db: db, now: now, from: r.fromDay, to: r.toDay, root: root)
        let values = try await measures.values(ctx, units: units, keys: keys)
        let resultOf = Dictionary(uniqueKeysWithValues: results.map { ($0.unitID, $0.id!) })
        let now = now
        try await db.writeTransaction { tx in
            // One UPDATE per unit and measure: indicators reading the same measure share its fraction.
            for (measure, inds) in Dictionary(grouping: computed, by: { $0.measure ?? "" }) {
                let rows = values[measure] ?? [:]
                for u in units {
                    let f = rows[u.id]
                    try await tx.sql.update(AssessmentEntry.schema)
                        .set("numerator", to: SQLBind(f?.numerator)).set("denominator", to: SQLBind(f?.denominator)).set("updated_at", to: SQLBind(now))
                        .where("result_id", .equal, SQLBind(resultOf[u.id]!)).where("indicator", .in, SQLBind.group(inds.map(\.code))).run()
                }
            }
            try await tx.sql.update(AssessmentRound.schema).set("computed_at", to: SQLBind(now)).where("id", .equal, SQLBind(r.id!)).run()
        }
        r.computedAt = now
    }

    static let published = APIError.conflict("已发布的考核不能修改；如需更正，请由县级发起更正（新版本并说明原因） (a published round cannot be edited; a correction is a new revision with a reason)",
                                             code: "round_published")

    /// A round the actor may see: one in their area, or one over a county their node lies in (they see their own results).
    func round(_ id: UUID, for actor: Actor) async throws -> AssessmentRound {
        guard let r = try await AssessmentRound.find(id, on: db), try await visible(r, to: actor) else { throw APIError.notFound }
        return r
    }

    func visible(_ r: AssessmentRound, to actor: Actor) async throws -> Bool {
        if actor.role == .propertyStaff {
            guard let company = try await PropertyScope.feeCompany(of: actor, on: db) else { return false }
            return try await AssessmentResult.query(on: db).filter(\.$roundID == r.id!).filter(\.$unitID == company).first() != nil
        }
        if actor.role == .departmentStaff {
            guard let d = actor.departmentID else { return false }
            return try await AssessmentResult.query(on: db).filter(\.$roundID == r.id!).filter(\.$unitID == d).first() != nil
        }
        guard actor.role.isStaff, [.admin, .streetStaff, .communityStaff, .gridWorker].contains(actor.role) else { return false }
        return actor.scope.contains(r.nodePath) || (!actor.nodePath.isEmpty && actor.nodePath.hasPrefix(r.nodePath))
    }

    /// The results of a round the actor may see: all under their node (or all, for the county); property staff their company's.
    func results(of r: AssessmentRound, for actor: Actor) async throws -> [AssessmentResult] {
        let all = try await AssessmentResult.query(on: db).filter(\.$roundID == r.id!).sort(\.$nodePath).sort(\.$unitName).all()
        if actor.role == .propertyStaff {
            let company = try await PropertyScope.feeCompany(of: actor, on: db)
            return all.filter { $0.unitID == company }
        }
        if actor.role == .departmentStaff { return all.filter { $0.unitID == actor.departmentID } }
        return all.filter { actor.scope.contains($0.nodePath) || ($0.nodePath == r.nodePath && actor.role == .admin) }
    }

    /// Who the actor is to a result; nil: they may not see it (404).
    func role(of actor: Actor, for res: AssessmentResult, in r: AssessmentRound) async throws -> AssessmentRole? {
        if r.unitKind == .propertyCompany {
            if actor.role == .admin, actor.scope.contains(r.nodePath) { return .county }
            if actor.role == .propertyStaff, try await PropertyScope.feeCompany(of: actor, on: db) == res.unitID { return .unit }
            return nil
        }
        if r.unitKind == .department {
            if actor.role == .admin, actor.scope.contains(r.nodePath) { return .county }
            if actor.role == .departmentStaff, actor.departmentID == res.unitID { return .unit }
            return nil
        }
        guard actor.scope.contains(res.nodePath) else { return nil }
        if actor.role == .admin { return .county }
        if actor.nodePath == res.nodePath, [.streetStaff, .communityStaff, .gridWorker].contains(actor.role) { return .unit }
        if [.streetStaff, .communityStaff].contains(actor.role), actor.nodePath.count < res.nodePath.count { return .reviewer }
        return .reader
    }

    func result(_ id: UUID, for actor: Actor) async throws -> (AssessmentRound, AssessmentResult, AssessmentRole) {
        guard let res = try await AssessmentResult.find(id, on: db), let r = try await AssessmentRound.find(res.roundID, on: db),
              let role = try await role(of: actor, for: res, in: r) else { throw APIError.notFound }
        return (r, res, role)
    }

    func entries(of res: AssessmentResult) async throws -> [String: AssessmentEntry] {
        Dictionary(uniqueKeysWithValues: try await AssessmentEntry.query(on: db).filter(\.$resultID == res.id!).all().map { ($0.indicator, $0) })
    }

    /// Every unit's facts in a round, read as plain columns (a city's round has ~10,000 entries; Fluent models are slow to decode).
    func facts(of r: AssessmentRound) async throws -> [UUID: [String: EntryFacts]] {
        var out: [UUID: [String: EntryFacts]] = [:]
        for row in try await db.sql.raw("""
            SELECT result_id, indicator, numerator, denominator, score, bonus_state FROM \(ident: AssessmentEntry.schema) WHERE round_id = \(bind: r.id!)
            """).all() {
            let num = try row.decode(column: "numerator", as: Double?.self), den = try row.decode(column: "denominator", as: Double?.self)
            let f = EntryFacts(fraction: num.flatMap { n in den.map { AssessmentFraction(numerator: n, denominator: $0) } },
                               score: try row.decode(column: "score", as: Double?.self),
                               approved: try row.decode(column: "bonus_state", as: String?.self) == "approved")
            out[try row.decode(column: "result_id", as: UUID.self), default: [:]][try row.decode(column: "indicator", as: String.self)] = f
        }
        return out
    }

    /// The unit's score as it stands (provisional while the round is open).
    func score(_ r: AssessmentRound, _ res: AssessmentResult) async throws -> UnitScore {
        AssessmentScoring.score(r.definition, try await entries(of: res).mapValues(\.facts))
    }
}
