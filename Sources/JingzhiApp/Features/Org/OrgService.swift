import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// The rules of the org tree: where nodes may hang, how they move, what keeps their records together.
struct OrgService {
    let db: any Database
    let now: Date

    init(db: any Database, now: Date) {
        self.db = db
        self.now = now
    }

    init(req: Request) { self.init(db: req.db, now: req.now) }

    /// A node by its code or its id.
    func find(codeOrID: String) async throws -> OrgNode? {
        if let id = UUID(uuidString: codeOrID), let node = try await OrgNode.find(id, on: db) { return node }
        return try await OrgNode.query(on: db).filter(\.$code == codeOrID).first()
    }

    /// The node named by `codeOrID` inside `scope`. A missing and a foreign node get the same 404, naming `field`.
    func node(_ codeOrID: String, within scope: DataScope, field: String) async throws -> OrgNode {
        guard let node = try await find(codeOrID: codeOrID), scope.contains(node.path) else {
            throw APIError(.notFound, code: "unknown_node", "节点 \(codeOrID) 不存在或不在您的管辖范围 (unknown node)", field: field)
        }
        return node
    }

    /// The children of `parent` inside `scope`; without a parent, the top of what the scope shows.
    func children(of parent: OrgNode?, within scope: DataScope) async throws -> [OrgNode] {
        if let parent {
            return try await OrgNode.query(on: db).filter(\.$parentID == parent.id).within(scope).sort(\.$path).all()
        }
        if scope.rootPath.isEmpty {
            return try await OrgNode.query(on: db).filter(\.$parentID == nil).sort(\.$path).all()
        }
        return try await OrgNode.query(on: db).filter(\.$path == scope.rootPath).all()
    }

    /// The chain from the root down to `node`, inclusive.
    func ancestors(of node: OrgNode) async throws -> [OrgNode] {
        let width = PathSegment.width
        let prefixes = stride(from: width, through: node.path.count, by: width).map { String(node.path.prefix($0)) }
        return try await OrgNode.query(on: db).filter(\.$path ~~ prefixes).sort(\.$path).all()
    }

    /// Counts of the children of each node, by kind, for a tree listing.
    func childCounts(_ nodes: [OrgNode]) async throws -> [UUID: Int] {
        let ids = nodes.compactMap(\.id)
        guard !ids.isEmpty else { return [:] }
        let rows = try await db.sql.select().column("parent_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(OrgNode.schema).where("parent_id", .in, ids).groupBy("parent_id").all()
        var out: [UUID: Int] = [:]
        for row in rows {
            out[try row.decode(column: "parent_id", as: UUID.self)] = try row.decode(column: "n", as: Int.self)
        }
        return out
    }

    struct NodeInput {
        var code: String?
        var name: String?
        var address: String?
        var partyOrgName: String?
        var partySecretary: String?
        var partyContact: String?
    }

    func create(kind: NodeKind, parent: OrgNode?, input: NodeInput, source: AuditSource) async throws -> OrgNode {
        let code = try Self.validCode(input.code)
        let name = try Validate.text(input.name, field: "name", max: 60)!
        if let parent {
            guard kind.allowedParents.contains(parent.kind) else {
                throw APIError.invalid("kind", "\(kind.zh)不能建在\(parent.kind.zh)之下 (a \(kind.en) cannot sit under a \(parent.kind.en))")
            }
        } else if kind != .county {
            throw APIError.missing("parentId")
        }
        try await ensureCodeFree(code, except: nil)
        return try await db.writeTransaction { tx in
            try await OrgTreeVersion.bump(on: tx)
            let segment = try await nextSegment(under: parent, on: tx)
            let node = OrgNode(parentID: parent?.id, kind: kind, code: code, name: name,
                               path: (parent?.path ?? "") + segment, segment: segment, depth: (parent?.depth ?? -1) + 1)
            apply(input, to: node)
            try await node.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "org_node", entityID: node.id,
                                      nodePath: node.path, summary: "新建\(kind.zh) \(name) (\(code))")
            return node
        }
    }

