import Foundation
import Fluent
import JingzhiCore
import Vapor

/// Micro-wish pages: staff manage and confirm (wide); partners and party members claim and hand over (phone); the
/// public wall shows wishes without the person.
enum WishPages {
    static func register(web: any RoutesBuilder, staff: any RoutesBuilder) {
        typealias P = SiteURL.Partners.Pattern
        staff.get(P.wishes, use: list)
        staff.post(P.wishes, use: create)
        web.get(P.wish, use: show)
        staff.post(P.wishAct, use: act)
        staff.on(.POST, P.handOver, body: .collect(maxSize: "8mb"), use: handOver)
        staff.get(P.wishPhoto, use: photo)
        staff.post(P.wishHours, use: hours)
        web.get(P.wall, use: wall)
    }

    static func value(_ w: Wish) -> String { Money.yuan(w.valueFen) + " 元" }

    /// A wish as anyone may see it: what, value, state, the claimer's name if they agreed, the thanks.
    static func publicCard(_ req: Request, _ w: Wish, link: Bool = true) -> HTML {
        let who: HTML = w.showClaimer ? HTML("<br><small>\(req.t("认领人", "Claimed by"))：\(w.claimerName ?? "")</small>") : .empty
        let by = w.thanksBy == "staff" ? req.t("（社区代录）", " (written down by the community)") : w.thanksBy == "resident" ? req.t("（本人）", " (in their own words)") : ""
        let thanks: HTML = w.thanks.map { HTML("<br><q>\($0)</q><small>\(by)</small>") } ?? .empty
        let title: HTML = link ? "<a href=\"\(SiteURL.Partners.wish(w.id!).path)\">\(w.title)</a>" : "\(w.title)"
        return """
        <div class="card wish"><b>\(title)</b> \(PartnerPages.tag(w.state.label(req.lang)))<br>
        \(w.story.isEmpty ? HTML.empty : HTML("\(w.story)<br>"))<small>\(req.t("价值不超过", "Up to")) \(value(w)) · \(w.category.label(req.lang))</small>\(who)\(thanks)</div>
        """
    }

    struct Filter {
        var state: String
        var page: PageRequest
    }

    @Sendable static func list(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        if PartnerAccess.isStaff(actor) { return try await staffList(req, actor, form: CreateForm(), error: nil) }
        if actor.role == .gridWorker { return try await courierList(req, actor) }
        return try await claimerList(req, actor)
    }

    struct CreateForm: Content {
        var title: String?
        var story: String?
        var category: String?
        var value: String?
        var beneficiaryName: String?
        var beneficiaryNote: String?
        var nodeId: String?
    }

