import Fluent
import JingzhiCore
import Vapor

/// Votes on a topic's page: residents vote with three big buttons, staff open a vote; a vote past its window shows its
/// frozen result.
enum TopicVotePages {
    static func register(_ staff: any RoutesBuilder) {
        staff.post(SiteURL.Deliberation.Pattern.openVote, use: open)
        staff.post(SiteURL.Deliberation.Pattern.ballot, use: ballot)
    }

    /// The votes block of a topic's page.
    static func section(_ req: Request, _ actor: Actor, _ t: Topic) async throws -> HTML {
        let service = TopicService(req: req)
        var votes: [TopicVote] = []
        for v in try await TopicVote.query(on: req.db).filter(\.$topicID == t.id!).sort(\.$opensAt).all() { votes.append(try await service.settle(v)) }
        let keys = try await voterKeys(req, actor)
        let cards = try await votes.asyncMap { v -> HTML in
            let open = v.state == VoteState.open.rawValue
            var action: HTML = .empty
            // Property staff vote only where their company is the body invited.
            let mayVote = !keys.isEmpty && (actor.role != .propertyStaff || keys == ["c:\(v.propertyCompanyID?.uuidString ?? "")"])
            if open, mayVote {
                let voted = try await TopicBallot.query(on: req.db).filter(\.$voteID == v.id!).filter(\.$voterKey ~~ keys).first() != nil
                action = voted ? "<p><b>\(req.t("您已投票，谢谢！", "You have voted, thank you."))</b></p>" : """
                    <form method="post" action="\(SiteURL.Deliberation.ballot(t.id!, vote: v.id!).path)" class="rate-buttons">\(Form.csrf(req))
                    \(choices(v).map { c -> HTML in "<button class=\"button big\" name=\"choice\" value=\"\(c.rawValue)\">\(c.label(v.kind, req.lang))</button>" })</form>
                    """
            }
            let state: HTML = open
                ? "<p>\(req.t("投票截止：", "Closes: "))\(ShanghaiTime.format(v.closesAt, "yyyy-MM-dd HH:mm"))</p>"
                : v.kind == .property ? propertyResult(req, v)
                : "<p><b>\(v.outcome.flatMap(VoteOutcome.init(rawValue:)).map { TopicTimeline.outcomeLabel($0, req.lang) } ?? "")</b> \(req.t("同意 \(v.yes)，反对 \(v.no)，弃权 \(v.abstain)；参与 \(v.tally.cast)/\(v.eligible)", "yes \(v.yes), no \(v.no), abstain \(v.abstain); turnout \(v.tally.cast)/\(v.eligible)"))</p>"
            let paper = open && TopicRole(actor) == .reviewer ? try await paperForm(req, t, v) : .empty
            return """
            <div class="card"><h3>\(v.kind == .property ? HTML("<span class=\"tag\">\(req.t("物业评议", "Property evaluation"))</span> ") : .empty)\(v.question)</h3><p class="muted">\(TopicTimeline.voteTerms(v, req.lang))</p>\(state)\(action)\(paper)</div>
            """
        }
        let meetings = try await Meeting.query(on: req.db)
            .filter(\.$id ~~ (try await MeetingAgendaItem.query(on: req.db).filter(\.$topicID == t.id!).all().map(\.meetingID))).sort(\.$startsAt).all()
        let form: HTML = TopicRole(actor) == .reviewer && t.stage == .deliberate ? """
            <form method="post" action="\(SiteURL.Deliberation.openVote(t.id!).path)" class="card">\(Form.csrf(req))<h3>\(req.t("发起表决", "Open a vote"))</h3>
            \(Form.field(req.t("表决事项", "Question"), name: "question", required: true))
            \(Form.select(req.t("表决类型", "Kind"), name: "kind", options: [(VoteKind.decision.rawValue, req.t("议题表决（同意/反对/弃权）", "Decision (yes/no/abstain)")), (VoteKind.property.rawValue, req.t("评议物业企业（满意/基本满意/不满意，计入物业评价）", "Evaluate the property company (counts in its rating)"))], selected: VoteKind.decision.rawValue))
            \(Form.select(req.t("表决单位", "Who votes"), name: "basis", options: VoteBasis.allCases.map { ($0.rawValue, basisLabel($0, req.lang)) }, selected: t.procedure.defaultBasis.rawValue))
            \(Form.select(req.t("在议事会上表决（可录入纸质选票）", "At a meeting (paper ballots can be entered)"), name: "meetingId", options: meetings.map { ($0.id!.uuidString, "\($0.title) \(ShanghaiTime.format($0.startsAt, "MM-dd HH:mm"))") }, selected: nil, includeBlank: req.t("仅线上投票", "Online only")))
            \(Form.select(req.t("通过规则", "Rule"), name: "rule", options: [(VoteRule.majority.rawValue, req.t("过半数", "simple majority")), (VoteRule.twoThirds.rawValue, req.t("三分之二", "two thirds"))], selected: VoteRule.majority.rawValue))
            \(Form.field(req.t("参与率须达（%）", "Quorum (%)"), name: "quorumPercent", value: "50", type: "number", attrs: "min=\"1\" max=\"100\""))
            \(Form.select(req.t("投票方式", "Ballot"), name: "secret", options: [("false", req.t("记名", "open")), ("true", req.t("无记名", "secret"))], selected: "false"))
            \(Form.field(req.t("截止时间", "Closes at"), name: "closesAt", type: "datetime-local", required: true))
            <button>\(req.t("发起表决", "Open the vote"))</button></form>
            """ : .empty
        guard !cards.isEmpty || form.raw != "" else { return .empty }
        return "<h2>\(req.t("表决", "Votes"))</h2>\(cards)\(form)"
    }

