import Fluent
import JingzhiCore
import Vapor

/// A community's meetings on the staff list: the ones coming up, and a form to announce one with its agenda.
enum MeetingPages {
    static func register(_ staff: any RoutesBuilder) {
        staff.post(SiteURL.Deliberation.Pattern.announce, use: announce)
    }

    static func section(_ req: Request, community c: OrgNode) async throws -> HTML {
        // Coming meetings and those of the last 30 days (their minutes and attendance are still being written).
        let upcoming = try await Meeting.query(on: req.db).filter(\.$communityID == c.id!).filter(\.$startsAt >= req.now.addingTimeInterval(-30 * 86_400))
            .sort(\.$startsAt).limit(10).all()
        let ready = try await Topic.query(on: req.db).filter(\.$communityID == c.id!).filter(\.$stageRaw == TopicStage.deliberate.rawValue)
            .sort(\.$createdAt).limit(50).all()
        let days = try await DeliberationSetting.of(c.id!, on: req.db).noticeDays
        let list = upcoming.map { m -> HTML in
            "<li><span><a href=\"\(SiteURL.Deliberation.meeting(m.id!).path)\"><b>\(m.title)</b></a> · \(m.place)</span><span>\(ShanghaiTime.format(m.startsAt, "yyyy-MM-dd HH:mm"))</span></li>"
        }
        let boxes = ready.map { t -> HTML in
            "<label class=\"inline\"><input type=\"checkbox\" name=\"topicIds[]\" value=\"\(t.id)\"> \(t.title)</label>"
        }
        return """
        <h2>\(req.t("\(c.name) 议事会", "Meetings of \(c.name)"))</h2>
        <ul class="tree">\(upcoming.isEmpty ? [HTML("<li class=\"muted\">\(req.t("近期没有议事会", "No meeting coming up"))</li>")] : list)</ul>
        <form method="post" action="\(SiteURL.Deliberation.announce.path)" class="card">\(Form.csrf(req))
        <input type="hidden" name="communityId" value="\(c.id)">
        <h3>\(req.t("公告议事会（须提前 \(days) 天）", "Announce a meeting (\(days) days ahead at least)"))</h3>
        \(Form.field(req.t("会议名称", "Title"), name: "title", required: true, hint: req.t("如：十二月红色议事会", "e.g. December meeting")))
        \(Form.field(req.t("会议地点", "Place"), name: "place", required: true))
        \(Form.field(req.t("会议时间", "Meeting time"), name: "startsAt", type: "datetime-local", required: true))
        \(Form.field(req.t("名额（不限请留空）", "Seats (empty for no limit)"), name: "capacity", type: "number", attrs: "min=\"1\" max=\"10000\""))
        <fieldset><legend>\(req.t("议程（议事中的议题）", "Agenda (topics under deliberation)"))</legend>\(ready.isEmpty ? [HTML("<p class=\"muted\">\(req.t("暂无议事中的议题", "No topic under deliberation"))</p>")] : boxes)</fieldset>
        <button>\(req.t("发布公告", "Announce"))</button></form>
        """
    }

    struct AnnounceForm: Content {
        var communityId: String?
        var title: String?
        var place: String?
        var startsAt: String?
        var topicIds: [String]?
        var capacity: String?
    }

    static func capacity(_ raw: String?) throws -> Int? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard let n = Int(raw) else { throw APIError.invalid("capacity", "名额须为整数 (capacity must be a whole number)") }
        return n
    }

    @Sendable static func announce(req: Request) async throws -> Response {
        let actor = try TopicPages.participant(req)
        let f = try req.content.decode(AnnounceForm.self)
        let community = f.communityId.flatMap(UUID.init(uuidString:))
        let back = SiteURL.Deliberation.list(query: [("node", community?.uuidString ?? "")]).path
        do {
            let input = MeetingInput(communityID: community, title: f.title, place: f.place,
                                     startsAt: try ShanghaiTime.parseLocal(f.startsAt, field: "startsAt"),
                                     topicIDs: (f.topicIds ?? []).compactMap(UUID.init(uuidString:)),
                                     capacity: try Self.capacity(f.capacity))
            let m = try await TopicService(req: req).announce(input, by: actor)
            let notice = await MeetingNotice.publish(m, by: actor, req: req)
            let sent = notice.recipients.map { req.t("已发布社区通知，送达 \($0) 人。", "A notice reached \($0) people.") }
                ?? req.t("社区通知未发出：\(notice.problem ?? "")。", "No notice was sent: \(notice.problem ?? "").")
            req.flash(req.t("议事会已公告：\(ShanghaiTime.format(m.startsAt, "yyyy-MM-dd HH:mm"))，\(m.place)。", "Meeting announced: \(ShanghaiTime.format(m.startsAt, "yyyy-MM-dd HH:mm")), \(m.place). ")
                      + sent + req.t("可打印公告海报张贴。", " Print its poster from the meeting's page."))
        } catch let e as APIError where e.status.code < 500 {
            req.flash(TopicPages.words(req, e), kind: "error")
        }
        return req.redirect(to: back)
    }
}
