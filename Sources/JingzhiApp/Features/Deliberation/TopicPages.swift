import Fluent
import JingzhiCore
import Vapor

/// The deliberation pages: a resident's phone pages (my community's topics, raise one, a topic with a big 附议 button),
/// the public path of a topic, and the handlers the staff pages share (TopicStaffPages.swift).
enum TopicPages {
    static func register(web: any RoutesBuilder, staff: any RoutesBuilder) {
        typealias P = SiteURL.Deliberation.Pattern
        staff.get(P.list, use: list)
        staff.get(P.new, use: newForm)
        staff.on(.POST, P.new, body: .collect(maxSize: "40mb"), use: create)
        staff.get(P.detail, use: detail)
        staff.post(P.support, use: support)
        staff.post(P.act, use: TopicStaffPages.act)
        staff.post(P.settings, use: TopicStaffPages.settings)
        web.get(P.timeline, use: timeline)
        TopicVotePages.register(staff)
        MeetingPages.register(staff)
        MeetingPage.register(staff)
        ItemPages.register(staff)
        EvaluationPages.register(staff)
    }

    /// An error in words, with this feature's names first: the app's names are first-come, and Property's `title` is a task.
    static func words(_ req: Request, _ e: APIError) -> String {
        e.words(req.lang, names: req.application.fieldNames.merging(DeliberationFeature.fieldNames) { _, ours in ours })
    }

    static func participant(_ req: Request) throws -> Actor {
        let actor = try req.requireActor()
        guard TopicRole(actor) != .other else { throw APIError.forbidden }
        return actor
    }

    /// Who may open a topic's page: participants, and property staff, whose company may vote on a compound's topic
    /// as one body (they read topics of their compounds only, by scope).
    static func reader(_ req: Request) throws -> Actor {
        let actor = try req.requireActor()
        guard TopicRole(actor) != .other || actor.role == .propertyStaff else { throw APIError.forbidden }
        return actor
    }

    @Sendable static func list(req: Request) async throws -> HTML {
        let actor = try participant(req)
        guard actor.role == .resident else { return try await TopicStaffPages.list(req, actor) }
        let service = TopicService(req: req)
        let title = req.t("社区议事厅", "Community deliberation")
        guard let home = try await service.home(of: actor) else {
            return Layout(req: req, title: title).render("<p class=\"card\">\(req.t("请先完成住户认证，才能参与议事。", "Link your account to your household to take part."))</p>")
        }
        let page = try PageRequest(req)
        let (rows, total) = try await service.list(TopicFilter(), for: actor, page: page)
        let threshold = try await DeliberationSetting.of(home.community.id!, on: req.db).threshold
        let cards = rows.map { t -> HTML in
            """
            <a class="card link" href="\(SiteURL.Deliberation.detail(t.id!).path)"><b>\(t.title)</b><br>
            <span class="tag">\(t.stage.label(req.lang))</span> \(req.t("\(t.supportCount) 户附议（满 \(threshold) 户提交社区审核）", "\(t.supportCount) households support it (\(threshold) send it to the community)"))</a>
            """
        }
        return Layout(req: req, title: title).render("""
        <p class="muted">\(home.community.name)</p>
        <p><a class="button big" href="\(SiteURL.Deliberation.new.path)">\(req.t("我要提议题", "Raise a topic"))</a></p>
        <p>\(req.t("大家关心的事，在这里提出来，邻居附议满 \(threshold) 户，社区就会审核并组织议事。", "Raise what matters to your neighbours; when \(threshold) households support it, the community reviews it and holds a meeting."))</p>
        \(rows.isEmpty ? HTML("<p class=\"muted\">\(req.t("还没有议题", "No topics yet"))</p>") : HTML(cards))
        \(pager(req, total: total, page: page) { SiteURL.Deliberation.list(query: [("page", String($0))]).path })
        """)
    }

    struct RaiseForm: Content {
        var title: String?
        var description: String?
        var nodeId: String?
        var procedure: String?
        var photos: [File]?
        /// "check": show similar open topics of the place instead of raising.
        var step: String?
        /// A visit, case or meeting it is raised from (`TopicOrigin`) and its id.
        var origin: String?
        var originId: String?
    }

    @Sendable static func newForm(req: Request) async throws -> Response {
        let actor = try participant(req)
        return try await formPage(req, actor, try await TopicOrigins.prefill(req, actor), error: nil)
    }

    /// The places a topic may concern: a resident's community with its grids and compounds, staff's within their scope.
    static func places(_ req: Request, _ actor: Actor) async throws -> [OrgNode] {
        let scope = try await TopicService(req: req).scope(of: actor)
        let kinds = [NodeKind.community, .grid, .compound].map(\.rawValue)
        return try await OrgNode.query(on: req.db).within(scope).filter(\.$kindRaw ~~ kinds).sort(\.$path).limit(300).all()
    }