    func update(_ node: OrgNode, input: NodeInput, source: AuditSource) async throws {
        var changes = ChangeSet()
        if input.code != nil {
            let code = try Self.validCode(input.code)
            if code != node.code { try await ensureCodeFree(code, except: node.id) }
            changes.note("code", node.code, code)
            node.code = code
        }
        if input.name != nil {
            let name = try Validate.text(input.name, field: "name", max: 60)!
            changes.note("name", node.name, name)
            node.name = name
        }
        let before = (node.address, node.partyOrgName, node.partySecretary, node.partyContact)
        apply(input, to: node)
        changes.note("address", before.0, node.address)
        changes.note("partyOrgName", before.1, node.partyOrgName)
        changes.note("partySecretary", before.2, node.partySecretary)
        changes.note("partyContact", before.3, node.partyContact)
        guard !changes.isEmpty else { return }
        let changed = changes.changes
        try await db.writeTransaction { tx in
            try await OrgTreeVersion.bump(on: tx)
            try await node.save(on: tx)
            if changed["name"] != nil { try await refreshAddresses(under: node, on: tx) }
            try await AuditLog.record(on: tx, by: source, at: now, action: "update", entity: "org_node", entityID: node.id,
                                      nodePath: node.path, summary: "修改\(node.kind.zh) \(node.name)", changes: changed)
        }
    }

    /// Moves `node` (and everything under it) under `newParent`. Records keep their node; every stored path follows.
    func move(_ node: OrgNode, under newParent: OrgNode, source: AuditSource) async throws {
        guard node.kind.allowedParents.contains(newParent.kind) else {
            throw APIError.invalid("parentId", "\(node.kind.zh)不能移到\(newParent.kind.zh)之下 (a \(node.kind.en) cannot sit under a \(newParent.kind.en))")
        }
        guard !newParent.path.hasPrefix(node.path) else {
            throw APIError.invalid("parentId", "不能移到自身或其下级之下 (cannot move a node under itself)")
        }
        guard newParent.id != node.parentID else { return }
        let oldPath = node.path, oldParent = node.parentID
        try await db.writeTransaction { tx in
            try await OrgTreeVersion.bump(on: tx)
            let segment = try await nextSegment(under: newParent, on: tx)
            let newPath = newParent.path + segment
            let depthDelta = newParent.depth + 1 - node.depth
            for path in FeatureList.pathColumns {
                let (table, column) = (path.table, path.column)
                // `||` concatenates on both SQLite and PostgreSQL; the casts tell PostgreSQL the parameters' types.
                let depth: SQLQueryString = table == OrgNode.schema ? ", depth = depth + CAST(\(bind: depthDelta) AS INTEGER)" : ""
                let update: SQLQueryString = """
                    UPDATE \(ident: table) SET \(ident: column) = CAST(\(bind: newPath) AS TEXT) || substr(\(ident: column), CAST(\(bind: oldPath.count + 1) AS INTEGER))
                    """
                let range: SQLQueryString = " WHERE \(ident: column) >= \(bind: oldPath) AND \(ident: column) < \(bind: oldPath + "~")"
                try await tx.sql.raw(update + depth + range).run()
            }
            try await tx.sql.update(OrgNode.schema).set("parent_id", to: SQLBind(newParent.id!)).set("segment", to: SQLBind(segment))
                .where("id", .equal, SQLBind(node.id!)).run()
            let moved = try await OrgNode.find(node.id, on: tx)!
            // The measures' running totals are cut by street and community: recount where the cases left and arrived.
            try await CaseTallies.rebuild(under: oldPath, on: tx)
            try await CaseTallies.rebuild(under: newPath, on: tx)
            try await refreshAddresses(under: moved, on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "move", entity: "org_node", entityID: node.id,
                                      nodePath: newPath, summary: "移动\(node.kind.zh) \(node.name) 到 \(newParent.name)",
                                      changes: ["parentId": [oldParent?.uuidString, newParent.id?.uuidString], "path": [oldPath, newPath]])
        }
    }

