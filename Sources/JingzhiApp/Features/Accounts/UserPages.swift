import Fluent
import JingzhiCore
import Vapor

/// Accounts inside the manager's scope, and residents' link requests.
enum UserPages {
    static func register(_ web: any RoutesBuilder) {
        typealias P = SiteURL.Accounts.Pattern
        web.get(P.users, use: list)
        web.get(P.userNew, use: newForm)
        web.post(P.userNew, use: create)
        web.post(P.userActive, use: toggleActive)
        web.get(P.linkRequests, use: links)
        web.get(P.linkRequest, use: linkDetail)
        web.post(P.approveLink, use: approve)
        web.post(P.rejectLink, use: reject)
    }

    @Sendable static func list(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        try actor.require(.manageUsers)
        let page = try PageRequest(req, defaultPer: 50)
        var q = UsersAPI.scopedUsers(actor, on: req.db)
        let text = (try req.query.get(String?.self, at: "q")) ?? ""
        if !text.isEmpty { q = q.group(.or) { $0.filter(\.$username ~~ text.lowercased()).filter(\.$displayName ~~ text) } }
        let total = try await q.count()
        let users = try await q.sort(\.$roleRaw).sort(\.$username).range(page.range).all()
        let nodes = try await OrgNode.query(on: req.db).filter(\.$id ~~ users.compactMap(\.nodeID)).all()
        let nodeName = Dictionary(uniqueKeysWithValues: nodes.map { ($0.id!, $0.name) })
        let rows = users.map { u -> HTML in
            let toggle: HTML = actor.role.assignableRoles.contains(u.role) && u.id != actor.userID ? """
            <form method="post" action="\(SiteURL.Accounts.userActive(u.id!).path)" class="inline" data-confirm="\(u.active ? req.t("确定停用该账号？", "Deactivate this account?") : req.t("确定启用该账号？", "Activate this account?"))">\(Form.csrf(req))<input type="hidden" name="active" value="\(u.active ? "false" : "true")"><button class="link">\(u.active ? req.t("停用", "Deactivate") : req.t("启用", "Activate"))</button></form>
            """ : .empty
            return """
            <tr><td data-label="\(req.t("用户名", "Username"))">\(u.username)</td><td data-label="\(req.t("姓名", "Name"))">\(u.displayName)</td>
            <td data-label="\(req.t("角色", "Role"))">\(u.role.label(req.lang))</td><td data-label="\(req.t("所属", "Node"))">\(u.nodeID.flatMap { nodeName[$0] } ?? "—")</td>
            <td data-label="\(req.t("状态", "State"))">\(u.active ? req.t("正常", "active") : req.t("已停用", "inactive")) \(toggle)</td></tr>
            """
        }
        return Layout(req: req, title: req.t("账号管理", "Accounts"), wide: true).render("""
        <form method="get" class="filters card">\(Form.field(req.t("搜索", "Search"), name: "q", value: text, type: "search"))<button>\(req.t("查询", "Search"))</button></form>
        <p><a class="button" href="\(SiteURL.Accounts.userNew.path)">+ \(req.t("新建账号", "New account"))</a></p>
        <div class="table-wrap"><table class="stack"><thead><tr><th>\(req.t("用户名", "Username"))</th><th>\(req.t("姓名", "Name"))</th><th>\(req.t("角色", "Role"))</th><th>\(req.t("所属", "Node"))</th><th>\(req.t("状态", "State"))</th></tr></thead>
        <tbody>\(rows)</tbody></table></div>
        \(pager(req, total: total, page: page) { SiteURL.Accounts.users.path + SiteURL.query([("q", text), ("page", String($0))]) })
        """)
    }

    struct NewUserForm: Content { var username: String?; var password: String?; var role: String?; var nodeCode: String?; var displayName: String?; var phone: String? }