    static func formPage(_ req: Request, _ actor: Actor, _ f: RaiseForm, error: String?, status: HTTPStatus = .ok,
                         similar: HTML = .empty) async throws -> Response {
        let nodes = try await places(req, actor)
        let options: [(value: String, label: String)] = nodes.map { ($0.id!.uuidString, ($0.kind == .community ? "" : "　") + $0.name) }
        let procedures: HTML = TopicRole(actor) == .reviewer
            ? Form.select(req.t("议事规程", "Procedure"), name: "procedure", options: TopicProcedure.allCases.map { ($0.rawValue, $0.label(req.lang)) },
                          selected: f.procedure ?? TopicProcedure.fiveSteps.rawValue)
            : .empty
        return try await Layout(req: req, title: req.t("我要提议题", "Raise a topic")).render("""
        \(error.map { HTML("<p class=\"flash error\" role=\"alert\">\($0)</p>") } ?? .empty)
        \(similar)
        \(TopicOrigins.banner(req, f))
        <form method="post" action="\(SiteURL.Deliberation.new.path)" class="card" enctype="multipart/form-data">\(Form.csrf(req))
        \(origin(f))
        \(Form.field(req.t("议题标题", "Title"), name: "title", value: f.title, required: true, hint: req.t("一句话说清楚，如：3号楼前加装休息座椅", "One line, e.g. benches in front of building 3"), attrs: "maxlength=\"60\""))
        \(Form.textarea(req.t("议题内容", "What it is about"), name: "description", value: f.description, required: true))
        \(Form.select(req.t("涉及地点", "Place"), name: "nodeId", options: options, selected: f.nodeId ?? nodes.first?.id?.uuidString, required: true))
        \(procedures)
        <label class="field"><span>\(req.t("拍照（可选，最多 \(TopicPhotos.maxPerTopic) 张）", "Photos (optional, up to \(TopicPhotos.maxPerTopic))"))</span>
        <input type="file" name="photos[]" accept="image/*" multiple capture="environment"></label>
        <p><button class="button" name="step" value="check" formnovalidate>\(req.t("先看看有没有相似的议题", "First look for similar topics"))</button>
        <span class="muted">\(req.t("（照片在提交时再选）", "(choose photos when you raise it)"))</span></p>
        <button class="button big">\(req.t("提交议题", "Raise the topic"))</button></form>
        """).encodeResponse(status: status, for: req)
    }

