import Fluent
import JingzhiCore
import Vapor

/// A topic's whole path as one timeline: raised, supports by day, review answers, the steps after, its cases.
/// Residents are never named on it; staff appear by name, the system as 系统.
enum TopicTimeline {
    struct Line {
        let at: Date
        let what: String
        let who: String
        let note: String?
        var link: (href: String, text: String)? = nil
    }

    /// The actors of these events who are residents (named "居民" to anyone but staff and themselves).
    static func residentActors(_ events: [LifecycleEvent], on db: any Database) async throws -> Set<UUID> {
        let ids = Array(Set(events.compactMap(\.actorID)))
        guard !ids.isEmpty else { return [] }
        return Set(try await User.query(on: db).filter(\.$id ~~ ids).filter(\.$roleRaw == Role.resident.rawValue).all().compactMap(\.id))
    }

    static func actionLabel(_ raw: String, _ lang: Lang) -> String {
        if raw == "raise" { return lang.t("发起议题", "Raised") }
        if raw == "absorb" { return lang.t("合并其他议题", "Another topic merged in") }
        return TopicAction(rawValue: raw).map { lang.t($0.zh, $0.en) } ?? raw
    }

    static func lines(_ t: Topic, on db: any Database, lang: Lang) async throws -> [Line] {
        let events = try await LifecycleEvent.history("topic", t.id!, on: db)
        let residents = try await residentActors(events, on: db)
        let staffIDs = Array(Set(events.compactMap(\.actorID)).subtracting(residents))
        let staff = Dictionary(uniqueKeysWithValues: try await User.query(on: db).filter(\.$id ~~ staffIDs).all().map { ($0.id!, $0.displayName) })
        var out = events.map { e -> Line in
            let who = e.actorID.map { residents.contains($0) ? lang.t("居民", "a resident") : staff[$0] ?? e.actorName } ?? lang.t("系统", "system")
            let move = e.fromState.isEmpty || e.fromState == e.toState ? "" : " → " + (TopicStage(rawValue: e.toState)?.label(lang) ?? e.toState)
            return Line(at: e.at, what: actionLabel(e.action, lang) + move, who: who, note: e.note)
        }
        // Supports by day: how many people, not who.
        let supports = try await TopicSupport.query(on: db).filter(\.$topicID == t.id!).sort(\.$at).all()
        for (_, group) in Dictionary(grouping: supports, by: { ShanghaiTime.format($0.at, "yyyy-MM-dd") }) {
            out.append(Line(at: group.map(\.at).min()!, what: lang.t("\(group.count) 人附议", "\(group.count) supported"), who: lang.t("居民", "residents"), note: nil))
        }
        for link in try await TopicCaseLink.query(on: db).filter(\.$topicID == t.id!).all() {
            guard let c = try await Case.find(link.caseID, on: db) else { continue }
            out.append(Line(at: link.at, what: lang.t("诉求 \(c.number)：\(c.state.zh)", "Case \(c.number): \(c.state.en)"), who: lang.t("诉求办理", "case loop"),
                            note: nil))
        }
        for i in try await ConsultationItem.query(on: db).filter(\.$topicID == t.id!).sort(\.$createdAt).all() {
            let notes = try await ItemProgressNote.query(on: db).filter(\.$itemID == i.id!).count()
            out.append(Line(at: i.createdAt, what: lang.t("协商事项：\(i.title)", "Consultation item: \(i.title)"), who: i.owner,
                            note: lang.t("期限 \(ShanghaiTime.format(i.deadline, "yyyy-MM-dd"))，进展 \(notes) 条", "due \(ShanghaiTime.format(i.deadline, "yyyy-MM-dd")), \(notes) progress note(s)")))
            if let done = i.doneAt { out.append(Line(at: done, what: lang.t("事项完成：\(i.title)", "Item done: \(i.title)"), who: i.owner, note: nil)) }
        }
        for item in try await MeetingAgendaItem.query(on: db).filter(\.$topicID == t.id!).all() {
            guard let m = try await Meeting.find(item.meetingID, on: db) else { continue }
            out.append(Line(at: m.announcedAt, what: lang.t("列入议事会：\(m.title)", "On the agenda of \(m.title)"), who: lang.t("社区", "the community"),
                            note: "\(ShanghaiTime.format(m.startsAt, "yyyy-MM-dd HH:mm")) · \(m.place)"))
            out += try await minutesLines(m, on: db, lang: lang)
        }
        for v in try await TopicVote.query(on: db).filter(\.$topicID == t.id!).sort(\.$opensAt).all() {
            out.append(Line(at: v.opensAt, what: lang.t("发起表决：\(v.question)", "Vote opened: \(v.question)"), who: lang.t("社区", "the community"),
                            note: voteTerms(v, lang)))
            if let closed = v.closedAt, let outcome = v.outcome.flatMap(VoteOutcome.init(rawValue:)) {
                out.append(Line(at: closed, what: lang.t("表决结果：", "Result: ") + outcomeLabel(outcome, lang), who: lang.t("系统", "system"),
                                note: lang.t("同意 \(v.yes)，反对 \(v.no)，弃权 \(v.abstain)；参与 \(v.tally.cast)/\(v.eligible)",
                                             "yes \(v.yes), no \(v.no), abstain \(v.abstain); turnout \(v.tally.cast)/\(v.eligible)")))
            }
        }
        // Raising comes first when a move shares its second.
        return out.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    /// Every version of a meeting's minutes (a revision keeps the old one), with its 公示 period and how many objected.
    static func minutesLines(_ m: Meeting, on db: any Database, lang: Lang) async throws -> [Line] {
        var out: [Line] = []
        for v in try await MeetingMinutes.query(on: db).filter(\.$meetingID == m.id!).sort(\.$version).all() {
            let objections = try await MinutesObjection.query(on: db).filter(\.$minutesID == v.id!).count()
            let until = ShanghaiTime.format(v.objectionsUntil, "yyyy-MM-dd HH:mm")
            let what = v.version == 1 ? lang.t("会议纪要公示：\(m.title)", "Minutes published: \(m.title)")
                : lang.t("会议纪要第 \(v.version) 版公示：\(m.title)", "Minutes version \(v.version) published: \(m.title)")
            out.append(Line(at: v.publishedAt, what: what, who: lang.t("社区", "the community"),
                            note: lang.t("议定：\(v.decisions)；公示至 \(until)，异议 \(objections) 条",
                                         "Decided: \(v.decisions); public until \(until), \(objections) objection(s)")))
        }
        return out
    }

    static func voteTerms(_ v: TopicVote, _ lang: Lang) -> String {
        let basis = switch v.basis {
        case .household: lang.t("每户一票", "one vote per household")
        case .resident: lang.t("每人一票", "one vote per resident")
        case .representative: lang.t("居民代表投票", "residents' representatives vote")
        }
        let rule = v.rule == .majority ? lang.t("过半数通过", "simple majority") : lang.t("三分之二通过", "two thirds")
        let secret = v.secret ? lang.t("无记名", "secret ballot") : lang.t("记名", "open ballot")
        let body = v.propertyCompanyID == nil ? [] : [lang.t("物业公司作为一方参与表决", "the property company votes as one body")]
        return ([basis] + body + [rule, lang.t("参与率须达 \(v.quorumPercent)%", "quorum \(v.quorumPercent)%"), secret]).joined(separator: "，")
    }

    static func outcomeLabel(_ o: VoteOutcome, _ lang: Lang) -> String {
        switch o {
        case .passed: lang.t("通过", "passed")
        case .rejected: lang.t("未通过", "not passed")
        case .invalid: lang.t("参与不足，表决无效", "invalid: too few voted")
        }
    }

    static func render(_ lines: [Line], _ req: Request) -> HTML {
        let items = lines.map { l -> HTML in
            """
            <li><span><b>\(l.what)</b>\(l.note.map { HTML("<br>\($0)") } ?? .empty)</span>\
            <span class="muted">\(l.who) · <time>\(ShanghaiTime.format(l.at, "yyyy-MM-dd HH:mm"))</time></span></li>
            """
        }
        return "<ul class=\"tree timeline\" aria-label=\"\(req.t("议题进程", "The topic's path"))\">\(items)</ul>"
    }
}
