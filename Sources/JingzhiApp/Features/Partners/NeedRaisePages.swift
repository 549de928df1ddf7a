import Foundation
import Fluent
import JingzhiCore
import Vapor

/// A resident raises a need from the phone (提需求): for their compound or a group by tag in their community; it waits
/// for the community's review before it is on the needs list. Their own needs are listed with the state and, when
/// declined, the reason.
enum NeedRaisePages {
    static func page(_ req: Request, form f: ListsAPI.NeedBody, error: String?) async throws -> HTML {
        let actor = try req.requireActor()
        guard actor.role == .resident else { throw Abort.redirect(to: SiteURL.Partners.needs(query: "").path) }
        _ = try await ListService.resident(of: actor, on: req.db)
        let mine = try await Need.query(on: req.db).filter(\.$raisedBy == actor.userID).sort(\.$createdAt, .descending).limit(50).all()
        let cards = mine.map { n -> HTML in
            """
            <div class="card"><b>\(n.title)</b> \(PartnerPages.tag(n.state.label(req.lang)))<br>
            <small>\(n.quantity)\(n.unit) · \(n.forWhom) · \(req.t("期限", "by")) \(n.dueDay)</small>
            \(n.reviewNote.map { HTML("<p class=\"muted\">\(req.t("社区答复", "The community says"))：\($0)</p>") } ?? HTML.empty)</div>
            """
        }
        let today = ShanghaiTime.today(req.now)
        return Layout(req: req, title: req.t("提需求", "Raise a need")).render("""
        <p class="muted">\(req.t("您提的需求经社区审核后列入需求清单，由红色合伙人和志愿者对接。", "The community reviews your need; then partners and volunteers can take it up."))</p>
        \(ListPages.errorLine(error))
        <form method="post" action="\(SiteURL.Partners.myNeeds.path)">\(Form.csrf(req))
        \(Form.field(req.t("需要什么", "What is needed"), name: "title", value: f.title, required: true))
        \(Form.select(req.t("类别", "Category"), name: "category", options: ListPages.categories(req), selected: f.category ?? PartnerCategory.service.rawValue, required: true))
        \(Form.field(req.t("数量", "How many"), name: "quantity", value: f.quantity.map(String.init) ?? "1", type: "number", required: true, attrs: "min=\"1\""))
        \(Form.field(req.t("单位", "Unit"), name: "unit", value: f.unit ?? "次"))
        \(Form.select(req.t("为谁（不选则为我所在的小区）", "For whom (empty: my compound)"), name: "forTag", options: ResidentTags.all.map { ($0, $0) }, selected: f.forTag, includeBlank: req.t("我所在的小区", "My compound")))
        \(Form.field(req.t("补充说明（可选）", "More about who (optional)"), name: "forWhom", value: f.forWhom))
        \(Form.field(req.t("希望在此前解决", "By when"), name: "dueDay", value: f.dueDay ?? ShanghaiTime.add(14, to: today), type: "date", required: true))
        <button class="button big">\(req.t("提交给社区", "Send to the community"))</button></form>
        <h2>\(req.t("我提的需求", "My needs"))</h2>
        \(cards.isEmpty ? "<p class=\"muted\">\(req.t("还没有提过需求。", "You have not raised any need yet."))</p>" : HTML(cards))
        """)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(ListsAPI.NeedBody.self)
        do {
            let n = try await ListService(req: req).createNeed(NeedInput(title: f.title, category: f.category, quantity: f.quantity, unit: f.unit,
                                                                         forWhom: f.forWhom, nodeID: nil, dueDay: f.dueDay, forTag: f.forTag), by: actor)
            req.flash(req.t("已提交「\(n.title)」，社区审核后会列入需求清单。", "Sent: \(n.title). The community will review it."))
            return req.redirect(to: SiteURL.Partners.myNeeds.path)
        } catch let e as APIError where e.status.code < 500 {
            return try await page(req, form: f, error: req.words(e)).encodeResponse(status: e.status == .forbidden ? .forbidden : .unprocessableEntity, for: req)
        }
    }
}
