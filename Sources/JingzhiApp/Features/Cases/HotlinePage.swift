import Fluent
import JingzhiCore
import Vapor

/// 热线快速录入: the hotline operator's page, built for the keyboard. Six fields in tab order — caller's phone,
/// name, place, category, description, submit — where place and category are typed (a few letters of a name,
/// code or pinyin initials narrow the browser's own suggestion list), Ctrl+Enter files, and the empty form comes
/// straight back for the next call with the number just filed on top. A known caller's phone fills in their home
/// compound and warns about their open cases (with JavaScript; without, the operator types the place).
enum HotlinePage {
    static func register(_ staff: any RoutesBuilder) {
        staff.get(SiteURL.Cases.Pattern.hotline, use: form)
        staff.post(SiteURL.Cases.Pattern.hotline, use: file)
        staff.post(SiteURL.Cases.Pattern.hotlineCaller, use: caller)
    }

    struct Entry: Content {
        var reporterPhone: String?
        var reporterName: String?
        var place: String?
        var category: String?
        var description: String?
        var idempotencyKey: String?
    }

    /// The operators: the roles that accept and dispatch cases.
    static func requireOperator(_ req: Request) throws -> Actor {
        let actor = try req.requireActor()
        guard CaseMachine.dispatchers.contains(actor.role) else { throw APIError.forbidden }
        return actor
    }

    @Sendable static func form(req: Request) async throws -> Response {
        try await page(req, try requireOperator(req), Entry(), error: nil)
    }

    @Sendable static func file(req: Request) async throws -> Response {
        let actor = try requireOperator(req)
        let entry = try req.content.decode(Entry.self)
        do {
            guard let phone = entry.reporterPhone, !phone.isEmpty else {
                throw APIError.invalid("reporterPhone", "请填写来电号码 (the caller's phone is required)")
            }
            let node = try await place(entry.place, actor: actor, on: req.db)
            let category = try await category(entry.category, on: req.db)
            let submission = CaseSubmission(categoryCode: category.code, nodeID: node.id, description: entry.description, channel: "hotline",
                                            reporterName: entry.reporterName, reporterPhone: phone)
            let (c, created) = try await CaseService(req: req).submit(submission, by: actor, idempotencyKey: entry.idempotencyKey)
            req.flash(created ? req.t("已登记 \(c.number)：\(node.name) · \(category.name)", "Filed \(c.number): \(node.name) · \(category.name)")
                              : req.t("已登记过 \(c.number)（重复提交未新增）", "Already filed as \(c.number) (the repeat made nothing new)"))
            return req.redirect(to: SiteURL.Cases.hotline.path)
        } catch let e as APIError where e.status.code < 500 {
            return try await page(req, actor, entry, error: e, status: e.status)
        }
    }

    /// What the page knows about a caller's phone: the home compound of a resident with that number (in the
    /// operator's scope) and the numbers of their open cases. JSON for the page's script; the phone is posted, so it
    /// never sits in a URL.
    @Sendable static func caller(req: Request) async throws -> Response {
        let actor = try requireOperator(req)
        struct Lookup: Content { var phone: String? }
        guard let phone = (try? req.content.decode(Lookup.self))?.phone.flatMap(Validate.phone) else {
            throw APIError.invalid("phone", "电话号码无效 (invalid phone number)")
        }
        struct Known: Content { var place: String?; var openCases: [String] }
        var place: String?
        if let resident = try await Resident.query(on: req.db).within(actor.scope).filter(\.$phone == phone).first(),
           let home = try await OrgNode.find(resident.nodeID, on: req.db),
           let compound = try await OrgService(req: req).ancestors(of: home).last(where: { $0.kind == .compound }) ?? (home.kind == .compound ? home : nil) {
            place = label(compound)
        }
        let open = try await Case.query(on: req.db).within(actor.scope).filter(\.$reporterPhone == phone)
            .filter(\.$stateRaw !~ [CaseState.closed, .merged, .rejected].map(\.rawValue)).sort(\.$createdAt, .descending).limit(5).all()
        return try await Known(place: place, openCases: open.map(\.number)).encodeResponse(for: req)
    }

    /// How a place is offered and typed back: "name（code）".
    static func label(_ node: OrgNode) -> String { "\(node.name)（\(node.code)）" }

    /// The place typed: "name（code）" from the list, a bare code, or a name that only one place in scope has.
    static func place(_ text: String?, actor: Actor, on db: any Database) async throws -> OrgNode {
        let typed = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty else { throw APIError.invalid("place", "请填写地点 (the place is required)") }
        switch try await CasePlace.exact(typed, kinds: [.grid, .compound, .building], scope: actor.scope, on: db) {
        case .one(let node): return node
        case .none: throw APIError.invalid("place", "找不到地点「\(typed)」，请从列表中选择 (no such place in your area; pick one from the list)")
        case .several: throw APIError.invalid("place", "有多个地点叫「\(typed)」，请从列表中选择 (several places have that name; pick one from the list)")
        }
    }

