import Foundation
import Fluent
import JingzhiCore
import Vapor

/// A project's page: its matches (committed and delivered), suggested matches for the open needs of its area,
/// the match form, deliveries, progress and the joint meeting's minutes.
extension ListPages {
    @Sendable static func project(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        let p = try await ListsAPI.loadProject(req)
        let matches = try await PartnerMatch.query(on: req.db).filter(\.$projectID == p.id!).sort(\.$createdAt).all()
        let needs = Dictionary(try await Need.query(on: req.db).filter(\.$id ~~ Set(matches.map(\.needID))).all().map { ($0.id!, $0) }) { a, _ in a }
        let resources = Dictionary(try await PartnerResource.query(on: req.db).filter(\.$id ~~ Set(matches.map(\.resourceID))).all().map { ($0.id!, $0) }) { a, _ in a }
        let rows = matches.map { m -> HTML in
            let n = needs[m.needID], r = resources[m.resourceID]
            let form: HTML = m.delivered < m.committed ? """
            <form method="post" action="\(SiteURL.Partners.deliver(m.id!).path)" class="inline">\(Form.csrf(req))
            <label><span class="sr-only">\(req.t("本次交付数量", "Delivered now"))</span><input type="number" name="quantity" min="1" max="\(m.committed - m.delivered)" value="\(m.committed - m.delivered)" aria-label="\(req.t("本次交付数量", "Delivered now"))"></label>
            <button>\(req.t("登记交付", "Record delivery"))</button></form>
            """ : "\(req.t("已全部交付", "All delivered"))"
            return """
            <tr><td data-label="\(req.t("需求", "Need"))">\(n?.title ?? "") \(n.map { PartnerPages.tag($0.state.label(req.lang)) } ?? .empty)</td>
            <td data-label="\(req.t("资源", "Resource"))">\(r?.title ?? "")</td><td data-label="\(req.t("承诺", "Committed"))">\(m.committed)</td>
            <td data-label="\(req.t("已交付", "Delivered"))">\(m.delivered)</td><td data-label="\(req.t("操作", "Action"))">\(form)</td></tr>
            """
        }
        // Suggestions: open needs of the project's area with resources that fit them.
        let lines = try await Suggestions(db: req.db, now: req.now).lines(within: DataScope(rootPath: p.nodePath), limit: 20)
        let sNeeds = Dictionary(try await Need.query(on: req.db).filter(\.$id ~~ Set(lines.map(\.needID))).all().map { ($0.id!, $0) }) { a, _ in a }
        let sRes = Dictionary(try await PartnerResource.query(on: req.db).filter(\.$id ~~ Set(lines.map(\.resourceID))).all().map { ($0.id!, $0) }) { a, _ in a }
        let suggestions = lines.compactMap { l -> HTML? in
            guard let n = sNeeds[l.needID], let r = sRes[l.resourceID], actor.scope.contains(n.nodePath) else { return nil }
            let want = max(1, min(l.left, n.quantity - n.committed))
            return """
            <li><form method="post" action="\(SiteURL.Partners.matches(p.id!).path)" class="inline">\(Form.csrf(req))
            <input type="hidden" name="needId" value="\(n.id!)"><input type="hidden" name="resourceId" value="\(r.id!)">
            \(n.title)（\(n.quantity)\(n.unit)）← \(r.title)（\(req.t("剩余", "left")) \(l.left)）
            <label><span class="sr-only">\(req.t("承诺数量", "Commit"))</span><input type="number" name="committed" min="1" max="\(l.left)" value="\(want)" aria-label="\(req.t("承诺数量", "Commit"))"></label>
            <button>\(req.t("对接", "Match"))</button></form></li>
            """
        }
        // The manual match: any open need of the area with any resource serving it (the service checks place and amounts).
        let openNeeds = try await Need.query(on: req.db).within(actor.scope).within(DataScope(rootPath: p.nodePath))
            .filter(\.$stateRaw ~~ [NeedState.open.rawValue, NeedState.partlyMet.rawValue]).sort(\.$createdAt, .descending).limit(100).all()
        let offered = try await ListsAPI.resourceQuery(req, DataScope(rootPath: p.nodePath)).filter(\.$active == true)
            .sort(\.$createdAt, .descending).limit(100).all().filter { $0.left > 0 }
        let manual: HTML = openNeeds.isEmpty || offered.isEmpty ? .empty : """
        <form method="post" action="\(SiteURL.Partners.matches(p.id!).path)" class="card">\(Form.csrf(req))
        \(Form.select(req.t("需求", "Need"), name: "needId", options: openNeeds.map { ($0.id!.uuidString, "\($0.title)（\($0.quantity - $0.committed)\($0.unit) \(req.t("待承诺", "to promise"))）") }, selected: nil, required: true))
        \(Form.select(req.t("资源", "Resource"), name: "resourceId", options: offered.map { ($0.id!.uuidString, "\($0.title)（\(req.t("剩余", "left")) \($0.left)\($0.unit)）") }, selected: nil, required: true))
        \(Form.field(req.t("承诺数量", "Committed"), name: "committed", type: "number", required: true, attrs: "min=\"1\""))
        <button class="button">\(req.t("对接", "Match"))</button></form>
        """
        let photos = try await ProjectPhotos.section(req, p)
        return Layout(req: req, title: req.t("项目", "Project") + "：" + p.title, wide: true).render("""
        <dl class="facts"><dt>\(req.t("负责人", "Owner"))</dt><dd>\(p.owner)</dd><dt>\(req.t("周期", "Schedule"))</dt><dd>\(p.startDay) – \(p.endDay)</dd>
        <dt>\(req.t("进度", "Progress"))</dt><dd>\(p.progress)%</dd></dl>
        <h2>\(req.t("对接记录（承诺不等于交付）", "Matches (a promise is not a delivery)"))</h2>
        <div class="table-wrap"><table class="list stack"><thead><tr><th>\(req.t("需求", "Need"))</th><th>\(req.t("资源", "Resource"))</th><th>\(req.t("承诺", "Committed"))</th>
        <th>\(req.t("已交付", "Delivered"))</th><th>\(req.t("操作", "Action"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"5\" class=\"muted\">\(req.t("尚未对接", "No matches yet"))</td></tr>"] : rows)</tbody></table></div>
        <h2>\(req.t("新增对接", "New match"))</h2>\(manual)
        <h2>\(req.t("推荐对接", "Suggested matches"))</h2>
        \(suggestions.isEmpty ? "<p class=\"muted\">\(req.t("暂无可对接的需求和资源", "No fitting needs and resources"))</p>" : HTML("<ul class=\"suggestions\">\(HTML(suggestions))</ul>"))
        \(photos)
        <h2>\(req.t("联席会议审议", "Joint meeting review"))</h2>
        <form method="post" action="\(SiteURL.Partners.review(p.id!).path)">\(Form.csrf(req))
        \(Form.field(req.t("进度（%）", "Progress (%)"), name: "progress", value: String(p.progress), type: "number", attrs: "min=\"0\" max=\"100\""))
        \(Form.textarea(req.t("会议纪要", "Minutes"), name: "minutes"))<button class="button">\(req.t("保存", "Save"))</button></form>
        \(p.minutes.isEmpty ? HTML.empty : HTML("<div class=\"card\"><pre class=\"minutes\">\(p.minutes)</pre></div>"))
        <p><a href="\(SiteURL.Partners.projects(query: "").path)">\(req.t("返回项目清单", "Back to projects"))</a></p>
        """)
    }

