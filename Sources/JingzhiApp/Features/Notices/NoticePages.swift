import Foundation
import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// The notices list (my inbox; for staff also the notices of their area) and a notice's page.
enum NoticePages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Notices.Pattern
        staff.get(P.list, use: list)
        staff.get(P.new, use: NoticeComposePages.form)
        staff.post(P.new, use: NoticeComposePages.submit)
        staff.get(P.show, use: show)
        staff.post(P.act, use: act)
        staff.post(P.ack, use: ack)
        staff.post(P.smsOptOut, use: smsOptOut)
        NoticeDoorPages.register(staff)
        NoticeFiles.register(staff)
    }

    static func when(_ req: Request, _ n: Notice) -> String { ShanghaiTime.format(n.publishedAt ?? n.publishAt) }

    static func marks(_ req: Request, _ n: Notice) -> HTML {
        var out: [HTML] = []
        if n.urgent { out.append("<span class=\"tag\">\(req.t("紧急", "Urgent"))</span>") }
        if n.pinned { out.append("<span class=\"tag\">\(req.t("置顶", "Pinned"))</span>") }
        if n.isPublic { out.append("<span class=\"tag\">\(req.t("公示", "Public"))</span>") }
        if n.state != .published { out.append("<span class=\"tag\">\(n.state.label(req.lang))</span>") }
        if let e = n.expiresAt, e <= req.now { out.append("<span class=\"tag\">\(req.t("已过期", "Expired"))</span>") }
        return HTML(out)
    }

    /// My notices as cards, unread ones marked, for the list and the home.
    static func cards(_ req: Request, _ mine: [(Notice, NoticeRecipient)]) -> HTML {
        HTML(mine.map { n, r -> HTML in
            let cls = ["card", "link", "notice", r.readAt == nil ? "unread" : "", n.urgent ? "urgent" : ""].filter { !$0.isEmpty }.joined(separator: " ")
            let unread: HTML = r.readAt == nil ? "<b>\(req.t("未读", "Unread"))</b> · " : .empty
            return "<a class=\"\(cls)\" href=\"\(SiteURL.Notices.show(n.id!).path)\">\(marks(req, n))<b>\(n.title)</b><br><small>\(unread)\(when(req, n))</small></a>"
        })
    }

    @Sendable static func list(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        let receipts = NoticeReceipts(req: req)
        let mine = try await receipts.mine(actor)
        var body: [HTML] = []
        if NoticeRole(actor) == .sender {
            body.append("<p><a class=\"button\" href=\"\(SiteURL.Notices.new.path)\">\(req.t("发布通知", "New notice"))</a></p>")
        }
        body.append("<h2>\(req.t("我收到的通知", "Notices to me"))</h2>")
        body.append(mine.isEmpty ? "<p class=\"muted\">\(req.t("暂无通知", "No notices"))</p>" : cards(req, mine))
        if NoticeReceipts.followsArea(actor) {
            let rows = try await area(req, actor)
            let lines = try await rows.asyncMap { n -> HTML in
                let (t, _) = try await receipts.perGrid(n, for: actor)
                return """
                <tr><td data-label="\(req.t("标题", "Title"))"><a href="\(SiteURL.Notices.show(n.id!).path)">\(n.title)</a> \(marks(req, n))</td>
                <td data-label="\(req.t("发布时间", "Published"))">\(when(req, n))</td><td data-label="\(req.t("送达", "Reached"))">\(t.recipients)</td>
                <td data-label="\(req.t("已读", "Read"))">\(t.read)</td></tr>
                """
            }
            body.append("""
            <h2>\(req.t("辖区通知", "Notices of my area"))</h2>
            <div class="table-wrap"><table class="list stack"><thead><tr><th>\(req.t("标题", "Title"))</th><th>\(req.t("发布时间", "Published"))</th>
            <th>\(req.t("送达（本辖区）", "Reached (my area)"))</th><th>\(req.t("已读", "Read"))</th></tr></thead>
            <tbody>\(lines.isEmpty ? ["<tr><td colspan=\"4\" class=\"muted\">\(req.t("暂无通知", "No notices"))</td></tr>"] : lines)</tbody></table></div>
            """)
        } else if actor.role != .resident || actor.user.residentID != nil {
            body.append(try await optOutForm(req, actor))
        }
        return Layout(req: req, title: req.t("通知公告", "Notices"), wide: NoticeReceipts.followsArea(actor)).render(HTML(body))
    }

    /// The newest notices that concern the actor's area.
    static func area(_ req: Request, _ actor: Actor, limit: Int = 50) async throws -> [Notice] {
        let ids = try await req.db.sql.raw("SELECT notices.id AS id FROM \(ident: Notice.schema) notices WHERE " + NoticeReceipts.concerns(actor)
            + " ORDER BY notices.publish_at DESC LIMIT \(literal: limit)").all().map { try $0.decode(column: "id", as: UUID.self) }
        guard !ids.isEmpty else { return [] }
        return try await Notice.query(on: req.db).filter(\.$id ~~ ids).sort(\.$publishAt, .descending).all()
    }

    static func personKey(_ actor: Actor) -> String {
        actor.role == .resident ? "r:" + (actor.user.residentID?.uuidString ?? "") : "u:" + actor.userID.uuidString
    }

    static func optOutForm(_ req: Request, _ actor: Actor) async throws -> HTML {
        let out = try await SMSOptOut.query(on: req.db).filter(\.$personKey == personKey(actor)).first() != nil
        return """
        <form method="post" action="\(SiteURL.Notices.smsOptOut.path)" class="card">\(Form.csrf(req))<input type="hidden" name="optOut" value="\(out ? "0" : "1")">
        <p>\(out ? req.t("您已退订紧急通知短信。", "You receive no text messages for urgent notices.") : req.t("紧急通知会同时发送短信到您登记的手机。", "Urgent notices are also sent by text message to your registered phone."))</p>
        <button class="secondary">\(out ? req.t("恢复接收短信", "Receive text messages again") : req.t("不再接收短信", "Stop text messages"))</button></form>
        """
    }

    struct OptOutForm: Content { var optOut: String? }

    @Sendable static func smsOptOut(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        // A resident not linked to the register yet has no entry to remember the choice by.
        guard actor.role != .resident || actor.user.residentID != nil else { throw APIError.notFound }
        let out = try req.content.decode(OptOutForm.self).optOut == "1"
        try await MessageService.setOptOut(personKey(actor), out, at: req.now, on: req.db)
        req.flash(out ? req.t("已退订短信。", "Text messages are off.") : req.t("已恢复接收短信。", "Text messages are on."))
        return req.redirect(to: SiteURL.Notices.list.path)
    }

    @Sendable static func show(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        let receipts = NoticeReceipts(req: req)
        let n = try await receipts.load(try req.idParameter(), for: actor)
        var parts: [HTML] = ["<p>\(marks(req, n)) <span class=\"muted\">\(when(req, n)) · \(n.authorName)</span></p>",
                             "<div class=\"card notice-body\">\(NoticeFormat.html(n.body))</div>",
                             try await NoticeFiles.list(req, n, publicPage: false)]
        // Opening a live notice addressed to me is reading it.
        if n.isLive(at: req.now), try await receipts.row(n.id!, for: actor) != nil {
            let r = try await receipts.read(n, by: actor)
            if n.urgent {
                parts.append(r.ackedAt == nil ? """
                <form method="post" action="\(SiteURL.Notices.ack(n.id!).path)">\(Form.csrf(req))<button class="button big">\(req.t("我已知晓", "I have read this"))</button></form>
                """ : "<p class=\"card\"><b>\(req.t("您已确认收到。", "You acknowledged this notice."))</b></p>")
            }
        }
        if NoticeReceipts.followsArea(actor) { parts.append(try await NoticeStaffSections.render(req, actor, n)) }
        parts.append("<p><a href=\"\(SiteURL.Notices.list.path)\">\(req.t("返回通知列表", "Back to the notices"))</a></p>")
        return Layout(req: req, title: n.title).render(HTML(parts))
    }

    @Sendable static func ack(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let receipts = NoticeReceipts(req: req)
        let n = try await receipts.load(try req.idParameter(), for: actor)
        do {
            _ = try await receipts.acknowledge(n, by: actor)
            req.flash(req.t("已确认收到，谢谢！", "Acknowledged. Thank you!"))
        } catch let e as APIError where e.status.code < 500 {
            req.flash(NoticeComposePages.words(req, e), kind: "error")
        }
        return req.redirect(to: SiteURL.Notices.show(n.id!).path)
    }

    struct ActForm: Content {
        var note: String?
        var version: Int?
    }

    @Sendable static func act(req: Request) async throws -> Response {
        let actor = try NoticeComposePages.sender(req)
        let n = try await NoticeReceipts(req: req).load(try req.idParameter(), for: actor)
        guard let action = req.parameters.get("action").flatMap(NoticeAction.init(rawValue:)) else { throw APIError.notFound }
        let f = try req.content.decode(ActForm.self)
        do {
            let after = try await NoticeService(req: req).perform(action, on: n, by: actor, version: f.version, note: f.note)
            req.flash(req.t("已\(action.zh)：\(after.title)", "Done: \(action.en)"))
        } catch let e as APIError where e.status.code < 500 {
            req.flash(NoticeComposePages.words(req, e), kind: "error")
        }
        return req.redirect(to: SiteURL.Notices.show(n.id!).path)
    }
}
