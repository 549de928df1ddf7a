import Fluent
import JingzhiCore
import Vapor

/// One case: what, where, deadlines, every step in plain words, and a form for each move the viewer may make now.
enum CaseDetail {
    static func render(_ req: Request, _ actor: Actor, _ c: Case, error: String?) async throws -> HTML {
        let model = try await CaseDetailModel.load(req, actor, c)
        return Layout(req: req, title: "\(req.t("诉求", "Case")) \(c.number)").render(body(model, error: error, lang: req.lang, csrf: Form.csrf(req)))
    }

    /// The page's content for `m`, in `lang`; `csrf` is the form token field every form carries.
    static func body(_ m: CaseDetailModel, error: String?, lang: Lang, csrf: HTML) -> HTML {
        """
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        \(m.reply.map { HTML("<div class=\"card reply\"><h2>\(lang.t("办理答复", "The answer"))</h2><p>\($0)</p></div>") } ?? .empty)
        <div class="card">
          <p><b>\(m.state.label(lang))</b></p>
          <p>\(m.description)</p>
          <dl class="props">
            <dt>\(lang.t("类别", "Category"))</dt><dd>\(m.category)</dd>
            <dt>\(lang.t("地点", "Where"))</dt><dd>\(m.place.joined(separator: " › "))</dd>
            <dt>\(lang.t("承办单位", "Handled by"))</dt><dd>\(m.handlerLevel.label(lang)) · \(m.unit)</dd>
            <dt>\(lang.t("响应时限", "Respond by"))</dt><dd>\(m.responseDueAt.map { ShanghaiTime.format($0) } ?? "—")\(m.responseLate ? HTML(" <b class=\"req\">\(lang.t("已超时", "late"))</b>") : .empty)</dd>
            <dt>\(lang.t("办结时限", "Resolve by"))</dt><dd>\(m.resolutionDueAt.map { ShanghaiTime.format($0) } ?? "—")\(m.resolutionLate ? HTML(" <b class=\"req\">\(lang.t("已超期", "overdue"))</b>") : .empty)</dd>
            \(m.reporter.map { HTML("<dt>\(lang.t("反映人", "Reporter"))</dt><dd>\($0.name ?? "—") \($0.phone ?? "")</dd>") } ?? .empty)
            \(m.rating.map { HTML("<dt>\(lang.t("评价", "Rating"))</dt><dd>\($0.label(lang)) \(m.ratingComment ?? "")</dd>") } ?? .empty)\(m.origins.map { o -> HTML in "<dt>\(o.label)</dt><dd><a href=\"\(o.href)\">\(o.title)</a></dd>" })
          </dl>
        </div>
        \(m.photoIDs.isEmpty ? .empty : HTML("<div class=\"photos\">\(m.photoIDs.map { p -> HTML in "<a href=\"\(SiteURL.Cases.photo(m.id, photo: p).path)\"><img src=\"\(SiteURL.Cases.photo(m.id, photo: p).path)\" alt=\"\(lang.t("照片", "Photo"))\" loading=\"lazy\"></a>" })</div>"))
        \(m.mayAddPhotos ? HTML("""
        <details class="card"><summary>\(lang.t("上传照片", "Add photos"))</summary>
        <form method="post" action="\(SiteURL.Cases.photos(m.id).path)" enctype="multipart/form-data">\(csrf)
          <input type="file" name="photos[]" accept="image/*" multiple capture="environment"><button>\(lang.t("上传", "Upload"))</button></form></details>
        """) : .empty)
        \(m.links.isEmpty ? .empty : HTML("<p class=\"actions\">\(m.links.map { l -> HTML in "<a class=\"button secondary\" href=\"\(l.href)\">\(l.label)</a>" })</p>\n"))\(m.allowed.isEmpty ? .empty : HTML("<h2>\(lang.t("办理", "Act"))</h2>"))
        \(m.similar.isEmpty ? .empty : HTML("""
        <h2>\(lang.t("相似诉求（同一地点、同一类别）", "Similar open cases here"))</h2>
        <ul class="tree">\(m.similar.map { s -> HTML in
            """
            <li><span><a href="\(SiteURL.Cases.detail(s.id).path)">\(s.number)</a> \(String(s.description.prefix(30)))</span>
            <form method="post" action="\(SiteURL.Cases.act(m.id, action: "merge").path)" class="inline" data-confirm="\(lang.t("把本诉求合并到 \(s.number)？", "Merge this case into \(s.number)?"))">\(csrf)
            <input type="hidden" name="version" value="\(m.version)"><input type="hidden" name="mergeInto" value="\(s.id)"><button class="link">\(lang.t("合并到此", "Merge into it"))</button></form></li>
            """
        })</ul>
        """))
        \(m.allowed.map { form(m, $0, lang: lang, csrf: csrf) })
        <h2>\(lang.t("办理过程", "Steps"))</h2>
        <ul class="tree">\(m.steps.map { e -> HTML in
            "<li><span><b>\(CaseState(rawValue: e.toState)?.label(lang) ?? e.toState)</b> \(e.note ?? "")</span><span class=\"muted\">\(e.actorName) · \(ShanghaiTime.format(e.at))</span></li>"
        })</ul>
        """
    }

