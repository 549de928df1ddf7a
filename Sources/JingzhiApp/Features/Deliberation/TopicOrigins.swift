import Fluent
import JingzhiCore
import Vapor

/// Where a topic was raised from, besides a resident's own phone: a grid worker's visit, a case staff judged to be a
/// matter for the neighbours, or a meeting (议事会) where it came up. Recorded on the topic with the record's id.
enum TopicOrigin: String, CaseIterable, Sendable {
    case visit, caseRecord = "case", meeting

    var zh: String {
        switch self {
        case .visit: "网格员走访"
        case .caseRecord: "诉求"
        case .meeting: "议事会现场"
        }
    }

    var en: String {
        switch self {
        case .visit: "a grid worker's visit"
        case .caseRecord: "a case"
        case .meeting: "a meeting"
        }
    }
}

/// The checks of an origin and the words the topic's timeline shows for it.
enum TopicOrigins {
    struct Checked: Sendable {
        let origin: TopicOrigin
        let id: UUID
        /// The note of the raise event ("来自网格员走访（2026-12-01 入户走访）").
        let note: String
    }

    /// The origin a raise names, if the actor may raise from it: 403 for a role that does not, 404 for a record out of
    /// reach, 409 for a case already raised as a topic.
    static func check(_ raw: String?, _ id: UUID?, actor: Actor, community: OrgNode, on db: any Database, now: Date) async throws -> Checked? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let origin = TopicOrigin(rawValue: raw) else {
            throw APIError.invalid("origin", "来源须为 visit、case 或 meeting (origin must be visit, case or meeting)")
        }
        guard let id else { throw APIError.missing("originId") }
        guard may(origin, actor) else { throw forbidden(origin) }
        switch origin {
        case .visit:
            let v = try await CareVisitService(db: db, now: now).visit(id, within: actor.scope)
            return Checked(origin: .visit, id: id, note: "来自网格员走访（\(v.visitedOn) \(v.kind)）")
        case .caseRecord:
            let c = try await CaseAccess.load(id, for: actor, on: db)
            if let t = try await raised(fromCase: id, on: db) {
                throw APIError.conflict("这件诉求已提为议题「\(t.title)」(this case is already a topic)", code: "already_raised")
            }
            return Checked(origin: .caseRecord, id: id, note: "由诉求 \(c.number) 提为议题")
        case .meeting:
            guard let m = try await Meeting.find(id, on: db), m.communityID == community.id else {
                throw APIError(.notFound, code: "unknown_meeting", "找不到本社区的这次会议 (no such meeting of this community)", field: "originId")
            }
            return Checked(origin: .meeting, id: id, note: "在议事会「\(m.title)」上提出，列入议程")
        }
    }

    /// Grid workers and staff raise from visits; staff from cases and meetings.
    static func may(_ o: TopicOrigin, _ actor: Actor) -> Bool {
        TopicRole(actor) == .reviewer || (o == .visit && actor.role == .gridWorker)
    }

    static func forbidden(_ o: TopicOrigin) -> APIError {
        APIError(.forbidden, code: "forbidden", "您的角色不能从\(o.zh)提议题 (your role cannot raise a topic from \(o.en))")
    }

    /// The topic raised from a case, if any (the case's side of the link).
    static func raised(fromCase id: UUID, on db: any Database) async throws -> Topic? {
        try await Topic.query(on: db).filter(\.$originRaw == TopicOrigin.caseRecord.rawValue).filter(\.$originID == id).first()
    }

    /// The case page names the topic raised from it; staff get "提为议题" on a case not raised yet, and grid workers and
    /// staff on each visit of a household.
    static func configure(_ app: Application) {
        app.caseOrigins.add { db, caseID, lang in
            guard let t = try await raised(fromCase: caseID, on: db) else { return nil }
            return CaseOrigin(label: lang.t("已提为议题", "Raised as a topic"), title: t.title, href: SiteURL.Deliberation.timeline(t.id!).path)
        }
        app.pageLinks.add("case") { req, id in
            guard let actor = req.actor, TopicRole(actor) == .reviewer, try await raised(fromCase: id, on: req.db) == nil else { return nil }
            return PageLink(href: SiteURL.Deliberation.raiseFrom(.caseRecord, id).path, label: req.t("提为议题", "Raise as a topic"))
        }
        app.pageLinks.add("visit") { req, id in
            guard let actor = req.actor, may(.visit, actor) else { return nil }
            return PageLink(href: SiteURL.Deliberation.raiseFrom(.visit, id).path, label: req.t("提为议题", "Raise as a topic"))
        }
    }

    /// What the raise form starts with for `?visit=`, `?case=` or `?meeting=`: the place, the words, the origin.
    static func prefill(_ req: Request, _ actor: Actor) async throws -> TopicPages.RaiseForm {
        var f = TopicPages.RaiseForm()
        for origin in TopicOrigin.allCases {
            guard let raw = try req.query.get(String?.self, at: origin.rawValue), let id = UUID(uuidString: raw) else { continue }
            guard may(origin, actor) else { throw forbidden(origin) }
            f.origin = origin.rawValue
            f.originId = id.uuidString
            switch origin {
            case .visit:
                let v = try await CareVisitService(req: req).visit(id, within: actor.scope)
                f.description = v.notes
                f.nodeId = try await place(try await Household.find(v.householdID, on: req.db)?.nodeID, req)?.uuidString
            case .caseRecord:
                let c = try await CaseAccess.load(id, for: actor, on: req.db)
                f.title = String(c.description.prefix(30))
                f.description = c.description
                f.nodeId = try await place(c.nodeID, req)?.uuidString
            case .meeting:
                guard let m = try await Meeting.find(id, on: req.db), try await TopicService(req: req).scope(of: actor).contains(m.nodePath) else {
                    throw APIError.notFound
                }
                f.nodeId = m.communityID.uuidString
            }
        }
        return f
    }

    /// The compound, grid or community a building or household lies in: the places the raise form offers.
    static func place(_ id: UUID?, _ req: Request) async throws -> UUID? {
        guard let id, let node = try await OrgNode.find(id, on: req.db) else { return nil }
        let kinds: [NodeKind] = [.community, .grid, .compound]
        if kinds.contains(node.kind) { return node.id }
        return try await OrgService(req: req).ancestors(of: node).last { kinds.contains($0.kind) }?.id
    }

    /// The line above the raise form saying where the topic comes from.
    static func banner(_ req: Request, _ f: TopicPages.RaiseForm) -> HTML {
        guard let o = f.origin.flatMap(TopicOrigin.init(rawValue:)) else { return .empty }
        let words = o == .meeting
            ? req.t("在议事会上提出的议题，提交后直接受理并列入本次议程。", "Raised at the meeting: it is accepted and put on this meeting's agenda.")
            : req.t("来自\(o.zh)，内容已带入，请补充标题后提交。", "From \(o.en): its words are filled in; add a title and raise it.")
        return """
        <p class="card">\(words)</p>
        """
    }
}