    /// Deletes an empty node. Anything under it (children, households, accounts, workers) blocks the delete.
    func delete(_ node: OrgNode, source: AuditSource) async throws {
        let id = node.id!
        let blockers: [(Int, String)] = [
            (try await OrgNode.query(on: db).filter(\.$parentID == id).count(), "下级节点 (child nodes)"),
            (try await Household.query(on: db).filter(\.$nodeID == id).count(), "住户 (households)"),
            (try await User.query(on: db).filter(\.$nodeID == id).count(), "账号 (accounts)"),
            (try await GridWorker.query(on: db).filter(\.$gridID == id).count(), "网格员 (grid workers)"),
            (try await LinkRequest.query(on: db).filter(\.$nodeID == id).count(), "认证申请 (link requests)"),
        ]
        if let (n, what) = blockers.first(where: { $0.0 > 0 }) {
            throw APIError.conflict("该节点下还有 \(n) 个\(what)，不能删除 (node is not empty)", code: "node_not_empty")
        }
        try await db.writeTransaction { tx in
            try await OrgTreeVersion.bump(on: tx)
            try await node.delete(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "delete", entity: "org_node", entityID: id,
                                      nodePath: node.path, summary: "删除\(node.kind.zh) \(node.name) (\(node.code))")
        }
    }

    func setBoundary(_ node: OrgNode, _ boundary: Boundary?, source: AuditSource) async throws {
        node.boundary = boundary?.geoJSON
        try await db.writeTransaction { tx in
            try await OrgTreeVersion.bump(on: tx)
            try await node.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "update", entity: "org_node", entityID: node.id,
                                      nodePath: node.path, summary: boundary == nil ? "清除边界 \(node.name)" : "设置边界 \(node.name)")
        }
    }

    /// The display address of a household: compound, building, unit names and the room.
    static func address(ancestors: [OrgNode], room: String) -> String {
        (ancestors.filter { [.compound, .building, .unit].contains($0.kind) }.map(\.name) + [room]).joined(separator: " ")
    }

    /// Rebuilds the stored display addresses of the households under `node` after a rename or move.
    func refreshAddresses(under node: OrgNode, on tx: any Database) async throws {
        guard [.compound, .building, .unit, .grid, .microGrid].contains(node.kind) else { return }
        let households = try await Household.query(on: tx).within(DataScope(rootPath: node.path)).all()
        guard !households.isEmpty else { return }
        let nodes = try await OrgNode.query(on: tx).within(DataScope(rootPath: String(node.path.prefix(PathSegment.width * 3)))).all()
        let byPath = Dictionary(uniqueKeysWithValues: nodes.map { ($0.path, $0) })
        for h in households {
            let chain = stride(from: PathSegment.width, through: h.nodePath.count, by: PathSegment.width)
                .compactMap { byPath[String(h.nodePath.prefix($0))] }
            let address = Self.address(ancestors: chain, room: h.room)
            if address != h.address {
                h.address = address
                try await h.save(on: tx)
            }
        }
    }

    private func apply(_ input: NodeInput, to node: OrgNode) {
        func clean(_ s: String?) -> String? {
            let t = s?.trimmingCharacters(in: .whitespacesAndNewlines)
            return t?.isEmpty == true ? nil : t.map { String($0.prefix(200)) }
        }
        if input.address != nil { node.address = clean(input.address) }
        if input.partyOrgName != nil { node.partyOrgName = clean(input.partyOrgName) }
        if input.partySecretary != nil { node.partySecretary = clean(input.partySecretary) }
        if input.partyContact != nil { node.partyContact = clean(input.partyContact) }
    }

    private func nextSegment(under parent: OrgNode?, on tx: any Database) async throws -> String {
        let last = try await OrgNode.query(on: tx).filter(\.$parentID == parent?.id).sort(\.$segment, .descending).first()
        let next = last.map { PathSegment.ordinal($0.segment) + 1 } ?? 0
        guard next < 36 * 36 * 36 * 36 else { throw APIError.conflict("下级节点过多 (too many children)") }
        return PathSegment.make(next)
    }

    private func ensureCodeFree(_ code: String, except id: UUID?) async throws {
        if let other = try await OrgNode.query(on: db).filter(\.$code == code).first(), other.id != id {
            // The other node may lie outside the caller's scope: say that the code is taken, not by what.
            throw APIError(.conflict, code: "code_taken", "编码 \(code) 已被占用 (code already used)", field: "code")
        }
    }

    static func validCode(_ raw: String?) throws -> String {
        guard let code = try Validate.text(raw, field: "code", max: 40) else { throw APIError.missing("code") }
        guard code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }) else {
            throw APIError.invalid("code", "编码只能包含字母、数字、- 和 _ (code: letters, digits, - and _ only)")
        }
        return code
    }
}
