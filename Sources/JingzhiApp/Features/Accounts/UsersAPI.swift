import Fluent
import JingzhiCore
import Vapor

/// `/api/v1/users` (accounts inside the caller's scope) and `/api/v1/link-requests`.
enum UsersAPI {
    struct NewUser: Content {
        var username: String
        var password: String
        var role: String
        var nodeId: UUID?
        var displayName: String?
        var phone: String?
        var departmentCode: String?
    }
    struct UserPatch: Content { var displayName: String?; var phone: String?; var active: Bool? }
    struct Approval: Content { var residentId: UUID }
    struct Rejection: Content { var note: String? }

    static func register(_ api: any RoutesBuilder) {
        let users = api.grouped("users")
        users.get(use: list)
        users.post(use: create)
        users.patch(":id", use: update)
        let links = api.grouped("link-requests")
        links.get(use: listLinks)
        links.post(":id", "approve", use: approve)
        links.post(":id", "reject", use: reject)
        api.get("audit", use: AuditPages.apiList)
    }

    /// Users whose node lies in the caller's scope (admins also see node-less accounts).
    static func scopedUsers(_ actor: Actor, on db: any Database) -> QueryBuilder<User> {
        let q = User.query(on: db).join(OrgNode.self, on: \User.$nodeID == \OrgNode.$id, method: .left)
        return q.within(actor.scope, joined: OrgNode.self)
    }

    @Sendable static func list(req: Request) async throws -> Paged<UserDTO> {
        let actor = try req.requireActor()
        try actor.require(.manageUsers)
        let page = try PageRequest(req)
        var q = scopedUsers(actor, on: req.db)
        if let role = try req.query.get(String?.self, at: "role"), !role.isEmpty { q = q.filter(\.$roleRaw == role) }
        if let text = try req.query.get(String?.self, at: "q"), !text.isEmpty {
            q = q.group(.or) { $0.filter(\.$username ~~ text.lowercased()).filter(\.$displayName ~~ text) }
        }
        let total = try await q.count()
        let rows = try await q.sort(\.$username).range(page.range).all()
        return Paged(items: rows.map { UserDTO($0, viewer: actor) }, total: total, page: page.page, per: page.per)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let body = try req.decodeJSON(NewUser.self)
        guard let role = Role(rawValue: body.role) else { throw APIError.invalid("role", "未知角色 \(body.role) (unknown role)") }
        var node: OrgNode?
        if let id = body.nodeId {
            node = try await OrgService(req: req).node(id.uuidString, within: actor.scope, field: "nodeId")
        }
        let department = try await AccountService.department(code: body.departmentCode, for: role, on: req.db)
        let user = try await AccountService(req: req).createUser(username: body.username, password: body.password, role: role, node: node,
                                                                 displayName: body.displayName, phone: body.phone, department: department, creator: actor,
                                                                 source: req.auditSource)
        return try await UserDTO(user, viewer: actor).encodeResponse(status: .created, for: req)
    }

    @Sendable static func update(req: Request) async throws -> UserDTO {
        let actor = try req.requireActor()
        try actor.require(.manageUsers)
        let id = try req.idParameter()
        guard let user = try await scopedUsers(actor, on: req.db).filter(\.$id == id).first(), user.role.isStaff || actor.role == .admin else {
            throw APIError.notFound
        }
        guard actor.role.assignableRoles.contains(user.role) || actor.userID == user.id else { throw APIError.forbidden }
        let body = try req.decodeJSON(UserPatch.self)
        var changes = ChangeSet()
        if let name = body.displayName {
            let v = try Validate.text(name, field: "displayName", max: 30)!
            changes.note("displayName", user.displayName, v)
            user.displayName = v
        }
        if let phone = body.phone {
            guard phone.isEmpty || Validate.phone(phone) != nil else { throw APIError.invalid("phone", "电话号码无效 (invalid phone number)") }
            changes.noteHidden("phone", user.phone, phone.isEmpty ? nil : phone)
            user.phone = phone.isEmpty ? nil : phone
        }
        if let active = body.active {
            guard actor.userID != user.id else { throw APIError.invalid("active", "不能停用自己的账号 (cannot deactivate yourself)") }
            changes.note("active", user.active, active)
            user.active = active
        }
        let changed = changes.changes
        let path = try await user.nodeID.asyncMap { try await OrgNode.find($0, on: req.db)?.path } ?? ""
        try await req.db.writeTransaction { tx in
            try await user.save(on: tx)
            if body.active == false { try await APIToken.query(on: tx).filter(\.$userID == user.id!).delete() }
            try await AuditLog.record(on: tx, by: req.auditSource, at: req.now, action: "update", entity: "user", entityID: user.id,
                                      nodePath: path ?? "", summary: "修改账号 \(user.username)", changes: changed)
        }
        return UserDTO(user, viewer: actor)
    }

    @Sendable static func listLinks(req: Request) async throws -> Paged<LinkRequestDTO> {
        let actor = try req.requireActor()
        try actor.require(.approveLinks)
        let page = try PageRequest(req)
        let status = try req.query.get(String?.self, at: "status") ?? LinkState.pending.rawValue
        let q = LinkRequest.query(on: req.db).within(actor.scope).filter(\.$status == status)
        let total = try await q.count()
        let rows = try await q.sort(\.$createdAt).range(page.range).all()
        return Paged(items: rows.map(LinkRequestDTO.init), total: total, page: page.page, per: page.per)
    }

    @Sendable static func approve(req: Request) async throws -> LinkRequestDTO {
        let actor = try req.requireActor()
        try actor.require(.approveLinks)
        let link = try await LinkRequest.find(try req.idParameter(), within: actor.scope, on: req.db)
        let body = try req.decodeJSON(Approval.self)
        guard let resident = try? await Resident.find(body.residentId, within: actor.scope, on: req.db) else {
            throw APIError(.notFound, code: "unknown_resident", "居民不存在或不在您的管辖范围 (unknown resident)", field: "residentId")
        }
        try await Registrations.approve(link, resident: resident, by: actor, db: req.db, now: req.now, source: req.auditSource)
        return LinkRequestDTO(link)
    }

    @Sendable static func reject(req: Request) async throws -> LinkRequestDTO {
        let actor = try req.requireActor()
        try actor.require(.approveLinks)
        let link = try await LinkRequest.find(try req.idParameter(), within: actor.scope, on: req.db)
        let body = try req.decodeJSON(Rejection.self)
        try await Registrations.reject(link, note: body.note, by: actor, db: req.db, now: req.now, source: req.auditSource)
        return LinkRequestDTO(link)
    }
}

