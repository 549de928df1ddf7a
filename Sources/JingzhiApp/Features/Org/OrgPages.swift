import Fluent
import JingzhiCore
import Vapor

/// The org tree browser for staff, and the public grid sign (一牌通示).
enum OrgPages {
    static func register(web: any RoutesBuilder, authed: any RoutesBuilder) {
        typealias P = SiteURL.Org.Pattern
        web.get(P.sign, use: GridSignPage.sign)
        web.get(P.signBoundarySVG, use: GridSignPage.boundarySVG)
        authed.get(P.tree, use: root)
        authed.get(P.node, use: show)
        OrgForms.register(authed)
    }

    @Sendable static func root(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.viewOrg)
        let top = try await OrgService(req: req).children(of: nil, within: actor.scope)
        let body: HTML = """
        <ul class="tree">\(top.map { n -> HTML in
            "<li><a href=\"\(SiteURL.Org.node(n.id!).path)\">\(n.name)</a><span class=\"kind\">\(n.kind.label(req.lang)) · \(n.code)</span></li>"
        })</ul>
        """
        return try await Layout(req: req, title: req.t("组织与网格", "Org and grids"), wide: true).render(body).encodeResponse(for: req)
    }

    @Sendable static func show(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        try actor.require(.viewOrg)
        let node = try await OrgNode.find(try req.idParameter(), within: actor.scope, on: req.db)
        let service = OrgService(req: req)
        let chain = try await service.ancestors(of: node)
        let children = try await service.children(of: node, within: actor.scope)
        let counts = try await service.childCounts(children)
        let lang = req.lang
        var sections: [HTML] = [breadcrumb(chain, scope: actor.scope)]
        sections.append("""
        <div class="grid2"><div class="card"><dl class="props">
          <dt>\(req.t("类型", "Kind"))</dt><dd>\(node.kind.label(lang))</dd>
          <dt>\(req.t("编码", "Code"))</dt><dd>\(node.code)</dd>
          \(node.address.map { HTML("<dt>\(req.t("地址", "Address"))</dt><dd>\($0)</dd>") } ?? .empty)
          \(node.partyOrgName.map { HTML("<dt>\(req.t("党组织", "Party org"))</dt><dd>\($0)</dd>") } ?? .empty)
          \(node.partySecretary.map { HTML("<dt>\(req.t("书记", "Secretary"))</dt><dd>\($0) \(node.partyContact ?? "")</dd>") } ?? .empty)
        </dl>\(actions(req, actor, node))</div>
        <div>\(try await map(req, node, children))</div></div>
        """)
        if [.grid, .microGrid].contains(node.kind) {
            sections.append(try await GridSignPage.workersSection(req, actor, node))
        }
        if !children.isEmpty {
            sections.append("""
            <h2>\(req.t("下级", "Below")) (\(children.count))</h2>
            <ul class="tree">\(children.map { c -> HTML in
                let n = counts[c.id!] ?? 0
                return "<li><span><a href=\"\(SiteURL.Org.node(c.id!).path)\">\(c.name)</a> <span class=\"kind\">\(c.kind.label(lang))</span></span><span class=\"muted\">\(n > 0 ? req.t("\(n) 个下级", "\(n) below") : "")</span></li>"
            })</ul>
            """)
        }
        if node.kind.holdsHouseholds, actor.can(.viewResidents) {
            let households = try await Household.query(on: req.db).filter(\.$nodeID == node.id!).sort(\.$room).limit(500).all()
            sections.append("""
            <h2>\(req.t("住户", "Households")) (\(households.count))</h2>
            \(actor.can(.editResidents) ? HTML("<p><a class=\"button secondary\" href=\"\(SiteURL.Residents.newHousehold(node: node.id).path)\">\(req.t("登记住户", "Add household"))</a></p>") : .empty)
            <ul class="tree">\(households.map { h -> HTML in
                "<li><a href=\"\(SiteURL.Residents.household(h.id!).path)\">\(h.room)</a><span class=\"muted\">\(h.occupancy ?? "")</span></li>"
            })</ul>
            """)
        } else if actor.can(.viewResidents), node.kind != .unit {
            sections.append("<p><a href=\"\(SiteURL.Residents.list(query: [("node", node.id!.uuidString)]).path)\">\(req.t("查看本节点下的居民 ›", "Residents under this node ›"))</a></p>")
        }
        return Layout(req: req, title: node.name, wide: true).render(HTML(sections))
    }

    static func actions(_ req: Request, _ actor: Actor, _ node: OrgNode) -> HTML {
        guard actor.can(.manageOrg) else { return .empty }
        let childKinds = NodeKind.allCases.filter { $0.allowedParents.contains(node.kind) }
        let isRoot = node.path == actor.scope.rootPath
        var links: [HTML] = childKinds.map { k in
            "<a class=\"button secondary\" href=\"\(SiteURL.Org.newChild(parent: node.id!).path)?kind=\(k.rawValue)\">+ \(k.label(req.lang))</a>"
        }
        links.append("<a href=\"\(SiteURL.Org.edit(node.id!).path)\">\(req.t("编辑", "Edit"))</a>")
        links.append("<a href=\"\(SiteURL.Org.boundary(node.id!).path)\">\(req.t("边界", "Boundary"))</a>")
        links.append("<a href=\"\(SiteURL.Cases.qrSheet(node: node.id!).path)\">\(req.t("扫码即办二维码", "QR codes"))</a>")
        if !isRoot {
            links.append("<a href=\"\(SiteURL.Org.move(node.id!).path)\">\(req.t("移动", "Move"))</a>")
            links.append("<a href=\"\(SiteURL.Org.delete(node.id!).path)\">\(req.t("删除", "Delete"))</a>")
        }
        return "<div class=\"actions\">\(links)</div>"
    }

    /// The node's own boundary, or its children's boundaries when they have them.
    static func map(_ req: Request, _ node: OrgNode, _ children: [OrgNode]) async throws -> HTML {
        let shapes = children.compactMap { c -> BoundarySVG.Shape? in
            guard let text = c.boundary, let b = try? Boundary.parse(text: text) else { return nil }
            return .init(boundary: b, label: c.name, href: SiteURL.Org.node(c.id!).path, highlighted: false)
        }
        if !shapes.isEmpty { return BoundarySVG.render(shapes, title: node.name) }
        return try await GridSignPage.inContext(req, node)
    }
}