    /// The buttons of a ballot, in the order people read them.
    static func choices(_ v: TopicVote) -> [VoteChoice] { v.kind == .property ? [.yes, .abstain, .no] : [.yes, .no, .abstain] }

    /// A closed property evaluation: its counts, and whether it went into the company's rating.
    static func propertyResult(_ req: Request, _ v: TopicVote) -> HTML {
        let counted = v.outcome != VoteOutcome.invalid.rawValue
        return """
        <p>\(req.t("满意 \(v.yes)，基本满意 \(v.abstain)，不满意 \(v.no)；参与 \(v.tally.cast)/\(v.eligible)", "satisfied \(v.yes), basically \(v.abstain), unsatisfied \(v.no); turnout \(v.tally.cast)/\(v.eligible)"))</p>
        <p><b>\(counted ? req.t("已作为居民评价计入物业企业本月评级。", "Counted in the company's rating this month as residents' ratings.") : req.t("参与人数未达法定比例，评议无效，不计入物业评级。", "Too few voted: not counted in the company's rating."))</b></p>
        """
    }

    static func basisLabel(_ b: VoteBasis, _ lang: Lang) -> String {
        switch b {
        case .household: lang.t("每户一票", "one per household")
        case .resident: lang.t("每人一票", "one per resident")
        case .representative: lang.t("居民代表", "representatives")
        }
    }

    /// The keys a resident's ballot would carry (household and person), to tell whether they have voted.
    static func voterKeys(_ req: Request, _ actor: Actor) async throws -> [String] {
        if actor.role == .propertyStaff {
            return try await PropertyScope.company(of: actor, on: req.db).map { ["c:\($0.id!)"] } ?? []
        }
        guard actor.role == .resident, let rid = actor.user.residentID, let r = try await Resident.find(rid, on: req.db) else { return [] }
        return ["h:\(r.householdID)", "r:\(rid)"]
    }

    struct VoteForm: Content {
        var question: String?
        var basis: String?
        var rule: String?
        var quorumPercent: String?
        var secret: String?
        var closesAt: String?
        var meetingId: String?
        var kind: String?
    }

