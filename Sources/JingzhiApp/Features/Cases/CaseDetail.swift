import Fluent
import JingzhiCore
import Vapor

/// One case: what, where, deadlines, every step in plain words, and a form for each move the viewer may make now.
enum CaseDetail {
    static func render(_ req: Request, _ actor: Actor, _ c: Case, error: String?) async throws -> HTML {
        let lang = req.lang
        let events = try await CaseService(req: req).history(of: c)
        let category = try await CaseCategory.find(c.categoryID, on: req.db)
        let place = try await OrgNode.find(c.nodeID, on: req.db)
        let chain = try await place.asyncMap { try await OrgService(req: req).ancestors(of: $0) } ?? []
        let unit: String
        if let d = c.handlerDepartmentID { unit = try await Department.find(d, on: req.db)?.name ?? "" }
        else if let n = c.handlerNodeID { unit = try await OrgNode.find(n, on: req.db)?.name ?? "" }
        else { unit = "" }
        let handlerPath = try await CaseAccess.handlerPath(of: c, on: req.db)
        let allowed = CaseAccess.actions(on: c, by: actor, handlerPath: handlerPath)
        let mayAddPhotos = CaseAccess.canAddPhotos(c, actor, handlerPath: handlerPath)
        let similar = allowed.contains(.merge) ? try await similarCases(req, c, scope: actor.scope) : []
        let dto = CaseDTO(c, viewer: actor, lang: lang)
        let photos = try await CasePhoto.query(on: req.db).filter(\.$caseID == c.id!).sort(\.$createdAt).field(\.$id).field(\.$createdAt).all()
        return Layout(req: req, title: "\(req.t("诉求", "Case")) \(c.number)").render("""
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <div class="card">
          <p><b>\(lang.t(c.state.zh, c.state.en))</b></p>
          <p>\(c.description)</p>
          <dl class="props">
            <dt>\(req.t("类别", "Category"))</dt><dd>\(category?.name ?? c.categoryCode)</dd>
            <dt>\(req.t("地点", "Where"))</dt><dd>\(chain.dropFirst().map(\.name).joined(separator: " › "))</dd>
            <dt>\(req.t("承办单位", "Handled by"))</dt><dd>\(c.handlerLevel.label(lang)) · \(unit)</dd>
            <dt>\(req.t("响应时限", "Respond by"))</dt><dd>\(c.responseDueAt.map { ShanghaiTime.format($0) } ?? "—")\(c.responseOverdueAt != nil ? HTML(" <b class=\"req\">\(req.t("已超时", "late"))</b>") : .empty)</dd>
            <dt>\(req.t("办结时限", "Resolve by"))</dt><dd>\(c.resolutionDueAt.map { ShanghaiTime.format($0) } ?? "—")\(c.resolutionOverdueAt != nil ? HTML(" <b class=\"req\">\(req.t("已超期", "overdue"))</b>") : .empty)</dd>
            \(actor.role.isStaff ? HTML("<dt>\(req.t("反映人", "Reporter"))</dt><dd>\(dto.reporterName ?? "—") \(dto.reporterPhone ?? "")</dd>") : .empty)
            \(c.rating.flatMap(CaseMachine.Rating.init(rawValue:)).map { HTML("<dt>\(req.t("评价", "Rating"))</dt><dd>\($0.label(lang)) \(c.ratingComment ?? "")</dd>") } ?? .empty)
          </dl>
        </div>
        \(photos.isEmpty ? .empty : HTML("<div class=\"photos\">\(photos.map { p -> HTML in "<a href=\"\(SiteURL.Cases.photo(c.id!, photo: p.id!).path)\"><img src=\"\(SiteURL.Cases.photo(c.id!, photo: p.id!).path)\" alt=\"\(req.t("照片", "Photo"))\" loading=\"lazy\"></a>" })</div>"))
        \(mayAddPhotos ? HTML("""
        <details class="card"><summary>\(req.t("上传照片", "Add photos"))</summary>
        <form method="post" action="\(SiteURL.Cases.photos(c.id!).path)" enctype="multipart/form-data">\(Form.csrf(req))
          <input type="file" name="photos[]" accept="image/*" multiple capture="environment"><button>\(req.t("上传", "Upload"))</button></form></details>
        """) : .empty)
        \(allowed.isEmpty ? .empty : HTML("<h2>\(req.t("办理", "Act"))</h2>"))
        \(similar.isEmpty ? .empty : HTML("""
        <h2>\(req.t("相似诉求（同一地点、同一类别）", "Similar open cases here"))</h2>
        <ul class="tree">\(similar.map { s -> HTML in
            """
            <li><span><a href="\(SiteURL.Cases.detail(s.id!).path)">\(s.number)</a> \(String(s.description.prefix(30)))</span>
            <form method="post" action="\(SiteURL.Cases.act(c.id!, action: "merge").path)" class="inline" data-confirm="\(req.t("把本诉求合并到 \(s.number)？", "Merge this case into \(s.number)?"))">\(Form.csrf(req))
            <input type="hidden" name="version" value="\(c.version)"><input type="hidden" name="mergeInto" value="\(s.id)"><button class="link">\(req.t("合并到此", "Merge into it"))</button></form></li>
            """
        })</ul>
        """))
        \(allowed.map { form(req, c, $0) })
        <h2>\(req.t("办理过程", "Steps"))</h2>
        <ul class="tree">\(events.map { e -> HTML in
            let to = CaseState(rawValue: e.toState)
            return "<li><span><b>\(to.map { lang.t($0.zh, $0.en) } ?? e.toState)</b> \(e.note ?? "")</span><span class=\"muted\">\(e.actorName) · \(ShanghaiTime.format(e.at))</span></li>"
        })</ul>
        """)
    }