/// The public sign of a grid: name, boundary, community, workers and how to reach them.
enum GridSignPage {
    static func grid(_ req: Request) async throws -> OrgNode {
        guard let code = req.parameters.get("code"),
              let node = try await OrgNode.query(on: req.db).filter(\.$code == code).first(),
              [.grid, .microGrid].contains(node.kind) else { throw APIError.notFound }
        return node
    }

    @Sendable static func sign(req: Request) async throws -> HTML {
        let grid = try await grid(req)
        let chain = try await OrgService(req: req).ancestors(of: grid)
        let community = chain.last { $0.kind == .community }
        let street = chain.last { $0.kind == .street }
        let workers = try await GridWorker.query(on: req.db).filter(\.$gridID == grid.id!).sort(\.$createdAt).all()
        let map = try await inContext(req, grid, linkSiblings: false)
        let body: HTML = """
        <div class="sign">
          <p class="muted" style="text-align:center">\(street?.name ?? "") · \(community?.name ?? "")</p>
          \(map)
          <h2>\(req.t("网格员", "Grid workers"))</h2>
          <ul class="tree">\(workers.map { w -> HTML in
              "<li><span>\(w.duty) <b>\(w.name)</b></span><a href=\"tel:\(w.phone)\">\(w.phone)</a></li>"
          })</ul>
          \(community?.partyContact.map { HTML("<p>\(req.t("社区电话", "Community office"))：<a href=\"tel:\($0)\">\($0)</a></p>") } ?? .empty)
          <p class="muted">\(req.t("小事不出网格，大事不出社区。有事请找网格员。", "Small matters stay in the grid; call your grid worker."))</p>
          \(grid.boundary == nil ? .empty : HTML("<p><a href=\"\(SiteURL.Org.signBoundarySVG(code: grid.code).path)\" download>\(req.t("下载边界图（SVG，可打印）", "Download the boundary (SVG, printable)"))</a></p>"))
        </div>
        """
        return Layout(req: req, title: "\(grid.name) \(req.t("公示牌", "public sign"))").render(body)
    }

