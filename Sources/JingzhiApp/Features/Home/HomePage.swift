import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// The first page after login: what this user looks after, in numbers, and where to go next.
enum HomePage {
    static func register(_ web: any RoutesBuilder) {
        web.get(SiteURL.Pattern.home, use: home)
    }

    @Sendable static func home(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        if actor.role == .resident { return try await residentHome(req, actor) }
        let root = try await actor.user.nodeID.asyncMap { try await OrgNode.find($0, on: req.db) } ?? nil
        let todos = try await HomeTodos.render(req, actor)
        // A department or property company works on the cases sent to it; the tree's counts are not its business.
        if actor.role == .departmentStaff || actor.role == .propertyStaff {
            let unit = try await actor.departmentID.asyncMap { try await Department.find($0, on: req.db)?.name } ?? nil
            let title = [unit ?? (actor.role == .propertyStaff ? actor.user.displayName : nil), actor.role.label(req.lang)].compactMap { $0 }.joined(separator: " · ")
            let own = try await HomeTodos.ownCases(req, actor)
            return Layout(req: req, title: title, wide: true).render("\(todos)\(own)")
        }
        var cards: [HTML] = []
        func count<M: PathScoped>(_ type: M.Type) async throws -> Int { try await M.query(on: req.db).within(actor.scope).count() }
        let grids = try await OrgNode.query(on: req.db).within(actor.scope).filter(\.$kindRaw == NodeKind.grid.rawValue).count()
        let compounds = try await OrgNode.query(on: req.db).within(actor.scope).filter(\.$kindRaw == NodeKind.compound.rawValue).count()
        cards.append(stat(req.t("网格", "Grids"), grids))
        cards.append(stat(req.t("小区", "Compounds"), compounds))
        if actor.can(.viewResidents) {
            cards.append(stat(req.t("住户", "Households"), try await count(Household.self)))
            cards.append(stat(req.t("居民", "Residents"), try await count(Resident.self)))
        }
        var sections: [HTML] = [todos, "<h2>\(req.t("辖区", "My area"))</h2><div class=\"stats\">\(cards)</div>"]
        if actor.can(.viewResidents) {
            sections.append(try await tagSummary(req, actor))
        }
        if actor.role == .gridWorker {
            let mine = try await GridWorker.query(on: req.db).filter(\.$userID == actor.userID).all()
            let grids = try await OrgNode.query(on: req.db).filter(\.$id ~~ mine.map(\.gridID)).all()
            // Out on patrol, a grid worker wants their grid first.
            sections.insert("""
            <h2>\(req.t("我的网格", "My grids"))</h2>
            <ul class="tree">\(grids.map { g -> HTML in
                "<li><a href=\"\(SiteURL.Org.node(g.id!).path)\">\(g.name)</a> <a href=\"\(SiteURL.Org.sign(code: g.code).path)\">\(req.t("公示牌", "Public sign"))</a></li>"
            })</ul>
            """, at: 1)
        }
        let title = root.map { "\($0.name) · \(actor.role.label(req.lang))" } ?? actor.role.label(req.lang)
        return Layout(req: req, title: title, wide: actor.role != .gridWorker).render(HTML(sections))
    }

    static func stat(_ label: String, _ n: Int) -> HTML {
        "<div class=\"stat\"><span class=\"muted\">\(label)</span><b>\(n)</b></div>"
    }

    /// Special-group counts in scope, each a link to the filtered register.
    static func tagSummary(_ req: Request, _ actor: Actor) async throws -> HTML {
        var select = req.db.sql.select().column("tag").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(ResidentTag.schema)
        if !actor.scope.rootPath.isEmpty {
            select = select.where("node_path", .greaterThanOrEqual, SQLBind(actor.scope.rootPath))
                .where("node_path", .lessThan, SQLBind(actor.scope.upperBound))
        }
        let rows = try await select.groupBy("tag").all()
        var counts: [String: Int] = [:]
        for row in rows { counts[try row.decode(column: "tag", as: String.self)] = try row.decode(column: "n", as: Int.self) }
        let items = ResidentTags.all.filter { counts[$0] != nil }.map { tag -> HTML in
            "<a class=\"stat\" href=\"\(SiteURL.Residents.list(query: [("tag", tag)]).path)\"><span class=\"muted\">\(tag)</span><b>\(counts[tag]!)</b></a>"
        }
        return "<h2>\(req.t("重点人群", "Special groups"))</h2><div class=\"stats\">\(items)</div>"
    }

