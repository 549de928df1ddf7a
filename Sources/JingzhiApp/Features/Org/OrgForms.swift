import Fluent
import JingzhiCore
import Vapor

/// Forms that change the tree: add, edit, move, set boundary, delete, assign grid workers.
enum OrgForms {
    static func register(_ web: any RoutesBuilder) {
        typealias P = SiteURL.Org.Pattern
        web.get(P.newChild, use: newForm)
        web.post(P.newChild, use: create)
        web.get(P.edit, use: editForm)
        web.post(P.edit, use: edit)
        web.get(P.move, use: moveForm)
        web.post(P.move, use: move)
        web.get(P.boundary, use: boundaryForm)
        web.on(.POST, P.boundary, body: .collect(maxSize: "5mb"), use: setBoundary)
        web.get(P.delete, use: deleteForm)
        web.post(P.delete, use: delete)
        web.get(P.workers, use: workerForm)
        web.post(P.workers, use: addWorker)
        web.post(P.removeWorker, use: removeWorker)
    }

    struct NodeForm: Content {
        var kind: String?
        var code: String?
        var name: String?
        var address: String?
        var partyOrgName: String?
        var partySecretary: String?
        var partyContact: String?
        var parentCode: String?
        var boundary: String?
        var file: File?
        var workerName: String?
        var phone: String?
        var duty: String?
    }

    static func managed(_ req: Request) async throws -> (Actor, OrgNode) {
        let actor = try req.requireActor()
        try actor.require(.manageOrg)
        return (actor, try await OrgNode.find(try req.idParameter(), within: actor.scope, on: req.db))
    }

    static func page(_ req: Request, _ title: String, _ node: OrgNode, error: String?, _ fields: HTML, confirm: String? = nil,
                     multipart: Bool = false, status: HTTPStatus = .ok) async throws -> Response {
        let chain = try await OrgService(req: req).ancestors(of: node)
        let body: HTML = """
        \(breadcrumb(chain, scope: try req.requireActor().scope))
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <form method="post" class="card"\(HTML(raw: multipart ? " enctype=\"multipart/form-data\"" : ""))\(HTML(raw: confirm.map { " data-confirm=\"\(HTML.escape($0))\"" } ?? ""))>
          \(Form.csrf(req))\(fields)
        </form>
        """
        return try await Layout(req: req, title: title).render(body).encodeResponse(status: status, for: req)
    }

    static func nodeFields(_ req: Request, _ f: NodeForm) -> HTML {
        """
        \(Form.field(req.t("名称", "Name"), name: "name", value: f.name, required: true))
        \(Form.field(req.t("编码", "Code"), name: "code", value: f.code, required: true, hint: req.t("字母、数字、- 和 _，全县唯一", "letters, digits, - and _; unique")))
        \(Form.field(req.t("地址", "Address"), name: "address", value: f.address))
        \(Form.field(req.t("党组织名称", "Party organisation"), name: "partyOrgName", value: f.partyOrgName))
        \(Form.field(req.t("党组织书记", "Party secretary"), name: "partySecretary", value: f.partySecretary))
        \(Form.field(req.t("联系电话", "Contact phone"), name: "partyContact", value: f.partyContact))
        """
    }

    static func input(_ f: NodeForm) -> OrgService.NodeInput {
        .init(code: f.code ?? "", name: f.name ?? "", address: f.address ?? "", partyOrgName: f.partyOrgName ?? "",
              partySecretary: f.partySecretary ?? "", partyContact: f.partyContact ?? "")
    }

    @Sendable static func newForm(req: Request) async throws -> Response {
        let (_, parent) = try await managed(req)
        let kind = try req.query.get(String?.self, at: "kind").flatMap(NodeKind.init(rawValue:))
            ?? NodeKind.allCases.first { $0.allowedParents.contains(parent.kind) } ?? .unit
        return try await newPage(req, parent, kind: kind, form: NodeForm(), error: nil)
    }

