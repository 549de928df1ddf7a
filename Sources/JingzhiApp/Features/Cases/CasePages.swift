import Fluent
import JingzhiCore
import Vapor

/// Cases in the browser: the queue, the submit form (phone-first), a case with its steps and the moves the viewer may make.
enum CasePages {
    static func register(_ web: any RoutesBuilder) {
        typealias P = SiteURL.Cases.Pattern
        web.get(P.queue, use: CaseQueuePage.queue)
        web.get(P.new, use: newForm)
        web.on(.POST, P.new, body: .collect(maxSize: "50mb"), use: create)
        web.get(P.detail, use: show)
        web.post(P.act, use: act)
        web.get(P.notifications, use: notifications)
        web.post(P.bulk, use: bulk)
    }

    struct SubmitForm: Content {
        var categoryCode: String?
        var nodeId: String?
        var description: String?
        var reporterName: String?
        var reporterPhone: String?
        var idempotencyKey: String?
        var photos: [File]?
    }

    static func formPage(_ req: Request, _ actor: Actor, _ f: SubmitForm, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let categories = try await CaseCategory.query(on: req.db).filter(\.$active == true).all()
        var places: [OrgNode]
        var home: OrgNode?
        if let rid = actor.user.residentID, let r = try await Resident.find(rid, on: req.db), let node = try await OrgNode.find(r.nodeID, on: req.db) {
            home = try await OrgService(req: req).ancestors(of: node).last { $0.kind == .compound }
        }
        if actor.role == .resident {
            places = try await OrgNode.query(on: req.db).filter(\.$kindRaw == NodeKind.compound.rawValue).sort(\.$path).limit(2000).all()
            // Their own compound first, then the others of their grid, community and street: nearest in the tree first.
            if let path = home?.path {
                func shared(_ p: String) -> Int { zip(p, path).prefix { $0 == $1 }.count }
                places = places.enumerated().sorted { a, b in
                    let (x, y) = (shared(a.element.path), shared(b.element.path))
                    return x != y ? x > y : a.offset < b.offset
                }.map(\.element)
            }
        } else {
            places = try await OrgNode.query(on: req.db).within(actor.scope)
                .filter(\.$kindRaw ~~ [NodeKind.grid.rawValue, NodeKind.compound.rawValue]).sort(\.$path).limit(2000).all()
        }
        let preset = f.nodeId ?? home?.id?.uuidString
        // A fresh key per form: pressing submit twice, or resending after a timeout, files one case.
        let key = f.idempotencyKey ?? UUID().uuidString
        return try await Layout(req: req, title: actor.role == .resident ? req.t("我要反映", "Report a problem") : req.t("登记诉求", "New case")).render("""
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <form method="post" action="\(SiteURL.Cases.new(node: nil).path)" class="card" enctype="multipart/form-data">\(Form.csrf(req))
          <input type="hidden" name="idempotencyKey" value="\(key)">
          \(Form.select(req.t("问题类别", "Category"), name: "categoryCode", options: categories.map { ($0.code, $0.name) }, selected: f.categoryCode, includeBlank: req.t("请选择", "Choose")))
          \(Form.select(req.t("地点", "Where"), name: "nodeId", options: places.map { ($0.id!.uuidString, $0.name) }, selected: preset, includeBlank: req.t("请选择", "Choose")))
          \(Form.textarea(req.t("情况描述", "What is wrong"), name: "description", value: f.description))
          \(actor.role.isStaff ? HTML("""
          \(Form.field(req.t("来电人电话（热线）", "Caller's phone (hotline)"), name: "reporterPhone", value: f.reporterPhone, type: "tel"))
          \(Form.field(req.t("来电人称呼", "Caller's name"), name: "reporterName", value: f.reporterName))
          """) : .empty)
          <label class="field"><span>\(req.t("照片（可选，最多 9 张）", "Photos (optional, up to 9)"))</span>
          <input type="file" name="photos[]" accept="image/*" multiple capture="environment"></label>
          <button accesskey="s">\(req.t("提交", "Submit"))</button>
        </form>
        """).encodeResponse(status: status, for: req)
    }

