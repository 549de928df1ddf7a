import Fluent
import JingzhiCore
import Vapor

/// Finds the building or unit an imported row names (社区 / 小区 / 楼栋 / 单元), inside the importer's scope.
/// Buildings and units missing under a known compound are created when writing.
struct PlaceResolver {
    let db: any Database
    let scope: DataScope
    let now: Date
    let source: AuditSource
    private var cache: [String: OrgNode] = [:]

    init(db: any Database, scope: DataScope, now: Date, source: AuditSource) {
        self.db = db
        self.scope = scope
        self.now = now
        self.source = source
    }

    struct Place {
        let compound: OrgNode
        /// The node households hang on, when it exists already.
        let node: OrgNode?
    }

    mutating func resolve(_ row: ResidentImporter.Row, create: Bool = false) async throws -> Place {
        var area = scope
        if let communityName = row["community"] {
            let community = try await unique(kind: .community, name: communityName, within: area, field: "community")
            area = DataScope(rootPath: community.path)
        }
        guard let compoundName = row["compound"] else { throw APIError.invalid("compound", "小区不能为空 (compound is required)") }
        guard let buildingName = row["building"] else { throw APIError.invalid("building", "楼栋不能为空 (building is required)") }
        guard row["room"] != nil else { throw APIError.invalid("room", "房号不能为空 (room is required)") }
        let compound = try await unique(kind: .compound, name: compoundName, within: area, field: "compound")
        var building = try await child(of: compound, kind: .building, name: buildingName)
        if building == nil, create { building = try await make(.building, name: buildingName, under: compound) }
        guard let unitName = row["unit"] else { return Place(compound: compound, node: building) }
        guard let building else { return Place(compound: compound, node: nil) }
        var unit = try await child(of: building, kind: .unit, name: unitName)
        if unit == nil, create { unit = try await make(.unit, name: unitName, under: building) }
        return Place(compound: compound, node: unit)
    }

    mutating func household(_ place: Place, room: String) async throws -> Household {
        guard let node = place.node else { throw APIError.invalid("building", "楼栋不存在 (building not found)") }
        if let h = try await Household.query(on: db).filter(\.$nodeID == node.id!).filter(\.$room == room).first() { return h }
        return try await ResidentService(db: db, now: now).createHousehold(node: node, room: room, occupancy: nil, scope: scope, source: source)
    }

    private mutating func unique(kind: NodeKind, name: String, within area: DataScope, field: String) async throws -> OrgNode {
        let key = "\(kind.rawValue)|\(area.rootPath)|\(name)"
        if let hit = cache[key] { return hit }
        let found = try await OrgNode.query(on: db).filter(\.$kindRaw == kind.rawValue).filter(\.$name == name).within(area).limit(2).all()
        guard let node = found.first else {
            throw APIError.invalid(field, "找不到\(kind.zh)「\(name)」或不在您的管辖范围 (\(kind.en) not found)")
        }
        guard found.count == 1 else {
            throw APIError.invalid(field, "\(kind.zh)「\(name)」有重名，请填写所属社区 (\(kind.en) name is ambiguous; add the community)")
        }
        cache[key] = node
        return node
    }

    private mutating func child(of parent: OrgNode, kind: NodeKind, name: String) async throws -> OrgNode? {
        let key = "\(parent.path)|\(kind.rawValue)|\(name)"
        if let hit = cache[key] { return hit }
        let node = try await OrgNode.query(on: db).filter(\.$parentID == parent.id).filter(\.$kindRaw == kind.rawValue)
            .filter(\.$name == name).first()
        if let node { cache[key] = node }
        return node
    }

    private mutating func make(_ kind: NodeKind, name: String, under parent: OrgNode) async throws -> OrgNode {
        let siblings = try await OrgNode.query(on: db).filter(\.$parentID == parent.id).count()
        var n = siblings + 1
        var code = ""
        repeat {
            code = parent.code + (kind == .building ? "-B" : "-U") + String(format: "%02d", n)
            n += 1
        } while try await OrgNode.query(on: db).filter(\.$code == code).first() != nil
        let node = try await OrgService(db: db, now: now)
            .create(kind: kind, parent: parent, input: .init(code: code, name: name), source: source)
        cache["\(parent.path)|\(kind.rawValue)|\(name)"] = node
        return node
    }
}