    static func newPage(_ req: Request, _ actor: Actor, _ f: NewUserForm, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        try await ResidentForms.formPage(req, title: req.t("新建账号", "New account"), error: error, """
        \(Form.field(req.t("用户名", "Username"), name: "username", value: f.username, required: true))
        \(Form.field(req.t("姓名", "Name"), name: "displayName", value: f.displayName, required: true))
        \(Form.select(req.t("角色", "Role"), name: "role", options: actor.role.assignableRoles.map { ($0.rawValue, $0.label(req.lang)) }, selected: f.role))
        \(Form.field(req.t("所属节点编码", "Node code"), name: "nodeCode", value: f.nodeCode, hint: req.t("账号只能看到该节点及其下级", "the account sees this node and below")))
        \(Form.field(req.t("手机号", "Phone"), name: "phone", value: f.phone, type: "tel"))
        \(Form.field(req.t("初始密码", "Initial password"), name: "password", type: "password", required: true, hint: req.t("至少 8 位，含字母和数字", "8+ characters with letters and digits")))
        <button>\(req.t("创建", "Create"))</button>
        """, status: status)
    }

    @Sendable static func newForm(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.manageUsers)
        return try await newPage(req, actor, NewUserForm(), error: nil)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.manageUsers)
        let f = try req.content.decode(NewUserForm.self)
        do {
            guard let role = Role(rawValue: f.role ?? "") else { throw APIError.invalid("role", req.t("请选择角色", "Choose a role")) }
            var node: OrgNode?
            if let code = f.nodeCode, !code.isEmpty {
                guard let n = try await OrgService(req: req).find(codeOrID: code), actor.scope.contains(n.path) else {
                    throw APIError.invalid("nodeCode", req.t("找不到该编码的节点，或不在您的管辖范围", "No node with that code in your area"))
                }
                node = n
            }
            let user = try await AccountService(req: req).createUser(username: f.username ?? "", password: f.password ?? "", role: role, node: node,
                                                                     displayName: f.displayName, phone: f.phone.flatMap { $0.isEmpty ? nil : $0 },
                                                                     creator: actor, source: req.auditSource)
            req.flash(req.t("已创建账号 \(user.username)", "Created \(user.username)"))
            return req.redirect(to: SiteURL.Accounts.users.path)
        } catch let e as APIError where e.status.code < 500 {
            return try await newPage(req, actor, f, error: req.words(e), status: e.status)
        }
    }

    struct ActiveForm: Content { var active: String? }

    @Sendable static func toggleActive(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.manageUsers)
        let id = try req.idParameter()
        guard let user = try await UsersAPI.scopedUsers(actor, on: req.db).filter(\.$id == id).first(),
              actor.role.assignableRoles.contains(user.role), user.id != actor.userID else { throw APIError.notFound }
        let active = try req.content.decode(ActiveForm.self).active == "true"
        user.active = active
        try await req.db.writeTransaction { tx in
            try await user.save(on: tx)
            if !active { try await APIToken.query(on: tx).filter(\.$userID == user.id!).delete() }
            try await AuditLog.record(on: tx, by: req.auditSource, at: req.now, action: "update", entity: "user", entityID: user.id,
                                      nodePath: actor.nodePath, summary: (active ? "启用账号 " : "停用账号 ") + user.username,
                                      changes: ["active": [String(!active), String(active)]])
        }
        req.flash(active ? req.t("已启用", "Activated") : req.t("已停用", "Deactivated"))
        return req.redirect(to: SiteURL.Accounts.users.path)
    }

    @Sendable static func links(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        try actor.require(.approveLinks)
        let pending = try await LinkRequest.query(on: req.db).within(actor.scope).filter(\.$status == LinkState.pending.rawValue).sort(\.$createdAt).limit(200).all()
        let nodes = try await OrgNode.query(on: req.db).filter(\.$id ~~ pending.map(\.nodeID)).all()
        let names = Dictionary(uniqueKeysWithValues: nodes.map { ($0.id!, $0.name) })
        return Layout(req: req, title: req.t("居民认证审核", "Link requests"), wide: true).render("""
        <ul class="tree">\(pending.isEmpty ? ["<li class=\"muted\">\(req.t("没有待审核的申请", "Nothing waiting"))</li>"] : pending.map { l -> HTML in
            "<li><a href=\"\(SiteURL.Accounts.linkRequest(l.id!).path)\">\(l.name)</a><span class=\"muted\">\(names[l.nodeID] ?? "") \(l.room) · \(l.createdAt.map { ShanghaiTime.format($0) } ?? "")</span></li>"
        })</ul>
        """)
    }

    @Sendable static func linkDetail(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        try actor.require(.approveLinks)
        let link = try await LinkRequest.find(try req.idParameter(), within: actor.scope, on: req.db)
        let user = try await User.find(link.userID, on: req.db)
        // Candidates: people of that name under the chosen compound or building, or with the account's phone.
        var candidates = try await Resident.query(on: req.db).within(DataScope(rootPath: link.nodePath)).filter(\.$name == link.name).limit(20).all()
        if let phone = user?.phone {
            candidates += try await Resident.query(on: req.db).within(actor.scope).filter(\.$phone == phone).limit(5).all()
        }
        var seen = Set<UUID>()
        candidates = candidates.filter { seen.insert($0.id!).inserted }
        let households = try await Household.query(on: req.db).filter(\.$id ~~ candidates.map(\.householdID)).all()
        let address = Dictionary(uniqueKeysWithValues: households.map { ($0.id!, $0.address) })
        let options = candidates.map { r -> HTML in
            let d = ResidentDTO(r, household: nil, viewer: actor, now: req.now)
            return "<label class=\"field\"><input type=\"radio\" name=\"residentId\" value=\"\(d.id)\" required> \(d.name) · \(address[r.householdID] ?? "") · \(d.phone ?? "")</label>"
        }
        return Layout(req: req, title: req.t("认证申请：\(link.name)", "Link request: \(link.name)")).render("""
        <div class="card"><dl class="props"><dt>\(req.t("申请人", "Applicant"))</dt><dd>\(link.name) \(Mask.phone(user?.phone) ?? "") <b class="req">\(req.t("手机号未经短信验证", "phone not verified"))</b></dd>
        <dt>\(req.t("填写的住址", "Address given"))</dt><dd>\(link.room)</dd><dt>\(req.t("状态", "Status"))</dt><dd>\(link.status)</dd></dl></div>
        \(link.state == .pending ? HTML("""
        <form method="post" action="\(SiteURL.Accounts.approveLink(link.id!).path)" class="card">\(Form.csrf(req))
          <p>\(req.t("选择名册中对应的居民：", "Choose the matching resident:"))</p>
          <p class="muted">\(req.t("姓名和手机号都由申请人自己填写，未经核验：请当面或回拨名册中的电话确认是本人后再通过。", "Name and phone are the applicant's own word: confirm in person, or by calling the number in the register, before approving."))</p>\(options.isEmpty ? ["<p class=\"muted\">\(req.t("名册中没有同名居民，请先登记该居民。", "No matching resident; add them to the register first."))</p>"] : options)
          <button\(HTML(raw: options.isEmpty ? " disabled" : ""))>\(req.t("通过", "Approve"))</button>
        </form>
        <form method="post" action="\(SiteURL.Accounts.rejectLink(link.id!).path)" class="card" data-confirm="\(req.t("确定驳回？", "Reject?"))">\(Form.csrf(req))
          \(Form.field(req.t("驳回原因", "Reason"), name: "note", required: true))<button class="danger">\(req.t("驳回", "Reject"))</button>
        </form>
        """) : .empty)
        """)
    }

    struct DecisionForm: Content { var residentId: String?; var note: String? }

    @Sendable static func approve(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.approveLinks)
        let link = try await LinkRequest.find(try req.idParameter(), within: actor.scope, on: req.db)
        let f = try req.content.decode(DecisionForm.self)
        guard let rid = f.residentId.flatMap(UUID.init(uuidString:)) else { throw APIError.missing("residentId") }
        let resident = try await Resident.find(rid, within: actor.scope, on: req.db)
        try await Registrations.approve(link, resident: resident, by: actor, db: req.db, now: req.now, source: req.auditSource)
        req.flash(req.t("已通过 \(link.name) 的认证", "Approved \(link.name)"))
        return req.redirect(to: SiteURL.Accounts.linkRequests.path)
    }

    @Sendable static func reject(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.approveLinks)
        let link = try await LinkRequest.find(try req.idParameter(), within: actor.scope, on: req.db)
        let f = try req.content.decode(DecisionForm.self)
        try await Registrations.reject(link, note: f.note, by: actor, db: req.db, now: req.now, source: req.auditSource)
        req.flash(req.t("已驳回", "Rejected"))
        return req.redirect(to: SiteURL.Accounts.linkRequests.path)
    }
}