    @Sendable static func newForm(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        return try await formPage(req, actor, SubmitForm(categoryCode: try req.query.get(String?.self, at: "category"), nodeId: try req.query.get(String?.self, at: "node")), error: nil)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(SubmitForm.self)
        do {
            // A staff member typing in a caller's details is the hotline; otherwise it is their own report.
            let caller = actor.role.isStaff && !(f.reporterPhone ?? "").isEmpty
            let channel = caller ? "hotline" : (actor.role == .gridWorker ? "patrol" : "web")
            let submission = CaseSubmission(categoryCode: f.categoryCode, nodeID: f.nodeId.flatMap(UUID.init(uuidString:)), description: f.description,
                                            channel: channel, reporterName: caller ? f.reporterName : nil, reporterPhone: caller ? f.reporterPhone : nil)
            let photos = try CasePhotos.check((f.photos ?? []).filter { $0.data.readableBytes > 0 }.map { Data(buffer: $0.data) })
            let (c, created) = try await CaseService(req: req).submit(submission, by: actor, idempotencyKey: f.idempotencyKey)
            if created, !photos.isEmpty { _ = try await CasePhotos.add(photos.map(\.0), to: c, by: actor.userID, on: req.db, now: req.now) }
            if created { req.flash(req.t("已提交，编号 \(c.number)", "Submitted as \(c.number)")) }
            return req.redirect(to: SiteURL.Cases.detail(c.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await formPage(req, actor, f, error: req.words(e), status: e.status)
        }
    }

    @Sendable static func show(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        let c = try await CasesAPI.load(req, actor)
        return try await CaseDetail.render(req, actor, c, error: nil)
    }

    struct ActForm: Content {
        var version: Int?
        var note: String?
        var level: String?
        var departmentCode: String?
        var rating: String?
        var mergeInto: String?
        /// `node:<id>` or `dept:<code>`: the unit the dispatch form names.
        var unit: String?
        /// `datetime-local`, Shanghai time.
        var dueBy: String?
    }

    @Sendable static func act(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let action = req.parameters.get("action").flatMap(CaseAction.init(rawValue:)) else { throw APIError.notFound }
        let c = try await CasesAPI.load(req, actor)
        let f = try req.content.decode(ActForm.self)
        var input = CaseTransitionInput(note: f.note, departmentCode: f.departmentCode, mergeInto: f.mergeInto.flatMap(UUID.init(uuidString:)))
        input.level = f.level.flatMap(HandlerLevel.init(rawValue:))
        input.rating = f.rating.flatMap(CaseMachine.Rating.init(rawValue:))
        let service = CaseService(req: req)
        let moved: Case
        do {
            try DispatchUnit.apply(f.unit, to: &input)
            input.resolutionDueAt = try ShanghaiTime.parseLocal(f.dueBy, field: "dueBy")
            moved = try await service.perform(action, on: c, by: actor, expectedVersion: f.version, input: input)
        } catch let e as APIError where e.status.code < 500 && e.status != .notFound {
            let fresh = try await CasesAPI.load(req, actor)
            return try await CaseDetail.render(req, actor, fresh, error: req.words(e)).encodeResponse(status: e.status, for: req)
        }
        req.flash(CaseFeedback.after(action, moved, handler: try await service.handlerName(moved), lang: req.lang))
        return req.redirect(to: SiteURL.Cases.detail(c.id!).path)
    }

    struct BulkForm: Content { var ids: [String]?; var level: String?; var unit: String? }

    /// Dispatches every ticked case that may be dispatched; each is its own transition, and the page says how many moved.
    @Sendable static func bulk(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(BulkForm.self)
        var input = CaseTransitionInput(level: f.level.flatMap(HandlerLevel.init(rawValue:)))
        try DispatchUnit.apply(f.unit, to: &input)
        guard input.level != nil || input.handlerNodeID != nil else { throw APIError.missing("unit") }
        let ids = (f.ids ?? []).compactMap(UUID.init(uuidString:))
        guard !ids.isEmpty else {
            req.flash(req.t("请先勾选诉求", "Tick some cases first"), kind: "error")
            return req.redirect(to: SiteURL.Cases.queue(query: [("state", "accepted")]).path)
        }
        var moved = 0, refused: [String] = [], units: Set<String> = []
        for c in try await Case.query(on: req.db).filter(\.$id ~~ ids).visible(to: actor).all() {
            do {
                let service = CaseService(req: req)
                let done = try await service.perform(.dispatch, on: c, by: actor, expectedVersion: nil, input: input)
                moved += 1
                units.insert(try await service.handlerName(done))
            } catch let e as APIError where e.status.code < 500 {
                refused.append("\(c.number)：\(req.words(e))")
            }
        }
        let to = units.sorted().prefix(5).joined(separator: req.t("、", ", ")) + (units.count > 5 ? req.t(" 等", " and others") : "")
        req.flash(req.t("已交办 \(moved) 件给 \(to)", "Dispatched \(moved) to \(to)") + (refused.isEmpty ? "" : "；" + refused.joined(separator: "；")),
                  kind: refused.isEmpty ? "ok" : "error")
        return req.redirect(to: SiteURL.Cases.queue(query: [("state", "accepted")]).path)
    }

    @Sendable static func notifications(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        let rows = try await Notification.query(on: req.db).filter(\.$userID == actor.userID).sort(\.$createdAt, .descending).limit(100).all()
        let unread = rows.filter { $0.readAt == nil }.compactMap(\.id)
        if !unread.isEmpty {
            try await Notification.query(on: req.db).filter(\.$id ~~ unread).set(\.$readAt, to: req.now).update()
        }
        return Layout(req: req, title: req.t("消息", "Notifications")).render("""
        <ul class="tree">\(rows.isEmpty ? ["<li class=\"muted\">\(req.t("暂无消息", "Nothing yet"))</li>"] : rows.map { n -> HTML in
            let link: HTML = n.caseID.map { "<a href=\"\(SiteURL.Cases.detail($0).path)\">\(n.text)</a>" } ?? "\(n.text)"
            return "<li><span>\(n.readAt == nil ? HTML("<b>") : .empty)\(link)\(n.readAt == nil ? HTML("</b>") : .empty)</span><span class=\"muted\">\(ShanghaiTime.format(n.createdAt))</span></li>"
        })</ul>
        """)
    }
}
