import Fluent
import JingzhiCore
import Vapor

/// Deliberation measures of one community in one month (Asia/Shanghai); definitions in docs/deliberation.md.
struct DeliberationMeasureRow: Content, Equatable {
    var communityId: UUID?
    var name: String
    /// Topics raised in the month.
    var raised = 0
    /// Of those, answered by review (accepted, declined, merged or converted) within 7 days of being raised.
    var reviewedWithin7Days = 0
    /// Of those, accepted for deliberation (by now).
    var accepted = 0
    /// Decisions recorded in the month.
    var decided = 0
    /// Consultation items due in the month, and those done by their deadline (their case closed by then).
    var itemsDue = 0
    var itemsOnTime = 0
    /// Ratings of outcomes given in the month, and those 满意 or 基本满意.
    var ratings = 0
    var satisfied = 0

    var reviewedShare: Double? { raised == 0 ? nil : Double(reviewedWithin7Days) / Double(raised) }
    var onTimeShare: Double? { itemsDue == 0 ? nil : Double(itemsOnTime) / Double(itemsDue) }
    var satisfaction: Double? { ratings == 0 ? nil : Double(satisfied) / Double(ratings) }

    mutating func add(_ o: DeliberationMeasureRow) {
        raised += o.raised; reviewedWithin7Days += o.reviewedWithin7Days; accepted += o.accepted; decided += o.decided
        itemsDue += o.itemsDue; itemsOnTime += o.itemsOnTime; ratings += o.ratings; satisfied += o.satisfied
    }
}

struct DeliberationMeasures: Content {
    let month: String
    let nodeId: UUID?
    let rows: [DeliberationMeasureRow]
    let total: DeliberationMeasureRow
}

extension TopicService {
    /// The measures of every community under `node` (or the actor's whole scope) for `month` (`yyyy-MM`): reviewers only.
    func measures(month: String, node: OrgNode?, for actor: Actor) async throws -> DeliberationMeasures {
        guard TopicRole(actor) == .reviewer else { throw APIError.forbidden }
        return try await measures(month: month, within: actor.scope, node: node)
    }

    /// The same without a viewer, for the assessment's indicators: every community under `node` inside `outer`.
    func measures(month: String, within outer: DataScope, node: OrgNode?, limit: Int = 500) async throws -> DeliberationMeasures {
        let start = try ShanghaiTime.dayStart(month + "-01", field: "month")
        let end = ShanghaiTime.dayStart(ShanghaiTime.month(month, plus: 1) + "-01")
        let scope = node.map { DataScope(rootPath: $0.path) } ?? outer
        let nodes = try await OrgNode.query(on: db).within(outer).within(scope).filter(\.$kindRaw == NodeKind.community.rawValue)
            .sort(\.$path).limit(limit).all()
        var rows = Dictionary(uniqueKeysWithValues: nodes.map { ($0.id!, DeliberationMeasureRow(communityId: $0.id, name: $0.name)) })
        func bump(_ community: UUID, _ change: (inout DeliberationMeasureRow) -> Void) {
            if rows[community] != nil { change(&rows[community]!) }
        }
        // Raised in the month, reviewed within 7 days, accepted.
        let raised = try await Topic.query(on: db).within(scope).filter(\.$createdAt >= start).filter(\.$createdAt < end).all()
        let acceptedIDs = try await acceptedTopics(raised.compactMap(\.id))
        for t in raised {
            bump(t.communityID) { r in
                r.raised += 1
                if let at = t.reviewedAt, at.timeIntervalSince(t.createdAt) <= 7 * 86_400 { r.reviewedWithin7Days += 1 }
                if acceptedIDs.contains(t.id!) { r.accepted += 1 }
            }
        }
        // Decisions recorded in the month.
        let decisions = try await LifecycleEvent.query(on: db).within(scope).filter(\.$entity == TopicLifecycle.table.entity)
            .filter(\.$action == TopicAction.decide.rawValue).filter(\.$at >= start).filter(\.$at < end).all()
        let decidedTopics = try await communities(of: decisions.map(\.entityID))
        for e in decisions { if let c = decidedTopics[e.entityID] { bump(c) { $0.decided += 1 } } }
        // Items due in the month, done by their deadline.
        let items = try await ConsultationItem.query(on: db).within(scope).filter(\.$deadline >= start).filter(\.$deadline < end).all()
        let itemTopics = try await communities(of: items.map(\.topicID))
        let links = try await TopicCaseLink.query(on: db).filter(\.$itemID ~~ items.compactMap(\.id)).all()
        let closed = Dictionary(uniqueKeysWithValues: try await Case.query(on: db).filter(\.$id ~~ links.map(\.caseID)).all().map { ($0.id!, $0.closedAt) })
        let caseOf = Dictionary(links.compactMap { l in l.itemID.map { ($0, l.caseID) } }, uniquingKeysWith: { a, _ in a })
        for i in items {
            guard let c = itemTopics[i.topicID] else { continue }
            let doneAt = caseOf[i.id!].map { closed[$0] ?? nil } ?? i.doneAt
            bump(c) { r in
                r.itemsDue += 1
                if let doneAt, doneAt <= i.deadline { r.itemsOnTime += 1 }
            }
        }
        // Ratings given in the month, of topics in the scope.
        let ratings = try await TopicEvaluation.query(on: db).filter(\.$at >= start).filter(\.$at < end).all()
        let ratedTopics = try await communities(of: ratings.map(\.topicID), within: scope)
        for e in ratings {
            guard let c = ratedTopics[e.topicID] else { continue }
            bump(c) { r in
                r.ratings += 1
                if e.rating != EvaluationRating.unsatisfied.rawValue { r.satisfied += 1 }
            }
        }
        let ordered = nodes.compactMap { rows[$0.id!] }
        var total = DeliberationMeasureRow(communityId: nil, name: "合计")
        for r in ordered { total.add(r) }
        return DeliberationMeasures(month: month, nodeId: node?.id, rows: ordered, total: total)
    }

    private func acceptedTopics(_ ids: [UUID]) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        return Set(try await LifecycleEvent.query(on: db).filter(\.$entity == TopicLifecycle.table.entity).filter(\.$entityID ~~ ids)
            .filter(\.$action == TopicAction.accept.rawValue).all().map(\.entityID))
    }

    /// Each topic's community, for topics inside `scope`.
    private func communities(of topicIDs: [UUID], within scope: DataScope = .everything) async throws -> [UUID: UUID] {
        let ids = Array(Set(topicIDs))
        guard !ids.isEmpty else { return [:] }
        return Dictionary(uniqueKeysWithValues: try await Topic.query(on: db).within(scope).filter(\.$id ~~ ids).all().map { ($0.id!, $0.communityID) })
    }
}
