import Fluent
import JingzhiCore
import Vapor

/// The resident's phone pages for volunteer activities (志愿活动): the community's list, one activity with a big
/// sign-up or cancel button, and the page the venue's QR code opens to check in and out.
enum ActivityPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Activities.Pattern
        staff.get(P.list, use: list)
        staff.get(P.show, use: show)
        staff.post(P.signUp, use: signUp)
        staff.post(P.cancel, use: cancel)
        staff.post(P.confirm, use: confirm)
        staff.get(P.scan, use: scanPage)
        staff.post(P.scan, use: scan)
    }

    static func when(_ a: VolunteerActivity) -> String {
        "\(ShanghaiTime.format(a.startsAt, "M月d日 HH:mm"))–\(ShanghaiTime.format(a.endsAt, "HH:mm"))"
    }

    static func points(_ req: Request, _ a: VolunteerActivity) -> String {
        if let h = a.pointsPerHour { return req.t("每小时 \(h) 分", "\(h) points an hour") }
        return req.t("每次 \(a.pointsPerAttendance ?? 0) 分", "\(a.pointsPerAttendance ?? 0) points per attendance")
    }

    static func state(_ req: Request, _ row: ActivityAttendance) -> String {
        req.t(row.state.zh, row.state.en)
    }

    @Sendable static func list(req: Request) async throws -> Response {
        if let actor = req.actor, actor.role != .resident { return req.redirect(to: SiteURL.Activities.manage.path) }
        let (_, r) = try await PointsPages.resident(req)
        let community = try await PointsService(req: req).community(of: r)
        let s = ActivityService(req: req)
        let (items, _) = try await s.list(under: community.path, upcoming: true, page: PageRequest(page: 1, per: 50))
        var cards: [HTML] = []
        for a in items {
            let mine = try await s.attendance(of: r.id!, in: a)
            let left = a.capacity - (try await s.seatsTaken(a, on: req.db))
            cards.append("""
            <a class="button big" href="\(SiteURL.Activities.show(a.id!).path)">\(a.title)<br><small>\(when(a)) · \(a.placeName) · \(points(req, a))</small><br>\
            <small>\(mine.map { state(req, $0) } ?? (left > 0 ? req.t("还剩 \(left) 个名额", "\(left) seats left") : req.t("已满，可候补", "Full: join the waiting list")))</small></a>
            """)
        }
        return try await Layout(req: req, title: req.t("志愿活动", "Volunteer activities")).render("""
        <div class="big-actions">\(cards.isEmpty ? [HTML("<p class=\"muted\">\(req.t("本社区近期没有志愿活动", "No upcoming activities in your community"))</p>")] : cards)</div>
        <p><a href="\(SiteURL.Points.passbook(page: nil).path)">\(req.t("我的积分", "My points"))</a> ·
        <a href="\(SiteURL.Volunteers.mine.path)">\(req.t("我要当志愿者", "Volunteer with us"))</a> ·
        <a href="\(SiteURL.Points.rankings(node: nil, period: nil).path)">\(req.t("志愿者排行榜", "Volunteer rankings"))</a></p>
        """).encodeResponse(for: req)
    }

    @Sendable static func show(req: Request) async throws -> HTML {
        let (_, r) = try await PointsPages.resident(req)
        let s = ActivityService(req: req)
        let a = try await s.activity(try req.idParameter(), within: .everything)
        let mine = try await s.attendance(of: r.id!, in: a)
        let left = a.capacity - (try await s.seatsTaken(a, on: req.db))
        let action: HTML
        switch mine?.state {
        case nil, .cancelled?:
            action = a.endsAt > req.now ? """
                <form method="post" action="\(SiteURL.Activities.signUp(a.id!).path)">\(Form.csrf(req))
                <button class="button big">\(left > 0 ? req.t("报名参加", "Sign up") : req.t("名额已满，加入候补", "Full: join the waiting list"))</button></form>
                """ : HTML("<p class=\"muted\">\(req.t("活动已结束", "The activity has ended"))</p>")
        case .offered?:
            action = """
            <p><b>\(state(req, mine!))</b>：\(req.t("有人取消，名额留给您到 \(ShanghaiTime.format(mine!.offerExpiresAt ?? a.startsAt, "M月d日 HH:mm"))，逾期将让给下一位候补。",
                                                  "a seat freed for you until \(ShanghaiTime.format(mine!.offerExpiresAt ?? a.startsAt, "M/d HH:mm")); after that it goes to the next person."))</p>
            <form method="post" action="\(SiteURL.Activities.confirm(a.id!).path)">\(Form.csrf(req))<button class="button big">\(req.t("确认参加", "Confirm my seat"))</button></form>
            <form method="post" action="\(SiteURL.Activities.cancel(a.id!).path)">\(Form.csrf(req))<button class="button big secondary">\(req.t("不参加了", "I cannot come"))</button></form>
            """
        case .signedUp?, .waiting?:
            action = """
            <p><b>\(state(req, mine!))</b>\(mine?.promotedAt != nil ? HTML("：\(req.t("有人取消，您已从候补转为正式报名", "a seat freed: you moved up from the waiting list"))") : .empty)</p>
            \(a.startsAt > req.now ? HTML("""
            <form method="post" action="\(SiteURL.Activities.cancel(a.id!).path)">\(Form.csrf(req))<button class="button big secondary">\(req.t("取消报名", "Cancel my sign-up"))</button></form>
            """) : .empty)
            <p class="muted">\(req.t("到场后请扫描现场的二维码签到。", "At the venue, scan the code shown there to check in."))</p>
            """
        case let s?:
            action = HTML("<p><b>\(req.t(s.zh, s.en))</b>\(mine?.points.map { " · +\($0) \(req.t("分", "points"))" } ?? "")</p>")
        }
        let organiser = ActivityService.organiserWords(req.lang, try await s.organiser(a))
        return Layout(req: req, title: a.title).render("""
        <div class="card"><p>\(req.t("组织方", "Organised by"))：\(organiser)</p>
        <p>\(req.t("时间", "When"))：\(when(a))</p><p>\(req.t("地点", "Where"))：\(a.placeName)</p>
        <p>\(req.t("积分", "Points"))：\(points(req, a))</p><p>\(req.t("名额", "Seats"))：\(max(0, left)) / \(a.capacity)\(a.reservedSeats > 0 ? req.t("（其中 \(a.reservedSeats) 个留给志愿者）", " (\(a.reservedSeats) held for volunteers)") : "")</p>
        \(conditions(req, a).map { HTML("<p>\(req.t("报名条件", "Who may sign up"))：\($0)</p>") } ?? .empty)</div>
        <div class="big-actions">\(action)</div>
        <p><a href="\(SiteURL.Activities.list.path)">\(req.t("返回活动列表", "Back to activities"))</a></p>
        """)
    }

    @Sendable static func signUp(req: Request) async throws -> Response {
        let (_, r) = try await PointsPages.resident(req)
        let s = ActivityService(req: req)
        let a = try await s.activity(try req.idParameter(), within: .everything)
        return try await PointsStaffPages.attempt(req, back: SiteURL.Activities.show(a.id!).path) {
            let row = try await s.signUp(a, resident: r)
            return row.state == .waiting ? req.t("名额已满，您已进入候补；有人取消时会自动递补。", "The activity is full: you are on the waiting list and move up when a seat frees.")
                : req.t("报名成功。", "You are signed up.")
        }
    }

    /// Who may sign up, in words, or nil when anyone may.
    static func conditions(_ req: Request, _ a: VolunteerActivity) -> String? {
        var parts: [String] = []
        if !a.tagList.isEmpty { parts.append(req.t("限「\(a.tagList.joined(separator: "、"))」", "tagged \(a.tagList.joined(separator: ", "))")) }
        switch (a.minAge, a.maxAge) {
        case let (lo?, hi?): parts.append(req.t("\(lo)–\(hi) 岁", "aged \(lo)–\(hi)"))
        case let (lo?, nil): parts.append(req.t("\(lo) 岁及以上", "aged \(lo) or more"))
        case let (nil, hi?): parts.append(req.t("\(hi) 岁及以下", "aged \(hi) or less"))
        default: break
        }
        return parts.isEmpty ? nil : parts.joined(separator: req.t("，", ", "))
    }

    @Sendable static func confirm(req: Request) async throws -> Response {
        let (_, r) = try await PointsPages.resident(req)
        let s = ActivityService(req: req)
        let a = try await s.activity(try req.idParameter(), within: .everything)
        return try await PointsStaffPages.attempt(req, back: SiteURL.Activities.show(a.id!).path) {
            _ = try await s.confirm(a, resident: r.id!)
            return req.t("已确认，您已正式报名。", "Confirmed: you are signed up.")
        }
    }

    @Sendable static func cancel(req: Request) async throws -> Response {
        let (_, r) = try await PointsPages.resident(req)
        let s = ActivityService(req: req)
        let a = try await s.activity(try req.idParameter(), within: .everything)
        return try await PointsStaffPages.attempt(req, back: SiteURL.Activities.show(a.id!).path) {
            _ = try await s.cancel(a, resident: r.id!)
            return req.t("已取消报名。", "Your sign-up is cancelled.")
        }
    }

    /// What scanning the venue's QR code opens: one big button, check in or check out.
    @Sendable static func scanPage(req: Request) async throws -> HTML {
        let (_, r) = try await PointsPages.resident(req)
        let s = ActivityService(req: req)
        let a = try await s.activity(try req.idParameter(), within: .everything)
        let code = (try? req.query.get(String.self, at: "code")) ?? ""
        let mine = try await s.attendance(of: r.id!, in: a)
        let out = mine?.state == .checkedIn
        return Layout(req: req, title: a.title).render("""
        <p>\(when(a)) · \(a.placeName)</p>
        \(mine.map { HTML("<p>\(req.t("当前状态", "Now"))：<b>\(state(req, $0))</b></p>") } ?? .empty)
        <form method="post" action="\(SiteURL.Activities.scan(a.id!, code: nil).path)" class="big-actions">\(Form.csrf(req))
        <input type="hidden" name="code" value="\(code)"><input type="hidden" name="direction" value="\(out ? "out" : "in")">
        <button class="button big">\(out ? req.t("签退", "Check out") : req.t("签到", "Check in"))</button></form>
        """)
    }

    struct ScanForm: Content { var code: String?; var direction: String? }

    @Sendable static func scan(req: Request) async throws -> Response {
        let (_, r) = try await PointsPages.resident(req)
        let a = try await ActivityService(req: req).activity(try req.idParameter(), within: .everything)
        let f = try req.content.decode(ScanForm.self)
        let service = AttendanceService(req: req)
        return try await PointsStaffPages.attempt(req, back: SiteURL.Activities.show(a.id!).path) {
            if f.direction == "out" {
                let row = try await service.checkOut(a, resident: r.id!, code: f.code)
                return req.t("签退成功，本次 \(row.attendedMinutes(a)) 分钟，待组织者核定后发放积分。",
                             "Checked out: \(row.attendedMinutes(a)) minutes; points come once the organiser verifies them.")
            }
            _ = try await service.checkIn(a, resident: r.id!, code: f.code)
            return req.t("签到成功。离开时请再扫一次码签退。", "Checked in. Scan the code again when you leave to check out.")
        }
    }
}