    @Sendable static func open(req: Request) async throws -> Response {
        let actor = try TopicPages.participant(req)
        let service = TopicService(req: req)
        let t = try await service.load(try req.idParameter(), for: actor)
        let f = try req.content.decode(VoteForm.self)
        do {
            guard let quorum = Int(f.quorumPercent ?? "50") else { throw APIError.invalid("quorumPercent", "参与率须为整数 (quorum must be a whole number)") }
            let input = VoteInput(question: f.question, basis: f.basis, rule: f.rule, quorumPercent: quorum, secret: f.secret == "true",
                                  closesAt: try ShanghaiTime.parseLocal(f.closesAt, field: "closesAt"),
                                  meetingID: f.meetingId.flatMap(UUID.init(uuidString:)), kind: f.kind)
            let v = try await service.openVote(on: t, input, by: actor)
            req.flash(req.t("表决已发起，共 \(v.eligible) 个表决单位，\(ShanghaiTime.format(v.closesAt, "yyyy-MM-dd HH:mm")) 截止。",
                            "The vote is open to \(v.eligible) voters until \(ShanghaiTime.format(v.closesAt, "yyyy-MM-dd HH:mm"))."))
        } catch let e as APIError where e.status.code < 500 {
            req.flash(TopicPages.words(req, e), kind: "error")
        }
        return req.redirect(to: SiteURL.Deliberation.detail(t.id!).path)
    }

    struct BallotForm: Content {
        var choice: String?
        /// Paper ballots: the resident an officer enters the ballot for.
        var residentId: String?
    }

    /// An officer enters the paper ballots of the residents present at the vote's meeting who have not voted yet.
    static func paperForm(_ req: Request, _ t: Topic, _ v: TopicVote) async throws -> HTML {
        guard let mid = v.meetingID else { return .empty }
        let present = try await MeetingAttendance.query(on: req.db).filter(\.$meetingID == mid).filter(\.$state == MeetingSeatState.attended.rawValue).all()
        let people = try await Resident.query(on: req.db).filter(\.$id ~~ present.map(\.residentID)).sort(\.$name).all()
        let cast = Set(try await TopicBallot.query(on: req.db).filter(\.$voteID == v.id!).all().map(\.voterKey))
        let waiting = people.filter { !cast.contains("h:\($0.householdID)") && !cast.contains("r:\($0.id!)") }
        guard !waiting.isEmpty else { return "<p class=\"muted\">\(req.t("到会居民的纸质选票已全部录入", "Every present resident's paper ballot is in"))</p>" }
        return """
        <details class="card"><summary>\(req.t("录入纸质选票（到会居民）", "Enter paper ballots (residents present)"))</summary>
        <form method="post" action="\(SiteURL.Deliberation.ballot(t.id!, vote: v.id!).path)">\(Form.csrf(req))
        \(Form.select(req.t("投票人", "Voter"), name: "residentId", options: waiting.map { ($0.id!.uuidString, $0.name) }, selected: nil, required: true))
        <div class="rate-buttons">\(choices(v).map { c -> HTML in "<button name=\"choice\" value=\"\(c.rawValue)\">\(c.label(v.kind, req.lang))</button>" })</div></form></details>
        """
    }

    @Sendable static func ballot(req: Request) async throws -> Response {
        let actor = try TopicPages.reader(req)
        let service = TopicService(req: req)
        let t = try await service.load(try req.idParameter(), for: actor)
        guard let v = try await TopicVote.find(try req.idParameter("vote"), on: req.db), v.topicID == t.id else { throw APIError.notFound }
        let f = try req.content.decode(BallotForm.self)
        do {
            let paper = TopicRole(actor) == .reviewer
            _ = try await service.cast(v, choice: f.choice, residentID: paper ? f.residentId.flatMap(UUID.init(uuidString:)) : nil, by: actor)
            req.flash(paper ? req.t("纸质选票已录入。", "The paper ballot is entered.")
                            : req.t("投票成功，谢谢您参与！结果在截止后公布。", "Your vote is in, thank you! The result is published when the vote closes."))
        } catch let e as APIError where e.status.code < 500 {
            req.flash(TopicPages.words(req, e), kind: "error")
        }
        return req.redirect(to: SiteURL.Deliberation.detail(t.id!).path)
    }
}
