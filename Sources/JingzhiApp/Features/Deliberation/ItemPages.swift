import Fluent
import JingzhiCore
import Vapor

/// The consultation items on a topic's page: owner, deadline, progress, and the state of the case each became; community
/// staff add items to a decided topic, note progress, mark one done or make it a case of the loop, each answered in words.
enum ItemPages {
    static func register(_ staff: any RoutesBuilder) {
        staff.post(SiteURL.Deliberation.Pattern.items, use: add)
        staff.post(SiteURL.Deliberation.Pattern.item, use: act)
    }

    static func section(_ req: Request, _ actor: Actor, _ t: Topic) async throws -> HTML {
        let items = try await TopicService(req: req).progress(of: t)
        let staff = TopicRole(actor) == .reviewer
        guard !items.isEmpty || (staff && t.stage == .implement) else { return .empty }
        let categories = staff ? try await CaseCategory.query(on: req.db).filter(\.$active == true).sort(\.$code).all() : []
        let rows = items.map { p -> HTML in
            let state: HTML
            if let c = p.caseRecord {
                let words = req.t("诉求 \(c.number)：\(c.state.zh)", "Case \(c.number): \(c.state.en)")
                // Staff follow the case in the loop; residents read its state here (the case is not theirs).
                state = actor.role == .resident ? HTML(stringLiteral: HTML.escape(words)) : "<a href=\"\(SiteURL.Cases.detail(c.id!).path)\">\(words)</a>"
            } else {
                state = HTML(stringLiteral: HTML.escape(p.done ? req.t("已完成", "done") : req.t("进行中", "in progress")))
            }
            let last = p.notes.last.map { HTML("<br>\(req.t("最新进展", "Latest")): \($0.words)") } ?? .empty
            let late = !p.done && p.item.deadline < req.now ? HTML(" <b class=\"req\">\(req.t("已超期", "overdue"))</b>") : .empty
            let forms = staff && !p.done ? itemForms(req, t, p, categories) : .empty
            return """
            <li><span><b>\(p.item.title)</b> · \(p.item.owner)\(last)</span>\
            <span class="muted">\(state) · \(req.t("期限", "due")) <time>\(ShanghaiTime.format(p.item.deadline, "yyyy-MM-dd"))</time>\(late)</span>\(forms)</li>
            """
        }
        let add: HTML = staff && t.stage == .implement ? """
            <form method="post" action="\(SiteURL.Deliberation.items(t.id!).path)" class="card">\(Form.csrf(req))
            <h3>\(req.t("添加协商事项", "Add an item"))</h3>
            \(Form.field(req.t("事项", "Item"), name: "title", required: true, hint: req.t("如：电梯井道施工", "e.g. build the lift shaft"), attrs: "maxlength=\"100\""))
            \(Form.field(req.t("责任单位", "Responsible unit"), name: "owner", required: true, attrs: "maxlength=\"60\""))
            \(Form.field(req.t("完成期限", "Deadline"), name: "deadline", type: "date", required: true))
            <button>\(req.t("添加事项", "Add the item"))</button></form>
            """ : .empty
        let list: HTML = items.isEmpty ? "<p class=\"muted\">\(req.t("还没有协商事项；决议形成后请列出由谁、何时办什么。", "No items yet: list who does what by when."))</p>"
            : "<ul class=\"tree\">\(rows)</ul>"
        return "<h2>\(req.t("协商事项清单", "Consultation items"))</h2>\(list)\(add)"
    }

