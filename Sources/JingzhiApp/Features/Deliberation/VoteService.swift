import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// What opening a vote carries.
struct VoteInput: Sendable {
    var question: String?
    var basis: String?
    var rule: String?
    var quorumPercent: Int?
    var secret: Bool?
    var closesAt: Date?
    var meetingID: UUID?
    /// `VoteKind`: decision (default) or property.
    var kind: String? = nil
}

/// Votes on a topic under deliberation: opened by staff, cast online by residents or on paper by an officer, one per
/// household (or resident, or representative), counted and frozen when the window closes.
extension TopicService {
    func openVote(on topic: Topic, _ input: VoteInput, by actor: Actor) async throws -> TopicVote {
        guard TopicRole(actor) == .reviewer else { throw APIError.forbidden }
        guard topic.stage == .deliberate else {
            throw APIError.conflict("只有议事中的议题才能表决 (only a topic under deliberation is voted on)", code: "not_deliberating")
        }
        let question = try Validate.text(input.question, field: "question", max: 200)!
        let basis = try input.basis.map { raw in
            guard let b = VoteBasis(rawValue: raw) else { throw APIError.invalid("basis", "表决单位须为 household、resident 或 representative (unknown basis)") }
            return b
        } ?? topic.procedure.defaultBasis
        let rule = try input.rule.map { raw in
            guard let r = VoteRule(rawValue: raw) else { throw APIError.invalid("rule", "表决规则须为 majority 或 two_thirds (unknown rule)") }
            return r
        } ?? .majority
        let quorum = input.quorumPercent ?? 50
        guard (1...100).contains(quorum) else { throw APIError.invalid("quorumPercent", "法定比例须在 1–100 之间 (quorum must be 1–100 percent)") }
        guard let closesAt = input.closesAt else { throw APIError.missing("closesAt") }
        guard closesAt > now else { throw APIError.invalid("closesAt", "截止时间须晚于现在 (the vote must close in the future)") }
        if let mid = input.meetingID {
            guard let m = try await Meeting.find(mid, on: db), m.communityID == topic.communityID else {
                throw APIError(.notFound, code: "unknown_meeting", "找不到本社区的这次会议 (no such meeting of this community)", field: "meetingId")
            }
        }
        guard let community = try await OrgNode.find(topic.communityID, on: db) else { throw APIError.notFound }
        let kind = try input.kind.map { raw in
            guard let k = VoteKind(rawValue: raw) else { throw APIError.invalid("kind", "表决类型须为 decision 或 property (unknown kind)") }
            return k
        } ?? .decision
        let rated = kind == .property ? try await ratedCompany(of: topic) : nil
        let v = TopicVote()
        v.id = UUID()
        v.topicID = topic.id!
        v.meetingID = input.meetingID
        v.nodePath = topic.nodePath
        v.communityPath = community.path
        v.question = question
        v.basisRaw = basis.rawValue
        v.ruleRaw = rule.rawValue
        v.quorumPercent = quorum
        v.secret = input.secret ?? false
        v.opensAt = now
        v.closesAt = closesAt
        v.eligible = try await eligible(basis, under: community.path)
        v.kindRaw = kind == .property ? kind.rawValue : nil
        v.ratedCompanyID = rated
        // The company evaluated does not vote on itself.
        v.propertyCompanyID = basis == .household && kind == .decision ? try await votingCompany(of: topic) : nil
        if v.propertyCompanyID != nil { v.eligible += 1 }
        v.state = VoteState.open.rawValue
        (v.yes, v.no, v.abstain) = (0, 0, 0)
        v.version = 1
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await v.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "open", entity: "topic_vote", entityID: v.id, nodePath: v.nodePath,
                                      summary: "\(kind == .property ? "物业评议" : "表决")「\(question)」：\(v.eligible) 个表决单位，截止 \(ShanghaiTime.format(closesAt, "yyyy-MM-dd HH:mm"))")
        }
        return v
    }

    /// The property company that votes as a body beside the households: the one in force at the topic's compound, when
    /// its procedure invites it.
    func votingCompany(of topic: Topic) async throws -> UUID? {
        guard topic.procedure.propertyCompanyVotes, let node = try await OrgNode.find(topic.nodeID, on: db), node.kind == .compound else { return nil }
        return try await PropertyScope.contract(of: node.id!, on: db, now: now)?.companyID
    }

    /// The company a property evaluation rates: the one serving the topic's compound now; 422 for a topic of no compound
    /// or a compound without a company.
    func ratedCompany(of topic: Topic) async throws -> UUID {
        guard let node = try await OrgNode.find(topic.nodeID, on: db), node.kind == .compound,
              let company = try await PropertyScope.contract(of: node.id!, on: db, now: now)?.companyID else {
            throw APIError.invalid("kind", "只有涉及某个小区、且小区有物业企业的议题才能评议物业 (a property evaluation needs a topic of a compound with a property company)")
        }
        return company
    }

    /// Voters of a community: its households, its residents, or its residents tagged as representatives.
    func eligible(_ basis: VoteBasis, under path: String) async throws -> Int {
        let scope = DataScope(rootPath: path)
        switch basis {
        case .household: return try await Household.query(on: db).within(scope).count()
        case .resident: return try await Resident.query(on: db).within(scope).count()
        case .representative:
            return try await ResidentTag.query(on: db).within(scope).filter(\.$tag == VoteBasis.representativeTag).count()
        }
    }

    /// Casts a ballot: a resident online for themselves, or an officer on paper for `residentID`.
    func cast(_ vote: TopicVote, choice raw: String?, residentID: UUID?, by actor: Actor) async throws -> TopicBallot {
        let vote = try await settle(vote)
        guard vote.state == VoteState.open.rawValue, now >= vote.opensAt, now < vote.closesAt else {
            throw APIError(.forbidden, code: "vote_closed", "表决已截止 (the vote is closed)")
        }
        guard let raw, let choice = VoteChoice(rawValue: raw) else {
            throw APIError.invalid("choice", "请选择同意、反对或弃权 (choice must be yes, no or abstain)")
        }
        let channel: String
        let key: String
        var voter: UUID?
        switch TopicRole(actor) {
        case .resident:
            channel = "online"
            voter = actor.user.residentID
            key = try await voterKey(vote, try await actor.user.residentID.asyncMap { try await Resident.find($0, on: db) } ?? nil)
        case .reviewer:
            guard let residentID else { throw APIError.missing("residentId") }
            channel = "paper"
            voter = residentID
            key = try await voterKey(vote, try await Resident.find(residentID, on: db))
        default:
            // The property company votes as one body, by any of its staff.
            guard actor.role == .propertyStaff, let company = try await PropertyScope.company(of: actor, on: db),
                  company.id == vote.propertyCompanyID else { throw APIError.forbidden }
            channel = "online"
            key = "c:\(company.id!)"
        }
        let b = TopicBallot()
        b.voteID = vote.id!
        b.voterKey = key
        b.userID = channel == "online" ? actor.userID : nil
        b.choice = vote.secret ? nil : choice.rawValue
        b.channel = channel
        b.at = now
        let secret = vote.secret, source = source, now = now, voterID = voter
        do {
            try await db.writeTransaction { tx in
                try await b.create(on: tx)
                if let voterID { try await DeliberationPoints.voted(vote, b, residentID: voterID, source: source, at: now, on: tx) }
                if secret {
                    let c = TopicSecretChoice()
                    c.voteID = b.voteID
                    c.choice = choice.rawValue
                    try await c.create(on: tx)
                }
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            let words = key.hasPrefix("c:") ? "贵单位已经投过票，以第一次为准 (your company has voted; the first ballot stands)"
                : vote.basis == .household ? "您家已经投过票，以第一次为准 (your household has voted; the first ballot stands)"
                : "您已经投过票，以第一次为准 (you have voted; the first ballot stands)"
            throw APIError.conflict(words, code: "already_voted")
        }
        return b
    }

    /// The key a resident's ballot counts under (household or person), once they are eligible.
    private func voterKey(_ vote: TopicVote, _ voter: Resident?) async throws -> String {
        guard let voter, voter.nodePath.hasPrefix(vote.communityPath) else {
            throw APIError(.forbidden, code: "not_eligible", "不在本次表决的范围内 (not eligible for this vote)")
        }
        if vote.basis == .representative, try await ResidentTag.query(on: db).filter(\.$residentID == voter.id!)
            .filter(\.$tag == VoteBasis.representativeTag).first() == nil {
            throw APIError(.forbidden, code: "not_eligible", "本次表决由居民代表投票 (only residents' representatives vote)")
        }
        return vote.basis == .household ? "h:\(voter.householdID)" : "r:\(voter.id!)"
    }

    /// Closes a vote whose window has ended (by itself on reading, or by staff); nothing to do otherwise.
    func settle(_ vote: TopicVote) async throws -> TopicVote {
        guard vote.state == VoteState.open.rawValue, now >= vote.closesAt else { return vote }
        return try await close(vote, role: .system)
    }

    /// Hands a frozen property evaluation to the Property feature as residents' ratings of the company, once per vote.
    /// A company that no longer serves the compound is not rated.
    static func feedRating(_ vote: TopicVote, _ counts: VoteTally, by source: AuditSource, at now: Date, on tx: any Database) async throws {
        guard let company = vote.ratedCompanyID, let topic = try await Topic.find(vote.topicID, on: tx),
              let compound = try await OrgNode.find(topic.nodeID, on: tx) else { return }
        do {
            try await PropertyBodyRatings(db: tx, now: now, source: source).record(
                compound: compound, company: company, satisfied: counts.yes, basically: counts.abstain, unsatisfied: counts.no,
                sourceRef: "topic-vote:\(vote.id!.uuidString)", summary: "议事会物业评议「\(vote.question)」")
        } catch let e as APIError where e.status == .unprocessableEntity {
            return
        }
    }

    /// Counts the ballots, freezes the counts and the outcome, in one lifecycle commit.
    func close(_ vote: TopicVote, role: TopicRole) async throws -> TopicVote {
        try VoteLifecycle.table.check(.close, from: VoteState(rawValue: vote.state) ?? .closed, role: role)
        guard now >= vote.closesAt else {
            let when = ShanghaiTime.format(vote.closesAt, "yyyy-MM-dd HH:mm")
            throw APIError.conflict("表决到 \(when) 才截止 (the vote is open until \(when))", code: "vote_open")
        }
        var counts = try await tally(vote)
        counts.eligible = vote.eligible
        let outcome = counts.outcome(rule: vote.rule, quorumPercent: vote.quorumPercent)
        (vote.yes, vote.no, vote.abstain) = (counts.yes, counts.no, counts.abstain)
        vote.outcome = outcome.rawValue
        vote.closedAt = now
        let note = vote.kind == .property
            ? "满意 \(counts.yes)，基本满意 \(counts.abstain)，不满意 \(counts.no)；参与 \(counts.cast)/\(counts.eligible)"
            : "同意 \(counts.yes)，反对 \(counts.no)，弃权 \(counts.abstain)；参与 \(counts.cast)/\(counts.eligible)"
        let by: AuditSource = role == .system ? .system("表决截止") : source
        // A property evaluation with its quorum feeds the property rating in the same commit; under the quorum it feeds nothing.
        let feeds = vote.kind == .property && outcome != .invalid, frozen = counts, now = now
        guard try await VoteLifecycle.table.commit(vote, .close, from: .open, to: .closed, subject: "「\(vote.question)」",
                                                   note: note + "：\(outcome.rawValue)", by: by, at: now, on: db,
                                                   write: { tx in
                                                       try await vote.save(on: tx)
                                                       if feeds { try await Self.feedRating(vote, frozen, by: by, at: now, on: tx) }
                                                   }) else {
            return try await Self.vote(vote.id!, on: db)
        }
        return vote
    }

    /// The ballots of a vote by choice (the secret choices for a secret vote): one grouped count.
    func tally(_ vote: TopicVote) async throws -> VoteTally {
        let table = vote.secret ? TopicSecretChoice.schema : TopicBallot.schema
        let rows = try await db.sql.select().column("choice").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
            .where("vote_id", .equal, SQLBind(vote.id!)).groupBy("choice").all()
        var t = VoteTally()
        for row in rows {
            let n = try row.decode(column: "n", as: Int.self)
            switch try row.decode(column: "choice", as: String?.self).flatMap(VoteChoice.init(rawValue:)) {
            case .yes: t.yes = n
            case .no: t.no = n
            case .abstain: t.abstain = n
            case nil: break
            }
        }
        return t
    }

    static func vote(_ id: UUID, on db: any Database) async throws -> TopicVote {
        guard let v = try await TopicVote.find(id, on: db) else { throw APIError.notFound }
        return v
    }
}