    /// The category typed: "code · name" from the list, a bare code, or a name.
    static func category(_ text: String?, on db: any Database) async throws -> CaseCategory {
        let typed = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !typed.isEmpty else { throw APIError.invalid("category", "请填写问题类别 (the category is required)") }
        let code = typed.split(separator: " ").first.map(String.init) ?? typed
        let active = try await CaseCategory.query(on: db).filter(\.$active == true).all()
        if let c = active.first(where: { $0.code == code || $0.name == typed }) { return c }
        throw APIError.invalid("category", "未知类别「\(typed)」，请从列表中选择 (unknown category; pick one from the list)")
    }

    static func page(_ req: Request, _ actor: Actor, _ e: Entry, error: APIError?, status: HTTPStatus = .ok) async throws -> Response {
        let places = try await OrgNode.query(on: req.db).within(actor.scope)
            .filter(\.$kindRaw ~~ [NodeKind.grid.rawValue, NodeKind.compound.rawValue]).sort(\.$path).limit(3000).all()
        let categories = try await CaseCategory.query(on: req.db).filter(\.$active == true).sort(\.$code).all()
        let recent = try await CaseEvent.query(on: req.db).filter(\.$actorID == actor.userID).filter(\.$action == "submit")
            .sort(\.$at, .descending).limit(8).all()
        let recentCases = try await Case.query(on: req.db).filter(\.$id ~~ recent.map(\.caseID)).sort(\.$createdAt, .descending).all()
        // Focus goes where the error is, or to the phone for a new call.
        let focus = error?.field ?? "reporterPhone"
        func autofocus(_ name: String) -> String { name == focus ? "autofocus" : "" }
        let key = error == nil ? UUID().uuidString : (e.idempotencyKey ?? UUID().uuidString)
        let body: HTML = """
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\(req.words($0))</p>") } ?? .empty)
        <div class="hotline">
        <form method="post" action="\(SiteURL.Cases.hotline.path)" class="card" id="hotline-form" data-caller="\(SiteURL.Cases.hotlineCaller.path)" data-lives-at="\(req.t("居民住址", "Lives at"))" data-open-cases="\(req.t("未办结诉求", "Open cases"))">\(Form.csrf(req))
          <input type="hidden" name="idempotencyKey" value="\(key)">
          \(Form.field(req.t("来电号码", "Caller's phone"), name: "reporterPhone", value: e.reporterPhone, type: "tel", required: true,
                       attrs: "autocomplete=\"off\" inputmode=\"tel\" \(autofocus("reporterPhone"))"))
          <p class="muted" id="caller-known" aria-live="polite"></p>
          \(Form.field(req.t("来电人称呼", "Caller's name"), name: "reporterName", value: e.reporterName, attrs: "autocomplete=\"off\" \(autofocus("reporterName"))"))
          \(Form.field(req.t("地点（输入小区或网格名称、编号）", "Place (type a compound or grid name or code)"), name: "place", value: e.place, required: true,
                       attrs: "list=\"hotline-places\" autocomplete=\"off\" \(autofocus("place"))"))
          <datalist id="hotline-places">\(places.map { HTML("<option value=\"\(label($0))\">") })</datalist>
          \(Form.field(req.t("问题类别（输入拼音或名称）", "Category (type its code or name)"), name: "category", value: e.category, required: true,
                       attrs: "list=\"hotline-categories\" autocomplete=\"off\" \(autofocus("category"))"))
          <datalist id="hotline-categories">\(categories.map { HTML("<option value=\"\($0.code) \($0.name)\">") })</datalist>
          <label class="field"><span>\(req.t("情况描述", "What the caller reports")) <b class="req">*</b></span>
          <textarea name="description" rows="4" required \(HTML(raw: autofocus("description")))>\(e.description ?? "")</textarea></label>
          <button accesskey="s">\(req.t("登记（Ctrl+Enter）", "File (Ctrl+Enter)"))</button>
        </form>
        <section class="card"><h2>\(req.t("我刚登记的", "Filed by me lately"))</h2>
        <ul class="tree">\(recentCases.isEmpty ? ["<li class=\"muted\">\(req.t("暂无", "None yet"))</li>"] : recentCases.map { c -> HTML in
            "<li><a href=\"\(SiteURL.Cases.detail(c.id!).path)\">\(c.number)</a><span class=\"muted\">\(req.lang.t(c.state.zh, c.state.en))</span></li>"
        })</ul></section>
        </div>
        """
        return try await Layout(req: req, title: req.t("热线快速录入", "Hotline entry"), wide: true).render(body).encodeResponse(status: status, for: req)
    }
}
