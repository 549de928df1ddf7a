import Fluent
import JingzhiCore
import Vapor

/// One unit in a ranking: the fixed contract's `nodeId`, `rank`, `score`, `dimensions`, and what the pages add.
struct RankingLine: Content, Equatable {
    var nodeId: UUID
    var name: String
    var rank: Int?
    var score: Double?
    var dimensions: [UnitScore.Dimension]
    var vetoed: Bool
    /// `red` (红榜), `black` (黑榜) or null.
    var list: String?
    var resultId: UUID
    /// Rank and score in the period before and the same period a year before, in the same area; null when not assessed then.
    var previousRank: Int?
    var previousScore: Double?
    var lastYearRank: Int?
    var lastYearScore: Double?

    /// Every key always present: a unit without a total has `"rank": null, "score": null`, not missing keys.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(nodeId, forKey: .nodeId)
        try c.encode(name, forKey: .name)
        try c.encode(rank, forKey: .rank)
        try c.encode(score, forKey: .score)
        try c.encode(dimensions, forKey: .dimensions)
        try c.encode(vetoed, forKey: .vetoed)
        try c.encode(list, forKey: .list)
        try c.encode(resultId, forKey: .resultId)
        try c.encode(previousRank, forKey: .previousRank)
        try c.encode(previousScore, forKey: .previousScore)
        try c.encode(lastYearRank, forKey: .lastYearRank)
        try c.encode(lastYearScore, forKey: .lastYearScore)
    }
}

struct Ranking: Content {
    var roundId: UUID
    var system: String
    var period: String
    var items: [RankingLine]
}

/// One indicator of the 擂台赛 page, for each unit side by side: raw numbers, value and points.
struct ArenaCell: Content, Equatable {
    var numerator: Double?
    var denominator: Double?
    var value: Double?
    var points: Double?
    var note: String?
}

struct ArenaRow: Content, Equatable {
    var code: String
    var name: String
    var kind: String
    var dimension: String
    var cells: [ArenaCell]
}

/// Rankings, movement, the 擂台赛, a unit's history and sums up the tree, for published rounds.
extension AssessmentService {
    /// The published round of a system (a version's id or the code) for `period`, or the latest one, that the actor may see.
    func publishedRound(system raw: String?, period: String?, for actor: Actor) async throws -> AssessmentRound {
        guard let raw, !raw.isEmpty else { throw APIError.missing("system") }
        var code = raw
        if let id = UUID(uuidString: raw) { code = try await system(id, for: actor).code }
        var q = AssessmentRound.query(on: db).filter(\.$systemCode == code).filter(\.$state == RoundState.published.rawValue)
        if let period, !period.isEmpty { q = q.filter(\.$period == period) }
        for r in try await q.sort(\.$toDay, .descending).sort(\.$revision, .descending).all() where try await visible(r, to: actor) { return r }
        throw APIError(.notFound, code: "no_published_round", "没有已发布的考核结果 (no published round for that system and period)")
    }

    /// Ranked by score within the actor's results under `node` (ties share a rank), with movement.
    func ranking(_ r: AssessmentRound, node: OrgNode?, for actor: Actor) async throws -> Ranking {
        let lines = try await lines(r, node: node, for: actor)
        let prev = try await sibling(r, period: r.periodKind.previous(r.period)).asyncMap { try await self.lines($0, node: node, for: actor) } ?? nil
        let ly = try await sibling(r, period: r.periodKind.lastYear(r.period)).asyncMap { try await self.lines($0, node: node, for: actor) } ?? nil
        let prevBy = Dictionary((prev ?? []).map { ($0.nodeId, $0) }, uniquingKeysWith: { a, _ in a })
        let lyBy = Dictionary((ly ?? []).map { ($0.nodeId, $0) }, uniquingKeysWith: { a, _ in a })
        let items = lines.map { l -> RankingLine in
            var l = l
            l.previousRank = prevBy[l.nodeId]?.rank
            l.previousScore = prevBy[l.nodeId]?.score
            l.lastYearRank = lyBy[l.nodeId]?.rank
            l.lastYearScore = lyBy[l.nodeId]?.score
            return l
        }
        return Ranking(roundId: r.id!, system: r.systemName, period: r.period, items: items)
    }

    /// The published round of the same system, place and period kind for another period.
    func sibling(_ r: AssessmentRound, period: String?) async throws -> AssessmentRound? {
        guard let period else { return nil }
        return try await AssessmentRound.query(on: db).filter(\.$systemCode == r.systemCode).filter(\.$nodeID == r.nodeID)
            .filter(\.$periodKindRaw == r.periodKindRaw).filter(\.$period == period).filter(\.$state == RoundState.published.rawValue)
            .sort(\.$revision, .descending).first()
    }

