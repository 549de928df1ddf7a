import Fluent
import JingzhiCore
import Vapor

struct OrgNodeDTO: Content {
    let id: UUID
    let parentId: UUID?
    let kind: String
    let code: String
    let name: String
    let depth: Int
    let address: String?
    let partyOrgName: String?
    let partySecretary: String?
    let partyContact: String?
    let hasBoundary: Bool
    var childCount: Int?

    init(_ n: OrgNode, childCount: Int? = nil) {
        id = n.id!
        parentId = n.parentID
        kind = n.kindRaw
        code = n.code
        name = n.name
        depth = n.depth
        address = n.address
        partyOrgName = n.partyOrgName
        partySecretary = n.partySecretary
        partyContact = n.partyContact
        hasBoundary = n.boundary != nil
        self.childCount = childCount
    }
}

struct OrgNodeBody: Content {
    var parentId: UUID?
    var kind: String?
    var code: String?
    var name: String?
    var address: String?
    var partyOrgName: String?
    var partySecretary: String?
    var partyContact: String?

    var input: OrgService.NodeInput {
        .init(code: code, name: name, address: address, partyOrgName: partyOrgName, partySecretary: partySecretary, partyContact: partyContact)
    }
}

struct GridWorkerDTO: Content {
    let id: UUID
    let gridId: UUID
    let userId: UUID?
    let name: String
    let phone: String
    let duty: String

    init(_ w: GridWorker) {
        id = w.id!
        gridId = w.gridID
        userId = w.userID
        name = w.name
        phone = w.phone
        duty = w.duty
    }
}

struct GridWorkerBody: Content {
    var name: String?
    var phone: String?
    var duty: String?
    var userId: UUID?
}

/// `/api/v1/org/nodes`: the tree, its boundaries and grid workers.
enum OrgAPI {
    static func register(_ api: any RoutesBuilder) {
        let nodes = api.grouped("org", "nodes")
        nodes.get(use: list)
        nodes.post(use: create)
        nodes.get(":id", use: show)
        nodes.patch(":id", use: update)
        nodes.delete(":id", use: delete)
        nodes.get(":id", "ancestors", use: ancestors)
        nodes.post(":id", "move", use: move)
        nodes.get(":id", "boundary", use: boundary)
        nodes.put(":id", "boundary", use: setBoundary)
        nodes.get(":id", "workers", use: workers)
        nodes.post(":id", "workers", use: addWorker)
        nodes.delete(":id", "workers", ":workerId", use: removeWorker)
    }

    static func node(_ req: Request, _ actor: Actor, _ name: String = "id") async throws -> OrgNode {
        try await OrgNode.find(try req.idParameter(name), within: actor.scope, on: req.db)
    }

    @Sendable static func list(req: Request) async throws -> [OrgNodeDTO] {
        let actor = try req.requireActor()
        try actor.require(.viewOrg)
        let service = OrgService(req: req)
        var parent: OrgNode?
        if let raw = try req.query.get(String?.self, at: "parent"), !raw.isEmpty {
            parent = try await service.node(raw, within: actor.scope, field: "parent")
        }
        let children = try await service.children(of: parent, within: actor.scope)
        let counts = try await service.childCounts(children)
        return children.map { OrgNodeDTO($0, childCount: counts[$0.id!] ?? 0) }
    }

    @Sendable static func show(req: Request) async throws -> OrgNodeDTO {
        let actor = try req.requireActor()
        try actor.require(.viewOrg)
        let n = try await node(req, actor)
        return OrgNodeDTO(n, childCount: try await OrgService(req: req).childCounts([n])[n.id!] ?? 0)
    }

