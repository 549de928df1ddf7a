import Fluent
import JingzhiCore
import Vapor

/// What a review move may carry.
struct TopicActionInput: Sendable {
    var version: Int?
    var note: String?
    /// merge: the open topic of the same community it joins.
    var mergeInto: UUID?
    /// convert: the case category.
    var categoryCode: String?
    /// accept: the procedure the topic follows from now.
    var procedure: String?
}

/// The moves of a topic after it is raised: review answers (accept, decline, merge, convert to a case) and the steps
/// after. Each is one lifecycle commit: version claim, the topic, its history line and the audit entry together.
extension TopicService {
    func perform(_ action: TopicAction, on topic: Topic, by actor: Actor, input: TopicActionInput) async throws -> Topic {
        let table = TopicLifecycle.table
        let from = topic.stage
        try table.check(action, from: from, role: TopicRole(actor))
        try table.checkVersion(expected: input.version, actual: topic.version)
        var note = try Validate.text(input.note, field: "note", max: 500, required: action == .decline || action == .decide)
        var convert: CaseSubmission?
        var raiser: Actor?
        switch action {
        case .accept:
            if input.procedure != nil { topic.procedureRaw = try Self.procedure(input.procedure).rawValue }
            topic.answer = note ?? "已受理，进入议事 (accepted for deliberation)"
        case .decline:
            topic.answer = note
        case .merge:
            guard let targetID = input.mergeInto else { throw APIError.missing("mergeInto") }
            guard targetID != topic.id, let target = try await Topic.find(targetID, on: db), target.communityID == topic.communityID else {
                throw APIError(.notFound, code: "unknown_topic", "找不到同一社区的这个议题 (no such topic in this community)", field: "mergeInto")
            }
            guard TopicStage.open.contains(target.stage) else {
                throw APIError.conflict("只能并入未结束的议题 (merge only into an open topic)", code: "target_closed")
            }
            topic.mergedIntoID = targetID
            topic.answer = "并入议题「\(target.title)」(merged into another topic)"
            note = [topic.answer, note].compactMap { $0 }.joined(separator: "；")
        case .convert:
            guard let code = input.categoryCode, !code.isEmpty else { throw APIError.missing("categoryCode") }
            convert = CaseSubmission(categoryCode: code, nodeID: topic.nodeID,
                                     description: "【议事转办】\(topic.title)\n\(topic.description)", channel: "deliberation")
            // The case is the raiser's, so they follow it among their own requests; a staff raiser's case is theirs.
            if let uid = topic.raisedBy, let user = try await User.find(uid, on: db) {
                raiser = try await Actor.load(user, on: db, now: now)
            }
        case .complete:
            let items = try await progress(of: topic)
            guard items.allSatisfy(\.done) else {
                throw APIError.conflict("还有 \(items.filter { !$0.done }.count) 项协商事项未完成 (items still open)", code: "items_open")
            }
            if let note { topic.answer = note }
        case .close:
            // The evaluation's summary is the topic's last answer (实施结果公开).
            let summary = try await evaluationSummary(of: topic)
            topic.answer = "评议结果：\(summary.zh) (evaluation: \(summary.en))"
            note = [topic.answer, note].compactMap { $0 }.joined(separator: "；")
        case .review, .decide:
            if let note { topic.answer = note }
        }
        if [.accept, .decline, .merge, .convert].contains(action) { topic.reviewedAt = now }
        let to = table.target(action, from: from)
        let now = now, source = source, reporter = raiser ?? actor, submission = convert, said = note
        let committed = try await table.commit(topic, action, from: from, to: to, subject: "「\(topic.title)」", note: note,
                                               by: source, at: now, on: db, write: { tx in
            if let submission {
                let (c, _) = try await CaseService(db: tx, now: now, source: source).submit(submission, by: reporter, idempotencyKey: nil)
                let link = TopicCaseLink()
                link.topicID = topic.id!
                link.caseID = c.id!
                link.at = now
                try await link.create(on: tx)
                topic.answer = "已转为诉求 \(c.number) (converted to case \(c.number))"
            }
            try await topic.save(on: tx)
        }, history: { tx in
            // Written after the case, so the line names the case it became.
            let line = submission == nil ? said : [topic.answer, said].compactMap { $0 }.joined(separator: "；")
            try await Self.event(topic, action: action.rawValue, from: from.rawValue, to: to, note: line, by: source, at: now, on: tx)
        })
        guard committed else { throw table.changed }
        return topic
    }
}