    static func label(_ action: CaseAction, _ req: Request) -> String { label(action, req.lang) }

    static func label(_ action: CaseAction, _ lang: Lang) -> String {
        switch action {
        case .accept: lang.t("受理", "Accept")
        case .reject: lang.t("不予受理", "Reject")
        case .dispatch: lang.t("交办", "Dispatch")
        case .start: lang.t("开始办理", "Start")
        case .returnCase: lang.t("退回", "Return")
        case .escalate: lang.t("上报上级", "Escalate")
        case .handBack: lang.t("交回下级", "Hand back")
        case .reply: lang.t("答复", "Reply")
        case .rate: lang.t("评价", "Rate")
        case .close: lang.t("办结", "Close")
        case .merge: lang.t("合并", "Merge")
        case .note: lang.t("补充说明", "Add a note")
        }
    }

    /// The form for one move, carrying the version the viewer saw.
    static func form(_ m: CaseDetailModel, _ action: CaseAction, lang: Lang, csrf: HTML) -> HTML {
        var fields: [HTML] = []
        switch action {
        case .dispatch, .handBack:
            let lower = m.units.choices.filter { action == .dispatch || CaseService.rank($0.level) < CaseService.rank(m.handlerLevel) }
            if lower.isEmpty {
                let levels: [HandlerLevel] = action == .handBack ? HandlerLevel.allCases.filter { CaseService.rank($0) < CaseService.rank(m.handlerLevel) } : HandlerLevel.allCases
                fields.append(Form.select(lang.t("交给", "To"), name: "level", options: levels.map { ($0.rawValue, $0.label(lang)) }, selected: m.handlerLevel.rawValue))
            } else {
                fields.append(Form.select(lang.t("交给哪个单位", "To which unit"), name: "unit", options: lower.map { ($0.value, $0.label) },
                                          selected: action == .dispatch ? m.units.preselected : nil, required: true))
            }
            if action == .dispatch {
                fields.append(Form.field(lang.t("办结时限（可提前，不能晚于类别规定）", "Resolve by (earlier than the category's, if you like)"),
                                         name: "dueBy", type: "datetime-local",
                                         attrs: m.resolutionDueAt.map { "max=\"\(ShanghaiTime.format($0, "yyyy-MM-dd'T'HH:mm"))\"" } ?? ""))
                fields.append(Form.textarea(lang.t("交办说明（可选）", "Note (optional)"), name: "note"))
            } else {
                fields.append(Form.textarea(lang.t("说明", "Reason"), name: "note", required: true))
            }
        case .rate:
            return rateForm(m, lang: lang, csrf: csrf)
        case .reject, .returnCase, .escalate, .reply, .note:
            fields.append(Form.textarea(action == .reply ? lang.t("答复内容", "Reply") : lang.t("说明", "Reason"), name: "note", required: true))
        case .merge:
            return .empty  // merging needs a target picker; done from the API for now
        case .accept, .start, .close:
            break
        }
        let danger = [.reject, .close].contains(action)
        let confirm = danger ? " data-confirm=\"\(HTML.escape(lang.t("确定\(label(action, lang))？", "\(label(action, lang))?")))\"" : ""
        let form: HTML = """
        <form method="post" action="\(SiteURL.Cases.act(m.id, action: action.rawValue).path)"\(HTML(raw: confirm))>\(csrf)
          <input type="hidden" name="version" value="\(m.version)">\(fields)
          <button\(HTML(raw: danger ? " class=\"danger\"" : ""))>\(label(action, lang))</button>
        </form>
        """
        // Moves that need words fold away until chosen, so the page stays short on a phone.
        if fields.isEmpty { return "<div class=\"card\">\(form)</div>" }
        return "<details class=\"card\"><summary>\(label(action, lang))</summary>\(form)</details>"
    }

    /// Rating in one tap: the three answers are three big buttons, the comment is optional.
    static func rateForm(_ m: CaseDetailModel, lang: Lang, csrf: HTML) -> HTML {
        """
        <form method="post" action="\(SiteURL.Cases.act(m.id, action: CaseAction.rate.rawValue).path)" class="card rate">\(csrf)
          <h2>\(lang.t("请您评价这次办理", "How was it handled?"))</h2>
          <input type="hidden" name="version" value="\(m.version)">
          \(Form.textarea(lang.t("意见（可选）", "Comment (optional)"), name: "note"))
          <div class="rate-buttons">\(CaseMachine.Rating.allCases.map { r -> HTML in
              "<button name=\"rating\" value=\"\(r.rawValue)\"\(HTML(raw: r == .unsatisfied ? " class=\"secondary\"" : ""))>\(r.label(lang))</button>"
          })</div>
        </form>
        """
    }
}
