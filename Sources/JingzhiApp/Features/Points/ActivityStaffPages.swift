import Fluent
import JingzhiCore
import Vapor

/// The organiser's pages: activities in scope and a form for a new one, one activity's people with attendance by
/// hand and verification, and the venue's QR code that changes every few minutes.
enum ActivityStaffPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Activities.Pattern
        staff.get(P.manage, use: manage)
        staff.post(P.manage, use: create)
        staff.get(P.organise, use: organise)
        staff.get(P.qr, use: qr)
        staff.post(P.present, use: present)
        staff.post(P.verify, use: verify)
    }

    @Sendable static func manage(req: Request) async throws -> HTML {
        let actor = try organiser(req)
        let service = ActivityService(req: req)
        let items = try await service.organising(actor)
        let communities = try await organiserCommunities(req, actor)
        let teams = actor.role == .partner ? [] : try await VolunteerTeam.query(on: req.db).within(actor.scope).sort(\.$name).limit(200).all()
        var rows: [HTML] = []
        for a in items {
            let by = ActivityService.organiserWords(req.lang, try await service.organiser(a))
            rows.append("""
            <tr><td data-label="\(req.t("活动", "Activity"))"><a href="\(SiteURL.Activities.organise(a.id!).path)">\(a.title)</a></td>
            <td data-label="\(req.t("组织方", "Organiser"))">\(by)</td>
            <td data-label="\(req.t("时间", "When"))">\(ActivityPages.when(a))</td><td data-label="\(req.t("地点", "Where"))">\(a.placeName)</td>
            <td data-label="\(req.t("名额", "Seats"))">\(a.capacity)</td><td data-label="\(req.t("积分", "Points"))">\(ActivityPages.points(req, a))</td></tr>
            """)
        }
        let teamField: HTML = actor.role == .partner ? .empty : Form.select(req.t("组织的志愿服务队（可不选）", "Organising team (optional)"), name: "team",
            options: teams.map { ($0.id!.uuidString, $0.name) }, selected: nil, includeBlank: req.t("（社区组织）", "(the community)"))
        return Layout(req: req, title: req.t("志愿活动", "Volunteer activities"), wide: true).render("""
        <table class="list"><thead><tr><th>\(req.t("活动", "Activity"))</th><th>\(req.t("组织方", "Organiser"))</th><th>\(req.t("时间", "When"))</th><th>\(req.t("地点", "Where"))</th>\
        <th>\(req.t("名额", "Seats"))</th><th>\(req.t("积分", "Points"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"6\" class=\"muted\">\(req.t("暂无活动", "No activities yet"))</td></tr>"] : rows)</tbody></table>
        <form method="post" action="\(SiteURL.Activities.manage.path)" class="card">\(Form.csrf(req))<h2>\(req.t("发布志愿活动", "New volunteer activity"))</h2>
        \(Form.select(req.t("社区", "Community"), name: "community", options: communities.map { ($0.id!.uuidString, $0.name) }, selected: nil, required: true))
        \(Form.field(req.t("活动名称", "Title"), name: "title", required: true))
        \(Form.field(req.t("地点（节点编码，可不填）", "Place (node code, optional)"), name: "place"))
        \(Form.field(req.t("开始时间", "Starts"), name: "startsAt", type: "datetime-local", required: true))
        \(Form.field(req.t("结束时间", "Ends"), name: "endsAt", type: "datetime-local", required: true))
        \(Form.field(req.t("名额", "Seats"), name: "capacity", value: "20", type: "number", required: true, attrs: "min=\"1\" step=\"1\""))
        \(Form.field(req.t("每小时积分（按时长）", "Points per hour (by time)"), name: "pointsPerHour", type: "number", attrs: "min=\"1\" step=\"1\""))
        \(Form.field(req.t("或每次积分（按到场）", "Or points per attendance"), name: "pointsPerAttendance", type: "number", attrs: "min=\"1\" step=\"1\""))
        \(Form.field(req.t("留给志愿者的名额", "Seats held for volunteers"), name: "reservedSeats", value: "0", type: "number", attrs: "min=\"0\" step=\"1\""))
        \(teamField)
        \(Form.field(req.t("限哪些居民标签报名（可不填）", "Only residents tagged (optional)"), name: "requiredTags", hint: req.t("例如：党员、退役军人", "e.g. 党员, 退役军人")))
        \(Form.field(req.t("最小年龄（可不填）", "Youngest age (optional)"), name: "minAge", type: "number", attrs: "min=\"0\" max=\"120\" step=\"1\""))
        \(Form.field(req.t("最大年龄（可不填）", "Oldest age (optional)"), name: "maxAge", type: "number", attrs: "min=\"0\" max=\"120\" step=\"1\""))
        <button>\(req.t("发布", "Publish"))</button></form>
        """)
    }

    /// Staff, or a partner account (which runs its own organisation's activities).
    static func organiser(_ req: Request) throws -> Actor {
        let actor = try req.requireActor()
        try ActivityService.requireOrganiserRole(actor)
        return actor
    }

    /// Where the organiser may hold an activity: staff the communities in scope; a partner those of the area it serves.
    static func organiserCommunities(_ req: Request, _ actor: Actor) async throws -> [OrgNode] {
        guard actor.role == .partner else { return try await PointsStaffPages.communities(actor, on: req.db) }
        guard let p = try await PartnerService(req: req).partner(of: actor) else { return [] }
        return try await OrgNode.query(on: req.db).filter(\.$kindRaw == NodeKind.community.rawValue).within(DataScope(rootPath: p.nodePath))
            .sort(\.$path).limit(200).all()
    }

    struct CreateForm: Content {
        var community, place, title, startsAt, endsAt, capacity, pointsPerHour, pointsPerAttendance: String?
        var reservedSeats, requiredTags, minAge, maxAge, team: String?
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try organiser(req)
        let f = try req.content.decode(CreateForm.self)
        let number = { (s: String?) in s.flatMap { $0.isEmpty ? nil : Double($0) ?? .nan } }
        let input = ActivityService.Input(community: f.community, place: f.place, title: f.title, startsAt: f.startsAt, endsAt: f.endsAt,
                                          capacity: number(f.capacity), pointsPerHour: number(f.pointsPerHour), pointsPerAttendance: number(f.pointsPerAttendance),
                                          reservedSeats: number(f.reservedSeats), requiredTags: f.requiredTags, minAge: number(f.minAge), maxAge: number(f.maxAge),
                                          team: f.team)
        return try await PointsStaffPages.attempt(req, back: SiteURL.Activities.manage.path) {
            let a = try await ActivityService(req: req).create(input, by: actor)
            let notice = ActivityNotice.message(await ActivityNotice.publish(a, by: actor, req: req), req: req)
            return req.t("已发布：\(a.title)；\(notice)", "Published: \(a.title); \(notice)")
        }
    }

    @Sendable static func organise(req: Request) async throws -> HTML {
        let actor = try organiser(req)
        let (a, _) = try await ActivityService(req: req).organised(try req.idParameter(), by: actor)
        let rows = try await ActivityAttendance.query(on: req.db).filter(\.$activityID == a.id!).sort(\.$signedUpAt).all()
        let lines: [HTML] = rows.map { r in
            let present: HTML = [.signedUp, .noShow, .checkedIn].contains(r.state) && a.startsAt <= req.now ? """
                <form method="post" action="\(SiteURL.Activities.present(a.id!, attendance: r.id!).path)" class="inline">\(Form.csrf(req))<button>\(req.t("补记到场", "Mark present"))</button></form>
                """ : .empty
            let verify: HTML = r.state == .checkedOut ? """
                <form method="post" action="\(SiteURL.Activities.verify(a.id!, attendance: r.id!).path)" class="inline">\(Form.csrf(req))
                <input name="minutes" type="number" min="0" step="1" value="\(r.attendedMinutes(a))" aria-label="\(req.t("分钟", "Minutes"))" style="width:6em">
                <button>\(req.t("核定", "Verify"))</button></form>
                """ : .empty
            return """
            <tr><td data-label="\(req.t("姓名", "Name"))">\(r.residentName)</td><td data-label="\(req.t("状态", "State"))">\(ActivityPages.state(req, r))</td>
            <td data-label="\(req.t("时长", "Minutes"))">\(r.minutes ?? r.attendedMinutes(a))</td><td data-label="\(req.t("积分", "Points"))">\(r.points.map(String.init) ?? "—")</td>
            <td>\(present)\(verify)</td></tr>
            """
        }
        let organisedBy = ActivityService.organiserWords(req.lang, try await ActivityService(req: req).organiser(a))
        return Layout(req: req, title: a.title, wide: true).render("""
        <p>\(ActivityPages.when(a)) · \(a.placeName) · \(ActivityPages.points(req, a)) · \(req.t("名额", "seats")) \(a.capacity)</p>
        <p class="muted">\(organisedBy)</p>
        <p class="actions"><a class="button" href="\(SiteURL.Activities.qr(a.id!).path)">\(req.t("显示签到二维码", "Show the check-in QR code"))</a></p>
        \((try? NoticeService.requireSender(actor)) != nil ? HTML("""
            <form method="post" action="\(SiteURL.Activities.announce(a.id!).path)" class="inline" data-confirm="\(req.t("向本社区居民、网格员和合伙单位发通知？", "Announce this to the community's residents, grid workers and partners?"))">\(Form.csrf(req))
            <button class="secondary">\(req.t("发通知", "Announce"))</button></form>
            """) : .empty)
        <table class="list"><thead><tr><th>\(req.t("姓名", "Name"))</th><th>\(req.t("状态", "State"))</th><th>\(req.t("分钟", "Minutes"))</th><th>\(req.t("积分", "Points"))</th><th></th></tr></thead>
        <tbody>\(lines.isEmpty ? ["<tr><td colspan=\"5\" class=\"muted\">\(req.t("还没有人报名", "Nobody has signed up yet"))</td></tr>"] : lines)</tbody></table>
        <p><a href="\(SiteURL.Activities.manage.path)">\(req.t("返回活动列表", "Back to activities"))</a></p>
        """)
    }

    /// The venue's QR code: a link with the current code; the page reloads every minute so the screen always shows a live one.
    @Sendable static func qr(req: Request) async throws -> HTML {
        let actor = try organiser(req)
        let (a, _) = try await ActivityService(req: req).organised(try req.idParameter(), by: actor)
        let code = AttendanceService.code(a, at: req.now)
        // The host the organiser's browser used, so the phone opens the same site.
        let link = req.publicBase + SiteURL.Activities.scan(a.id!, code: code).path
        let svg = try? QRCode.encode(link).svg(moduleSize: 8, quietZone: 4, title: req.t("签到码 \(code)", "Check-in code \(code)"))
        return Layout(req: req, title: req.t("扫码签到：\(a.title)", "Scan to check in: \(a.title)")).render("""
        <div class="card qr" data-reload-every="60">\(svg.map { HTML(raw: $0) } ?? .empty)<p class="code">\(code)</p>
        <p class="muted">\(req.t("请用手机扫码签到、签退。二维码每 3 分钟更换，截图无效。", "Scan with your phone to check in and out. The code changes every 3 minutes; photos of it stop working."))</p></div>
        <p><a class="button" href="\(SiteURL.Activities.qr(a.id!).path)">\(req.t("刷新二维码", "Show the current code"))</a>
        <a href="\(SiteURL.Activities.organise(a.id!).path)">\(req.t("返回名单", "Back to the list"))</a></p>
        """)
    }

    @Sendable static func present(req: Request) async throws -> Response {
        let actor = try organiser(req)
        let (a, _) = try await ActivityService(req: req).organised(try req.idParameter(), by: actor)
        let id = req.parameters.get("attendance").flatMap(UUID.init(uuidString:))
        return try await PointsStaffPages.attempt(req, back: SiteURL.Activities.organise(a.id!).path) {
            let r = try await AttendanceService(req: req).markPresent(a, attendance: id, by: actor)
            return req.t("已补记 \(r.residentName) 到场", "Marked \(r.residentName) present")
        }
    }

    struct VerifyForm: Content { var minutes: String? }

    @Sendable static func verify(req: Request) async throws -> Response {
        let actor = try organiser(req)
        let (a, _) = try await ActivityService(req: req).organised(try req.idParameter(), by: actor)
        let id = req.parameters.get("attendance").flatMap(UUID.init(uuidString:))
        let f = try req.content.decode(VerifyForm.self)
        return try await PointsStaffPages.attempt(req, back: SiteURL.Activities.organise(a.id!).path) {
            let (r, _) = try await AttendanceService(req: req).verify(a, attendance: id, minutes: f.minutes.flatMap(Double.init), by: actor)
            return req.t("已核定 \(r.residentName) \(r.minutes ?? 0) 分钟，发放 \(r.points ?? 0) 分", "Verified \(r.residentName): \(r.minutes ?? 0) minutes, \(r.points ?? 0) points")
        }
    }
}
