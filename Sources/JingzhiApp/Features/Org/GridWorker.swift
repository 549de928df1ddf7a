import Fluent
import Foundation
import JingzhiCore

/// A worker assigned to a grid (网格员, 专职/兼职, or 网格长), shown on the grid's public sign.
final class GridWorker: Model, PathScoped, @unchecked Sendable {
    static let schema = "grid_workers"
    static var pathKey: KeyPath<GridWorker, FieldProperty<GridWorker, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "grid_id") var gridID: UUID
    @Field(key: "node_path") var nodePath: String
    @OptionalField(key: "user_id") var userID: UUID?
    @Field(key: "name") var name: String
    /// Work phone, published on the sign on purpose.
    @Field(key: "phone") var phone: String
    /// 网格长 / 专职网格员 / 兼职网格员 / 网格指导员.
    @Field(key: "duty") var duty: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(gridID: UUID, nodePath: String, userID: UUID?, name: String, phone: String, duty: String) {
        self.gridID = gridID
        self.nodePath = nodePath
        self.userID = userID
        self.name = name
        self.phone = phone
        self.duty = duty
    }

    static let duties = ["网格长", "专职网格员", "兼职网格员", "网格指导员"]
}
