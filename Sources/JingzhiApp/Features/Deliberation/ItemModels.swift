import Fluent
import JingzhiCore
import Vapor

/// An item of a decided topic's consultation list (协商事项清单): who carries it out, by when, how far it got.
final class ConsultationItem: Model, PathScoped, @unchecked Sendable {
    static let schema = "topic_items"
    static var pathKey: KeyPath<ConsultationItem, FieldProperty<ConsultationItem, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "topic_id") var topicID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "title") var title: String
    /// The unit responsible (责任单位).
    @Field(key: "owner") var owner: String
    @Field(key: "deadline") var deadline: Date
    /// Set when staff mark an item without a case done; an item with a case is done when its case is closed.
    @OptionalField(key: "done_at") var doneAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A progress note on an item (进展).
final class ItemProgressNote: Model, @unchecked Sendable {
    static let schema = "topic_item_notes"

    @ID(key: .id) var id: UUID?
    @Field(key: "item_id") var itemID: UUID
    @Field(key: "words") var words: String
    @Field(key: "actor_name") var actorName: String
    @Field(key: "at") var at: Date

    init() {}
}
