import Foundation
import JingzhiCore
import Vapor

/// Notices (通知公告) with read receipts, the public notice boards, and the outbound channel (in-app, text messages).
enum NoticesFeature: Feature {
    static func configure(_ app: Application) {
        app.minuteTasks.addCounting("notices", { app in let r = await NoticeScheduler.tick(app); return r.published + r.sent })
        CaseHooks.shared.inTransaction("notices-text-answer") { c, action, _, db, now in try await NoticeCaseTexts.afterTransition(c, action: action, on: db, now: now) }
        app.homeParts.sections.append(HomeSection(order: 10) { req in try await NoticesFeature.unreadSection(req) })
        app.homeParts.tiles.append(HomeTile(order: 40, essential: true) { req in
            guard let actor = req.actor else { return nil }
            return (SiteURL.Notices.list.path, req.t("通知公告", "Notices"), try await NoticeReceipts(req: req).unreadCount(actor))
        })
    }

    static func routes(_ g: RouteGroups) throws {
        NoticesAPI.register(g.apiAuthed)
        NoticePages.register(g.staff)
        NoticeBoardPages.register(web: g.web, staff: g.staff)
    }

    static let navigation: [NavItem] = [
        // Residents reach their notices from the home's tile; staff from here.
        navLink(140, .service) { NoticeReceipts.followsArea($0) ? (SiteURL.Notices.list.path, "通知公告", "Notices") : nil },
    ]

    static let pathColumns = [PathColumn(Notice.schema), PathColumn(NoticeTarget.schema), PathColumn(NoticeRecipient.schema),
                              PathColumn(OutboundMessage.schema)]

    static let fieldNames: [String: FieldName] = [
        "title": FieldName("标题", "Title"), "body": FieldName("正文", "Text"), "targets": FieldName("发送范围", "Send to"),
        "tags": FieldName("人群标签", "Tags"), "audiences": FieldName("发送对象", "Audience"), "publishAt": FieldName("定时发布", "Publish at"),
        "expiresAt": FieldName("截止时间", "Expires at"), "note": FieldName("撤回原因", "Reason"), "files": FieldName("附件", "Files"),
    ]

    /// The resident's home opens on the notices they have not read, urgent ones first.
    static func unreadSection(_ req: Request) async throws -> HTML? {
        guard let actor = req.actor else { return nil }
        let unread = try await NoticeReceipts(req: req).mine(actor).filter { $0.1.readAt == nil }
            .sorted { a, b in a.0.urgent && !b.0.urgent }.prefix(5)
        guard !unread.isEmpty else { return nil }
        return """
        <section aria-labelledby="unread-notices" id="home-notices"><h2 id="unread-notices">\(req.t("未读通知", "Unread notices"))</h2>
        \(NoticePages.cards(req, Array(unread)))</section>
        """
    }
}

/// Publishes scheduled notices and sends queued text messages; called from the scheduler's minute loop.
enum NoticeScheduler {
    @discardableResult
    static func tick(_ app: Application) async -> (published: Int, sent: Int) {
        let now = app.clock.now()
        var result = (published: 0, sent: 0)
        do {
            result.published = try await NoticeService(db: app.db, now: now, messages: app.messageSettings).publishDue()
            if result.published > 0 { app.logger.info("scheduled notices published: \(result.published)") }
        } catch {
            app.logger.reportSafely(error, "NoticesFeature")
        }
        do {
            result.sent = try await MessageService(db: app.db, now: now, settings: app.messageSettings).deliverDue(through: app.smsGateway)
        } catch {
            app.logger.reportSafely(error, "NoticesFeature")
        }
        return result
    }
}