    private func lines(_ r: AssessmentRound, node: OrgNode?, for actor: Actor) async throws -> [RankingLine] {
        var results = try await results(of: r, for: actor).filter { $0.resultState == .published }
        if let node { results = results.filter { $0.nodePath.hasPrefix(node.path) } }
        let ranks = AssessmentScoring.ranks(results.map { ($0.id!, $0.total) })
        return results.map { res in
            RankingLine(nodeId: res.unitID, name: res.unitName, rank: ranks[res.id!], score: res.total, dimensions: res.dimensions, vetoed: res.vetoed,
                        list: res.list, resultId: res.id!)
        }.sorted { a, b in (a.rank ?? Int.max, a.name) < (b.rank ?? Int.max, b.name) }
    }

    /// The 擂台赛: 2–6 units of one round, indicator by indicator, with the numbers behind each score.
    func arena(_ r: AssessmentRound, units: [UUID], for actor: Actor) async throws -> (results: [AssessmentResult], rows: [ArenaRow], scores: [UnitScore]) {
        let unique = Array(NSOrderedSet(array: units)) as? [UUID] ?? units
        guard (2...6).contains(unique.count) else {
            throw APIError.invalid("units", "请选择 2–6 个单位 (choose two to six units)")
        }
        let mine = try await results(of: r, for: actor)
        let picked = try unique.map { id -> AssessmentResult in
            guard let res = mine.first(where: { $0.unitID == id || $0.id == id }) else { throw APIError.notFound }
            return res
        }
        let def = r.definition
        var entries: [[String: AssessmentEntry]] = []
        for res in picked { entries.append(try await self.entries(of: res)) }
        var rows: [ArenaRow] = []
        for d in def.dimensions {
            for item in d.items {
                for ind in item.indicators {
                    let cells = entries.map { e -> ArenaCell in
                        let x = e[ind.code]
                        let f = x?.fraction
                        let points = ind.kind == .computed ? ind.points(raw: f?.value) : x?.score
                        return ArenaCell(numerator: f?.numerator, denominator: f?.denominator, value: f?.value, points: points, note: x?.adjustReason ?? x?.selfNote)
                    }
                    rows.append(ArenaRow(code: ind.code, name: ind.name, kind: ind.kind.rawValue, dimension: d.name, cells: cells))
                }
            }
        }
        let scores = entries.map { AssessmentScoring.score(def, $0.mapValues(\.facts)) }
        return (picked, rows, scores)
    }

    /// A unit's published totals over time in one system, oldest first.
    func history(unit: UUID, system code: String, for actor: Actor) async throws -> [(round: AssessmentRound, result: AssessmentResult)] {
        let results = try await AssessmentResult.query(on: db).filter(\.$unitID == unit).filter(\.$state == ResultState.published.rawValue).all()
        guard !results.isEmpty else { return [] }
        let rounds = try await AssessmentRound.query(on: db).filter(\.$id ~~ results.map(\.roundID)).filter(\.$systemCode == code)
            .filter(\.$state == RoundState.published.rawValue).sort(\.$fromDay).all()
        var out: [(AssessmentRound, AssessmentResult)] = []
        for r in rounds {
            guard let res = results.first(where: { $0.roundID == r.id }), try await role(of: actor, for: res, in: r) != nil else { continue }
            out.append((r, res))
        }
        return out
    }

    /// Each computed indicator summed over the units under `node` (numerators and denominators added, then divided).
    func tree(_ r: AssessmentRound, node: OrgNode?, for actor: Actor) async throws -> [(indicator: IndicatorDef, fraction: AssessmentFraction, units: Int)] {
        var results = try await results(of: r, for: actor)
        if let node { results = results.filter { $0.nodePath.hasPrefix(node.path) } }
        let ids = Set(results.compactMap(\.id))
        let entries = try await AssessmentEntry.query(on: db).filter(\.$roundID == r.id!).filter(\.$kind == IndicatorKind.computed.rawValue).all()
            .filter { ids.contains($0.resultID) }
        return r.definition.indicators.filter { $0.kind == .computed }.map { ind in
            let mine = entries.filter { $0.indicator == ind.code }.compactMap(\.fraction)
            return (ind, mine.reduce(AssessmentFraction(numerator: 0, denominator: 0), +), mine.count)
        }
    }
}
