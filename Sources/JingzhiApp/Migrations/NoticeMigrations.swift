import Fluent
import JingzhiCore
import SQLKit

/// Notices and the subtrees (with resident tags) each is sent to.
struct M077CreateNotices: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Notice.schema).id()
            .field("title", .string, .required).field("body", .string, .required)
            .field("node_path", .path(on: db), .required).field("state", .string, .required)
            .field("urgent", .bool, .required).field("pinned", .bool, .required).field("public", .bool, .required)
            .field("audiences", .string, .required)
            .field("publish_at", .datetime, .required).field("published_at", .datetime).field("expires_at", .datetime)
            .field("recipient_count", .int, .required).field("author_id", .uuid).field("author_name", .string, .required)
            .field("version", .int, .required).field("created_at", .datetime, .required)
            .create()
        try await createIndex("notices_path", on: Notice.schema, ["node_path", "publish_at"], db: db)
        try await createIndex("notices_state_publish", on: Notice.schema, ["state", "publish_at"], db: db)
        try await db.schema(NoticeTarget.schema).id()
            .field("notice_id", .uuid, .required, .references(Notice.schema, "id", onDelete: .cascade))
            .field("node_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required).field("tags", .string, .required)
            .create()
        try await createIndex("notice_targets_path", on: NoticeTarget.schema, ["node_path"], db: db)
        try await createIndex("notice_targets_notice", on: NoticeTarget.schema, ["notice_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(NoticeTarget.schema).delete()
        try await db.schema(Notice.schema).delete()
    }
}

/// One row per person a published notice reached, unique per notice and person; receipts per grid are path ranges.
struct M078CreateNoticeRecipients: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(NoticeRecipient.schema).id()
            .field("notice_id", .uuid, .required, .references(Notice.schema, "id", onDelete: .cascade))
            .field("person_key", .string, .required).field("resident_id", .uuid).field("user_id", .uuid)
            .field("node_path", .path(on: db), .required).field("audience", .string, .required)
            .field("read_at", .datetime).field("acked_at", .datetime).field("delivered_at", .datetime).field("delivered_by", .uuid)
            .unique(on: "notice_id", "person_key")
            .create()
        try await createIndex("notice_recipients_path", on: NoticeRecipient.schema, ["notice_id", "node_path"], db: db)
        try await createIndex("notice_recipients_resident", on: NoticeRecipient.schema, ["resident_id"], db: db)
        try await createIndex("notice_recipients_user", on: NoticeRecipient.schema, ["user_id"], db: db)
    }

    func revert(on db: any Database) async throws { try await db.schema(NoticeRecipient.schema).delete() }
}

/// Pictures and PDFs attached to notices.
struct M079CreateNoticeAttachments: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(NoticeAttachment.schema).id()
            .field("notice_id", .uuid, .required, .references(Notice.schema, "id", onDelete: .cascade))
            .field("file_name", .string, .required).field("content_type", .string, .required).field("size", .int, .required)
            .field("bytes", .data, .required).field("created_at", .datetime, .required)
            .create()
        try await createIndex("notice_attachments_notice", on: NoticeAttachment.schema, ["notice_id"], db: db)
    }

    func revert(on db: any Database) async throws { try await db.schema(NoticeAttachment.schema).delete() }
}

/// Text messages on their way out with their delivery log, and the people who opted out of them.
struct M080CreateOutboundMessages: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(OutboundMessage.schema).id()
            .field("channel", .string, .required).field("resident_id", .uuid).field("user_id", .uuid)
            .field("phone", .string, .required).field("text", .string, .required)
            .field("kind", .string, .required).field("ref_id", .uuid).field("node_path", .path(on: db), .required)
            .field("state", .string, .required).field("attempts", .int, .required).field("next_attempt_at", .datetime, .required)
            .field("last_error", .string).field("created_at", .datetime, .required).field("sent_at", .datetime)
            .create()
        try await createIndex("outbound_messages_due", on: OutboundMessage.schema, ["state", "next_attempt_at"], db: db)
        try await createIndex("outbound_messages_ref", on: OutboundMessage.schema, ["kind", "ref_id"], db: db)
        try await db.schema(SMSOptOut.schema).id()
            .field("person_key", .string, .required).field("at", .datetime, .required)
            .unique(on: "person_key").create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(SMSOptOut.schema).delete()
        try await db.schema(OutboundMessage.schema).delete()
    }
}

/// Each account's choices for its home: care mode (长辈模式).
struct M081CreateHomePreferences: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(HomePreference.schema).id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("care_mode", .bool, .required).field("updated_at", .datetime, .required)
            .unique(on: "user_id").create()
    }

    func revert(on db: any Database) async throws { try await db.schema(HomePreference.schema).delete() }
}