    /// A progress note, done (an item without a case), or made a case of the loop.
    static func itemForms(_ req: Request, _ t: Topic, _ p: ItemProgress, _ categories: [CaseCategory]) -> HTML {
        let id = p.item.id!
        let note: HTML = """
            <form method="post" action="\(SiteURL.Deliberation.item(t.id!, item: id, action: "note").path)">\(Form.csrf(req))
            \(Form.field(req.t("进展", "Progress"), name: "words", required: true, attrs: "maxlength=\"500\""))<button>\(req.t("记录进展", "Add progress"))</button></form>
            """
        guard p.caseRecord == nil else { return "<details class=\"card\"><summary>\(req.t("记录进展", "Progress"))</summary>\(note)</details>" }
        let confirmDone = HTML.escape(req.t("确定「\(p.item.title)」已完成？", "Mark “\(p.item.title)” done?"))
        return """
        <details class="card"><summary>\(req.t("办理这一项", "Work on this item"))</summary>\(note)
        <form method="post" action="\(SiteURL.Deliberation.item(t.id!, item: id, action: "case").path)">\(Form.csrf(req))
        \(Form.select(req.t("转为诉求（按诉求流程派单、督办）", "Make it a case (dispatched and tracked in the case loop)"), name: "categoryCode", options: categories.map { ($0.code, $0.name) }, selected: nil, required: true))
        <button>\(req.t("转为诉求", "Make a case"))</button></form>
        <form method="post" action="\(SiteURL.Deliberation.item(t.id!, item: id, action: "done").path)" data-confirm="\(HTML(raw: confirmDone))">\(Form.csrf(req))
        <button class="secondary">\(req.t("标记完成", "Mark done"))</button></form></details>
        """
    }

    struct AddForm: Content {
        var title: String?
        var owner: String?
        var deadline: String?
    }

    @Sendable static func add(req: Request) async throws -> Response {
        let actor = try TopicPages.participant(req)
        let service = TopicService(req: req)
        let t = try await service.load(try req.idParameter(), for: actor)
        let f = try req.content.decode(AddForm.self)
        do {
            // A deadline day counts to its end (Asia/Shanghai).
            let deadline = try f.deadline.flatMap { $0.isEmpty ? nil : $0 }
                .map { try ShanghaiTime.dayStart(try ShanghaiTime.parseDay($0, field: "deadline"), field: "deadline").addingTimeInterval(86_400 - 60) }
            let i = try await service.addItem(to: t, ItemInput(title: f.title, owner: f.owner, deadline: deadline), by: actor)
            req.flash(req.t("已添加事项「\(i.title)」，由\(i.owner)在 \(ShanghaiTime.format(i.deadline, "yyyy-MM-dd")) 前完成。",
                            "Added “\(i.title)”: \(i.owner), by \(ShanghaiTime.format(i.deadline, "yyyy-MM-dd"))."))
        } catch let e as APIError where e.status.code < 500 {
            req.flash(TopicPages.words(req, e), kind: "error")
        }
        return req.redirect(to: SiteURL.Deliberation.detail(t.id!).path)
    }

    struct ActForm: Content {
        var words: String?
        var categoryCode: String?
    }

    @Sendable static func act(req: Request) async throws -> Response {
        let actor = try TopicPages.participant(req)
        let service = TopicService(req: req)
        let t = try await service.load(try req.idParameter(), for: actor)
        let f = try req.content.decode(ActForm.self)
        do {
            let i = try await service.item(req.parameters.get("item").flatMap(UUID.init(uuidString:)), of: t)
            switch req.parameters.get("action") {
            case "note":
                _ = try await service.note(on: i, words: f.words, by: actor)
                req.flash(req.t("进展已记录。", "Progress noted."))
            case "done":
                _ = try await service.markDone(i, by: actor)
                req.flash(req.t("「\(i.title)」已标记完成。", "“\(i.title)” is done."))
            case "case":
                let c = try await service.makeCase(of: i, topic: t, categoryCode: f.categoryCode, by: actor)
                req.flash(req.t("「\(i.title)」已转为诉求 \(c.number)，诉求办结即完成。", "“\(i.title)” is case \(c.number) now; it is done when the case closes."))
            default:
                throw APIError.notFound
            }
        } catch let e as APIError where e.status.code < 500 && e.status != .notFound {
            req.flash(TopicPages.words(req, e), kind: "error")
        }
        return req.redirect(to: SiteURL.Deliberation.detail(t.id!).path)
    }
}
