import Fluent
import JingzhiCore
import SQLKit
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
        var mergeTarget: Topic?
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
            mergeTarget = target
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
        let now = now, source = source, reporter = raiser ?? actor, submission = convert, said = note, target = mergeTarget
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
            if let target { try await Self.carrySupports(from: topic, into: target, by: source, at: now, on: tx) }
            if action == .accept { try await DeliberationPoints.accepted(topic, by: actor, source: source, at: now, on: tx) }
            if action == .close { try await DeliberationPoints.evaluated(topic, by: actor, source: source, at: now, on: tx) }
        }, history: { tx in
            // Written after the case, so the line names the case it became.
            let line = submission == nil ? said : [topic.answer, said].compactMap { $0 }.joined(separator: "；")
            try await Self.event(topic, action: action.rawValue, from: from.rawValue, to: to, note: line, by: source, at: now, on: tx)
        })
        guard committed else { throw table.changed }
        return topic
    }
}

extension TopicService {
    /// A merged topic's supporters support the topic it joined (those who already did count once), and the target's
    /// household count is recounted; reaching its threshold sends it to review, in the merge's transaction.
    static func carrySupports(from merged: Topic, into target: Topic, by source: AuditSource, at now: Date, on tx: any Database) async throws {
        let already = Set(try await TopicSupport.query(on: tx).filter(\.$topicID == target.id!).all().map(\.userID))
        var moved = 0
        for s in try await TopicSupport.query(on: tx).filter(\.$topicID == merged.id!).all() where !already.contains(s.userID) {
            let copy = TopicSupport()
            copy.topicID = target.id!
            copy.userID = s.userID
            copy.householdID = s.householdID
            copy.at = s.at
            try await copy.create(on: tx)
            moved += 1
        }
        let households = try await households(supporting: target.id!, on: tx)
        try await tx.sql.update(Topic.schema).set("support_count", to: SQLBind(households)).where("id", .equal, SQLBind(target.id!)).run()
        try await event(target, action: "absorb", from: target.stageRaw, to: target.stage,
                        note: "并入议题「\(merged.title)」，转入附议 \(moved) 人，现 \(households) 户 (merged in with \(moved) supporters)", by: source, at: now, on: tx)
        let threshold = try await DeliberationSetting.of(target.communityID, on: tx).threshold
        guard let fresh = try await Topic.find(target.id!, on: tx), fresh.stage == .collect, households >= threshold else { return }
        guard try await TopicLifecycle.table.commit(
            fresh, .review, from: .collect, to: .review, subject: "「\(fresh.title)」",
            note: "附议达到 \(threshold) 户，自动提交审核 (support reached \(threshold) households)",
            by: .system("附议门槛"), at: now, on: tx) else { throw TopicLifecycle.table.changed }
    }
}
