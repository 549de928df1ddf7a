import Foundation
import Fluent
import JingzhiCore
import Vapor

/// The door-to-door list: residents of the worker's area who have not read a notice, each with a button to mark them
/// told in person (many elderly residents have no phone).
enum NoticeDoorPages {
    static func register(_ staff: any RoutesBuilder) {
        staff.get(SiteURL.Notices.Pattern.unreached, use: list)
        staff.post(SiteURL.Notices.Pattern.deliver, use: deliver)
    }

    static func worker(_ req: Request) throws -> Actor {
        let actor = try req.requireActor()
        guard [.admin, .communityStaff, .gridWorker].contains(actor.role) else { throw APIError.forbidden }
        return actor
    }

    @Sendable static func list(req: Request) async throws -> HTML {
        let actor = try worker(req)
        let receipts = NoticeReceipts(req: req)
        let n = try await receipts.load(try req.idParameter(), for: actor)
        let people = n.isLive(at: req.now) ? try await receipts.unreached(n, for: actor) : []
        let total = n.isLive(at: req.now) ? try await receipts.perGrid(n, for: actor).total.unreached : 0
        let items = people.map { p -> HTML in
            """
            <li class="card"><div><b>\(p.name)</b> \(HTML(p.tags.split(separator: ",").map { HTML("<span class=\"tag\">\(String($0))</span>") }))<br>
            \(p.address)\(p.phone.map { HTML(" · <a href=\"tel:\($0)\">\($0)</a>") } ?? .empty)</div>
            <form method="post" action="\(SiteURL.Notices.deliver(n.id!, recipient: p.recipientID).path)">\(Form.csrf(req))
            <button aria-label="\(req.t("已上门告知 \(p.name)", "Told \(p.name) in person"))">\(req.t("已上门告知", "Told in person"))</button></form></li>
            """
        }
        return Layout(req: req, title: req.t("未读居民：\(n.title)", "Not reached: \(n.title)")).render("""
        <p class="muted">\(req.t("以下居民尚未在手机上阅读，也未上门告知。告知后请点“已上门告知”。", "These residents neither read it on a phone nor were told in person. Mark each one once you have told them."))</p>
        <p id="unreached-count">\(req.t("共", "In all")) <b>\(total)</b> \(req.t("人", "people"))\(people.count < total ? HTML("\(req.t("，先列出 \(people.count) 人", "; the first \(people.count) listed"))") : .empty)</p>
        \(people.isEmpty ? HTML("<p class=\"card\">\(req.t("本辖区居民都已阅读或已告知。", "Everyone in your area has read it or been told."))</p>") : HTML("<ul class=\"tree door\" id=\"unreached\">\(items)</ul>"))
        <p><a href="\(SiteURL.Notices.show(n.id!).path)">\(req.t("返回通知", "Back to the notice"))</a></p>
        """)
    }

    @Sendable static func deliver(req: Request) async throws -> Response {
        let actor = try worker(req)
        let receipts = NoticeReceipts(req: req)
        let n = try await receipts.load(try req.idParameter(), for: actor)
        do {
            _ = try await receipts.deliver(n, recipient: req.parameters.get("recipient").flatMap(UUID.init(uuidString:)), by: actor)
            req.flash(req.t("已记录上门告知。", "Marked as told in person."))
        } catch let e as APIError where e.status.code < 500 && e.status != .notFound {
            req.flash(NoticeComposePages.words(req, e), kind: "error")
        }
        return req.redirect(to: SiteURL.Notices.unreached(n.id!).path)
    }
}
