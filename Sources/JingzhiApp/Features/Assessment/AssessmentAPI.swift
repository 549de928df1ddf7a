import Fluent
import JingzhiCore
import Vapor

struct AssessmentSystemDTO: Content {
    let id: UUID
    let code: String
    let name: String
    let version: Int
    let unitKind: String
    let note: String?
    var definition: AssessmentDefinition?

    init(_ s: AssessmentSystem, full: Bool = false) {
        id = s.id!
        code = s.code
        name = s.name
        version = s.version
        unitKind = s.unitKindRaw
        note = s.note
        definition = full ? s.definition : nil
    }
}

struct AssessmentRoundDTO: Content {
    let id: UUID
    let systemId: UUID
    let system: String
    let systemVersion: Int
    let unitKind: String
    let periodKind: String
    let period: String
    let nodeId: UUID
    let state: String
    let revision: Int
    let correctionReason: String?
    let publishedAt: Date?
    let version: Int

    init(_ r: AssessmentRound) {
        id = r.id!
        systemId = r.systemID
        system = r.systemName
        systemVersion = r.systemVersion
        unitKind = r.unitKindRaw
        periodKind = r.periodKindRaw
        period = r.period
        nodeId = r.nodeID
        state = r.state
        revision = r.revision
        correctionReason = r.correctionReason
        publishedAt = r.publishedAt
        version = r.version
    }
}

struct AssessmentEntryDTO: Content {
    let indicator: String
    let name: String
    let kind: String
    let numerator: Double?
    let denominator: Double?
    let value: Double?
    let points: Double?
    let selfScore: Double?
    let score: Double?
    let adjustReason: String?
    let bonusState: String?
}

struct AssessmentResultDTO: Content {
    let id: UUID
    let roundId: UUID
    let unitId: UUID
    let name: String
    let state: String
    let version: Int
    let total: Double?
    let vetoed: Bool
    let pendingBonus: Double
    let dimensions: [UnitScore.Dimension]
    let losses: [UnitScore.Loss]
    let entries: [AssessmentEntryDTO]
}

/// `/api/v1/assessment/...`: systems, rounds, each unit's result and its review steps, rankings, the 擂台赛, sums up the tree.
enum AssessmentAPI {
    struct SystemBody: Content {
        var code: String?
        var name: String?
        var unitKind: String?
        var note: String?
        var definition: AssessmentDefinition?
    }

    struct RoundBody: Content {
        var systemId: UUID?
        var periodKind: String?
        var period: String?
        var nodeId: UUID?
    }

    struct StepBody: Content {
        var indicator: String?
        var score: Double?
        var note: String?
        var reason: String?
        var approve: Bool?
        var version: Int?
    }

    static func register(_ api: any RoutesBuilder) {
        let a = api.grouped("assessment")
        a.get("systems", use: systems)
        a.post("systems", use: createSystem)
        a.get("systems", ":id", use: system)
        a.get("measures", use: measures)
        a.get("rounds", use: rounds)
        a.post("rounds", use: openRound)
        a.get("rounds", ":id", use: round)
        a.post("rounds", ":id", "publish", use: publish)
        a.post("rounds", ":id", "refresh", use: refresh)
        a.post("rounds", ":id", "correct", use: correct)
        a.get("rounds", ":id", "tree", use: tree)
        a.get("results", ":id", use: result)
        for step in ["score", "submit", "accept", "adjust", "return", "bonus"] {
            a.post("results", ":id", PathComponent(stringLiteral: step), use: { req in try await Self.step(req, step) })
        }
        AssessmentEvidenceAPI.register(a)
        AssessmentEditorAPI.register(a)
        a.get("rankings", use: rankings)
        a.get("arena", use: arena)
    }

    @Sendable static func systems(req: Request) async throws -> [String: [AssessmentSystemDTO]] {
        let actor = try req.requireActor()
        return ["items": try await AssessmentService(req: req).systems(for: actor).map { AssessmentSystemDTO($0) }]
    }

    @Sendable static func system(req: Request) async throws -> AssessmentSystemDTO {
        AssessmentSystemDTO(try await AssessmentService(req: req).system(try req.idParameter(), for: try req.requireActor()), full: true)
    }

    @Sendable static func createSystem(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let b = try req.decodeJSON(SystemBody.self)
        guard let kind = AssessmentUnitKind(rawValue: b.unitKind ?? "community") else {
            throw APIError.invalid("unitKind", "单位类型须为 street、community、grid、property_company 或 department (unitKind: street, community, grid, property_company, department)")
        }
        guard let def = b.definition else { throw APIError.missing("definition") }
        let s = try await AssessmentService(req: req).saveSystem(code: b.code ?? "", name: b.name ?? "", unitKind: kind, definition: def, note: b.note,
                                                                 nodePath: actor.nodePath, by: actor)
        return try await AssessmentSystemDTO(s, full: true).encodeResponse(status: .created, for: req)
    }