extension TopicService {
    /// Raises a topic at a meeting (staff): raised with the meeting as origin, accepted for deliberation, and put last on
    /// the meeting's agenda, all in one transaction (nothing is left raised but off the agenda).
    func raiseAtMeeting(_ input: TopicInput, by actor: Actor, idempotencyKey: String?) async throws -> (Topic, created: Bool) {
        let source = source, now = now
        do {
            return try await db.writeTransaction { tx in
                let service = TopicService(db: tx, now: now, source: source)
                let (t, created) = try await service.raise(input, by: actor, idempotencyKey: idempotencyKey)
                guard created, let meetingID = t.originID else { return (t, created) }
                let accepted = try await service.perform(.accept, on: t, by: actor,
                                                         input: TopicActionInput(version: t.version, note: "议事会现场提出，直接受理 (raised at the meeting)"))
                let last = try await MeetingAgendaItem.query(on: tx).filter(\.$meetingID == meetingID).sort(\.$position, .descending).first()
                let item = MeetingAgendaItem()
                item.meetingID = meetingID
                item.topicID = t.id!
                item.position = (last?.position ?? 0) + 1
                try await item.create(on: tx)
                try await AuditLog.record(on: tx, by: source, at: now, action: "agenda", entity: "topic_meeting", entityID: meetingID,
                                          nodePath: accepted.nodePath, summary: "议事会议程增列议题「\(t.title)」")
                return (accepted, true)
            }
        } catch {
            // The same retry arriving twice at once: the first one's transaction won, answer with its topic.
            if let failure = error as? any DatabaseError, failure.isConstraintFailure, let raw = idempotencyKey,
               let seen = try await TopicIdempotencyKey.query(on: db)
                .filter(\.$key == "u:\(actor.userID.uuidString):\(raw.trimmingCharacters(in: .whitespaces))").first(),
               let existing = try await Topic.find(seen.topicID, on: db) {
                return (existing, false)
            }
            throw error
        }
    }
}
