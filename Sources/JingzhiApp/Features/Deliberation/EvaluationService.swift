import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// A resident's rating of a topic's outcome (评), once each, while the topic is in evaluation.
final class TopicEvaluation: Model, @unchecked Sendable {
    static let schema = "topic_evaluations"

    @ID(key: .id) var id: UUID?
    @Field(key: "topic_id") var topicID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "rating") var rating: String
    @OptionalField(key: "comment") var comment: String?
    @Field(key: "at") var at: Date

    init() {}
}

enum EvaluationRating: String, CaseIterable, Sendable {
    case satisfied, basically, unsatisfied
    var zh: String { switch self { case .satisfied: "满意"; case .basically: "基本满意"; case .unsatisfied: "不满意" } }
    var en: String { switch self { case .satisfied: "satisfied"; case .basically: "basically satisfied"; case .unsatisfied: "not satisfied" } }
}

/// The counts of an evaluation; satisfied share counts 满意 and 基本满意.
struct EvaluationSummary: Content {
    let satisfied: Int
    let basically: Int
    let unsatisfied: Int
    var total: Int { satisfied + basically + unsatisfied }
    var sharePercent: Int { total == 0 ? 0 : Int((Double(satisfied + basically) * 100 / Double(total)).rounded()) }
    var zh: String { "满意 \(satisfied)，基本满意 \(basically)，不满意 \(unsatisfied)；满意率 \(sharePercent)%" }
    var en: String { "satisfied \(satisfied), basically \(basically), not satisfied \(unsatisfied); \(sharePercent)% satisfied" }
}

extension TopicService {
    /// Days residents may rate after the topic enters evaluation.
    static let evaluationDays = 14

    /// When the topic's evaluation window ends (from its move to evaluate), nil when it is not in evaluation.
    func evaluationEnds(_ topic: Topic) async throws -> Date? {
        guard topic.stage == .evaluate else { return nil }
        let entered = try await history(of: topic).last { $0.toState == TopicStage.evaluate.rawValue }?.at ?? now
        return entered.addingTimeInterval(Double(Self.evaluationDays) * 86_400)
    }

    func evaluate(_ topic: Topic, rating raw: String?, comment: String?, by actor: Actor) async throws -> TopicEvaluation {
        guard actor.role == .resident else {
            throw APIError(.forbidden, code: "forbidden", "只有本社区居民可以评价 (only the community's residents rate)")
        }
        guard let ends = try await evaluationEnds(topic) else {
            throw APIError.conflict("议题不在评议阶段 (the topic is not being evaluated)", code: "not_evaluating")
        }
        guard now <= ends else {
            let until = ShanghaiTime.format(ends, "yyyy-MM-dd HH:mm")
            throw APIError.conflict("评议已于 \(until) 截止 (evaluation closed at \(until))", code: "evaluation_closed")
        }
        guard let rating = raw.flatMap(EvaluationRating.init(rawValue:)) else {
            throw APIError.invalid("rating", "请选择 满意/基本满意/不满意 (satisfied, basically, unsatisfied)")
        }
        let e = TopicEvaluation()
        e.topicID = topic.id!
        e.userID = actor.userID
        e.rating = rating.rawValue
        e.comment = try Validate.text(comment, field: "comment", max: 500, required: false)
        e.at = now
        if try await TopicEvaluation.query(on: db).filter(\.$topicID == topic.id!).filter(\.$userID == actor.userID).first() != nil {
            throw Self.alreadyEvaluated
        }
        let source = source, now = now, path = topic.nodePath, title = topic.title
        do {
            try await db.writeTransaction { tx in
                try await e.create(on: tx)
                try await AuditLog.record(on: tx, by: source, at: now, action: "evaluate", entity: "topic", entityID: e.topicID, nodePath: path,
                                          summary: "评价议题「\(title)」的办理：\(rating.zh)")
            }
        } catch let error as any DatabaseError where error.isConstraintFailure { throw Self.alreadyEvaluated }
        return e
    }

    static let alreadyEvaluated = APIError.conflict("您已评价过，每人一次 (you already rated this topic; once each)", code: "already_evaluated")

    func evaluationSummary(of topic: Topic, on db: (any Database)? = nil) async throws -> EvaluationSummary {
        let all = try await TopicEvaluation.query(on: db ?? self.db).filter(\.$topicID == topic.id!).all().map(\.rating)
        func n(_ r: EvaluationRating) -> Int { all.filter { $0 == r.rawValue }.count }
        return EvaluationSummary(satisfied: n(.satisfied), basically: n(.basically), unsatisfied: n(.unsatisfied))
    }
}
