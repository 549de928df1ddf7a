import Fluent
import JingzhiCore
import Vapor

/// The resident's phone page for volunteering (我要当志愿者): the registration form and its state, the community's
/// posts to claim (认领) and the ones they hold.
enum VolunteerPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Volunteers.Pattern
        staff.get(P.mine, use: mine)
        staff.post(P.mine, use: save)
        staff.post(P.claim, use: claim)
        staff.post(P.release, use: release)
    }

    static func state(_ req: Request, _ v: Volunteer) -> String { req.t(v.volunteerState.zh, v.volunteerState.en) }

    @Sendable static func mine(req: Request) async throws -> Response {
        if let actor = req.actor, actor.role != .resident { return req.redirect(to: SiteURL.Volunteers.manage.path) }
        let (actor, r) = try await PointsPages.resident(req)
        let s = VolunteerService(req: req)
        let community = try await PointsService(req: req).community(of: r)
        let v = try await s.mine(r)
        let teams = try await s.teams(under: community.path)
        let status: HTML = v.map { v -> HTML in """
            <div class="card"><p>\(req.t("注册状态", "Registration"))：<b>\(state(req, v))</b></p>\
            \(v.decisionNote.map { HTML("<p>\(req.t("社区说明", "From the community"))：\($0)</p>") } ?? .empty)\
            \(v.volunteerState == .pending ? HTML("<p class=\"muted\">\(req.t("社区工作人员审核后即可认领岗位。", "Once community staff approve you, you can claim posts."))</p>") : .empty)</div>
            """ } ?? HTML("<p>\(req.t("填写下面的表格注册成为志愿者，社区审核通过后即可认领岗位、报名活动赚积分。", "Fill in the form to register as a volunteer; once the community approves, you can claim posts."))</p>")
        var posts: [HTML] = []
        if v?.volunteerState == .approved {
            for p in try await s.posts(under: community.path) {
                let dto = VolunteerPostDTO(p, viewer: actor, volunteer: v)
                let button: HTML = dto.mine
                    ? "<form method=\"post\" action=\"\(SiteURL.Volunteers.release(p.id!).path)\" class=\"inline\">\(Form.csrf(req))<button class=\"secondary\">\(req.t("不再担任", "Give it up"))</button></form>"
                    : p.postState == .open
                    ? "<form method=\"post\" action=\"\(SiteURL.Volunteers.claim(p.id!).path)\" class=\"inline\">\(Form.csrf(req))<button>\(req.t("认领", "Claim"))</button></form>"
                    : HTML("\(req.t("已由 \(dto.holder ?? "") 认领", "Claimed by \(dto.holder ?? "")"))")
                posts.append("""
                <tr><td data-label="\(req.t("岗位", "Post"))">\(p.title)</td><td data-label="\(req.t("地点", "Where"))">\(p.place)</td>
                <td data-label="\(req.t("职责", "Duties"))">\(p.duties)</td><td>\(button)</td></tr>
                """)
            }
        }
        let postTable: HTML = posts.isEmpty ? .empty : """
            <h2>\(req.t("志愿岗位", "Volunteer posts"))</h2>
            <table class="list"><thead><tr><th>\(req.t("岗位", "Post"))</th><th>\(req.t("地点", "Where"))</th><th>\(req.t("职责", "Duties"))</th><th></th></tr></thead>
            <tbody>\(posts)</tbody></table>
            """
        let teamOptions = teams.map { ($0.id!.uuidString, $0.name) }
        let partnerNames = try await PartnerService(req: req).partnerNames(serving: community.path)
        return try await Layout(req: req, title: req.t("志愿者注册", "Volunteer registration")).render("""
        \(status)
        <form method="post" action="\(SiteURL.Volunteers.mine.path)" class="card">\(Form.csrf(req))
        \(Form.field(req.t("特长技能", "Skills"), name: "skills", value: v?.skills, required: true, hint: req.t("例如：理发、维修、医护、文艺", "e.g. haircuts, repairs, first aid, music")))
        \(Form.field(req.t("可服务时间", "When you can help"), name: "availability", value: v?.availability, required: true, hint: req.t("例如：周末上午", "e.g. weekend mornings")))
        \(Form.select(req.t("所属志愿服务队", "Volunteer team"), name: "team", options: teamOptions, selected: v?.teamID?.uuidString, includeBlank: req.t("（暂不加入）", "(none)")))
        \(Form.field(req.t("所在单位或组织", "Work unit or organisation"), name: "organisation", value: v?.organisation,
                     hint: req.t("在职党员、红色合伙人单位员工请填写单位名称；党员不填则按报到单位", "Party members and partners' staff: your unit or partner (party members: left blank, the unit you reported from)"),
                     attrs: "list=\"partners\""))
        <datalist id="partners">\(partnerNames.map { HTML("<option value=\"\($0)\">") })</datalist>
        <button class="button big">\(v == nil ? req.t("提交注册", "Register") : req.t("保存", "Save"))</button></form>
        \(postTable)
        <p><a href="\(SiteURL.Activities.list.path)">\(req.t("志愿活动", "Volunteer activities"))</a> · <a href="\(SiteURL.Points.passbook(page: nil).path)">\(req.t("我的积分", "My points"))</a></p>
        """).encodeResponse(for: req)
    }

    struct RegisterForm: Content { var skills: String?; var availability: String?; var team: String?; var organisation: String? }

    @Sendable static func save(req: Request) async throws -> Response {
        let (_, r) = try await PointsPages.resident(req)
        let f = try req.content.decode(RegisterForm.self)
        return try await PointsStaffPages.attempt(req, back: SiteURL.Volunteers.mine.path) {
            let v = try await VolunteerService(req: req).register(r, .init(skills: f.skills, availability: f.availability, team: f.team, organisation: f.organisation))
            return v.volunteerState == .approved ? req.t("已保存。", "Saved.")
                : req.t("已提交，等待社区审核。", "Sent: the community will review your registration.")
        }
    }

    @Sendable static func claim(req: Request) async throws -> Response {
        let (_, r) = try await PointsPages.resident(req)
        return try await PointsStaffPages.attempt(req, back: SiteURL.Volunteers.mine.path) {
            let p = try await VolunteerService(req: req).claim(try req.idParameter(), by: r)
            return req.t("已认领岗位：\(p.title)", "You hold the post: \(p.title)")
        }
    }

    /// The holder gives a post up (back to their page), or staff release it (back to theirs).
    @Sendable static func release(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let back = actor.role == .resident ? SiteURL.Volunteers.mine.path : SiteURL.Volunteers.manage.path
        return try await PointsStaffPages.attempt(req, back: back) {
            let p = try await VolunteerService(req: req).release(try req.idParameter(), by: actor)
            return req.t("岗位「\(p.title)」已空出，可重新认领。", "The post \(p.title) is open again.")
        }
    }
}