    @Sendable static func ancestors(req: Request) async throws -> [OrgNodeDTO] {
        let actor = try req.requireActor()
        try actor.require(.viewOrg)
        return try await OrgService(req: req).ancestors(of: try await node(req, actor)).map { OrgNodeDTO($0) }
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.manageOrg)
        let body = try req.decodeJSON(OrgNodeBody.self)
        guard let kindRaw = body.kind else { throw APIError.missing("kind") }
        guard let kind = NodeKind(rawValue: kindRaw) else {
            throw APIError.invalid("kind", "未知节点类型 \(kindRaw) (kind must be one of \(NodeKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var parent: OrgNode?
        if let pid = body.parentId {
            parent = try await OrgService(req: req).node(pid.uuidString, within: actor.scope, field: "parentId")
        } else if actor.role != .admin {
            throw APIError.missing("parentId")
        }
        let n = try await OrgService(req: req).create(kind: kind, parent: parent, input: body.input, source: req.auditSource)
        return try await OrgNodeDTO(n, childCount: 0).encodeResponse(status: .created, for: req)
    }

    @Sendable static func update(req: Request) async throws -> OrgNodeDTO {
        let actor = try req.requireActor()
        try actor.require(.manageOrg)
        let n = try await node(req, actor)
        let body = try req.decodeJSON(OrgNodeBody.self)
        if body.parentId != nil || body.kind != nil {
            throw APIError.invalid(body.kind != nil ? "kind" : "parentId", "类型不可修改；移动节点请用 /move (use /move to change the parent)")
        }
        try await OrgService(req: req).update(n, input: body.input, source: req.auditSource)
        return OrgNodeDTO(n)
    }

    @Sendable static func delete(req: Request) async throws -> HTTPStatus {
        let actor = try req.requireActor()
        try actor.require(.manageOrg)
        let n = try await node(req, actor)
        guard n.path != actor.scope.rootPath else { throw APIError.forbidden }
        try await OrgService(req: req).delete(n, source: req.auditSource)
        return .noContent
    }

    struct MoveBody: Content { var parentId: UUID? }

    @Sendable static func move(req: Request) async throws -> OrgNodeDTO {
        let actor = try req.requireActor()
        try actor.require(.manageOrg)
        let n = try await node(req, actor)
        guard n.path != actor.scope.rootPath else { throw APIError.forbidden }
        guard let pid = try req.decodeJSON(MoveBody.self).parentId else { throw APIError.missing("parentId") }
        let parent = try await OrgService(req: req).node(pid.uuidString, within: actor.scope, field: "parentId")
        try await OrgService(req: req).move(n, under: parent, source: req.auditSource)
        return OrgNodeDTO(try await OrgNode.find(n.id, on: req.db)!)
    }

    @Sendable static func boundary(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.viewOrg)
        let n = try await node(req, actor)
        guard let geo = n.boundary else { throw APIError(.notFound, code: "no_boundary", "该节点尚未设置边界 (no boundary set)") }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "geo+json")
        return Response(status: .ok, headers: headers, body: .init(string: geo))
    }

    @Sendable static func setBoundary(req: Request) async throws -> OrgNodeDTO {
        let actor = try req.requireActor()
        try actor.require(.manageOrg)
        let n = try await node(req, actor)
        guard let buffer = req.body.data else { throw APIError.missing("boundary") }
        let boundary = try Boundary.parse(text: String(buffer: buffer))
        try await OrgService(req: req).setBoundary(n, boundary, source: req.auditSource)
        return OrgNodeDTO(n)
    }

    @Sendable static func workers(req: Request) async throws -> [GridWorkerDTO] {
        let actor = try req.requireActor()
        try actor.require(.viewOrg)
        let n = try await node(req, actor)
        return try await GridWorker.query(on: req.db).filter(\.$gridID == n.id!).sort(\.$createdAt).all().map(GridWorkerDTO.init)
    }

    @Sendable static func addWorker(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.manageOrg)
        let grid = try await node(req, actor)
        let body = try req.decodeJSON(GridWorkerBody.self)
        let w = try await GridWorkers(req: req).add(to: grid, name: body.name, phone: body.phone, duty: body.duty, userID: body.userId, scope: actor.scope)
        return try await GridWorkerDTO(w).encodeResponse(status: .created, for: req)
    }

    @Sendable static func removeWorker(req: Request) async throws -> HTTPStatus {
        let actor = try req.requireActor()
        try actor.require(.manageOrg)
        let grid = try await node(req, actor)
        let worker = try await GridWorker.find(try req.idParameter("workerId"), within: actor.scope, on: req.db)
        guard worker.gridID == grid.id else { throw APIError.notFound }
        try await GridWorkers(req: req).remove(worker)
        return .noContent
    }
}

/// Assigning workers to grids.
struct GridWorkers {
    let db: any Database
    let now: Date
    let source: AuditSource

    init(req: Request) {
        db = req.db
        now = req.now
        source = req.auditSource
    }

    func add(to grid: OrgNode, name: String?, phone: String?, duty: String?, userID: UUID?, scope: DataScope) async throws -> GridWorker {
        guard [.grid, .microGrid].contains(grid.kind) else {
            throw APIError.invalid("gridId", "只能给网格或微网格配备网格员 (workers belong to grids)")
        }
        let name = try Validate.text(name, field: "name", max: 30)!
        guard let phone = Validate.phone(try Validate.text(phone, field: "phone", max: 20)!) else {
            throw APIError.invalid("phone", "电话号码无效 (invalid phone number)")
        }
        let duty = duty.flatMap { $0.isEmpty ? nil : $0 } ?? "专职网格员"
        guard GridWorker.duties.contains(duty) else { throw APIError.invalid("duty", "职责无效 (unknown duty)") }
        if let userID {
            // Someone else's account answers like an unknown one.
            let user = try await User.find(userID, on: db)
            let nodePath = try await user?.nodeID.asyncMap { try await OrgNode.find($0, on: db)?.path } ?? nil
            guard let user, user.role == .gridWorker, let nodePath, scope.contains(nodePath) else {
                throw APIError.invalid("userId", "须为您辖区内的网格员账号 (must be a grid worker account in your area)")
            }
        }
        let worker = GridWorker(gridID: grid.id!, nodePath: grid.path, userID: userID, name: name, phone: phone, duty: duty)
        try await db.writeTransaction { tx in
            try await worker.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "grid_worker", entityID: worker.id,
                                      nodePath: grid.path, summary: "\(grid.name) 配备\(duty) \(name)")
        }
        return worker
    }

    func remove(_ worker: GridWorker) async throws {
        try await db.writeTransaction { tx in
            try await worker.delete(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "delete", entity: "grid_worker", entityID: worker.id,
                                      nodePath: worker.nodePath, summary: "撤销\(worker.duty) \(worker.name)")
        }
    }
}
