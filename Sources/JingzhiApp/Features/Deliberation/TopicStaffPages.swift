import Fluent
import JingzhiCore
import Vapor

/// Staff pages of deliberation: the topics of their area by stage and words, a community's support threshold, and the
/// review moves on a topic's page, each answered in words.
enum TopicStaffPages {
    static func list(_ req: Request, _ actor: Actor) async throws -> HTML {
        let page = try PageRequest(req)
        let filter = try await TopicFilter(req, actor)
        let (rows, total) = try await TopicService(req: req).list(filter, for: actor, page: page)
        let names = Dictionary(uniqueKeysWithValues: try await OrgNode.query(on: req.db).filter(\.$id ~~ Array(Set(rows.map(\.nodeID)))).all().map { ($0.id!, $0.name) })
        let communities = try await OrgNode.query(on: req.db).within(actor.scope).filter(\.$kindRaw == NodeKind.community.rawValue)
            .sort(\.$path).limit(300).all()
        let params: [(String, String)] = [("stage", filter.stage?.rawValue ?? ""), ("q", filter.q ?? ""), ("node", filter.node?.id?.uuidString ?? "")]
        let body = rows.map { t -> HTML in
            """
            <tr><td><a href="\(SiteURL.Deliberation.detail(t.id!).path)">\(t.title)</a></td><td>\(names[t.nodeID] ?? "")</td>
            <td><span class="tag">\(t.stage.label(req.lang))</span></td><td>\(t.supportCount)</td>
            <td>\(ShanghaiTime.format(t.createdAt, "yyyy-MM-dd"))</td><td>\(t.answer ?? "")</td></tr>
            """
        }
        let empty: HTML = "<tr><td colspan=\"6\" class=\"muted\">\(req.t("没有议题", "No topics"))</td></tr>"
        // The threshold form for the community shown (the filter's, or the staff member's own).
        let own = try await OrgNode.query(on: req.db).filter(\.$path == actor.nodePath).first()
        let community = TopicRole(actor) == .reviewer ? [filter.node, own].compactMap { $0 }.first { $0.kind == .community } : nil
        let settings: HTML = try await community.asyncMap { c in
            let current = try await DeliberationSetting.of(c.id!, on: req.db)
            let points = try await DeliberationSetting.points(c.id!, on: req.db)
            return """
            <form method="post" action="\(SiteURL.Deliberation.settings.path)" class="filters card">\(Form.csrf(req))
            <input type="hidden" name="community" value="\(c.id)">
            \(Form.field(req.t("\(c.name) 附议门槛（户）", "\(c.name): support threshold (households)"), name: "supportThreshold", value: String(current.threshold), type: "number", attrs: "min=\"1\" max=\"10000\""))
            \(Form.field(req.t("议题被受理，发起人得积分", "Points to the raiser of an accepted topic"), name: "pointsAccepted", value: String(points.accepted), type: "number", attrs: "min=\"0\" max=\"1000\""))
            \(Form.field(req.t("参与评议，每人得积分", "Points for rating an outcome"), name: "pointsEvaluation", value: String(points.evaluation), type: "number", attrs: "min=\"0\" max=\"1000\""))
            \(Form.field(req.t("参与表决，每张有效选票得积分", "Points for casting a ballot"), name: "pointsVote", value: String(points.vote), type: "number", attrs: "min=\"0\" max=\"1000\""))
            <button>\(req.t("保存设置", "Save settings"))</button></form>
            """
        } ?? .empty
        return Layout(req: req, title: req.t("议事厅", "Deliberation"), wide: true).render("""
        <div class="actions"><a class="button" href="\(SiteURL.Deliberation.new.path)">\(req.t("发起议题", "Raise a topic"))</a>\(TopicRole(actor) == .reviewer ? HTML(" <a href=\"\(SiteURL.Deliberation.measures(query: [("node", filter.node?.id?.uuidString ?? "")]).path)\">\(req.t("议事统计", "Measures"))</a>") : .empty)</div>
        <form method="get" action="\(SiteURL.Deliberation.list(query: []).path)" class="filters" role="search">
        \(Form.field(req.t("关键词", "Search"), name: "q", value: filter.q, type: "search"))
        \(Form.select(req.t("阶段", "Stage"), name: "stage", options: TopicStage.allCases.map { ($0.rawValue, $0.label(req.lang)) }, selected: filter.stage?.rawValue, includeBlank: req.t("全部", "All")))
        \(Form.select(req.t("社区", "Community"), name: "node", options: communities.map { ($0.id!.uuidString, $0.name) }, selected: filter.node?.id?.uuidString, includeBlank: req.t("全部", "All")))
        <button>\(req.t("筛选", "Filter"))</button></form>
        <div class="table-wrap"><table class="stack"><thead><tr><th>\(req.t("议题", "Topic"))</th><th>\(req.t("地点", "Place"))</th><th>\(req.t("阶段", "Stage"))</th>
        <th>\(req.t("附议户数", "Households"))</th><th>\(req.t("发起日期", "Raised"))</th><th>\(req.t("答复", "Answer"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? [empty] : body)</tbody></table></div>
        \(pager(req, total: total, page: page) { SiteURL.Deliberation.list(query: params + [("page", String($0))]).path })
        \(settings)
        \(try await community.asyncMap { try await MeetingPages.section(req, community: $0) } ?? .empty)
        """)
    }

