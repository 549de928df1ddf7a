import Fluent
import JingzhiCore
import Vapor

/// One version of a meeting's minutes (会议纪要). Editing after publication adds a version; older ones stay.
final class MeetingMinutes: Model, PathScoped, @unchecked Sendable {
    static let schema = "topic_meeting_minutes"
    static var pathKey: KeyPath<MeetingMinutes, FieldProperty<MeetingMinutes, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "meeting_id") var meetingID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "version") var version: Int
    @Field(key: "attendees") var attendees: String
    @Field(key: "organisations") var organisations: String
    @Field(key: "contributions") var contributions: String
    @Field(key: "decisions") var decisions: String
    @OptionalField(key: "attachments") var attachments: String?
    @Field(key: "published_at") var publishedAt: Date
    /// End of the 公示 period: residents may object until then.
    @Field(key: "objections_until") var objectionsUntil: Date
    @OptionalField(key: "published_by") var publishedBy: UUID?

    init() {}
}

/// A resident's objection (异议) to a version of the minutes during its 公示 period, one each.
final class MinutesObjection: Model, @unchecked Sendable {
    static let schema = "topic_minutes_objections"

    @ID(key: .id) var id: UUID?
    @Field(key: "minutes_id") var minutesID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "words") var words: String
    @Field(key: "at") var at: Date

    init() {}
}
