import Fluent
import JingzhiCore
import Vapor

/// `/api/v1/property/ratings` and `/scoring`: the monthly star rating and red/black list, and its rules.
enum RatingsAPI {
    static func register(_ p: any RoutesBuilder) {
        p.get("ratings", ":month", use: month)
        p.post("ratings", ":month", "publish", use: publish)
        p.get("scoring", use: scoring)
        p.put("scoring", use: saveScoring)
    }

    /// The county named by `county` (code or id), or the first county of the tree.
    static func county(_ req: Request) async throws -> OrgNode {
        if let raw = try req.query.get(String?.self, at: "county"), !raw.isEmpty {
            guard let node = try await OrgService(req: req).find(codeOrID: raw), node.kind == .county else {
                throw APIError(.notFound, code: "unknown_node", "县(市)不存在 (unknown county)", field: "county")
            }
            return node
        }
        guard let first = try await OrgNode.query(on: req.db).filter(\.$parentID == nil).filter(\.$kindRaw == NodeKind.county.rawValue)
            .sort(\.$path).first() else { throw APIError.notFound }
        return first
    }

    static func monthParameter(_ req: Request) throws -> String {
        try ShanghaiTime.parseMonth(req.parameters.get("month"))
    }

    @Sendable static func month(req: Request) async throws -> RatingMonthDTO {
        _ = try req.requireActor()
        return try await RatingService(db: req.db, now: req.now).month(county: try await county(req), month: try monthParameter(req))
    }

    @Sendable static func publish(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try PropertyPolicy.requireCounty(actor)
        let dto = try await RatingService(db: req.db, now: req.now).publish(county: try await county(req), month: try monthParameter(req),
                                                                           source: req.auditSource)
        return try await dto.encodeResponse(status: .created, for: req)
    }

    @Sendable static func scoring(req: Request) async throws -> ScoringConfig {
        _ = try req.requireActor()
        return try await RatingService(db: req.db, now: req.now).config(county: try await county(req))
    }

    @Sendable static func saveScoring(req: Request) async throws -> ScoringConfig {
        let actor = try req.requireActor()
        try PropertyPolicy.requireCounty(actor)
        let config = try req.decodeJSON(ScoringConfig.self)
        let service = RatingService(db: req.db, now: req.now)
        let county = try await county(req)
        try await service.saveConfig(config, county: county, source: req.auditSource)
        return try await service.config(county: county)
    }

    /// The company's stars in the latest published month.
    static func latestStars(of company: PropertyCompany, on db: any Database) async throws -> (stars: Int, month: String)? {
        let rows = try await RatingRow.query(on: db).filter(\.$companyID == company.id!).filter(\.$level == "company").all()
        guard !rows.isEmpty else { return nil }
        let months = Dictionary(try await RatingMonth.query(on: db).filter(\.$id ~~ rows.map(\.monthID)).all().map { ($0.id!, $0.month) }) { a, _ in a }
        guard let best = rows.max(by: { (months[$0.monthID] ?? "") < (months[$1.monthID] ?? "") }) else { return nil }
        return (best.stars, months[best.monthID] ?? "")
    }
}
