import Fluent
import JingzhiCore
import Vapor

struct EvaluationDTO: Content {
    let topicId: UUID
    let summary: EvaluationSummary
    let total: Int
    let sharePercent: Int
    let endsAt: Date?
    let ratedByMe: Bool
}

/// `/api/v1/topics/{id}/evaluation`: residents rate a topic's outcome once in its window; anyone who reads the topic
/// sees the counts.
enum EvaluationAPI {
    struct Body: Content {
        var rating: String?
        var comment: String?
    }

    static func register(_ api: any RoutesBuilder) {
        api.get("topics", ":id", "evaluation", use: read)
        api.post("topics", ":id", "evaluation", use: rate)
    }

    @Sendable static func read(req: Request) async throws -> EvaluationDTO {
        let actor = try req.requireActor()
        let service = TopicService(req: req)
        return try await dto(try await service.load(try req.idParameter(), for: actor), actor, service)
    }

    @Sendable static func rate(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let service = TopicService(req: req)
        let topic = try await service.load(try req.idParameter(), for: actor)
        let b = try req.decodeJSON(Body.self)
        _ = try await service.evaluate(topic, rating: b.rating, comment: b.comment, by: actor)
        return try await dto(topic, actor, service).encodeResponse(status: .created, for: req)
    }

    static func dto(_ t: Topic, _ actor: Actor, _ service: TopicService) async throws -> EvaluationDTO {
        let s = try await service.evaluationSummary(of: t)
        let mine = try await TopicEvaluation.query(on: service.db).filter(\.$topicID == t.id!).filter(\.$userID == actor.userID).first() != nil
        return EvaluationDTO(topicId: t.id!, summary: s, total: s.total, sharePercent: s.sharePercent, endsAt: try await service.evaluationEnds(t),
                             ratedByMe: mine)
    }
}
