import Fluent
import JingzhiCore
import Vapor

/// The community staff's volunteer page: registrations to approve or decline, the approved volunteers, teams, and
/// posts with their holders.
enum VolunteerStaffPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Volunteers.Pattern
        staff.get(P.manage, use: manage)
        staff.post(P.approve, use: approve)
        staff.post(P.decline, use: decline)
        staff.post(P.teams, use: createTeam)
        staff.post(P.posts, use: createPost)
    }

    @Sendable static func manage(req: Request) async throws -> HTML {
        let actor = try PointsStaffPages.staff(req)
        let s = VolunteerService(req: req)
        let all = PageRequest(page: 1, per: 200)
        let (pending, _) = try await s.list(within: actor.scope, under: "", state: .pending, page: all)
        let (approved, approvedTotal) = try await s.list(within: actor.scope, under: "", state: .approved, page: all)
        let teams = try await VolunteerTeam.query(on: req.db).within(actor.scope).sort(\.$name).limit(500).all()
        let posts = try await VolunteerPost.query(on: req.db).within(actor.scope).sort(\.$title).sort(\.$place).limit(500).all()
        let communities = try await PointsStaffPages.communities(actor, on: req.db)
        let teamNames = Dictionary(teams.map { ($0.id!, $0.name) }) { a, _ in a }
        let csrf = Form.csrf(req)
        let pendingRows: [HTML] = pending.map { v in """
            <tr><td data-label="\(req.t("姓名", "Name"))">\(v.residentName)</td><td data-label="\(req.t("特长", "Skills"))">\(v.skills)</td>
            <td data-label="\(req.t("时间", "Availability"))">\(v.availability)</td>
            <td data-label="\(req.t("队伍/单位", "Team / unit"))">\(v.teamID.flatMap { teamNames[$0] } ?? "") \(v.organisation)</td>
            <td><form method="post" action="\(SiteURL.Volunteers.approve(v.id!).path)" class="inline">\(csrf)<input type="hidden" name="version" value="\(v.version)">\
            <button>\(req.t("通过", "Approve"))</button></form>
            <form method="post" action="\(SiteURL.Volunteers.decline(v.id!).path)" class="inline">\(csrf)<input type="hidden" name="version" value="\(v.version)">\
            <label class="field"><span>\(req.t("不通过的原因", "Why declined"))</span><input name="note" required></label>\
            <button class="secondary">\(req.t("不通过", "Decline"))</button></form></td></tr>
            """ }
        let approvedRows: [HTML] = approved.map { v in """
            <tr><td data-label="\(req.t("姓名", "Name"))">\(v.residentName)</td><td data-label="\(req.t("特长", "Skills"))">\(v.skills)</td>
            <td data-label="\(req.t("时间", "Availability"))">\(v.availability)</td>
            <td data-label="\(req.t("队伍/单位", "Team / unit"))">\(v.teamID.flatMap { teamNames[$0] } ?? "") \(v.organisation)</td></tr>
            """ }
        let postRows: [HTML] = posts.map { p in """
            <tr><td data-label="\(req.t("岗位", "Post"))">\(p.title)</td><td data-label="\(req.t("地点", "Where"))">\(p.place)</td>
            <td data-label="\(req.t("状态", "State"))">\(req.t(p.postState.zh, p.postState.en))\(p.holderName.map { "：\($0)" } ?? "")</td>
            <td>\(p.postState == .claimed ? HTML("""
            <form method="post" action="\(SiteURL.Volunteers.release(p.id!).path)" class="inline">\(csrf)<button class="secondary">\(req.t("收回岗位", "Release"))</button></form>
            """) : .empty)</td></tr>
            """ }
        let communityOptions = communities.map { ($0.id!.uuidString, $0.name) }
        let none = { (cols: Int, zh: String, en: String) -> [HTML] in ["<tr><td colspan=\"\(cols)\" class=\"muted\">\(req.t(zh, en))</td></tr>"] }
        return Layout(req: req, title: req.t("志愿者", "Volunteers"), wide: true).render("""
        <h2>\(req.t("待审核的注册", "Registrations to review")) (\(pending.count))</h2>
        <table class="list"><thead><tr><th>\(req.t("姓名", "Name"))</th><th>\(req.t("特长", "Skills"))</th><th>\(req.t("时间", "Availability"))</th>\
        <th>\(req.t("队伍/单位", "Team / unit"))</th><th></th></tr></thead>
        <tbody>\(pendingRows.isEmpty ? none(5, "没有待审核的注册", "Nothing to review") : pendingRows)</tbody></table>
        <h2>\(req.t("已通过的志愿者", "Approved volunteers")) (\(approvedTotal))</h2>
        <table class="list"><thead><tr><th>\(req.t("姓名", "Name"))</th><th>\(req.t("特长", "Skills"))</th><th>\(req.t("时间", "Availability"))</th>\
        <th>\(req.t("队伍/单位", "Team / unit"))</th></tr></thead>
        <tbody>\(approvedRows.isEmpty ? none(4, "暂无", "None yet") : approvedRows)</tbody></table>
        <h2>\(req.t("志愿岗位", "Volunteer posts"))</h2>
        <table class="list"><thead><tr><th>\(req.t("岗位", "Post"))</th><th>\(req.t("地点", "Where"))</th><th>\(req.t("状态", "State"))</th><th></th></tr></thead>
        <tbody>\(postRows.isEmpty ? none(4, "暂无岗位", "No posts yet") : postRows)</tbody></table>
        <form method="post" action="\(SiteURL.Volunteers.posts.path)" class="card">\(csrf)<h2>\(req.t("设立岗位", "New post"))</h2>
        \(Form.select(req.t("社区", "Community"), name: "community", options: communityOptions, selected: nil, required: true))
        \(Form.field(req.t("岗位名称", "Post"), name: "title", required: true, hint: req.t("例如：楼栋长、文明劝导员", "e.g. building head, civility adviser")))
        \(Form.field(req.t("地点", "Where"), name: "place"))
        \(Form.field(req.t("职责", "Duties"), name: "duties"))
        <button>\(req.t("设立", "Create"))</button></form>
        <h2>\(req.t("志愿服务队", "Volunteer teams"))</h2>
        <ul>\(teams.map { HTML("<li>\($0.name)\($0.description.isEmpty ? "" : "：\($0.description)")</li>") })</ul>
        <form method="post" action="\(SiteURL.Volunteers.teams.path)" class="card">\(csrf)<h2>\(req.t("新建志愿服务队", "New team"))</h2>
        \(Form.select(req.t("社区", "Community"), name: "community", options: communityOptions, selected: nil, required: true))
        \(Form.field(req.t("队名", "Name"), name: "name", required: true))
        \(Form.field(req.t("简介", "Description"), name: "description"))
        <button>\(req.t("新建", "Create"))</button></form>
        """)
    }

    struct DecideForm: Content { var note: String?; var version: Int? }

    @Sendable static func approve(req: Request) async throws -> Response { try await decide(req, approve: true) }
    @Sendable static func decline(req: Request) async throws -> Response { try await decide(req, approve: false) }

    static func decide(_ req: Request, approve: Bool) async throws -> Response {
        let actor = try PointsStaffPages.staff(req)
        let f = try req.content.decode(DecideForm.self)
        return try await PointsStaffPages.attempt(req, back: SiteURL.Volunteers.manage.path) {
            let v = try await VolunteerService(req: req).decide(try req.idParameter(), approve: approve, note: f.note, expectedVersion: f.version, by: actor)
            return approve ? req.t("已通过 \(v.residentName) 的志愿者注册", "\(v.residentName) is now a volunteer")
                : req.t("已退回 \(v.residentName) 的注册", "\(v.residentName)'s registration was declined")
        }
    }

    struct TeamForm: Content { var community: String?; var name: String?; var description: String? }

    @Sendable static func createTeam(req: Request) async throws -> Response {
        let actor = try PointsStaffPages.staff(req)
        let f = try req.content.decode(TeamForm.self)
        return try await PointsStaffPages.attempt(req, back: SiteURL.Volunteers.manage.path) {
            let t = try await VolunteerService(req: req).createTeam(community: f.community, name: f.name, description: f.description, by: actor)
            return req.t("已新建志愿服务队：\(t.name)", "Team created: \(t.name)")
        }
    }

    struct PostForm: Content { var community: String?; var title: String?; var place: String?; var duties: String? }

    @Sendable static func createPost(req: Request) async throws -> Response {
        let actor = try PointsStaffPages.staff(req)
        let f = try req.content.decode(PostForm.self)
        return try await PointsStaffPages.attempt(req, back: SiteURL.Volunteers.manage.path) {
            let p = try await VolunteerService(req: req).createPost(community: f.community, title: f.title, place: f.place, duties: f.duties, by: actor)
            return req.t("已设立岗位：\(p.title)", "Post created: \(p.title)")
        }
    }
}
