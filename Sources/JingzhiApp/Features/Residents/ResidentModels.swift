import Fluent
import Foundation
import JingzhiCore

/// A household (户): a dwelling in a building or unit, identified by its room number there.
final class Household: Model, PathScoped, @unchecked Sendable {
    static let schema = "households"
    static var pathKey: KeyPath<Household, FieldProperty<Household, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "node_id") var nodeID: UUID
    @Field(key: "node_path") var nodePath: String
    /// Room number inside the building or unit, e.g. `302`.
    @Field(key: "room") var room: String
    /// Full address for display: 小区 楼栋 单元 房号.
    @Field(key: "address") var address: String
    /// 自住 / 出租 / 空置.
    @OptionalField(key: "occupancy") var occupancy: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(id: UUID? = nil, nodeID: UUID, nodePath: String, room: String, address: String, occupancy: String? = nil) {
        self.id = id
        self.nodeID = nodeID
        self.nodePath = nodePath
        self.room = room
        self.address = address
        self.occupancy = occupancy
    }
}

/// A person in the register (居民). ID number and phone are personal data, masked per role.
final class Resident: Model, PathScoped, @unchecked Sendable {
    static let schema = "residents"
    static var pathKey: KeyPath<Resident, FieldProperty<Resident, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "household_id") var householdID: UUID
    @Field(key: "node_id") var nodeID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "name") var name: String
    /// 男 / 女.
    @Field(key: "gender") var gender: String
    @OptionalField(key: "birth_date") var birthDate: String?
    @OptionalField(key: "id_number") var idNumber: String?
    @OptionalField(key: "phone") var phone: String?
    /// 户主, 配偶, 子女, 父母, 孙辈, 其他.
    @Field(key: "relation") var relation: String
    /// Tags joined by `,` for display; `resident_tags` holds them for search.
    @Field(key: "tags") var tags: String
    @OptionalField(key: "note") var note: String?
    /// Key for people without an ID number, so re-imports find them again.
    @Field(key: "import_key") var importKey: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @Timestamp(key: "deleted_at", on: .delete) var deletedAt: Date?
    /// Why the resident left the register (迁出, 死亡, …), set when removed.
    @OptionalField(key: "removed_reason") var removedReason: String?
    /// When the retention task replaced their personal data (PIPL), after they moved away.
    @OptionalField(key: "anonymised_at") var anonymisedAt: Date?

    init() {}

    var tagList: [String] { tags.split(separator: ",").map(String.init) }
}

/// One special-group tag of a resident, denormalised with the path so "tag X under node Y" is one index range.
final class ResidentTag: Model, PathScoped, @unchecked Sendable {
    static let schema = "resident_tags"
    static var pathKey: KeyPath<ResidentTag, FieldProperty<ResidentTag, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "resident_id") var residentID: UUID
    @Field(key: "tag") var tag: String
    @Field(key: "node_path") var nodePath: String

    init() {}

    init(residentID: UUID, tag: String, nodePath: String) {
        self.residentID = residentID
        self.tag = tag
        self.nodePath = nodePath
    }
}

/// A resident's request to link their account to a household, approved by staff in scope.
final class LinkRequest: Model, PathScoped, @unchecked Sendable {
    static let schema = "link_requests"
    static var pathKey: KeyPath<LinkRequest, FieldProperty<LinkRequest, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "node_id") var nodeID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "room") var room: String
    @Field(key: "name") var name: String
    /// `LinkState`: pending / approved / rejected.
    @Field(key: "status") var status: String
    @OptionalField(key: "resident_id") var residentID: UUID?
    @OptionalField(key: "decided_by") var decidedBy: UUID?
    @OptionalField(key: "decision_note") var decisionNote: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    /// Claimed by the decision, so two workers cannot both decide.
    @Field(key: "version") var version: Int

    init() { version = 0 }
}

/// The special groups a community tags (特殊人群标签).
enum ResidentTags {
    static let all = ["独居老人", "空巢老人", "高龄老人", "残疾人", "低保", "特困", "困难家庭", "退役军人", "党员",
                      "流动人口", "出租户", "重点关注", "留守儿童", "志愿者"]

    static func parse(_ raw: String) -> [String] {
        let separators = CharacterSet(charactersIn: ",，;；、|/ ")
        var seen: [String] = []
        for part in raw.components(separatedBy: separators) {
            let t = part.trimmingCharacters(in: .whitespaces)
            if !t.isEmpty && !seen.contains(t) { seen.append(t) }
        }
        return seen
    }
}

/// The stable key that decides whether an imported row is someone already in the register:
/// the ID number when there is one, otherwise the dwelling and the name.
enum ResidentKey {
    static func make(idNumber: String?, householdNodeID: UUID, room: String, name: String) -> String {
        if let idNumber, !idNumber.isEmpty { return "id:" + idNumber }
        return "home:\(householdNodeID.uuidString.lowercased()):\(room):\(name)"
    }
}