    /// The review forms a reviewer may use on this topic now, as the lifecycle table allows.
    static func actions(_ req: Request, _ actor: Actor, _ t: Topic) async throws -> HTML {
        let allowed = TopicLifecycle.table.actions(from: t.stage, role: TopicRole(actor))
        guard !allowed.isEmpty else { return .empty }
        let forms = try await allowed.asyncMap { action -> HTML in
            var fields: HTML = .empty
            switch action {
            case .accept:
                fields = Form.select(req.t("议事规程", "Procedure"), name: "procedure", options: TopicProcedure.allCases.map { ($0.rawValue, $0.label(req.lang)) },
                                     selected: t.procedureRaw) + Form.textarea(req.t("答复（可选）", "Answer (optional)"), name: "note")
            case .decline:
                fields = Form.textarea(req.t("不予采纳的理由（公开）", "Why not (shown publicly)"), name: "note", required: true)
            case .merge:
                let others = try await Topic.query(on: req.db).filter(\.$communityID == t.communityID).filter(\.$id != t.id!)
                    .filter(\.$stageRaw ~~ TopicStage.open.map(\.rawValue)).sort(\.$createdAt, .descending).limit(50).all()
                guard !others.isEmpty else { return .empty }
                fields = Form.select(req.t("并入议题", "Merge into"), name: "mergeInto", options: others.map { ($0.id!.uuidString, $0.title) }, selected: nil, required: true)
            case .convert:
                let categories = try await CaseCategory.query(on: req.db).filter(\.$active == true).sort(\.$code).all()
                fields = Form.select(req.t("诉求类别", "Case category"), name: "categoryCode", options: categories.map { ($0.code, $0.name) }, selected: nil, required: true)
            case .decide:
                fields = Form.textarea(req.t("决议内容（公开）", "The decision (shown publicly)"), name: "note", required: true)
            case .review, .complete, .close:
                fields = Form.textarea(req.t("说明（可选）", "Note (optional)"), name: "note")
            }
            // Moves that end the topic's course ask once more (with script; the form still works without).
            let confirm = [.decline, .merge, .convert, .close].contains(action)
                ? " data-confirm=\"\(HTML.escape(req.t("确定要\(action.zh)吗？此操作不能撤回。", "\(action.en.capitalized)? This cannot be undone.")))\"" : ""
            return """
            <form method="post" action="\(SiteURL.Deliberation.act(t.id!, action: action.rawValue).path)" class="card"\(HTML(raw: confirm))>\(Form.csrf(req))
            <input type="hidden" name="version" value="\(t.version)">\(fields)
            <button>\(req.t(action.zh, action.en))</button></form>
            """
        }
        return "<h2>\(req.t("社区审核", "Review"))</h2>\(forms)"
    }

