import Foundation
import Fluent
import JingzhiCore
import Vapor

/// What staff see under a notice: reach and read per grid in their area, the text messages' delivery log, the moves
/// they may make, attachments, the poster and the public page.
enum NoticeStaffSections {
    static func render(_ req: Request, _ actor: Actor, _ n: Notice) async throws -> HTML {
        var out: [HTML] = []
        let (total, grids) = try await NoticeReceipts(req: req).perGrid(n, for: actor)
        let targets = try await NoticeTarget.query(on: req.db).filter(\.$noticeID == n.id!).all()
        let names = try await OrgNode.query(on: req.db).filter(\.$id ~~ targets.map(\.nodeID)).all()
        let scope = targets.map { t -> String in
            let name = names.first { $0.id == t.nodeID }?.name ?? ""
            return t.tags.isEmpty ? name : "\(name)（\(t.tags.joined(separator: "、"))）"
        }.joined(separator: "、")
        out.append("""
        <h2>\(req.t("送达与阅读", "Reach and read"))</h2>
        <p class="muted">\(req.t("发送范围", "Sent to"))：\(scope) · \(req.t("对象", "Audience"))：\(n.audiences.map { $0.label(req.lang) }.joined(separator: "、"))
        · \(req.t("共送达", "Reached in all")) \(n.recipientCount) \(req.t("人", "people"))</p>
        """)
        let rows = grids.map { g -> HTML in
            let name = g.gridID == nil ? req.t("网格外", "Outside any grid") : g.name
            return """
            <tr><td data-label="\(req.t("网格", "Grid"))">\(name)</td><td data-label="\(req.t("送达", "Reached"))">\(g.recipients)</td>
            <td data-label="\(req.t("已读", "Read"))">\(g.read)</td><td data-label="\(req.t("上门告知", "Told in person"))">\(g.delivered)</td>
            \(n.urgent ? HTML("<td data-label=\"\(req.t("已确认", "Acknowledged"))\">\(g.acked)</td>") : .empty)
            <td data-label="\(req.t("未读未告知", "Not reached"))">\(g.unreached)</td></tr>
            """
        }
        out.append("""
        <div class="table-wrap"><table class="list stack" id="receipts"><thead><tr><th>\(req.t("网格", "Grid"))</th><th>\(req.t("送达", "Reached"))</th>
        <th>\(req.t("已读", "Read"))</th><th>\(req.t("上门告知", "Told in person"))</th>\(n.urgent ? HTML("<th>\(req.t("已确认", "Acknowledged"))</th>") : .empty)
        <th>\(req.t("未读未告知", "Not reached"))</th></tr></thead>
        <tbody>\(rows)</tbody>
        <tfoot><tr><th>\(req.t("合计", "Total"))</th><td>\(total.recipients)</td><td>\(total.read)</td><td>\(total.delivered)</td>\(n.urgent ? HTML("<td>\(total.acked)</td>") : .empty)
        <td>\(total.unreached)</td></tr></tfoot></table></div>
        """)
        if n.isLive(at: req.now), [.admin, .communityStaff, .gridWorker].contains(actor.role) {
            out.append("<p><a class=\"button\" href=\"\(SiteURL.Notices.unreached(n.id!).path)\">\(req.t("未读居民名单（上门告知）", "Residents not reached (tell them at the door)"))</a></p>")
        }
        let sms = try await MessageService.counts(kind: "notice", refID: n.id!, on: req.db)
        if !sms.isEmpty {
            let labels = ["queued": req.t("待发送", "queued"), "sent": req.t("已发送", "sent"), "failed": req.t("发送失败", "failed"), "skipped": req.t("已退订", "opted out")]
            out.append("<p>\(req.t("短信", "Text messages"))：\(MessageService.states.compactMap { s in sms[s].map { "\(labels[s] ?? s) \($0)" } }.joined(separator: " · "))</p>")
            if (sms["failed"] ?? 0) > 0 {
                out.append("<p class=\"error\">\(req.t("有短信多次发送失败，请检查短信网关或改为上门告知。", "Some text messages failed after every retry: check the gateway, or tell those residents at the door."))</p>")
            }
        }
        let isSender = NoticeRole(actor) == .sender && actor.scope.contains(n.nodePath)
        if isSender {
            let actions = NoticeLifecycle.table.actions(from: n.state, role: .sender).filter { $0 != .publish || n.state == .scheduled }
            out.append(HTML(actions.map { a -> HTML in
                let reason: HTML = a == .withdraw
                    ? Form.field(req.t("撤回原因", "Why it is withdrawn"), name: "note", required: true, attrs: "maxlength=\"500\"") : .empty
                return """
                <form method="post" action="\(SiteURL.Notices.act(n.id!, action: a.rawValue).path)" class="card">\(Form.csrf(req))
                <input type="hidden" name="version" value="\(n.version)">\(reason)<button class="\(a == .withdraw ? "danger" : "secondary")">\(req.lang.t(a.zh, a.en))</button></form>
                """
            }))
            if n.state != .withdrawn { out.append(NoticeFiles.uploadForm(req, n)) }
        }
        var links: [HTML] = ["<a href=\"\(SiteURL.Notices.poster(n.id!).path)\">\(req.t("打印张贴版（A4）", "Printable poster (A4)"))</a>"]
        if n.isPublic { links.append("<a href=\"\(SiteURL.Notices.publicNotice(n.id!).path)\">\(req.t("公示页面", "Public page"))</a>") }
        out.append("<p class=\"actions\">\(links)</p>")
        let history = try await LifecycleEvent.history(NoticeLifecycle.table.entity, n.id!, on: req.db)
        if !history.isEmpty {
            out.append("""
            <h2>\(req.t("记录", "Record"))</h2><ul class="tree">\(history.map { e -> HTML in
                "<li><span><b>\(NoticeState(rawValue: e.toState)?.label(req.lang) ?? e.toState)</b> \(e.note ?? "")</span><span class=\"muted\">\(e.actorName) · \(ShanghaiTime.format(e.at))</span></li>"
            })</ul>
            """)
        }
        return HTML(out)
    }
}
