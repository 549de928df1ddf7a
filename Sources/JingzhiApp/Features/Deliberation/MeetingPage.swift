import Fluent
import JingzhiCore
import Vapor

/// A meeting's own page: time, place, agenda, registration and attendance (MeetingAttendancePages.swift), and its
/// minutes — published and revised by community staff once the meeting began, objected to by residents during 公示.
enum MeetingPage {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Deliberation.Pattern
        staff.get(P.meeting, use: show)
        staff.post(P.minutes, use: publish)
        staff.post(P.objection, use: object)
        MeetingAttendancePages.register(staff)
        MeetingPoster.register(staff)
    }

    /// The meeting if the actor may read it (staff in scope, the community's residents); 404 otherwise.
    static func load(_ req: Request, _ actor: Actor) async throws -> Meeting {
        try await Meeting.find(try req.idParameter(), within: try await TopicService(req: req).scope(of: actor), on: req.db)
    }

    struct MinutesForm: Content {
        var attendees: String?
        var organisations: String?
        var contributions: String?
        var decisions: String?
        var attachments: String?
        var publicDays: String?
    }

    @Sendable static func show(req: Request) async throws -> HTML {
        let actor = try TopicPages.participant(req)
        return try await page(req, actor, try await load(req, actor), form: nil, error: nil)
    }

    static func page(_ req: Request, _ actor: Actor, _ m: Meeting, form: MinutesForm?, error: String?) async throws -> HTML {
        let service = TopicService(req: req)
        let agenda = try await service.agenda(of: m)
        let topics = Dictionary(uniqueKeysWithValues: try await Topic.query(on: req.db).filter(\.$id ~~ agenda).all().map { ($0.id!, $0) })
        let items = agenda.compactMap { topics[$0] }.map { t -> HTML in
            "<li><span><a href=\"\(SiteURL.Deliberation.detail(t.id!).path)\">\(t.title)</a></span><span class=\"tag\">\(t.stage.label(req.lang))</span></li>"
        }
        let staff = TopicRole(actor) == .reviewer
        let posterLink: HTML = staff ? " · <a href=\"\(SiteURL.Deliberation.poster(m.id!).path)\">\(req.t("打印公告海报（A4）", "Print the A4 poster"))</a>" : .empty
        return Layout(req: req, title: m.title).render("""
        \(error.map { HTML("<p class=\"flash error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <dl class="props"><dt>\(req.t("会议时间", "When"))</dt><dd><time>\(ShanghaiTime.format(m.startsAt, "yyyy-MM-dd HH:mm"))</time></dd>
        <dt>\(req.t("会议地点", "Where"))</dt><dd>\(m.place)</dd>
        <dt>\(req.t("公告时间", "Announced"))</dt><dd>\(ShanghaiTime.format(m.announcedAt, "yyyy-MM-dd HH:mm"))</dd></dl>
        <h2>\(req.t("议程", "Agenda"))</h2>
        <ol class="tree">\(items.isEmpty ? [HTML("<li class=\"muted\">\(req.t("议程未列议题", "No topic on the agenda"))</li>")] : items)</ol>
        \(staff ? HTML("<p><a class=\"button secondary\" href=\"\(SiteURL.Deliberation.raiseFrom(.meeting, m.id!).path)\">\(req.t("现场提出议题，列入议程", "Raise a topic onto this agenda"))</a></p>") : .empty)
        \(try await MeetingAttendancePages.section(req, actor, m))
        \(try await minutesSection(req, actor, m, form: form))
        <p><a href="\(SiteURL.Deliberation.list(query: []).path)">\(req.t("返回议题列表", "Back to the topics"))</a>\(posterLink)</p>
        """)
    }

    static func minutesSection(_ req: Request, _ actor: Actor, _ m: Meeting, form: MinutesForm?) async throws -> HTML {
        let service = TopicService(req: req)
        let versions = try await service.minutes(of: m)
        let staff = TopicRole(actor) == .reviewer
        var out: [HTML] = ["<h2>\(req.t("会议纪要", "Minutes"))</h2>"]
        if let current = versions.first {
            let objections = try await service.objections(to: current)
            let open = req.now <= current.objectionsUntil
            let until = ShanghaiTime.format(current.objectionsUntil, "yyyy-MM-dd HH:mm")
            out.append("""
            <div class="card"><p><span class="tag">\(req.t("第 \(current.version) 版", "Version \(current.version)"))</span>
            \(open ? req.t("公示中，至 \(until)", "open to objections until \(until)") : req.t("公示已于 \(until) 结束", "public period ended \(until)"))
            · \(req.t("异议 \(objections.count) 条", "\(objections.count) objection(s)"))</p>
            \(body(req, current))</div>
            """)
            if staff, !objections.isEmpty {
                // Staff read the words; no resident is named.
                out.append("<h3>\(req.t("居民异议", "Objections"))</h3><ul class=\"tree\">\(objections.map { o -> HTML in "<li><span>\(o.words)</span><span class=\"muted\"><time>\(ShanghaiTime.format(o.at, "yyyy-MM-dd HH:mm"))</time></span></li>" })</ul>")
            }
            if actor.role == .resident {
                if objections.contains(where: { $0.userID == actor.userID }) {
                    out.append("<p class=\"card\"><b>\(req.t("您已对这一版纪要提出异议，社区会答复。", "You objected to this version; the community will answer."))</b></p>")
                } else if open {
                    out.append("""
                    <form method="post" action="\(SiteURL.Deliberation.objection(m.id!).path)" class="card">\(Form.csrf(req))
                    \(Form.textarea(req.t("对纪要有不同意见？请写下来（公示期内每人一次）", "Disagree with the minutes? Say why (once, during the public period)"), name: "words", required: true))
                    <button class="button big">\(req.t("提出异议", "Object"))</button></form>
                    """)
                }
            }
            if versions.count > 1 {
                let older = versions.dropFirst().map { v -> HTML in
                    "<details class=\"card\"><summary>\(req.t("第 \(v.version) 版（\(ShanghaiTime.format(v.publishedAt, "yyyy-MM-dd HH:mm")) 公示）", "Version \(v.version) (published \(ShanghaiTime.format(v.publishedAt, "yyyy-MM-dd HH:mm")))"))</summary>\(body(req, v))</details>"
                }
                out.append("<h3>\(req.t("历史版本", "Earlier versions"))</h3>\(older)")
            }
        } else {
            out.append("<p class=\"muted\">\(req.t("纪要尚未发布", "No minutes yet"))</p>")
        }
        if staff {
            out.append(m.startsAt <= req.now ? minutesForm(req, m, current: versions.first, form: form)
                : "<p class=\"muted\">\(req.t("会议开始后可发布纪要。", "Minutes can be published once the meeting began."))</p>")
        }
        return HTML(out)
    }

    static func body(_ req: Request, _ v: MeetingMinutes) -> HTML {
        """
        <dl class="props"><dt>\(req.t("参会人员", "Attendees"))</dt><dd>\(v.attendees)</dd>
        <dt>\(req.t("参会单位", "Organisations"))</dt><dd>\(v.organisations)</dd>
        <dt>\(req.t("发言摘要", "Contributions"))</dt><dd>\(v.contributions)</dd>
        <dt>\(req.t("议定事项", "Decisions"))</dt><dd><b>\(v.decisions)</b></dd>
        \(v.attachments.map { HTML("<dt>\(req.t("附件", "Attachments"))</dt><dd>\($0)</dd>") } ?? .empty)</dl>
        """
    }

    /// Publish the first version, or revise: the form starts from what was typed, else from the version in force.
    static func minutesForm(_ req: Request, _ m: Meeting, current: MeetingMinutes?, form f: MinutesForm?) -> HTML {
        let revise = current != nil
        let confirm = revise ? " data-confirm=\"\(HTML.escape(req.t("发布新版本？旧版本会保留并可查看。", "Publish a new version? The old one stays readable.")))\"" : ""
        return """
        <form method="post" action="\(SiteURL.Deliberation.minutes(m.id!).path)" class="card"\(HTML(raw: confirm))>\(Form.csrf(req))
        <h3>\(revise ? req.t("修订纪要（发布为新版本，旧版保留）", "Revise the minutes (a new version; the old one is kept)") : req.t("发布会议纪要", "Publish the minutes"))</h3>
        \(Form.textarea(req.t("参会人员", "Attendees"), name: "attendees", value: f?.attendees ?? current?.attendees, required: true))
        \(Form.textarea(req.t("参会单位", "Organisations"), name: "organisations", value: f?.organisations ?? current?.organisations, required: true))
        \(Form.textarea(req.t("发言摘要", "Contributions"), name: "contributions", value: f?.contributions ?? current?.contributions, required: true))
        \(Form.textarea(req.t("议定事项", "Decisions"), name: "decisions", value: f?.decisions ?? current?.decisions, required: true))
        \(Form.textarea(req.t("附件（可选，写明名称或链接）", "Attachments (optional: names or links)"), name: "attachments", value: f?.attachments ?? current?.attachments))
        \(Form.field(req.t("公示天数", "Public days"), name: "publicDays", value: f?.publicDays ?? String(TopicService.defaultPublicDays), type: "number", attrs: "min=\"1\" max=\"30\""))
        <button>\(revise ? req.t("发布新版本", "Publish the new version") : req.t("发布纪要并公示", "Publish and open the public period"))</button></form>
        """
    }

    @Sendable static func publish(req: Request) async throws -> Response {
        let actor = try TopicPages.participant(req)
        let m = try await load(req, actor)
        let f = try req.content.decode(MinutesForm.self)
        do {
            guard f.publicDays.map({ $0.isEmpty || Int($0) != nil }) ?? true else {
                throw APIError.invalid("publicDays", "公示天数须为整数 (public days must be a whole number)")
            }
            let input = MinutesInput(attendees: f.attendees, organisations: f.organisations, contributions: f.contributions, decisions: f.decisions,
                                     attachments: f.attachments, publicDays: f.publicDays.flatMap { Int($0) })
            let n = try await TopicService(req: req).publishMinutes(of: m, input, by: actor)
            let until = ShanghaiTime.format(n.objectionsUntil, "yyyy-MM-dd HH:mm")
            req.flash(n.version == 1 ? req.t("纪要已发布，公示至 \(until)。", "Minutes published; open to objections until \(until).")
                                     : req.t("纪要第 \(n.version) 版已发布，旧版保留，公示至 \(until)。", "Version \(n.version) published; the old one is kept; public until \(until)."))
            return req.redirect(to: SiteURL.Deliberation.meeting(m.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await page(req, actor, m, form: f, error: TopicPages.words(req, e)).encodeResponse(status: e.status, for: req)
        }
    }

    struct ObjectionForm: Content { var words: String? }

    @Sendable static func object(req: Request) async throws -> Response {
        let actor = try TopicPages.participant(req)
        let m = try await load(req, actor)
        let f = try req.content.decode(ObjectionForm.self)
        do {
            _ = try await TopicService(req: req).object(to: m, words: f.words, by: actor)
            req.flash(req.t("您的异议已提交，社区会在公示结束前答复。", "Your objection is in; the community answers before the public period ends."))
        } catch let e as APIError where e.status.code < 500 {
            req.flash(TopicPages.words(req, e), kind: "error")
        }
        return req.redirect(to: SiteURL.Deliberation.meeting(m.id!).path)
    }
}
