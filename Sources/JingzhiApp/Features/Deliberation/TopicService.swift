import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// What raising a topic carries, from the API or a form.
struct TopicInput: Sendable {
    var title: String?
    var description: String?
    var nodeID: UUID?
    var procedure: String?
    /// Photos from the phone, checked before anything is stored and kept in the raise's transaction.
    var photos: [Data] = []
    /// `TopicOrigin` (visit, case, meeting) and the record's id; nil: raised directly.
    var origin: String? = nil
    var originID: UUID? = nil
}

/// Topics: who may see them, raising them, supporting them. Review moves are in TopicReview.swift.
struct TopicService {
    let db: any Database
    let now: Date
    let source: AuditSource

    init(db: any Database, now: Date, source: AuditSource = .system()) {
        self.db = db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource) }

    /// A resident's household in the register and the community it lies in; nil for an account not linked yet.
    func home(of actor: Actor) async throws -> (household: Household, community: OrgNode)? {
        guard let rid = actor.user.residentID, let r = try await Resident.find(rid, on: db),
              let h = try await Household.find(r.householdID, on: db), let node = try await OrgNode.find(h.nodeID, on: db),
              let community = try await community(of: node) else { return nil }
        return (h, community)
    }

    func community(of node: OrgNode) async throws -> OrgNode? {
        try await OrgService(db: db, now: now).ancestors(of: node).last { $0.kind == .community }
    }

    /// Where an actor reads topics: staff their scope, a resident their own community, anyone else nothing.
    func scope(of actor: Actor) async throws -> DataScope {
        guard actor.role == .resident else { return actor.scope }
        return try await home(of: actor).map { DataScope(rootPath: $0.community.path) } ?? .nothing
    }

    /// The topic if the actor may read it; 404 otherwise, as for an id that does not exist.
    func load(_ id: UUID?, for actor: Actor) async throws -> Topic {
        try await Topic.find(id, within: try await scope(of: actor), on: db)
    }

    /// Raises a topic in `collect`. A retry under the same idempotency key returns the first topic (created: false).
    func raise(_ input: TopicInput, by actor: Actor, idempotencyKey: String?) async throws -> (Topic, created: Bool) {
        let role = TopicRole(actor)
        guard role.raises else { throw APIError(.forbidden, code: "forbidden", "您的角色不能发起议题 (your role cannot raise topics)") }
        let key = try idempotencyKey.map { raw -> String in
            let k = raw.trimmingCharacters(in: .whitespaces)
            guard (1...200).contains(k.count) else { throw APIError.invalid("Idempotency-Key", "幂等键须为 1–200 个字符 (key must be 1–200 characters)") }
            return "u:\(actor.userID.uuidString):\(k)"
        }
        if let key, let seen = try await TopicIdempotencyKey.query(on: db).filter(\.$key == key).first(),
           let existing = try await Topic.find(seen.topicID, on: db) {
            return (existing, false)
        }
        let title = try Validate.text(input.title, field: "title", max: 60)!
        guard title.count >= 2 else { throw APIError.invalid("title", "标题至少 2 个字 (the title needs at least 2 characters)") }
        let description = try Validate.text(input.description, field: "description", max: 2000)!
        let procedure = try Self.procedure(input.procedure)
        let photos = try TopicPhotos.check(input.photos)
        guard let nodeID = input.nodeID else { throw APIError.missing("nodeId") }
        let scope = try await scope(of: actor)
        guard let node = try await OrgNode.find(nodeID, on: db), scope.contains(node.path) else {
            throw APIError(.notFound, code: "unknown_node", "地点不存在或不在您的范围内 (unknown place)", field: "nodeId")
        }
        guard let community = try await community(of: node) else {
            throw APIError.invalid("nodeId", "请选择社区、网格或小区 (choose a community, grid or compound)")
        }
        let origin = try await TopicOrigins.check(input.origin, input.originID, actor: actor, community: community, on: db, now: now)
        let t = Topic()
        t.id = UUID()
        t.title = title
        t.description = description
        t.nodeID = node.id!
        t.nodePath = node.path
        t.communityID = community.id!
        t.stageRaw = TopicStage.collect.rawValue
        t.procedureRaw = procedure.rawValue
        t.raisedBy = actor.userID
        t.raiserRole = actor.role.rawValue
        t.supportCount = 0
        t.originRaw = origin?.origin.rawValue
        t.originID = origin?.id
        t.version = 1
        t.createdAt = now
        let source = source, now = now
        do {
            try await db.writeTransaction { tx in
                try await t.create(on: tx)
                if let key {
                    let k = TopicIdempotencyKey()
                    k.key = key
                    k.topicID = t.id!
                    try await k.create(on: tx)
                }
                try await Self.event(t, action: "raise", from: "", to: .collect, note: origin?.note, by: source, at: now, on: tx)
                _ = try await TopicPhotos.store(photos, topic: t.id!, by: t.raisedBy, at: now, on: tx)
                try await AuditLog.record(on: tx, by: source, at: now, action: "raise", entity: "topic", entityID: t.id,
                                          nodePath: t.nodePath, summary: "议题「\(title)」：发起" + (photos.isEmpty ? "" : "，附照片 \(photos.count) 张"))
            }
        } catch {
            // The same retry arriving twice at once: the first one won, answer with its topic.
            if let failure = error as? any DatabaseError, failure.isConstraintFailure, let key, let seen = try await TopicIdempotencyKey.query(on: db).filter(\.$key == key).first(),
               let existing = try await Topic.find(seen.topicID, on: db) {
                return (existing, false)
            }
            throw error
        }
        return (t, true)
    }

    static func procedure(_ raw: String?) throws -> TopicProcedure {
        guard let raw, !raw.isEmpty else { return .fiveSteps }
        guard let p = TopicProcedure(rawValue: raw) else {
            throw APIError.invalid("procedure", "议事规程须为 five_steps 或 four_two (procedure must be five_steps or four_two)")
        }
        return p
    }

    /// A resident supports a topic (附议), once. Reaching the community's threshold of households sends it to review
    /// in the same transaction.
    func support(_ topic: Topic, by actor: Actor) async throws -> Topic {
        guard actor.role == .resident else {
            throw APIError(.forbidden, code: "forbidden", "只有居民可以附议 (only residents support topics)")
        }
        guard let home = try await home(of: actor) else {
            throw APIError.conflict("请先完成住户认证 (link your account to your household first)", code: "not_linked")
        }
        let id = topic.id!, userID = actor.userID, householdID = home.household.id!, now = now, source = source
        do {
            try await db.writeTransaction { tx in
                // One supporter at a time per topic, so the count read below sees every earlier support.
                if tx.isPostgres { _ = try await tx.sql.select().column("id").from(Topic.schema).where("id", .equal, SQLBind(id)).for(.update).all() }
                guard let fresh = try await Topic.find(id, on: tx) else { throw APIError.notFound }
                guard [.collect, .review].contains(fresh.stage) else {
                    throw APIError.conflict("议题已\(fresh.stage.zh)，不再征集附议 (the topic is \(fresh.stage.en) and takes no more support)",
                                            code: "not_collecting")
                }
                if try await TopicSupport.query(on: tx).filter(\.$topicID == id).filter(\.$userID == userID).first() != nil {
                    throw Self.alreadySupported
                }
                let s = TopicSupport()
                s.topicID = id
                s.userID = userID
                s.householdID = householdID
                s.at = now
                try await s.create(on: tx)
                try await AuditLog.record(on: tx, by: source, at: now, action: "support", entity: "topic", entityID: id, nodePath: fresh.nodePath,
                                          summary: "附议「\(fresh.title)」")
                let households = try await Self.households(supporting: id, on: tx)
                try await tx.sql.update(Topic.schema).set("support_count", to: SQLBind(households)).where("id", .equal, SQLBind(id)).run()
                let threshold = try await DeliberationSetting.of(fresh.communityID, on: tx).threshold
                if fresh.stage == .collect, households >= threshold {
                    guard try await TopicLifecycle.table.commit(
                        fresh, .review, from: .collect, to: .review, subject: "「\(fresh.title)」",
                        note: "附议达到 \(threshold) 户，自动提交审核 (support reached \(threshold) households)",
                        by: .system("附议门槛"), at: now, on: tx) else { throw TopicLifecycle.table.changed }
                }
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw Self.alreadySupported
        }
        return try await Topic.find(id, on: db) ?? topic
    }

    static let alreadySupported = APIError.conflict("您已附议过这个议题，每人只能附议一次 (you already support this topic; once per person)",
                                                    code: "already_supported")

    /// Distinct households among a topic's supporters.
    static func households(supporting id: UUID, on db: any Database) async throws -> Int {
        let row = try await db.sql.select().column(SQLFunction("COUNT", args: SQLDistinct(SQLColumn("household_id"))), as: "n")
            .from(TopicSupport.schema).where("topic_id", .equal, SQLBind(id)).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    func supported(_ topic: Topic, by actor: Actor) async throws -> Bool {
        try await TopicSupport.query(on: db).filter(\.$topicID == topic.id!).filter(\.$userID == actor.userID).first() != nil
    }

    /// Writes a history line of a topic outside a lifecycle move (its raising).
    static func event(_ t: Topic, action: String, from: String, to: TopicStage, note: String?, by source: AuditSource, at: Date,
                      on tx: any Database) async throws {
        try await LifecycleEvent.write(entity: TopicLifecycle.table.entity, id: t.id!, action: action, from: from, to: to.rawValue, note: note,
                                       nodePath: t.nodePath, by: source, at: at, on: tx)
    }

    func history(of t: Topic) async throws -> [LifecycleEvent] { try await LifecycleEvent.history("topic", t.id!, on: db) }

    func caseIDs(of t: Topic) async throws -> [UUID] {
        try await TopicCaseLink.query(on: db).filter(\.$topicID == t.id!).sort(\.$at).all().map(\.caseID)
    }

    /// The topic a case came from, if any (the case's side of the link).
    func topic(ofCase caseID: UUID) async throws -> Topic? {
        guard let link = try await TopicCaseLink.query(on: db).filter(\.$caseID == caseID).first() else { return nil }
        return try await Topic.find(link.topicID, on: db)
    }
}

extension TopicService {
    /// Sets a community's support threshold and the points it pays (community staff of it and above); points left
    /// out stay as they were.
    func setThreshold(community id: UUID?, threshold: Int?, pointsAccepted: Int? = nil, pointsEvaluation: Int? = nil,
                      pointsVote: Int? = nil, by actor: Actor) async throws -> OrgNode {
        guard TopicRole(actor) == .reviewer else { throw APIError.forbidden }
        guard let id else { throw APIError.missing("community") }
        let c = try await OrgNode.find(id, within: actor.scope, on: db)
        guard c.kind == .community else { throw APIError.invalid("community", "请选择一个社区 (choose a community)") }
        guard let threshold else { throw APIError.missing("supportThreshold") }
        guard (1...10_000).contains(threshold) else {
            throw APIError.invalid("supportThreshold", "附议门槛须在 1–10000 户之间 (the threshold must be 1–10000 households)")
        }
        for (field, value) in [("pointsAccepted", pointsAccepted), ("pointsEvaluation", pointsEvaluation), ("pointsVote", pointsVote)] {
            if let value, !(0...1_000).contains(value) { throw APIError.invalid(field, "积分须在 0–1000 之间 (points must be 0–1000)") }
        }
        let source = source, now = now
        try await db.writeTransaction { tx in
            let s = try await DeliberationSetting.query(on: tx).filter(\.$communityID == id).first() ?? DeliberationSetting()
            let before = s.id == nil ? nil : String(s.supportThreshold)
            s.communityID = id
            s.supportThreshold = threshold
            if s.id == nil {
                s.noticeDays = DeliberationSetting.defaultNoticeDays
                s.pointsAccepted = 0
                s.pointsEvaluation = 0
                s.pointsVote = 0
            }
            if let pointsAccepted { s.pointsAccepted = pointsAccepted }
            if let pointsEvaluation { s.pointsEvaluation = pointsEvaluation }
            if let pointsVote { s.pointsVote = pointsVote }
            s.updatedAt = now
            try await s.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "update", entity: "deliberation_settings", entityID: s.id,
                                      nodePath: c.path, summary: "\(c.name) 附议门槛：\(threshold) 户；积分：受理 \(s.pointsAccepted)，评议 \(s.pointsEvaluation)，表决 \(s.pointsVote)",
                                      changes: ["support_threshold": [before, String(threshold)]])
        }
        return c
    }
}