    @Sendable static func measures(req: Request) async throws -> [String: [[String: String]]] {
        _ = try req.requireActor()
        return ["items": req.application.assessmentMeasures.measures.map { ["key": $0.key, "name": $0.zh, "nameEn": $0.en, "kind": $0.share ? "share" : "per"] }]
    }

    @Sendable static func rounds(req: Request) async throws -> [String: [AssessmentRoundDTO]] {
        let actor = try req.requireActor()
        let service = AssessmentService(req: req)
        var q = AssessmentRound.query(on: req.db)
        if let sys = try req.query.get(String?.self, at: "system"), !sys.isEmpty {
            if let id = UUID(uuidString: sys) { q = q.filter(\.$systemCode == (try await service.system(id, for: actor)).code) } else { q = q.filter(\.$systemCode == sys) }
        }
        var out: [AssessmentRoundDTO] = []
        for r in try await q.sort(\.$toDay, .descending).sort(\.$createdAt, .descending).limit(500).all() where try await service.visible(r, to: actor) {
            out.append(AssessmentRoundDTO(r))
            if out.count >= 100 { break }
        }
        return ["items": out]
    }

    @Sendable static func openRound(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let b = try req.decodeJSON(RoundBody.self)
        let service = AssessmentService(req: req)
        guard let sid = b.systemId else { throw APIError.missing("systemId") }
        let system = try await service.system(sid, for: actor)
        guard let kind = AssessmentPeriodKind(rawValue: b.periodKind ?? "month") else {
            throw APIError.invalid("periodKind", "周期类型须为 month、quarter 或 year (periodKind: month, quarter or year)")
        }
        let node: OrgNode
        if let id = b.nodeId {
            node = try await OrgNode.find(id, within: actor.scope, on: req.db)
        } else {
            guard let n = try await OrgNode.query(on: req.db).within(actor.scope).sort(\.$depth).first() else { throw APIError.notFound }
            node = n
        }
        let r = try await service.openRound(system: system, periodKind: kind, period: b.period ?? "", node: node, by: actor)
        return try await AssessmentRoundDTO(r).encodeResponse(status: .created, for: req)
    }

    struct RoundDetail: Content {
        struct Line: Content { let id: UUID; let unitId: UUID; let name: String; let state: String; let total: Double?; let rank: Int?; let version: Int }
        let round: AssessmentRoundDTO
        let results: [Line]
    }

    @Sendable static func round(req: Request) async throws -> RoundDetail {
        let actor = try req.requireActor()
        let service = AssessmentService(req: req)
        let r = try await service.round(try req.idParameter(), for: actor)
        var lines: [RoundDetail.Line] = []
        for res in try await service.results(of: r, for: actor) {
            let total = res.resultState == .published ? res.total : try await service.score(r, res).total
            lines.append(.init(id: res.id!, unitId: res.unitID, name: res.unitName, state: res.state, total: total, rank: res.rank, version: res.version))
        }
        return RoundDetail(round: AssessmentRoundDTO(r), results: lines)
    }

    @Sendable static func publish(req: Request) async throws -> AssessmentRoundDTO {
        let (service, r, role) = try await countyRound(req)
        let b = (try? req.decodeJSON(StepBody.self)) ?? StepBody()
        try await service.publish(r, role: role, version: b.version)
        return AssessmentRoundDTO(r)
    }

    @Sendable static func refresh(req: Request) async throws -> AssessmentRoundDTO {
        let (service, r, role) = try await countyRound(req)
        try AssessmentLifecycles.round.check(.refresh, from: r.roundState, role: role)
        try await service.refresh(r)
        return AssessmentRoundDTO(r)
    }

    @Sendable static func correct(req: Request) async throws -> Response {
        let (service, r, role) = try await countyRound(req)
        let b = try req.decodeJSON(StepBody.self)
        return try await AssessmentRoundDTO(try await service.correct(r, role: role, reason: b.reason)).encodeResponse(status: .created, for: req)
    }

    /// The round and the actor's part in it: the county for admins over it, a reader otherwise.
    static func countyRound(_ req: Request) async throws -> (AssessmentService, AssessmentRound, AssessmentRole) {
        let actor = try req.requireActor()
        let service = AssessmentService(req: req)
        let r = try await service.round(try req.idParameter(), for: actor)
        return (service, r, actor.role == .admin && actor.scope.contains(r.nodePath) ? .county : .reader)
    }

    struct TreeLine: Content {
        let indicator: String
        let name: String
        let numerator: Double
        let denominator: Double
        /// Σ numerators ÷ Σ denominators of the units under the node; null when nothing was measured.
        let value: Double?
        let units: Int
    }