    /// My grid workers with a call button each: the number is dialled from the tel: link and shown masked, as the
    /// public sign in the compound shows it in full anyway but a phone screen is read over shoulders.
    static func gridWorkers(_ req: Request, _ grid: OrgNode) async throws -> HTML {
        let workers = try await GridWorker.query(on: req.db).filter(\.$gridID == grid.id!).sort(\.$name).all()
        let calls = workers.filter { !$0.phone.isEmpty }.map { w -> HTML in
            "<a class=\"button big call\" href=\"tel:\(w.phone)\">\(req.t("给网格员 \(w.name) 打电话", "Call grid worker \(w.name)"))<small> \(Mask.phone(w.phone) ?? "")</small></a>"
        }
        return """
        <section class="card" id="my-grid-worker" aria-labelledby="my-grid-worker-title"><h2 id="my-grid-worker-title">\(req.t("我的网格员", "My grid worker"))</h2>
        \(calls.isEmpty ? [HTML("<p class=\"muted\">\(req.t("本网格暂未登记网格员电话", "No grid worker phone on record"))</p>")] : calls)
        <p><a href="\(SiteURL.Org.sign(code: grid.code).path)">\(grid.name) \(req.t("公示牌", "public sign"))</a></p></section>
        """
    }

    static func residentHome(_ req: Request, _ actor: Actor) async throws -> HTML {
        var body: [HTML] = []
        guard let rid = actor.user.residentID, let r = try await Resident.find(rid, on: req.db),
              let h = try await Household.find(r.householdID, on: req.db) else {
            let link = try await LinkRequest.query(on: req.db).filter(\.$userID == actor.userID).sort(\.$createdAt, .descending).first()
            let status = switch link?.state {
            case .pending: req.t("您的住户认证正在审核中，社区工作人员核对后即可使用。", "Your household link is waiting for the community to confirm.")
            case .rejected: req.t("认证未通过：", "Not approved: ") + (link?.decisionNote ?? "")
            default: req.t("尚未提交住户认证。", "No household link requested yet.")
            }
            return Layout(req: req, title: req.t("我的家", "My home")).render("<p class=\"card\">\(status)</p>")
        }
        let care = CareMode.isOn(req)
        let parts = req.application.homeParts
        // What features put above the tiles (unread notices first), then one big button per resident feature.
        for section in parts.sections.sorted(by: { $0.order < $1.order }) {
            if let html = try await section.render(req) { body.append(html) }
        }
        var tiles: [HTML] = []
        for t in parts.tiles.sorted(by: { $0.order < $1.order }) where !care || t.essential {
            guard let tile = try await t.tile(req) else { continue }
            let badge: HTML = tile.badge.map { n -> HTML in n > 0 ? "<span class=\"badge\">\(n)</span>" : .empty } ?? .empty
            tiles.append("<a class=\"button big\" href=\"\(tile.href)\">\(tile.label)\(badge)</a>")
        }
        body.append("<nav class=\"big-actions tiles\" aria-label=\"\(req.t("我的服务", "My services"))\">\(tiles)</nav>")
        let dto = ResidentDTO(r, household: h, viewer: actor, now: req.now)
        let members = try await ResidentService(req: req).members(of: h)
        body.append("""
        <div class="card"><dl class="props">
          <dt>\(req.t("姓名", "Name"))</dt><dd>\(dto.name)</dd>
          <dt>\(req.t("住址", "Address"))</dt><dd>\(h.address)</dd>
          <dt>\(req.t("手机号", "Phone"))</dt><dd>\(dto.phone ?? "—")</dd>
          <dt>\(req.t("同户人员", "Household"))</dt><dd>\(members.map(\.name).joined(separator: req.t("、", ", ")))</dd>
        </dl></div>
        """)
        let chain = try await OrgService(req: req).ancestors(of: try await OrgNode.find(h.nodeID, on: req.db)!)
        if let grid = chain.last(where: { $0.kind == .grid }) {
            body.append(try await gridWorkers(req, grid))
        }
        body.append("""
        <form method="post" action="\(SiteURL.Home.careMode.path)" class="card">\(Form.csrf(req))<input type="hidden" name="on" value="\(care ? "0" : "1")">
        <button class="\(care ? "secondary" : "")">\(care ? req.t("关闭长辈模式", "Turn care mode off") : req.t("长辈模式（大字）", "Care mode (large text)"))</button></form>
        """)
        return Layout(req: req, title: req.t("我的家", "My home")).render(HTML(body))
    }
}