    /// Open cases of the same category at the same place from the last two weeks: likely the same problem reported twice.
    static func similarCases(_ req: Request, _ c: Case, scope: DataScope) async throws -> [Case] {
        let since = (c.createdAt ?? req.now).addingTimeInterval(-14 * 86400)
        return try await Case.query(on: req.db).within(scope).filter(\.$nodePath == c.nodePath).filter(\.$categoryCode == c.categoryCode)
            .filter(\.$id != c.id!).filter(\.$createdAt >= since)
            .filter(\.$stateRaw !~ [CaseState.closed, .merged, .rejected].map(\.rawValue)).sort(\.$createdAt).limit(5).all()
    }

    static func label(_ action: CaseAction, _ req: Request) -> String {
        switch action {
        case .accept: req.t("受理", "Accept")
        case .reject: req.t("不予受理", "Reject")
        case .dispatch: req.t("交办", "Dispatch")
        case .start: req.t("开始办理", "Start")
        case .returnCase: req.t("退回", "Return")
        case .escalate: req.t("上报上级", "Escalate")
        case .handBack: req.t("交回下级", "Hand back")
        case .reply: req.t("答复", "Reply")
        case .rate: req.t("评价", "Rate")
        case .close: req.t("办结", "Close")
        case .merge: req.t("合并", "Merge")
        case .note: req.t("补充说明", "Add a note")
        }
    }

    /// The form for one move, carrying the version the viewer saw.
    static func form(_ req: Request, _ c: Case, _ action: CaseAction) -> HTML {
        var fields: [HTML] = []
        switch action {
        case .dispatch, .handBack:
            let levels: [HandlerLevel] = action == .handBack ? HandlerLevel.allCases.filter { CaseService.rank($0) < CaseService.rank(c.handlerLevel) } : HandlerLevel.allCases
            fields.append(Form.select(req.t("交给", "To"), name: "level", options: levels.map { ($0.rawValue, $0.label(req.lang)) }, selected: c.handlerLevelRaw))
            if action == .handBack { fields.append(Form.textarea(req.t("说明", "Reason"), name: "note")) }
        case .rate:
            fields.append(Form.select(req.t("您的评价", "Your rating"), name: "rating", options: CaseMachine.Rating.allCases.map { ($0.rawValue, $0.label(req.lang)) }, selected: nil))
            fields.append(Form.textarea(req.t("意见（可选）", "Comment (optional)"), name: "note"))
        case .reject, .returnCase, .escalate, .reply, .note:
            fields.append(Form.textarea(action == .reply ? req.t("答复内容", "Reply") : req.t("说明", "Reason"), name: "note"))
        case .merge:
            return .empty  // merging needs a target picker; done from the API for now
        case .accept, .start, .close:
            break
        }
        let danger = [.reject, .close].contains(action)
        let confirm = danger ? " data-confirm=\"\(HTML.escape(req.t("确定\(label(action, req))？", "\(label(action, req))?")))\"" : ""
        let form: HTML = """
        <form method="post" action="\(SiteURL.Cases.act(c.id!, action: action.rawValue).path)"\(HTML(raw: confirm))>\(Form.csrf(req))
          <input type="hidden" name="version" value="\(c.version)">\(fields)
          <button\(HTML(raw: danger ? " class=\"danger\"" : ""))>\(label(action, req))</button>
        </form>
        """
        // Moves that need words fold away until chosen, so the page stays short on a phone.
        if fields.isEmpty { return "<div class=\"card\">\(form)</div>" }
        return "<details class=\"card\"><summary>\(label(action, req))</summary>\(form)</details>"
    }
}
