import Fluent
import Foundation
import JingzhiCore

/// A node of the org and grid tree (组织与网格树): county, street, community, grid, compound, building…
final class OrgNode: Model, PathScoped, @unchecked Sendable {
    static let schema = "org_nodes"
    static var pathKey: KeyPath<OrgNode, FieldProperty<OrgNode, String>> { \.$path }

    @ID(key: .id) var id: UUID?
    @OptionalField(key: "parent_id") var parentID: UUID?
    @Field(key: "kind") var kindRaw: String
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    /// Materialised path: the parent's path plus this node's `segment`.
    @Field(key: "path") var path: String
    /// Four base-36 characters, unique among siblings.
    @Field(key: "segment") var segment: String
    @Field(key: "depth") var depth: Int
    /// GeoJSON Polygon geometry, as text.
    @OptionalField(key: "boundary") var boundary: String?
    @OptionalField(key: "address") var address: String?
    /// The mirrored Party organisation (党组织) at this node, e.g. 小区党支部.
    @OptionalField(key: "party_org_name") var partyOrgName: String?
    @OptionalField(key: "party_secretary") var partySecretary: String?
    @OptionalField(key: "party_contact") var partyContact: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(id: UUID? = nil, parentID: UUID?, kind: NodeKind, code: String, name: String, path: String, segment: String, depth: Int) {
        self.id = id
        self.parentID = parentID
        self.kindRaw = kind.rawValue
        self.code = code
        self.name = name
        self.path = path
        self.segment = segment
        self.depth = depth
    }

    var kind: NodeKind { NodeKind(rawValue: kindRaw) ?? .unit }
}

