import Fluent
import JingzhiCore
import Vapor

/// The assessment's pages: the index (systems and rounds), the system editor and a round. A unit's result and its
/// review: AssessmentResultPages.swift; rankings, print, export, the 擂台赛 and a unit's history: AssessmentRankingPages.swift.
enum AssessmentPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Assessment.Pattern
        staff.get(P.index, use: index)
        staff.get(P.system, use: system)
        staff.post(P.system, use: saveSystem)
        staff.post(P.rounds, use: openRound)
        staff.get(P.round, use: round)
        staff.post(P.roundAct, use: roundAct)
        AssessmentResultPages.register(staff)
        AssessmentRankingPages.register(staff)
    }

    static func canSee(_ a: Actor) -> Bool { [.admin, .streetStaff, .communityStaff, .propertyStaff, .departmentStaff].contains(a.role) }

    static func viewer(_ req: Request) throws -> Actor {
        let a = try req.requireActor()
        guard canSee(a) else { throw APIError.forbidden }
        return a
    }

    static func words(_ req: Request, _ e: APIError) -> String { e.words(req.lang, names: req.application.fieldNames) }

    static func fmt(_ x: Double?, _ digits: Int = 2) -> String { x.map { String(format: "%.\(digits)f", $0) } ?? "—" }
    static func pct(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }

    @Sendable static func index(req: Request) async throws -> HTML {
        let actor = try viewer(req)
        let service = AssessmentService(req: req)
        let systems = try await service.systems(for: actor)
        var rounds: [AssessmentRound] = []
        for r in try await AssessmentRound.query(on: req.db).sort(\.$toDay, .descending).sort(\.$systemCode).limit(300).all() where try await service.visible(r, to: actor) {
            rounds.append(r)
            if rounds.count >= 40 { break }
        }
        let sysRows = systems.map { s -> HTML in
            "<tr><td data-label=\"\(req.t("体系", "System"))\"><a href=\"\(SiteURL.Assessment.system(s.id!).path)\">\(s.name)</a></td><td data-label=\"\(req.t("版本", "Version"))\">v\(s.version)</td><td data-label=\"\(req.t("考核对象", "Units"))\">\(req.t(s.unitKind.zh, s.unitKind.en))</td></tr>"
        }
        let roundRows = rounds.map { r -> HTML in
            let ranking: HTML = r.roundState == .published ? " · <a href=\"\(SiteURL.Assessment.ranking(r.id!).path)\">\(req.t("排名", "Ranking"))</a>" : .empty
            return "<tr><td data-label=\"\(req.t("考核", "Round"))\"><a href=\"\(SiteURL.Assessment.round(r.id!).path)\">\(r.title)</a>\(ranking)</td><td data-label=\"\(req.t("状态", "State"))\">\(r.roundState.label(req.lang))</td></tr>"
        }
        var body: [HTML] = ["""
        <h2>\(req.t("指标体系", "Indicator systems"))</h2>
        <div class="table-wrap"><table class="list stack"><thead><tr><th>\(req.t("体系", "System"))</th><th>\(req.t("版本", "Version"))</th><th>\(req.t("考核对象", "Units"))</th></tr></thead>
        <tbody>\(sysRows.isEmpty ? ["<tr><td colspan=\"3\" class=\"muted\">\(req.t("暂无指标体系", "No systems yet"))</td></tr>"] : sysRows)</tbody></table></div>
        """]
        if actor.role == .admin, !systems.isEmpty {
            let nodes = try await OrgNode.query(on: req.db).within(actor.scope).filter(\.$kindRaw ~~ [NodeKind.county.rawValue, NodeKind.street.rawValue]).sort(\.$path).limit(100).all()
            body.append("""
            <form method="post" action="\(SiteURL.Assessment.rounds.path)" class="card">\(Form.csrf(req))<h2>\(req.t("发起考核", "Open a round"))</h2>
            \(Form.select(req.t("指标体系", "System"), name: "systemId", options: systems.map { ($0.id!.uuidString, "\($0.name) v\($0.version)") }, selected: nil))
            \(Form.select(req.t("周期类型", "Period kind"), name: "periodKind", options: AssessmentPeriodKind.allCases.map { ($0.rawValue, req.t($0.zh, $0.en)) }, selected: "month"))
            \(Form.field(req.t("周期", "Period"), name: "period", value: ShanghaiTime.currentMonth(req.now), required: true, hint: req.t("如 2026-11、2026-Q4、2026", "e.g. 2026-11, 2026-Q4, 2026")))
            \(Form.select(req.t("考核范围", "Area"), name: "nodeId", options: nodes.map { ($0.id!.uuidString, $0.name) }, selected: nil))
            <button>\(req.t("发起", "Open"))</button></form>
            """)
        }
        body.append("""
        <h2>\(req.t("考核周期", "Rounds"))</h2>
        <div class="table-wrap"><table class="list stack"><thead><tr><th>\(req.t("考核", "Round"))</th><th>\(req.t("状态", "State"))</th></tr></thead>
        <tbody>\(roundRows.isEmpty ? ["<tr><td colspan=\"2\" class=\"muted\">\(req.t("暂无考核", "No rounds yet"))</td></tr>"] : roundRows)</tbody></table></div>
        """)
        return Layout(req: req, title: req.t("考核评价", "Assessment")).render(HTML(body))
    }

    struct RoundForm: Content {
        var systemId: UUID?
        var periodKind: String?
        var period: String?
        var nodeId: UUID?
    }

    @Sendable static func openRound(req: Request) async throws -> Response {
        let actor = try viewer(req)
        let f = try req.content.decode(RoundForm.self)
        let service = AssessmentService(req: req)
        do {
            guard let sid = f.systemId else { throw APIError.missing("systemId") }
            let system = try await service.system(sid, for: actor)
            guard let kind = AssessmentPeriodKind(rawValue: f.periodKind ?? "month") else { throw APIError.invalid("periodKind", "周期类型无效 (unknown period kind)") }
            let node = try await OrgNode.find(f.nodeId, within: actor.scope, on: req.db)
            let r = try await service.openRound(system: system, periodKind: kind, period: (f.period ?? "").trimmingCharacters(in: .whitespaces), node: node, by: actor)
            req.flash(req.t("已发起考核：\(r.title)", "Round opened: \(r.title)"))
            return req.redirect(to: SiteURL.Assessment.round(r.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            req.flash(words(req, e), kind: "error")
            return req.redirect(to: SiteURL.Assessment.index.path)
        }
    }

    // MARK: The system editor

    @Sendable static func system(req: Request) async throws -> HTML {
        let actor = try viewer(req)
        let s = try await AssessmentService(req: req).system(try req.idParameter(), for: actor)
        return Layout(req: req, title: "\(s.name) v\(s.version)", wide: true).render(AssessmentEditor.render(req, s, s.definition, editable: actor.role == .admin))
    }

    @Sendable static func saveSystem(req: Request) async throws -> Response {
        let actor = try viewer(req)
        let service = AssessmentService(req: req)
        let s = try await service.system(try req.idParameter(), for: actor)
        let form = try req.content.decode([String: String].self)
        var def = s.definition
        do {
            let (edited, changes) = try AssessmentEditor.apply(form, to: s.definition)
            def = edited
            let saved = try await service.saveSystem(code: s.code, name: s.name, unitKind: s.unitKind, definition: def, note: AssessmentEditor.note(form["note"], changes),
                                                     nodePath: s.nodePath, by: actor)
            req.flash(req.t("已保存为第 \(saved.version) 版", "Saved as version \(saved.version)"))
            return req.redirect(to: SiteURL.Assessment.system(saved.id!).path)
        } catch let e as APIError where e.status == .unprocessableEntity || e.status == .badRequest {
            let page = Layout(req: req, title: "\(s.name) v\(s.version)", wide: true).render(AssessmentEditor.render(req, s, def, editable: true, error: words(req, e)))
            return try await page.encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    // MARK: A round

    @Sendable static func round(req: Request) async throws -> HTML {
        let actor = try viewer(req)
        let service = AssessmentService(req: req)
        let r = try await service.round(try req.idParameter(), for: actor)
        var rows: [HTML] = []
        for res in try await service.results(of: r, for: actor) {
            let total = res.resultState == .published ? res.total : try await service.score(r, res).total
            rows.append("""
            <tr><td data-label="\(req.t("单位", "Unit"))"><a href="\(SiteURL.Assessment.result(res.id!).path)">\(res.unitName)</a></td>
            <td data-label="\(req.t("环节", "Step"))">\(res.resultState.label(req.lang))</td><td data-label="\(req.t("得分", "Score"))">\(fmt(total))</td>
            <td data-label="\(req.t("名次", "Rank"))">\(res.rank.map(String.init) ?? "—")</td></tr>
            """)
        }
        var actions: [HTML] = []
        let county = actor.role == .admin && actor.scope.contains(r.nodePath)
        if county && r.roundState == .open {
            actions.append("<form method=\"post\" action=\"\(SiteURL.Assessment.roundAct(r.id!, action: "refresh").path)\" class=\"inline\">\(Form.csrf(req))<button class=\"secondary\">\(req.t("重新计算平台指标", "Recompute platform indicators"))</button></form>")
            actions.append("<form method=\"post\" action=\"\(SiteURL.Assessment.roundAct(r.id!, action: "publish").path)\" class=\"inline\">\(Form.csrf(req))<input type=\"hidden\" name=\"version\" value=\"\(r.version)\"><button>\(req.t("审定并发布", "Approve and publish"))</button></form>")
        }
        if county && r.roundState == .published {
            actions.append("""
            <form method="post" action="\(SiteURL.Assessment.roundAct(r.id!, action: "correct").path)" class="card">\(Form.csrf(req))
            \(Form.field(req.t("更正原因", "Reason for a correction"), name: "reason", required: true))<button class="secondary">\(req.t("发起更正", "Start a correction"))</button></form>
            """)
        }
        if r.roundState != .open {
            actions.append("<p><a class=\"button\" href=\"\(SiteURL.Assessment.ranking(r.id!).path)\">\(req.t("查看排名", "Ranking"))</a></p>")
        }
        let info: HTML = """
        <p>\(req.t("状态", "State")): <b>\(r.roundState.label(req.lang))</b> · \(req.t("体系版本", "System version")) v\(r.systemVersion) · \(r.fromDay) – \(r.toDay)
        \(r.computedAt.map { HTML(" · \(req.t("平台指标计算于", "Platform figures as of")) \(ShanghaiTime.format($0))") } ?? .empty)</p>
        \(r.correctionReason.map { HTML("<p class=\"card\">\(req.t("更正原因", "Correction")): \($0)</p>") } ?? .empty)
        """
        return Layout(req: req, title: r.title).render("""
        \(info)\(actions)
        <div class="table-wrap"><table class="list stack"><thead><tr><th>\(req.t("单位", "Unit"))</th><th>\(req.t("环节", "Step"))</th><th>\(req.t("得分", "Score"))</th><th>\(req.t("名次", "Rank"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"4\" class=\"muted\">\(req.t("没有您可查看的单位", "No units you may see"))</td></tr>"] : rows)</tbody></table></div>
        <p><a href="\(SiteURL.Assessment.index.path)">\(req.t("返回考核评价", "Back to assessment"))</a></p>
        """)
    }

    struct ActForm: Content {
        var version: Int?
        var reason: String?
    }

    @Sendable static func roundAct(req: Request) async throws -> Response {
        let actor = try viewer(req)
        let service = AssessmentService(req: req)
        let r = try await service.round(try req.idParameter(), for: actor)
        let role: AssessmentRole = actor.role == .admin && actor.scope.contains(r.nodePath) ? .county : .reader
        let f = try req.content.decode(ActForm.self)
        var target = SiteURL.Assessment.round(r.id!).path
        do {
            switch req.parameters.get("action") {
            case "publish":
                try await service.publish(r, role: role, version: f.version)
                req.flash(req.t("已发布：\(r.title)", "Published: \(r.title)"))
            case "refresh":
                try AssessmentLifecycles.round.check(.refresh, from: r.roundState, role: role)
                try await service.refresh(r)
                req.flash(req.t("平台指标已重新计算", "Platform indicators recomputed"))
            case "correct":
                let c = try await service.correct(r, role: role, reason: f.reason)
                req.flash(req.t("已发起更正，请调整后重新发布", "Correction started: adjust and publish it"))
                target = SiteURL.Assessment.round(c.id!).path
            default: throw APIError.notFound
            }
        } catch let e as APIError where e.status.code < 500 && e.status != .notFound {
            req.flash(words(req, e), kind: "error")
        }
        return req.redirect(to: target)
    }
}
