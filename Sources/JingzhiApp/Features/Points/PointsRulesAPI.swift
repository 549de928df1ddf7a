import Fluent
import JingzhiCore
import Vapor

struct PointsRuleDTO: Content {
    let source: String
    let label: String
    /// What an event on this path pays (nil: the activity's own rate, or typed by staff).
    let points: Int?
    let monthlyCap: Int?
    let dailyCap: Int?
    /// Whether the community set `points` (else the default shown applies).
    let set: Bool

    init(_ source: PointsSource, _ rule: PointsRule?, lang: Lang) {
        self.source = source.rawValue
        label = lang.t(source.zh, source.en)
        points = rule?.points ?? source.defaultPoints
        monthlyCap = rule?.monthlyCap
        dailyCap = rule?.dailyCap
        set = rule?.points != nil
    }
}

/// `/api/v1/points/rules` (a community's earning rules and caps) and `/api/v1/points/donations` (staff record a
/// charitable donation, paid by the donation rule).
enum PointsRulesAPI {
    static func register(_ api: any RoutesBuilder) {
        let p = api.grouped("points")
        p.get("rules", use: rules)
        p.put("rules", use: setRule)
        p.post("donations", use: donation)
    }

    static func community(_ req: Request, _ actor: Actor) async throws -> OrgNode {
        try PointsService.requireStaff(actor)
        let node = try await PointsAPI.goodsNode(req, actor)
        guard node.kind == .community else { throw APIError.invalid("node", "请指定一个社区 (name a community)") }
        return node
    }

    @Sendable static func rules(req: Request) async throws -> [PointsRuleDTO] {
        let actor = try req.requireActor()
        let node = try await community(req, actor)
        let rules = try await PointsRules(db: req.db, now: req.now).rules(of: node.id!)
        return PointsSource.allCases.map { PointsRuleDTO($0, rules[$0], lang: req.lang) }
    }

    struct RuleBody: Content { var community: String?; var source: String?; var points: Double?; var monthlyCap: Double?; var dailyCap: Double? }

    @Sendable static func setRule(req: Request) async throws -> PointsRuleDTO {
        let actor = try req.requireActor()
        try PointsService.requireStaff(actor)
        let b = try PointsService.decode(RuleBody.self, req, amounts: ["points", "monthlyCap", "dailyCap"])
        let rule = try await PointsRules(db: req.db, now: req.now).set(community: b.community, source: b.source, points: b.points,
                                                                       monthlyCap: b.monthlyCap, dailyCap: b.dailyCap, by: actor, source: req.auditSource)
        return PointsRuleDTO(PointsSource(rawValue: rule.source) ?? .other, rule, lang: req.lang)
    }

    struct DonationBody: Content { var residentId: UUID?; var description: String? }

    @Sendable static func donation(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try PointsService.requireStaff(actor)
        let b = try req.decodeJSON(DonationBody.self)
        let (e, created) = try await PointsService(req: req).recordDonation(residentID: b.residentId, description: b.description,
                                                                            idempotencyKey: req.headers.first(name: "Idempotency-Key"), by: actor)
        return try await AwardDTO(e, repeated: !created).encodeResponse(status: created ? .created : .ok, for: req)
    }
}