    @Sendable static func boundarySVG(req: Request) async throws -> Response {
        let grid = try await grid(req)
        guard let b = grid.boundary.flatMap({ try? Boundary.parse(text: $0) }) else { throw APIError.notFound }
        let svg = BoundarySVG.render([.init(boundary: b, label: grid.name, href: nil, highlighted: true)], title: grid.name)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "image", subType: "svg+xml")
        return Response(status: .ok, headers: headers, body: .init(string: svg.raw))
    }

    /// The node's boundary, highlighted among its siblings' so a reader sees where it lies.
    static func inContext(_ req: Request, _ node: OrgNode, linkSiblings: Bool = true) async throws -> HTML {
        guard let own = node.boundary.flatMap({ try? Boundary.parse(text: $0) }) else { return .empty }
        let siblings = try await OrgNode.query(on: req.db).filter(\.$parentID == node.parentID).filter(\.$id != node.id!)
            .filter(\.$boundary != nil).all()
        let shapes = siblings.compactMap { s -> BoundarySVG.Shape? in
            s.boundary.flatMap { try? Boundary.parse(text: $0) }.map {
                .init(boundary: $0, label: s.name, href: linkSiblings && req.actor?.scope.contains(s.path) == true ? SiteURL.Org.node(s.id!).path : nil,
                      highlighted: false)
            }
        }
        return BoundarySVG.render(shapes + [.init(boundary: own, label: node.name, href: nil, highlighted: true)], title: node.name)
    }

    static func workersSection(_ req: Request, _ actor: Actor, _ grid: OrgNode) async throws -> HTML {
        let workers = try await GridWorker.query(on: req.db).filter(\.$gridID == grid.id!).sort(\.$createdAt).all()
        let manage = actor.can(.manageOrg)
        return """
        <h2>\(req.t("网格员", "Grid workers")) · <a href="\(SiteURL.Org.sign(code: grid.code).path)">\(req.t("公示牌", "public sign"))</a></h2>
        <ul class="tree">\(workers.map { w -> HTML in
            let remove: HTML = manage ? """
            <form method="post" action="\(SiteURL.Org.removeWorker(grid.id!, worker: w.id!).path)" class="inline" data-confirm="\(req.t("确定撤销该网格员？", "Remove this worker?"))">\(Form.csrf(req))<button class="link">\(req.t("撤销", "Remove"))</button></form>
            """ : .empty
            return "<li><span>\(w.duty) <b>\(w.name)</b> \(w.phone)</span>\(remove)</li>"
        })</ul>
        \(manage ? HTML("<p><a href=\"\(SiteURL.Org.workers(grid.id!).path)\">+ \(req.t("配备网格员", "Add a worker"))</a></p>") : .empty)
        """
    }
}

/// Breadcrumb of tree nodes, each a link to its page when it is inside the viewer's scope.
func breadcrumb(_ nodes: [OrgNode], scope: DataScope) -> HTML {
    let items = nodes.map { n -> HTML in
        scope.contains(n.path) ? "<a href=\"\(SiteURL.Org.node(n.id!).path)\">\(n.name)</a>" : "<span>\(n.name)</span>"
    }
    return "<nav class=\"crumbs\">\(HTML(raw: items.map(\.raw).joined(separator: " › ")))</nav>"
}
