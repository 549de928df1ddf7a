import Fluent
import JingzhiCore
import Vapor

/// Registration and attendance on a meeting's page: residents register or cancel with one big button and check in by
/// scanning the code on the organiser's screen; the organiser sees who registered and came, shows the rotating QR
/// code at the venue and enters attendance by hand.
enum MeetingAttendancePages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Deliberation.Pattern
        staff.post(P.registration, use: registration)
        staff.get(P.checkInCode, use: qr)
        staff.get(P.checkIn, use: checkInPage)
        staff.post(P.checkIn, use: checkIn)
        staff.post(P.attendance, use: attendance)
    }

    static func section(_ req: Request, _ actor: Actor, _ m: Meeting) async throws -> HTML {
        let service = TopicService(req: req)
        let taken = try await service.seatsTaken(m, on: req.db)
        let seats = m.capacity.map { req.t("名额 \($0) 人，已报名 \(taken) 人", "\($0) seats, \(taken) taken") } ?? req.t("不限名额，已报名 \(taken) 人", "No limit; \(taken) registered")
        var out: [HTML] = ["<h2>\(req.t("报名与签到", "Registration and attendance"))</h2><p>\(seats)</p>"]
        if actor.role == .resident, let rid = actor.user.residentID {
            out.append(try await residentBlock(req, m, try await service.seat(m, resident: rid), full: m.capacity.map { taken >= $0 } ?? false))
        }
        if TopicRole(actor) == .reviewer { out.append(try await organiserBlock(req, m)) }
        return HTML(out)
    }

    static func residentBlock(_ req: Request, _ m: Meeting, _ seat: MeetingAttendance?, full: Bool) async throws -> HTML {
        let state = seat.flatMap { MeetingSeatState(rawValue: $0.state) }
        let path = SiteURL.Deliberation.registration(m.id!).path
        switch state {
        case .attended:
            return "<p class=\"card\"><b>\(req.t("您已签到，谢谢参会！", "You are checked in. Thank you for coming!"))</b></p>"
        case .registered:
            let cancel: HTML = m.startsAt > req.now ? """
                <form method="post" action="\(path)" data-confirm="\(HTML.escape(req.t("确定取消报名？", "Cancel your registration?")))">\(Form.csrf(req))
                <input type="hidden" name="action" value="cancel"><button class="secondary">\(req.t("取消报名", "Cancel my registration"))</button></form>
                """ : .empty
            return """
            <div class="card"><p><b>\(req.t("您已报名。", "You are registered."))</b> \(req.t("到场后请扫描现场的二维码签到。", "At the venue, scan the code shown there to check in."))</p>\(cancel)</div>
            """
        default:
            guard m.startsAt > req.now else { return "<p class=\"muted\">\(req.t("报名已截止，可到场扫码签到。", "Registration has closed; you can still check in at the venue."))</p>" }
            guard !full else { return "<p class=\"card\">\(req.t("名额已满。", "The meeting is full."))</p>" }
            return """
            <form method="post" action="\(path)">\(Form.csrf(req))<input type="hidden" name="action" value="register">
            <button class="button big">\(req.t("我要参会", "Register to attend"))</button></form>
            """
        }
    }

    static func organiserBlock(_ req: Request, _ m: Meeting) async throws -> HTML {
        let rows = try await TopicService(req: req).attendance(of: m)
        let names = Dictionary(uniqueKeysWithValues: try await Resident.query(on: req.db).filter(\.$id ~~ rows.map(\.residentID)).all().map { ($0.id!, $0.name) })
        let attended = rows.filter { $0.state == MeetingSeatState.attended.rawValue }.count
        let lines = rows.map { a -> HTML in
            let state = MeetingSeatState(rawValue: a.state)?.label(req.lang) ?? a.state
            let how = a.channel == "qr" ? req.t("扫码", "scanned") : a.channel == "organiser" ? req.t("组织者登记", "entered") : ""
            return "<tr><td>\(names[a.residentID] ?? "")</td><td>\(state)</td><td>\(how)</td><td>\(a.attendedAt.map { ShanghaiTime.format($0, "HH:mm") } ?? "")</td></tr>"
        }
        let waiting = rows.filter { $0.state == MeetingSeatState.registered.rawValue }
        let enter: HTML = waiting.isEmpty ? .empty : """
            <form method="post" action="\(SiteURL.Deliberation.attendance(m.id!).path)" class="filters card">\(Form.csrf(req))
            \(Form.select(req.t("登记到会（已报名未签到）", "Enter as present (registered, not checked in)"), name: "residentId", options: waiting.map { ($0.residentID.uuidString, names[$0.residentID] ?? "") }, selected: nil, required: true))
            <button>\(req.t("登记到会", "Mark present"))</button></form>
            """
        return """
        <p>\(req.t("已到会 \(attended) 人", "\(attended) present")) · <a class="button" href="\(SiteURL.Deliberation.checkInCode(m.id!).path)">\(req.t("显示签到二维码", "Show the check-in QR code"))</a></p>
        <div class="table-wrap"><table class="stack"><thead><tr><th>\(req.t("姓名", "Name"))</th><th>\(req.t("状态", "State"))</th><th>\(req.t("方式", "How"))</th><th>\(req.t("签到时间", "Checked in"))</th></tr></thead>
        <tbody>\(lines.isEmpty ? ["<tr><td colspan=\"4\" class=\"muted\">\(req.t("还没有人报名", "Nobody has registered yet"))</td></tr>"] : lines)</tbody></table></div>
        \(enter)
        """
    }

    struct RegistrationForm: Content { var action: String? }

    @Sendable static func registration(req: Request) async throws -> Response {
        let actor = try TopicPages.participant(req)
        let m = try await MeetingPage.load(req, actor)
        let f = try req.content.decode(RegistrationForm.self)
        let service = TopicService(req: req)
        do {
            if f.action == "cancel" {
                _ = try await service.cancelRegistration(for: m, by: actor)
                req.flash(req.t("已取消报名。", "Your registration is cancelled."))
            } else {
                _ = try await service.register(for: m, by: actor)
                req.flash(req.t("报名成功！请于 \(ShanghaiTime.format(m.startsAt, "MM月dd日 HH:mm")) 到 \(m.place) 参会，到场扫码签到。",
                                "You are registered: \(ShanghaiTime.format(m.startsAt, "yyyy-MM-dd HH:mm")) at \(m.place); scan the code there to check in."))
            }
        } catch let e as APIError where e.status.code < 500 {
            req.flash(TopicPages.words(req, e), kind: "error")
        }
        return req.redirect(to: SiteURL.Deliberation.meeting(m.id!).path)
    }

    /// The venue's screen: a QR code of the check-in link with the current code; it reloads every minute.
    @Sendable static func qr(req: Request) async throws -> HTML {
        let actor = try TopicPages.participant(req)
        guard TopicRole(actor) == .reviewer else { throw APIError.forbidden }
        let m = try await MeetingPage.load(req, actor)
        let code = try await TopicService(req: req).rotatingCode(of: m).code(at: req.now)
        let link = req.publicBase + SiteURL.Deliberation.checkIn(m.id!, code: code).path
        let svg = try? QRCode.encode(link).svg(moduleSize: 8, quietZone: 4, title: req.t("签到码 \(code)", "Check-in code \(code)"))
        return Layout(req: req, title: req.t("扫码签到：\(m.title)", "Scan to check in: \(m.title)")).render("""
        <meta http-equiv="refresh" content="60">
        <div class="card qr">\(svg.map { HTML(raw: $0) } ?? .empty)<p class="code">\(code)</p>
        <p class="muted">\(req.t("请用手机扫码签到。二维码每 3 分钟更换，截图无效。", "Scan with your phone to check in. The code changes every 3 minutes; photos of it stop working."))</p></div>
        <p><a href="\(SiteURL.Deliberation.meeting(m.id!).path)">\(req.t("返回会议", "Back to the meeting"))</a></p>
        """)
    }

    /// What scanning the venue's code opens: one big button.
    @Sendable static func checkInPage(req: Request) async throws -> HTML {
        let actor = try TopicPages.participant(req)
        let m = try await MeetingPage.load(req, actor)
        let code = (try? req.query.get(String.self, at: "code")) ?? ""
        let mine = try await actor.user.residentID.asyncMap { try await TopicService(req: req).seat(m, resident: $0) } ?? nil
        let button: HTML = mine?.state == MeetingSeatState.attended.rawValue
            ? "<p class=\"card\"><b>\(req.t("您已签到，谢谢参会！", "You are checked in. Thank you for coming!"))</b></p>"
            : """
            <form method="post" action="\(SiteURL.Deliberation.checkIn(m.id!, code: nil).path)" class="big-actions">\(Form.csrf(req))
            <input type="hidden" name="code" value="\(code)"><button class="button big">\(req.t("签到", "Check in"))</button></form>
            """
        return Layout(req: req, title: m.title).render("""
        <p>\(ShanghaiTime.format(m.startsAt, "yyyy-MM-dd HH:mm")) · \(m.place)</p>
        \(button)
        """)
    }

    struct CheckInForm: Content { var code: String? }

    @Sendable static func checkIn(req: Request) async throws -> Response {
        let actor = try TopicPages.participant(req)
        let m = try await MeetingPage.load(req, actor)
        let f = try req.content.decode(CheckInForm.self)
        do {
            _ = try await TopicService(req: req).checkIn(m, code: f.code, by: actor)
            req.flash(req.t("签到成功，欢迎参会！", "Checked in. Welcome!"))
        } catch let e as APIError where e.status.code < 500 {
            req.flash(TopicPages.words(req, e), kind: "error")
        }
        return req.redirect(to: SiteURL.Deliberation.meeting(m.id!).path)
    }

    struct AttendanceForm: Content { var residentId: String? }

    @Sendable static func attendance(req: Request) async throws -> Response {
        let actor = try TopicPages.participant(req)
        let m = try await MeetingPage.load(req, actor)
        let f = try req.content.decode(AttendanceForm.self)
        do {
            let row = try await TopicService(req: req).markAttended(m, residentID: f.residentId.flatMap(UUID.init(uuidString:)), by: actor)
            let name = try await Resident.find(row.residentID, on: req.db)?.name ?? ""
            req.flash(req.t("已登记 \(name) 到会。", "\(name) is marked present."))
        } catch let e as APIError where e.status.code < 500 {
            req.flash(TopicPages.words(req, e), kind: "error")
        }
        return req.redirect(to: SiteURL.Deliberation.meeting(m.id!).path)
    }
}