    /// The origin's hidden fields, only for a known origin and a well-formed id (they are echoed back into the page).
    static func origin(_ f: RaiseForm) -> HTML {
        guard let o = f.origin.flatMap(TopicOrigin.init(rawValue:)), let id = f.originId.flatMap(UUID.init(uuidString:)) else { return .empty }
        return "<input type=\"hidden\" name=\"origin\" value=\"\(o.rawValue)\"><input type=\"hidden\" name=\"originId\" value=\"\(id)\">"
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try participant(req)
        let f = try req.content.decode(RaiseForm.self)
        if f.step == "check" {
            do {
                let rows = try await TopicService(req: req).similar(to: f.title, at: f.nodeId.flatMap(UUID.init(uuidString:)), for: actor)
                return try await formPage(req, actor, f, error: nil, similar: TopicSimilarPages.whileRaising(req, rows, checked: true))
            } catch let e as APIError where e.status.code < 500 {
                return try await formPage(req, actor, f, error: words(req, e), status: e.status)
            }
        }
        do {
            let photos = (f.photos ?? []).filter { $0.data.readableBytes > 0 }.map { Data(buffer: $0.data) }
            let input = TopicInput(title: f.title, description: f.description, nodeID: f.nodeId.flatMap(UUID.init(uuidString:)), procedure: f.procedure,
                                   photos: photos, origin: f.origin, originID: f.originId.flatMap(UUID.init(uuidString:)))
            let service = TopicService(req: req)
            if input.origin == TopicOrigin.meeting.rawValue, let meeting = input.originID {
                let (t, _) = try await service.raiseAtMeeting(input, by: actor, idempotencyKey: nil)
                req.flash(req.t("议题「\(t.title)」已受理并列入本次议程。", "\(t.title) is accepted and on this meeting's agenda."))
                return req.redirect(to: SiteURL.Deliberation.meeting(meeting).path)
            }
            let (t, _) = try await service.raise(input, by: actor, idempotencyKey: nil)
            req.flash(input.origin == nil ? req.t("议题已提出，邻居们可以附议了。", "Your topic is up; neighbours can now support it.")
                                          : req.t("议题已提出，来源已记入议题进程。", "The topic is raised; where it came from is on its path."))
            return req.redirect(to: SiteURL.Deliberation.detail(t.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await formPage(req, actor, f, error: words(req, e), status: e.status)
        }
    }

    @Sendable static func detail(req: Request) async throws -> HTML {
        let actor = try reader(req)
        let service = TopicService(req: req)
        let t = try await service.load(try req.idParameter(), for: actor)
        let threshold = try await DeliberationSetting.of(t.communityID, on: req.db).threshold
        let place = try await OrgNode.find(t.nodeID, on: req.db)?.name ?? ""
        var support: HTML = .empty
        if actor.role == .resident {
            if try await service.supported(t, by: actor) {
                support = "<p class=\"card\"><b>\(req.t("您已附议这个议题。", "You support this topic."))</b></p>"
            } else if [.collect, .review].contains(t.stage) {
                support = """
                <form method="post" action="\(SiteURL.Deliberation.support(t.id!).path)">\(Form.csrf(req))
                <button class="button big">\(req.t("附议", "Support"))</button></form>
                """
            }
        }
        let staff = TopicRole(actor) == .reviewer ? try await TopicStaffPages.actions(req, actor, t) : .empty
        return Layout(req: req, title: t.title).render("""
        <p><span class="tag">\(t.stage.label(req.lang))</span> \(place) · \(t.procedure.label(req.lang))</p>
        <p>\(t.description)</p>
        \(try await TopicPhotos.section(req, t))
        <p>\(req.t("已有 \(t.supportCount) 户附议，满 \(threshold) 户提交社区审核。", "\(t.supportCount) households support it; \(threshold) send it to the community for review."))</p>
        \(t.answer.map { HTML("<p class=\"card\">\(req.t("社区答复", "The community's answer"))：\($0)</p>") } ?? .empty)
        \(support)
        \(staff)
        \(try await TopicSimilarPages.section(req, actor, t))
        \(try await TopicVotePages.section(req, actor, t))
        \(try await meetings(req, t))
        \(try await ItemPages.section(req, actor, t))
        \(try await EvaluationPages.section(req, actor, t))
        <h2>\(req.t("议题进程", "The topic's path"))</h2>
        \(TopicTimeline.render(try await TopicTimeline.lines(t, on: req.db, lang: req.lang), req))
        <p><a href="\(SiteURL.Deliberation.timeline(t.id!).path)">\(req.t("公开页面（可分享）", "Public page (to share)"))</a> · <a href="\(SiteURL.Deliberation.list(query: []).path)">\(req.t("返回议题列表", "Back to the topics"))</a></p>
        """)
    }

    /// The meetings a topic is on the agenda of, each a link to its page (minutes, registration).
    static func meetings(_ req: Request, _ t: Topic) async throws -> HTML {
        let ids = try await MeetingAgendaItem.query(on: req.db).filter(\.$topicID == t.id!).all().map(\.meetingID)
        guard !ids.isEmpty else { return .empty }
        let rows = try await Meeting.query(on: req.db).filter(\.$id ~~ ids).sort(\.$startsAt).all().map { m -> HTML in
            "<li><span><a href=\"\(SiteURL.Deliberation.meeting(m.id!).path)\">\(m.title)</a> · \(m.place)</span><span class=\"muted\"><time>\(ShanghaiTime.format(m.startsAt, "yyyy-MM-dd HH:mm"))</time></span></li>"
        }
        return "<h2>\(req.t("议事会", "Meetings"))</h2><ul class=\"tree\">\(rows)</ul>"
    }

    @Sendable static func support(req: Request) async throws -> Response {
        let actor = try participant(req)
        let service = TopicService(req: req)
        let t = try await service.load(try req.idParameter(), for: actor)
        do {
            let after = try await service.support(t, by: actor)
            req.flash(after.stage == .review && t.stage == .collect
                ? req.t("谢谢您的附议！附议已满，议题已提交社区审核。", "Thank you! Enough households support it; it goes to the community for review.")
                : req.t("谢谢您的附议！现有 \(after.supportCount) 户附议。", "Thank you! \(after.supportCount) households support it now."))
        } catch let e as APIError where e.status.code < 500 {
            req.flash(words(req, e), kind: "error")
        }
        return req.redirect(to: SiteURL.Deliberation.detail(t.id!).path)
    }

    /// Anyone may follow a topic's path: no names of residents, no contact details.
    @Sendable static func timeline(req: Request) async throws -> HTML {
        guard let t = try await Topic.find(try req.idParameter(), on: req.db) else { throw APIError.notFound }
        let place = try await OrgNode.find(t.nodeID, on: req.db)?.name ?? ""
        return Layout(req: req, title: t.title).render("""
        <p><span class="tag">\(t.stage.label(req.lang))</span> \(place) · \(t.procedure.label(req.lang)) · \(req.t("\(t.supportCount) 户附议", "\(t.supportCount) households support it"))</p>
        <p>\(t.description)</p>
        \(t.answer.map { HTML("<p class=\"card\">\(req.t("社区答复", "The community's answer"))：\($0)</p>") } ?? .empty)
        \(TopicTimeline.render(try await TopicTimeline.lines(t, on: req.db, lang: req.lang), req))
        """)
    }
}