    struct ActForm: Content {
        var version: Int?
        var note: String?
        var mergeInto: String?
        var categoryCode: String?
        var procedure: String?
    }

    @Sendable static func act(req: Request) async throws -> Response {
        let actor = try TopicPages.participant(req)
        guard let action = req.parameters.get("action").flatMap(TopicAction.init(rawValue:)) else { throw APIError.notFound }
        let service = TopicService(req: req)
        let t = try await service.load(try req.idParameter(), for: actor)
        let f = try req.content.decode(ActForm.self)
        let input = TopicActionInput(version: f.version, note: f.note, mergeInto: f.mergeInto.flatMap(UUID.init(uuidString:)),
                                     categoryCode: f.categoryCode, procedure: f.procedure)
        do {
            let moved = try await service.perform(action, on: t, by: actor, input: input)
            req.flash(said(action, moved, req))
        } catch let e as APIError where e.status.code < 500 {
            req.flash(TopicPages.words(req, e), kind: "error")
        }
        return req.redirect(to: SiteURL.Deliberation.detail(t.id!).path)
    }

    /// What a page says after a move.
    static func said(_ action: TopicAction, _ t: Topic, _ req: Request) -> String {
        switch action {
        case .review: req.t("已提交审核。", "Sent to review.")
        case .accept: req.t("已受理，议题进入议事（\(t.procedure.zh)）。", "Accepted; the topic goes to deliberation (\(t.procedure.en)).")
        case .decline: req.t("已答复不予采纳，理由已公开。", "Declined; the reason is public.")
        case .merge: req.t("已合并。", "Merged.")
        case .convert: req.t("已转为诉求，按诉求流程办理。", "Converted into a case, handled in the case loop.") + " " + (t.answer ?? "")
        case .decide: req.t("决议已记录，进入办理。", "Decision recorded; it is being carried out.")
        case .complete: req.t("已办理完成，请居民评议。", "Carried out; residents evaluate it now.")
        case .close: req.t("议题已完结。", "The topic is closed.")
        }
    }

    struct SettingsForm: Content {
        var community: String?
        var supportThreshold: String?
        var pointsAccepted: String?
        var pointsEvaluation: String?
        var pointsVote: String?
    }

    /// A whole number typed in a form: nil when left empty, 422 naming the field otherwise.
    static func number(_ raw: String?, field: String) throws -> Int? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard let n = Int(raw) else { throw APIError.invalid(field, "须为整数 (must be a whole number)") }
        return n
    }

    @Sendable static func settings(req: Request) async throws -> Response {
        let actor = try TopicPages.participant(req)
        let f = try req.content.decode(SettingsForm.self)
        do {
            let c = try await TopicService(req: req).setThreshold(community: f.community.flatMap(UUID.init(uuidString:)),
                                                                   threshold: f.supportThreshold.flatMap { Int($0) },
                                                                   pointsAccepted: try number(f.pointsAccepted, field: "pointsAccepted"),
                                                                   pointsEvaluation: try number(f.pointsEvaluation, field: "pointsEvaluation"),
                                                                   pointsVote: try number(f.pointsVote, field: "pointsVote"), by: actor)
            let points = try await DeliberationSetting.points(c.id!, on: req.db)
            req.flash(req.t("已保存：\(c.name) 附议满 \(f.supportThreshold ?? "") 户提交审核；议题受理奖励 \(points.accepted) 分，参与评议奖励 \(points.evaluation) 分，参与表决奖励 \(points.vote) 分。",
                            "Saved: \(c.name) sends a topic to review at \(f.supportThreshold ?? "") households; \(points.accepted) points for an accepted topic, \(points.evaluation) for rating an outcome, \(points.vote) for a ballot."))
            return req.redirect(to: SiteURL.Deliberation.list(query: [("node", c.id!.uuidString)]).path)
        } catch let e as APIError where e.status.code < 500 {
            req.flash(TopicPages.words(req, e), kind: "error")
            return req.redirect(to: SiteURL.Deliberation.list(query: []).path)
        }
    }
}