    static func newPage(_ req: Request, _ parent: OrgNode, kind: NodeKind, form: NodeForm, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        try await page(req, req.t("新建\(kind.zh)", "New \(kind.en)"), parent, error: error, """
        <input type="hidden" name="kind" value="\(kind.rawValue)">
        \(nodeFields(req, form))<button>\(req.t("创建", "Create"))</button>
        """, status: status)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let (_, parent) = try await managed(req)
        let form = try req.content.decode(NodeForm.self)
        let kind = NodeKind(rawValue: form.kind ?? "") ?? .unit
        do {
            let node = try await OrgService(req: req).create(kind: kind, parent: parent, input: input(form), source: req.auditSource)
            req.flash(req.t("已创建 \(node.name)", "Created \(node.name)"))
            return req.redirect(to: SiteURL.Org.node(node.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await newPage(req, parent, kind: kind, form: form, error: req.words(e), status: e.status)
        }
    }

    @Sendable static func editForm(req: Request) async throws -> Response {
        let (_, node) = try await managed(req)
        let f = NodeForm(code: node.code, name: node.name, address: node.address, partyOrgName: node.partyOrgName,
                         partySecretary: node.partySecretary, partyContact: node.partyContact)
        return try await page(req, req.t("编辑 \(node.name)", "Edit \(node.name)"), node, error: nil, "\(nodeFields(req, f))<button>\(req.t("保存", "Save"))</button>")
    }

    @Sendable static func edit(req: Request) async throws -> Response {
        let (_, node) = try await managed(req)
        let form = try req.content.decode(NodeForm.self)
        do {
            try await OrgService(req: req).update(node, input: input(form), source: req.auditSource)
            req.flash(req.t("已保存", "Saved"))
            return req.redirect(to: SiteURL.Org.node(node.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await page(req, req.t("编辑 \(node.name)", "Edit \(node.name)"), node, error: req.words(e),
                                  "\(nodeFields(req, form))<button>\(req.t("保存", "Save"))</button>", status: e.status)
        }
    }

    @Sendable static func moveForm(req: Request) async throws -> Response {
        let (_, node) = try await managed(req)
        return try await movePage(req, node, error: nil)
    }

    static func movePage(_ req: Request, _ node: OrgNode, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let kinds = node.kind.allowedParents.map { $0.label(req.lang) }.joined(separator: " / ")
        return try await page(req, req.t("移动 \(node.name)", "Move \(node.name)"), node, error: error, """
        <p>\(req.t("下属的住户、居民、走访记录都会随之移动。", "Households, residents and visits under it move with it."))</p>
        \(Form.field(req.t("新的上级编码", "Code of the new parent"), name: "parentCode", required: true, hint: req.t("须为：\(kinds)", "must be a \(kinds)")))
        <button>\(req.t("移动", "Move"))</button>
        """, confirm: req.t("确定移动该节点及其全部下级？", "Move this node and everything under it?"), status: status)
    }

    @Sendable static func move(req: Request) async throws -> Response {
        let (actor, node) = try await managed(req)
        let form = try req.content.decode(NodeForm.self)
        do {
            guard node.path != actor.scope.rootPath else { throw APIError.forbidden }
            guard let parent = try await OrgService(req: req).find(codeOrID: form.parentCode ?? ""), actor.scope.contains(parent.path) else {
                throw APIError.invalid("parentCode", req.t("找不到该编码的节点，或不在您的管辖范围", "No node with that code in your area"))
            }
            try await OrgService(req: req).move(node, under: parent, source: req.auditSource)
            req.flash(req.t("已移动到 \(parent.name)", "Moved under \(parent.name)"))
            return req.redirect(to: SiteURL.Org.node(node.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await movePage(req, node, error: req.words(e), status: e.status)
        }
    }

    @Sendable static func boundaryForm(req: Request) async throws -> Response {
        let (_, node) = try await managed(req)
        return try await boundaryPage(req, node, text: node.boundary, error: nil)
    }

    static func boundaryPage(_ req: Request, _ node: OrgNode, text: String?, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        try await page(req, req.t("\(node.name) 边界", "Boundary of \(node.name)"), node, error: error, """
        <label class="field"><span>\(req.t("上传 GeoJSON 文件", "Upload a GeoJSON file"))</span><input type="file" name="file" accept=".geojson,.json,application/geo+json"></label>
        \(Form.textarea(req.t("或粘贴 GeoJSON（Polygon 或 Feature）", "or paste GeoJSON (a Polygon or a Feature)"), name: "boundary", value: text))
        <button>\(req.t("保存边界", "Save boundary"))</button>
        """, multipart: true, status: status)
    }

    @Sendable static func setBoundary(req: Request) async throws -> Response {
        let (_, node) = try await managed(req)
        let form = try req.content.decode(NodeForm.self)
        let text = form.file.flatMap { $0.data.readableBytes > 0 ? String(buffer: $0.data) : nil } ?? form.boundary ?? ""
        do {
            try await OrgService(req: req).setBoundary(node, try Boundary.parse(text: text), source: req.auditSource)
            req.flash(req.t("边界已保存", "Boundary saved"))
            return req.redirect(to: SiteURL.Org.node(node.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await boundaryPage(req, node, text: text, error: req.words(e), status: e.status)
        }
    }

    @Sendable static func deleteForm(req: Request) async throws -> Response {
        let (_, node) = try await managed(req)
        return try await page(req, req.t("删除 \(node.name)", "Delete \(node.name)"), node, error: nil, """
        <p>\(req.t("只有没有下级、住户、账号和网格员的节点才能删除。此操作记入操作日志。", "Only an empty node can be deleted. This is recorded in the audit log."))</p>
        <button class="danger">\(req.t("确认删除", "Delete"))</button> <a href="\(SiteURL.Org.node(node.id!).path)">\(req.t("取消", "Cancel"))</a>
        """, confirm: req.t("确定删除？", "Delete for good?"))
    }

    @Sendable static func delete(req: Request) async throws -> Response {
        let (actor, node) = try await managed(req)
        guard node.path != actor.scope.rootPath else { throw APIError.forbidden }
        do {
            try await OrgService(req: req).delete(node, source: req.auditSource)
        } catch let e as APIError where e.status.code < 500 {
            return try await page(req, req.t("删除 \(node.name)", "Delete \(node.name)"), node, error: req.words(e),
                                  "<a href=\"\(SiteURL.Org.node(node.id!).path)\">\(req.t("返回", "Back"))</a>", status: e.status)
        }
        req.flash(req.t("已删除 \(node.name)", "Deleted \(node.name)"))
        return req.redirect(to: node.parentID.map { SiteURL.Org.node($0).path } ?? SiteURL.Org.tree.path)
    }

    static func workerPage(_ req: Request, _ node: OrgNode, form: NodeForm, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        try await page(req, req.t("配备网格员", "Add a grid worker"), node, error: error, """
        \(Form.field(req.t("姓名", "Name"), name: "workerName", value: form.workerName, required: true))
        \(Form.field(req.t("电话（将公示）", "Phone (shown publicly)"), name: "phone", value: form.phone, type: "tel", required: true))
        \(Form.select(req.t("职责", "Duty"), name: "duty", options: GridWorker.duties.map { ($0, $0) }, selected: form.duty))
        <button>\(req.t("保存", "Save"))</button>
        """, status: status)
    }

    @Sendable static func workerForm(req: Request) async throws -> Response {
        let (_, node) = try await managed(req)
        return try await workerPage(req, node, form: NodeForm(), error: nil)
    }

    @Sendable static func addWorker(req: Request) async throws -> Response {
        let (actor, node) = try await managed(req)
        let form = try req.content.decode(NodeForm.self)
        do {
            _ = try await GridWorkers(req: req).add(to: node, name: form.workerName, phone: form.phone, duty: form.duty, userID: nil, scope: actor.scope)
            req.flash(req.t("已配备网格员", "Worker added"))
            return req.redirect(to: SiteURL.Org.node(node.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await workerPage(req, node, form: form, error: req.words(e), status: e.status)
        }
    }

    @Sendable static func removeWorker(req: Request) async throws -> Response {
        let (actor, node) = try await managed(req)
        let worker = try await GridWorker.find(try req.idParameter("workerId"), within: actor.scope, on: req.db)
        guard worker.gridID == node.id else { throw APIError.notFound }
        try await GridWorkers(req: req).remove(worker)
        req.flash(req.t("已撤销 \(worker.name)", "Removed \(worker.name)"))
        return req.redirect(to: SiteURL.Org.node(node.id!).path)
    }
}