    @Sendable static func match(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let p = try await ListsAPI.loadProject(req)
        let f = try req.content.decode(ListsAPI.MatchBody.self)
        return try await PartnerPages.attempt(req, to: SiteURL.Partners.project(p.id!).path, done: req.t("已对接。", "Matched.")) {
            _ = try await ListService(req: req).match(p, needID: f.needId, resourceID: f.resourceId, committed: f.committed, by: actor)
        }
    }

    @Sendable static func deliver(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let m = try await PartnerMatch.find(try req.idParameter(), on: req.db) else { throw APIError.notFound }
        guard PartnerAccess.isStaff(actor), actor.scope.contains(m.nodePath) else { throw APIError.notFound }
        let f = try req.content.decode(ListsAPI.DeliverBody.self)
        var state = ""
        let r = try await PartnerPages.attempt(req, to: SiteURL.Partners.project(m.projectID).path, done: req.t("已登记交付。", "Delivery recorded.")) {
            let (_, need) = try await ListService(req: req).deliver(m, quantity: f.quantity, by: actor)
            state = need.state.label(req.lang)
        }
        if !state.isEmpty { req.flash(req.t("已登记交付，需求状态：\(state)。", "Delivery recorded; the need is now \(state).")) }
        return r
    }

    @Sendable static func review(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let p = try await ListsAPI.loadProject(req)
        let f = try req.content.decode(ListsAPI.ReviewBody.self)
        return try await PartnerPages.attempt(req, to: SiteURL.Partners.project(p.id!).path, done: req.t("已保存审议。", "Review saved.")) {
            _ = try await ListService(req: req).review(p, progress: f.progress, minutes: f.minutes, by: actor)
        }
    }
}