    static func staffList(_ req: Request, _ actor: Actor, form f: CreateForm, error: String?) async throws -> HTML {
        let page = try PageRequest(req)
        let stateRaw = try req.query.get(String?.self, at: "state") ?? ""
        let (items, total) = try await WishService(req: req).list(under: actor.scope.rootPath, state: WishState(rawValue: stateRaw), publicOnly: false, page: page)
        let rows = items.map { w -> HTML in
            """
            <tr><td data-label="\(req.t("心愿", "Wish"))"><a href="\(SiteURL.Partners.wish(w.id!).path)">\(w.title)</a></td>
            <td data-label="\(req.t("心愿人", "For"))">\(w.beneficiaryName)</td><td data-label="\(req.t("价值", "Value"))">\(value(w))</td>
            <td data-label="\(req.t("认领人", "Claimer"))">\(w.claimerName ?? "—")</td>
            <td data-label="\(req.t("状态", "State"))">\(PartnerPages.tag(w.state.label(req.lang)))</td></tr>
            """
        }
        let places = try await PartnerPages.places(req, actor, kinds: [.community, .grid, .compound])
        let base = { (n: Int) in SiteURL.Partners.wishes(query: SiteURL.query([("state", stateRaw), ("page", String(n))])).path }
        return Layout(req: req, title: req.t("微心愿管理", "Micro-wishes"), wide: true).render("""
        <form method="get" class="filters">\(Form.select(req.t("状态", "State"), name: "state", options: WishState.allCases.map { ($0.rawValue, $0.label(req.lang)) }, selected: stateRaw, includeBlank: req.t("全部", "All")))
        <button>\(req.t("筛选", "Filter"))</button></form>
        <div class="table-wrap"><table class="list stack"><thead><tr><th>\(req.t("心愿", "Wish"))</th><th>\(req.t("心愿人（仅社区可见）", "For (staff only)"))</th>
        <th>\(req.t("价值", "Value"))</th><th>\(req.t("认领人", "Claimer"))</th><th>\(req.t("状态", "State"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"5\" class=\"muted\">\(req.t("暂无心愿", "No wishes"))</td></tr>"] : rows)</tbody></table></div>
        \(pager(req, total: total, page: page, base: base))
        <h2 id="post-wish">\(req.t("发布微心愿", "Post a micro-wish"))</h2>
        \(error.map { HTML("<p class=\"flash error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <form method="post" action="\(SiteURL.Partners.wishes(query: "").path)">\(Form.csrf(req))
        \(Form.field(req.t("心愿内容", "What is wished"), name: "title", value: f.title, required: true))
        \(Form.textarea(req.t("公开描述（不写姓名、住址）", "Public story (no name, no address)"), name: "story", value: f.story))
        \(Form.select(req.t("类别", "Category"), name: "category", options: PartnerCategory.allCases.map { ($0.rawValue, $0.label(req.lang)) }, selected: f.category ?? "goods"))
        \(Form.field(req.t("价值上限（元）", "Up to (yuan)"), name: "value", value: f.value, required: true, attrs: "inputmode=\"decimal\""))
        \(Form.field(req.t("心愿人姓名（仅社区可见）", "Person's name (staff only)"), name: "beneficiaryName", value: f.beneficiaryName, required: true))
        \(Form.textarea(req.t("备注（仅社区可见）", "Note (staff only)"), name: "beneficiaryNote", value: f.beneficiaryNote))
        \(Form.select(req.t("所在地", "Place"), name: "nodeId", options: places, selected: f.nodeId, required: true))
        <button class="button">\(req.t("发布", "Post"))</button></form>
        """)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(CreateForm.self)
        do {
            let w = try await WishService(req: req).post(WishInput(title: f.title, story: f.story, category: f.category, valueYuan: f.value,
                                                                   beneficiaryName: f.beneficiaryName, beneficiaryNote: f.beneficiaryNote, nodeID: f.nodeId), by: actor)
            req.flash(req.t("已发布微心愿「\(w.title)」。", "Posted: \(w.title)."))
            return req.redirect(to: SiteURL.Partners.wish(w.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            try PartnerAccess.requireStaff(actor)
            return try await staffList(req, actor, form: f, error: req.words(e)).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    /// A grid worker's phone page: claimed wishes of their grid to take over and pass on.
    static func courierList(_ req: Request, _ actor: Actor) async throws -> HTML {
        let due = try await Wish.query(on: req.db).within(actor.scope).filter(\.$stateRaw ~~ [WishState.claimed.rawValue, WishState.received.rawValue])
            .sort(\.$claimDeadline).limit(100).all()
        return Layout(req: req, title: req.t("微心愿转交", "Wishes to pass on")).render("""
        <p class="muted">\(req.t("认领人把礼物交给您后，点“收到”，送到居民手中时上传照片。", "When the claimer gives you the gift, mark it received; upload a photo when the resident has it."))</p>
        \(due.isEmpty ? "<p class=\"muted\">\(req.t("暂无需要转交的心愿", "Nothing to pass on"))</p>" : HTML(due.map { publicCard(req, $0) }))
        """)
    }

    /// The partner's or party member's phone page: my claims first, then open wishes they may claim.
    static func claimerList(_ req: Request, _ actor: Actor) async throws -> HTML {
        guard let c = try? await PartnerAccess.claimer(actor, on: req.db) else {
            throw Abort.redirect(to: SiteURL.Partners.wall(query: "").path)
        }
        let claimIDs = try await WishClaim.query(on: req.db).filter(\.$userID == actor.userID).filter(\.$outcome == "active").all().map(\.wishID)
        let mine = claimIDs.isEmpty ? [] : try await Wish.query(on: req.db).filter(\.$id ~~ claimIDs).sort(\.$claimDeadline).all()
        let open = try await Wish.query(on: req.db).within(DataScope(rootPath: c.nodePath)).filter(\.$stateRaw == WishState.open.rawValue)
            .sort(\.$createdAt, .descending).limit(50).all()
        let mineCards = mine.map { w -> HTML in
            "<a class=\"card link\" href=\"\(SiteURL.Partners.wish(w.id!).path)\"><b>\(w.title)</b> \(PartnerPages.tag(w.state.label(req.lang)))<br><small>\(req.t("请在此前完成", "Fulfil by")) \(w.claimDeadline.map { ShanghaiTime.format($0) } ?? "")</small></a>"
        }
        return Layout(req: req, title: req.t("微心愿认领", "Claim micro-wishes")).render("""
        <p class="muted">\(c.name)</p>
        <p><a class="button" href="\(SiteURL.Partners.logs(query: "").path)">\(req.t("记录服务", "Log service"))</a>
        <a class="button" href="\(SiteURL.Partners.claims.path)">\(req.t("认领岗位和小需求", "Claim posts and requests"))</a></p>
        <h2>\(req.t("我认领的", "My claims"))</h2>
        \(mineCards.isEmpty ? "<p class=\"muted\">\(req.t("暂无", "None"))</p>" : HTML(mineCards))
        <h2>\(req.t("待认领的心愿", "Wishes to claim"))</h2>
        \(open.isEmpty ? "<p class=\"muted\">\(req.t("暂无待认领的心愿", "No open wishes"))</p>" : HTML(open.map { publicCard(req, $0) }))
        """)
    }

    /// A wish: staff of its area see the person, the photo and their actions; the claimer their own steps; anyone
    /// else the public card.
    @Sendable static func show(req: Request) async throws -> HTML {
        let service = WishService(req: req)
        let w = try await service.load(try req.idParameter(), for: req.actor)
        let staff = req.actor.map { PartnerAccess.isStaff($0) && $0.scope.contains(w.nodePath) } ?? false
        guard w.state != .cancelled || staff else { throw APIError.notFound }
        var parts: [HTML] = [publicCard(req, w, link: false)]
        if let actor = req.actor, staff {
            let hasPhoto = try await WishPhoto.query(on: req.db).filter(\.$wishID == w.id!).count() > 0
            let hours = try await w.claimID.asyncFlatMap { try await WishClaim.find($0, on: req.db) }?.hoursTenths
            parts.append("""
            <dl class="facts"><dt>\(req.t("心愿人", "For"))</dt><dd>\(w.beneficiaryName)</dd><dt>\(req.t("备注", "Note"))</dt><dd>\(w.beneficiaryNote.isEmpty ? "—" : w.beneficiaryNote)</dd>
            <dt>\(req.t("认领人", "Claimer"))</dt><dd>\(w.claimerName ?? "—")</dd>
            <dt>\(req.t("认领期限", "Claim deadline"))</dt><dd>\(w.claimDeadline.map { ShanghaiTime.format($0) } ?? "—")</dd>
            <dt>\(req.t("认领人花费时长", "Claimer's hours"))</dt><dd>\(hours.map { ServiceLogService.hours($0) + req.t(" 小时", " h") } ?? req.t("未填写（确认时按 1 小时计）", "not entered (1 hour is counted)"))</dd></dl>
            \(hasPhoto ? HTML("<p><img class=\"proof\" src=\"\(SiteURL.Partners.wishPhoto(w.id!).path)\" alt=\"\(req.t("交付照片", "Hand-over photo"))\" width=\"320\"></p>") : .empty)
            """)
            if [.claimed, .received].contains(w.state) {
                parts.append("""
                <form method="post" action="\(SiteURL.Partners.handOver(w.id!).path)" enctype="multipart/form-data" class="card">\(Form.csrf(req))
                <label class="field"><span>\(req.t("代为上传交付照片", "Upload the hand-over photo for them"))</span><input type="file" name="photo" accept="image/*" required></label>
                <button class="button">\(req.t("已送到，上传照片", "Delivered: upload the photo"))</button></form>
                """)
            }
            for a in WishLifecycle.table.actions(from: w.state, role: .staff) where a != .handOver && (a != .thank || w.thanksBy != "resident") {
                let field: HTML = a == .thank ? Form.textarea(req.t("代居民记录感谢（将标明“社区代录”）", "The resident's thanks, written on their behalf (marked so)"), name: "thanks", required: true)
                    : [.reject, .cancel].contains(a) ? Form.textarea(req.t("原因", "Reason"), name: "note", required: true) : .empty
                parts.append("""
                <form method="post" action="\(SiteURL.Partners.wishAct(w.id!, action: a.rawValue).path)" class="card">\(Form.csrf(req))
                <input type="hidden" name="version" value="\(w.version)">\(field)<button class="button">\(req.t(a.zh, a.en))</button></form>
                """)
            }
            _ = actor
        } else if let actor = req.actor, actor.role == .gridWorker, WishService.courierRole(actor, w) != nil, [.claimed, .received].contains(w.state) {
            parts.append("""
            <dl class="facts"><dt>\(req.t("心愿人", "For"))</dt><dd>\(w.beneficiaryName)</dd><dt>\(req.t("认领人", "Claimer"))</dt><dd>\(w.claimerName ?? "—")</dd></dl>
            \(w.state == .claimed ? HTML("""
            <form method="post" action="\(SiteURL.Partners.wishAct(w.id!, action: "receive").path)">\(Form.csrf(req))<button class="button big">\(req.t("已收到礼物，由我转交", "I have the gift and will pass it on"))</button></form>
            """) : .empty)
            <form method="post" action="\(SiteURL.Partners.handOver(w.id!).path)" enctype="multipart/form-data" class="card">\(Form.csrf(req))
            <label class="field"><span>\(req.t("交付照片（可打码人脸）", "Hand-over photo (faces may be blurred)"))</span><input type="file" name="photo" accept="image/*" required></label>
            <button class="button big">\(req.t("已送到，上传照片", "Delivered: upload the photo"))</button></form>
            """)
        } else if let actor = req.actor {
            if let held = try await service.activeClaim(w, of: actor) {
                parts.append("<p>\(req.t("请在此前把心愿交给社区或网格员，并上传交付照片：", "Hand it over through the community or grid worker and upload a photo by:")) <b>\(w.claimDeadline.map { ShanghaiTime.format($0) } ?? "")</b></p>")
                parts.append(hoursForm(req, w, held))
                if w.state == .claimed {
                    parts.append("""
                    <form method="post" action="\(SiteURL.Partners.handOver(w.id!).path)" enctype="multipart/form-data" class="card">\(Form.csrf(req))
                    <label class="field"><span>\(req.t("交付照片（可打码人脸）", "Hand-over photo (faces may be blurred)"))</span><input type="file" name="photo" accept="image/*" required></label>
                    <button class="button big">\(req.t("上传照片，完成交付", "Upload and hand over"))</button></form>
                    <form method="post" action="\(SiteURL.Partners.wishAct(w.id!, action: "release").path)">\(Form.csrf(req))<button class="secondary">\(req.t("放弃认领", "Give up the claim"))</button></form>
                    """)
                } else if w.state == .received {
                    parts.append("<p class=\"card\">\(req.t("礼物已交给社区/网格员，由他们转交并上传照片。", "The community or grid worker has the gift and will pass it on."))</p>")
                } else {
                    parts.append("<p class=\"card\">\(req.t("已上传照片，等待社区确认。", "Photo uploaded; the community will confirm."))</p>")
                }
            } else if WishService.isBeneficiary(actor, of: w), w.state == .fulfilled, w.thanksBy != "resident" {
                parts.append("""
                <form method="post" action="\(SiteURL.Partners.wishAct(w.id!, action: "thank").path)" class="card">\(Form.csrf(req))
                <input type="hidden" name="version" value="\(w.version)">
                \(Form.textarea(req.t("写下您的感谢", "Write your thanks"), name: "thanks", required: true))
                <button class="button big">\(req.t("送出感谢", "Send my thanks"))</button></form>
                """)
            } else if w.state == .open, (try? await PartnerAccess.claimer(actor, on: req.db)) != nil {
                parts.append("""
                <form method="post" action="\(SiteURL.Partners.wishAct(w.id!, action: "claim").path)">\(Form.csrf(req))
                <label class="check"><input type="checkbox" name="showName" value="1"> \(req.t("同意在心愿墙上显示我的名字", "Show my name on the wall"))</label>
                <button class="button big">\(req.t("认领这个心愿", "Claim this wish"))</button></form>
                """)
            }
        }
        parts.append("<p><a href=\"\(req.actor.map { _ in SiteURL.Partners.wishes(query: "").path } ?? SiteURL.Partners.wall(query: "").path)\">\(req.t("返回", "Back"))</a></p>")
        return Layout(req: req, title: req.t("微心愿", "Micro-wish") + "：" + w.title, wide: staff).render(HTML(parts))
    }

    struct ActForm: Content {
        var note: String?
        var thanks: String?
        var version: Int?
        var showName: String?
    }

    @Sendable static func act(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let service = WishService(req: req)
        let w = try await service.load(try req.idParameter(), for: actor)
        guard let action = req.parameters.get("action").flatMap(WishAction.init(rawValue:)) else { throw APIError.notFound }
        let f = try req.content.decode(ActForm.self)
        let done = action == .claim
            ? req.t("认领成功！请在 \(WishService.claimDays) 天内完成交付。", "Claimed! Please hand it over within \(WishService.claimDays) days.")
            : req.t("已\(action.zh)：\(w.title)", "Done: \(action.en) \(w.title)")
        return try await PartnerPages.attempt(req, to: SiteURL.Partners.wish(w.id!).path, done: done) {
            if action == .claim {
                _ = try await service.claim(w, by: actor, showName: f.showName == "1")
            } else if action == .receive {
                _ = try await service.receive(w, note: f.note, by: actor)
            } else {
                _ = try await service.act(action, w, by: actor, note: action == .thank ? f.thanks : f.note, version: f.version)
            }
        }
    }

    struct PhotoForm: Content { var photo: File? }

    @Sendable static func handOver(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let service = WishService(req: req)
        let w = try await service.load(try req.idParameter(), for: actor)
        let file = try req.content.decode(PhotoForm.self).photo
        return try await PartnerPages.attempt(req, to: SiteURL.Partners.wish(w.id!).path,
                                              done: req.t("已上传交付照片，等待社区确认。", "Photo uploaded; the community will confirm.")) {
            _ = try await service.handOver(w, photo: file.map { Data(buffer: $0.data) } ?? Data(), by: actor)
        }
    }

    @Sendable static func photo(req: Request) async throws -> Response { try await WishesAPI.photo(req: req) }

    /// The claimer's "hours I spent" form (more than 0, at most 24), with what they entered so far.
    static func hoursForm(_ req: Request, _ w: Wish, _ held: WishClaim) -> HTML {
        let now = held.hoursTenths.map { ServiceLogService.hours($0) } ?? ""
        return """
        <form method="post" action="\(SiteURL.Partners.wishHours(w.id!).path)" class="card">\(Form.csrf(req))
        \(Form.field(req.t("我花了多少小时（确认后计入服务时长）", "Hours I spent (counted once confirmed)"), name: "hours", value: now, type: "number",
                     required: true, attrs: "min=\"0.1\" max=\"24\" step=\"0.1\" inputmode=\"decimal\""))
        <button class="button">\(req.t("保存时长", "Save my hours"))</button></form>
        """
    }

    struct HoursForm: Content { var hours: String? }

    @Sendable static func hours(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let service = WishService(req: req)
        let w = try await service.load(try req.idParameter(), for: actor)
        let raw = try req.content.decode(HoursForm.self).hours ?? ""
        return try await PartnerPages.attempt(req, to: SiteURL.Partners.wish(w.id!).path, done: req.t("已保存花费的时长。", "Hours saved.")) {
            guard let h = Double(raw.trimmingCharacters(in: .whitespaces)) else { throw APIError.invalid("hours", "请填写小时数 (enter the hours)") }
            _ = try await service.recordHours(w, hours: h, by: actor)
        }
    }

    /// The public wish wall: what is wished, never who.
    @Sendable static func wall(req: Request) async throws -> HTML {
        let page = try PageRequest(req)
        let code = try req.query.get(String?.self, at: "node") ?? ""
        let node = code.isEmpty ? nil : try await OrgService(req: req).find(codeOrID: code)
        let (items, total) = try await WishService(req: req).list(under: node?.path ?? "", state: nil, publicOnly: true, page: page)
        return Layout(req: req, title: req.t("微心愿墙", "Micro-wish wall")).render("""
        <p>\(req.t("社区困难家庭的孩子、独居老人的小心愿。红色合伙人和在职党员可以认领。", "Small wishes of children of families in difficulty and elderly people living alone; partners and party members claim them."))
        <a href="\(SiteURL.Partners.ours(query: SiteURL.query([("node", code)])).path)">\(req.t("我们的合伙人", "Our partners"))</a></p>
        \(items.isEmpty ? "<p class=\"muted\">\(req.t("暂无心愿", "No wishes yet"))</p>" : HTML(items.map { publicCard(req, $0) }))
        \(pager(req, total: total, page: page) { SiteURL.Partners.wall(query: SiteURL.query([("node", code), ("page", String($0))])).path })
        """)
    }
}