    /// Each computed indicator summed up the tree to `node` (default: the whole round the caller sees).
    @Sendable static func tree(req: Request) async throws -> [String: [TreeLine]] {
        let actor = try req.requireActor()
        let service = AssessmentService(req: req)
        let r = try await service.round(try req.idParameter(), for: actor)
        var node: OrgNode?
        if let id = try req.query.get(UUID?.self, at: "node") {
            node = try await OrgNode.find(id, within: actor.scope, on: req.db)
        }
        return ["items": try await service.tree(r, node: node, for: actor).map {
            TreeLine(indicator: $0.indicator.code, name: $0.indicator.name, numerator: $0.fraction.numerator, denominator: $0.fraction.denominator,
                     value: $0.fraction.value, units: $0.units)
        }]
    }

    static func dto(_ service: AssessmentService, _ r: AssessmentRound, _ res: AssessmentResult) async throws -> AssessmentResultDTO {
        let entries = try await service.entries(of: res)
        let score = AssessmentScoring.score(r.definition, entries.mapValues(\.facts))
        let list = r.definition.indicators.map { ind -> AssessmentEntryDTO in
            let e = entries[ind.code]
            return AssessmentEntryDTO(indicator: ind.code, name: ind.name, kind: ind.kind.rawValue, numerator: e?.numerator, denominator: e?.denominator,
                                      value: e?.fraction?.value, points: ind.kind == .computed ? ind.points(raw: e?.fraction?.value) : e?.score,
                                      selfScore: e?.selfScore, score: e?.score, adjustReason: e?.adjustReason, bonusState: e?.bonusState)
        }
        return AssessmentResultDTO(id: res.id!, roundId: r.id!, unitId: res.unitID, name: res.unitName, state: res.state, version: res.version,
                                   total: res.resultState == .published ? res.total : score.total, vetoed: score.vetoed, pendingBonus: score.pendingBonus,
                                   dimensions: score.dimensions, losses: score.losses, entries: list)
    }

    @Sendable static func result(req: Request) async throws -> AssessmentResultDTO {
        let service = AssessmentService(req: req)
        let (r, res, _) = try await service.result(try req.idParameter(), for: try req.requireActor())
        return try await dto(service, r, res)
    }

    static func step(_ req: Request, _ step: String) async throws -> AssessmentResultDTO {
        let service = AssessmentService(req: req)
        let (r, res, role) = try await service.result(try req.idParameter(), for: try req.requireActor())
        let b = (try? req.decodeJSON(StepBody.self)) ?? StepBody()
        switch step {
        case "score": try await service.selfScore(r, res, role: role, indicator: b.indicator, score: b.score, note: b.note)
        case "submit": try await service.submit(r, res, role: role, version: b.version)
        case "accept": try await service.accept(r, res, role: role, version: b.version)
        case "adjust": try await service.adjust(r, res, role: role, indicator: b.indicator, score: b.score, reason: b.reason)
        case "return": try await service.returnToUnit(r, res, role: role, reason: b.reason, version: b.version)
        default: try await service.decideBonus(r, res, role: role, indicator: b.indicator, approve: b.approve ?? false)
        }
        return try await dto(service, r, res)
    }

    /// The fixed contract: `{"items": [{"nodeId", "rank", "score", "dimensions"}]}` of a published round.
    @Sendable static func rankings(req: Request) async throws -> Ranking {
        let actor = try req.requireActor()
        let service = AssessmentService(req: req)
        let r = try await service.publishedRound(system: try req.query.get(String?.self, at: "system"), period: try req.query.get(String?.self, at: "period"), for: actor)
        var node: OrgNode?
        if let raw = try req.query.get(String?.self, at: "node"), !raw.isEmpty {
            guard let id = UUID(uuidString: raw) else { throw APIError.notFound }
            node = try await OrgNode.find(id, within: actor.scope, on: req.db)
        }
        return try await service.ranking(r, node: node, for: actor)
    }

    struct ArenaDTO: Content {
        let roundId: UUID
        let units: [RankingUnit]
        let rows: [ArenaRow]
        struct RankingUnit: Content { let nodeId: UUID; let name: String; let total: Double?; let vetoed: Bool }
    }

    @Sendable static func arena(req: Request) async throws -> ArenaDTO {
        let actor = try req.requireActor()
        let service = AssessmentService(req: req)
        guard let rid = try req.query.get(UUID?.self, at: "round") else { throw APIError.missing("round") }
        let r = try await service.round(rid, for: actor)
        let ids = (try req.query.get(String?.self, at: "units") ?? "").split(separator: ",").compactMap { UUID(uuidString: String($0)) }
        let a = try await service.arena(r, units: ids, for: actor)
        return ArenaDTO(roundId: r.id!, units: zip(a.results, a.scores).map { .init(nodeId: $0.unitID, name: $0.unitName, total: $1.total, vetoed: $1.vetoed) }, rows: a.rows)
    }
}
