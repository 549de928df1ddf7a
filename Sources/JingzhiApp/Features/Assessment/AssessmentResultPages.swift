import Fluent
import JingzhiCore
import Vapor

/// One unit's result: every indicator with its raw numbers and points; the unit's self-assessment forms (score,
/// note, photo or PDF), the reviewer's accept / adjust with a reason / return, the county's bonus decisions.
enum AssessmentResultPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Assessment.Pattern
        staff.get(P.result, use: show)
        staff.on(.POST, P.resultAct, body: .collect(maxSize: "30mb"), use: act)
        staff.get(P.evidence, use: evidence)
        staff.post(P.removeEvidence, use: removeEvidence)
    }

    @Sendable static func show(req: Request) async throws -> HTML {
        let actor = try AssessmentPages.viewer(req)
        let service = AssessmentService(req: req)
        let (r, res, role) = try await service.result(try req.idParameter(), for: actor)
        let entries = try await service.entries(of: res)
        let files = try await service.evidence(of: res)
        let score = AssessmentScoring.score(r.definition, entries.mapValues(\.facts))
        let lifecycle = AssessmentLifecycles.result
        let canScore = r.roundState == .open && lifecycle.refusal(.score, from: res.resultState, role: role) == nil
        let canAdjust = r.roundState == .open && lifecycle.refusal(.adjust, from: res.resultState, role: role) == nil
        let canRemove = r.roundState == .open && lifecycle.refusal(.removeEvidence, from: res.resultState, role: role) == nil
        let canBonus = r.roundState == .open && lifecycle.refusal(.approveBonus, from: res.resultState, role: role) == nil
        let act = { (a: String) in SiteURL.Assessment.resultAct(res.id!, action: a).path }
        var rows: [HTML] = []
        for d in r.definition.dimensions {
            rows.append("<tr class=\"dim\"><th colspan=\"4\" scope=\"colgroup\">\(d.name) (\(String(format: "%g", d.weight))%)</th></tr>")
            for item in d.items {
                for ind in item.indicators {
                    let e = entries[ind.code]
                    var raw: HTML
                    var pts: String
                    switch ind.kind {
                    case .computed:
                        if let f = e?.fraction, let v = f.value {
                            raw = "\(AssessmentPages.fmt(f.numerator)) / \(AssessmentPages.fmt(f.denominator)) = \(ind.target.map { $0 <= 1 } == true ? AssessmentPages.pct(v) : AssessmentPages.fmt(v))"
                        } else {
                            raw = "<span class=\"muted\">\(req.t("无数据", "no data"))</span>"
                        }
                        pts = AssessmentPages.fmt(ind.points(raw: e?.fraction?.value))
                    default:
                        raw = e?.selfScore.map { HTML("\(req.t("自评", "self")) \(String(format: "%g", $0))") } ?? "<span class=\"muted\">\(req.t("未评", "not scored"))</span>"
                        if let reason = e?.adjustReason { raw = "\(raw)<br><small>\(req.t("调整", "adjusted")): \(reason)</small>" }
                        if let note = e?.selfNote { raw = "\(raw)<br><small>\(note)</small>" }
                        if ind.kind == .bonus, let state = e?.bonusState { raw = "\(raw)<br><small class=\"tag\">\(state == "pending" ? req.t("待批准", "awaiting approval") : state == "approved" ? req.t("已批准", "approved") : req.t("不予加分", "refused"))</small>" }
                        pts = e?.score.map { String(format: "%g", $0) } ?? "—"
                    }
                    let ev = (files[e?.id ?? UUID()] ?? []).map { f -> HTML in
                        let link: HTML = f.contentType.hasPrefix("image/")
                            ? "<a href=\"\(SiteURL.Assessment.evidence(res.id!, file: f.id!).path)\"><img class=\"thumb\" src=\"\(SiteURL.Assessment.evidence(res.id!, file: f.id!).path)\" alt=\"\(req.t("佐证", "Evidence")) \(f.fileName)\"></a>"
                            : "<a href=\"\(SiteURL.Assessment.evidence(res.id!, file: f.id!).path)\">\(f.fileName)</a>"
                        guard canRemove else { return link }
                        return """
                        <span class="evidence">\(link)<form method="post" action="\(SiteURL.Assessment.removeEvidence(res.id!, file: f.id!).path)" class="inline">\(Form.csrf(req))<button class="secondary small" aria-label="\(req.t("删除佐证", "Remove evidence")) \(f.fileName)">\(req.t("删除", "Remove"))</button></form></span>
                        """
                    }
                    var forms: [HTML] = []
                    if ind.kind != .computed, canScore {
                        forms.append("""
                        <details><summary>\(req.t("自评", "Self-assess"))</summary><form method="post" action="\(act("score"))" enctype="multipart/form-data">\(Form.csrf(req))
                        <input type="hidden" name="indicator" value="\(ind.code)">
                        \(Form.field(req.t("分值", "Score") + " (\(ind.kind == .veto ? "0/1" : "0–\(String(format: "%g", ind.kind == .manual ? 100 : ind.maxPoints ?? 100))"))", name: "score", value: e?.selfScore.map { String(format: "%g", $0) }, type: "number", required: true, attrs: "step=\"0.5\" id=\"score-\(ind.code)\""))
                        \(Form.field(req.t("说明", "Note"), name: "note", value: e?.selfNote))
                        <label class="field"><span>\(req.t("佐证材料（图片或 PDF）", "Evidence (picture or PDF)"))</span><input type="file" name="files[]" multiple accept="image/*,application/pdf"></label>
                        <button class="secondary">\(req.t("保存自评", "Save"))</button></form></details>
                        """)
                    }
                    if ind.kind != .computed, canAdjust {
                        forms.append("""
                        <details><summary>\(req.t("调整得分", "Adjust"))</summary><form method="post" action="\(act("adjust"))">\(Form.csrf(req))
                        <input type="hidden" name="indicator" value="\(ind.code)">
                        \(Form.field(req.t("审核分值", "Score"), name: "score", value: e?.score.map { String(format: "%g", $0) }, type: "number", required: true, attrs: "step=\"0.5\""))
                        \(Form.field(req.t("调整原因", "Reason"), name: "reason", required: true))
                        <button class="secondary">\(req.t("调整", "Adjust"))</button></form></details>
                        """)
                    }
                    if ind.kind == .bonus, canBonus, e?.bonusState == "pending" {
                        forms.append("""
                        <form method="post" action="\(act("bonus"))" class="inline">\(Form.csrf(req))<input type="hidden" name="indicator" value="\(ind.code)"><input type="hidden" name="approve" value="1"><button class="secondary">\(req.t("批准加分", "Approve"))</button></form>
                        <form method="post" action="\(act("bonus"))" class="inline">\(Form.csrf(req))<input type="hidden" name="indicator" value="\(ind.code)"><input type="hidden" name="approve" value="0"><button class="secondary">\(req.t("不予加分", "Refuse"))</button></form>
                        """)
                    }
                    rows.append("""
                    <tr data-indicator="\(ind.code)"><td data-label="\(req.t("指标", "Indicator"))">\(item.name) · \(ind.name) <small class="tag">\(req.t(ind.kind.zh, ind.kind.en))</small></td>
                    <td data-label="\(req.t("原始数据", "Raw"))">\(raw) \(ev)</td><td data-label="\(req.t("得分", "Points"))">\(pts)</td><td>\(forms)</td></tr>
                    """)
                }
            }
        }
        var steps: [HTML] = []
        for a in lifecycle.actions(from: res.resultState, role: role) where [.submit, .accept].contains(a) && r.roundState == .open {
            steps.append("<form method=\"post\" action=\"\(act(a.rawValue))\" class=\"inline\">\(Form.csrf(req))<input type=\"hidden\" name=\"version\" value=\"\(res.version)\"><button>\(req.t(a.zh, a.en))</button></form>")
        }
        if r.roundState == .open, lifecycle.refusal(.return, from: res.resultState, role: role) == nil {
            steps.append("""
            <form method="post" action="\(act("return"))" class="card">\(Form.csrf(req))<input type="hidden" name="version" value="\(res.version)">
            \(Form.field(req.t("退回原因", "Reason for returning"), name: "reason", required: true))<button class="secondary">\(req.t("退回", "Return"))</button></form>
            """)
        }
        let dims = score.dimensions.map { d -> HTML in "<li>\(d.name): <b>\(AssessmentPages.fmt(d.score))</b></li>" }
        let losses = score.losses.prefix(5).map { l -> HTML in "<li>\(l.name): −\(AssessmentPages.fmt(l.points))</li>" }
        let total = res.resultState == .published ? res.total : score.total
        return Layout(req: req, title: "\(res.unitName) · \(r.title)", wide: true).render("""
        <p>\(req.t("环节", "Step")): <b>\(res.resultState.label(req.lang))</b> · \(req.t("总分", "Total")): <b class="total">\(AssessmentPages.fmt(total))</b>
        \(score.vetoed ? HTML(" · <b class=\"error\">\(req.t("一票否决", "Vetoed"))</b>") : .empty)
        \(score.pendingBonus > 0 ? HTML(" · \(req.t("待批准加分", "Bonus awaiting approval")) \(AssessmentPages.fmt(score.pendingBonus))") : .empty)</p>
        <div class="grid2"><section class="card"><h2>\(req.t("维度得分", "Dimensions"))</h2><ul>\(dims)</ul></section>
        <section class="card"><h2>\(req.t("失分最多的指标", "Indicators that cost most"))</h2><ul>\(losses.isEmpty ? ["<li class=\"muted\">—</li>"] : Array(losses))</ul></section></div>
        \(steps)
        <div class="table-wrap"><table class="list stack assessment-entries"><thead><tr><th>\(req.t("指标", "Indicator"))</th><th>\(req.t("原始数据", "Raw"))</th><th>\(req.t("得分", "Points"))</th><th>\(req.t("操作", "Actions"))</th></tr></thead>
        <tbody>\(rows)</tbody></table></div>
        <p><a href="\(SiteURL.Assessment.round(r.id!).path)">\(req.t("返回本轮考核", "Back to the round"))</a> · <a href="\(SiteURL.Assessment.unit(res.unitID, query: [("system", r.systemCode)]).path)">\(req.t("历次得分", "Scores over time"))</a></p>
        """)
    }

    struct ActForm: Content {
        var indicator: String?
        var score: String?
        var note: String?
        var reason: String?
        var approve: String?
        var version: Int?
        var files: [File]?
    }

    @Sendable static func act(req: Request) async throws -> Response {
        let actor = try AssessmentPages.viewer(req)
        let service = AssessmentService(req: req)
        let (r, res, role) = try await service.result(try req.idParameter(), for: actor)
        let f = try req.content.decode(ActForm.self)
        let score: Double? = f.score.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        do {
            switch req.parameters.get("action") {
            case "score":
                if f.score?.isEmpty == false, score == nil { throw APIError.invalid("score", "分值须为数字 (the score must be a number)") }
                let files = (f.files ?? []).filter { $0.data.readableBytes > 0 }.map { (name: $0.filename, data: Data(buffer: $0.data)) }
                try await service.selfScore(r, res, role: role, indicator: f.indicator, score: score, note: f.note, files: files)
                req.flash(req.t("自评已保存", "Self-assessment saved"))
            case "submit":
                try await service.submit(r, res, role: role, version: f.version)
                req.flash(req.t("已提交街道审核", "Submitted for review"))
            case "accept":
                try await service.accept(r, res, role: role, version: f.version)
                req.flash(req.t("审核通过", "Accepted"))
            case "adjust":
                if f.score?.isEmpty == false, score == nil { throw APIError.invalid("score", "分值须为数字 (the score must be a number)") }
                try await service.adjust(r, res, role: role, indicator: f.indicator, score: score, reason: f.reason)
                req.flash(req.t("得分已调整，原因已记录", "Score adjusted; the reason is kept"))
            case "return":
                try await service.returnToUnit(r, res, role: role, reason: f.reason, version: f.version)
                req.flash(req.t("已退回单位重新自评", "Returned to the unit"))
            case "bonus":
                try await service.decideBonus(r, res, role: role, indicator: f.indicator, approve: f.approve == "1")
                req.flash(f.approve == "1" ? req.t("已批准加分", "Bonus approved") : req.t("不予加分", "Bonus refused"))
            default: throw APIError.notFound
            }
        } catch let e as APIError where e.status.code < 500 && e.status != .notFound {
            req.flash(AssessmentPages.words(req, e), kind: "error")
        }
        return req.redirect(to: SiteURL.Assessment.result(res.id!).path)
    }

    @Sendable static func removeEvidence(req: Request) async throws -> Response {
        let actor = try AssessmentPages.viewer(req)
        let service = AssessmentService(req: req)
        let (r, res, role) = try await service.result(try req.idParameter(), for: actor)
        do {
            try await service.removeEvidence(r, res, role: role, file: try req.idParameter("file"))
            req.flash(req.t("佐证已删除", "Evidence removed"))
        } catch let e as APIError where e.status.code < 500 && e.status != .notFound {
            req.flash(AssessmentPages.words(req, e), kind: "error")
        }
        return req.redirect(to: SiteURL.Assessment.result(res.id!).path)
    }

    @Sendable static func evidence(req: Request) async throws -> Response {
        let actor = try AssessmentPages.viewer(req)
        let (_, res, _) = try await AssessmentService(req: req).result(try req.idParameter(), for: actor)
        guard let a = try await AssessmentEvidence.query(on: req.db).filter(\.$id == (try req.idParameter("file"))).filter(\.$resultID == res.id!).first() else {
            throw APIError.notFound
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: a.contentType)
        headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=86400")
        headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"evidence\"")
        return Response(status: .ok, headers: headers, body: .init(data: a.bytes))
    }
}
