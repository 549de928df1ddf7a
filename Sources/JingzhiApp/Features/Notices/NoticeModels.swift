import Foundation
import Fluent
import JingzhiCore
import Vapor

/// A notice (通知公告) staff send to one or more subtrees, moved through `NoticeLifecycle`.
final class Notice: Model, PathScoped, @unchecked Sendable {
    static let schema = "notices"
    static var pathKey: KeyPath<Notice, FieldProperty<Notice, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    /// Plain text with the few marks `NoticeFormat` turns into paragraphs, bold and lists.
    @Field(key: "body") var body: String
    /// The sender's own node: staff above it read the notice and its receipts.
    @Field(key: "node_path") var nodePath: String
    @Field(key: "state") var stateRaw: String
    @Field(key: "urgent") var urgent: Bool
    @Field(key: "pinned") var pinned: Bool
    /// Shown on the public notice boards (公示栏) of the communities and compounds it targets, without login.
    @Field(key: "public") var isPublic: Bool
    /// `NoticeAudience` raw values joined by `,`.
    @Field(key: "audiences") var audiencesRaw: String
    @Field(key: "publish_at") var publishAt: Date
    @OptionalField(key: "published_at") var publishedAt: Date?
    @OptionalField(key: "expires_at") var expiresAt: Date?
    /// Rows written when it was published.
    @Field(key: "recipient_count") var recipientCount: Int
    @OptionalField(key: "author_id") var authorID: UUID?
    @Field(key: "author_name") var authorName: String
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var state: NoticeState { NoticeState(rawValue: stateRaw) ?? .scheduled }
    var audiences: [NoticeAudience] { audiencesRaw.split(separator: ",").compactMap { NoticeAudience(rawValue: String($0)) } }

    /// Published, not withdrawn and not past its expiry: what recipients still see.
    func isLive(at now: Date) -> Bool { state == .published && (expiresAt.map { $0 > now } ?? true) }
}

/// One subtree a notice goes to, optionally narrowed to residents with one of `tags`.
final class NoticeTarget: Model, PathScoped, @unchecked Sendable {
    static let schema = "notice_targets"
    static var pathKey: KeyPath<NoticeTarget, FieldProperty<NoticeTarget, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "notice_id") var noticeID: UUID
    @Field(key: "node_id") var nodeID: UUID
    @Field(key: "node_path") var nodePath: String
    /// Resident tags joined by `,`; empty: every resident of the subtree.
    @Field(key: "tags") var tagsRaw: String

    init() {}

    var tags: [String] { tagsRaw.split(separator: ",").map(String.init) }
}

/// One person a published notice reached: a resident of the register (read on their account, or delivered at the
/// door) or an account (staff, grid workers, partners). One row per person, so read receipts are exact.
final class NoticeRecipient: Model, PathScoped, @unchecked Sendable {
    static let schema = "notice_recipients"
    static var pathKey: KeyPath<NoticeRecipient, FieldProperty<NoticeRecipient, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "notice_id") var noticeID: UUID
    /// `r:<resident id>` or `u:<user id>`; unique per notice, so a retried publish writes nobody twice.
    @Field(key: "person_key") var personKey: String
    @OptionalField(key: "resident_id") var residentID: UUID?
    @OptionalField(key: "user_id") var userID: UUID?
    /// The resident's household, or the account's node: receipts per grid are ranges of it.
    @Field(key: "node_path") var nodePath: String
    @Field(key: "audience") var audience: String
    @OptionalField(key: "read_at") var readAt: Date?
    @OptionalField(key: "acked_at") var ackedAt: Date?
    /// A grid worker told the person at the door (many elderly residents have no phone).
    @OptionalField(key: "delivered_at") var deliveredAt: Date?
    @OptionalField(key: "delivered_by") var deliveredBy: UUID?

    init() {}

    /// Reached: read on the phone or told in person.
    var reached: Bool { readAt != nil || deliveredAt != nil }
}

/// A picture or PDF attached to a notice, kept in the database like case photos so every app server sees it.
final class NoticeAttachment: Model, @unchecked Sendable {
    static let schema = "notice_attachments"

    @ID(key: .id) var id: UUID?
    @Field(key: "notice_id") var noticeID: UUID
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "bytes") var bytes: Data
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// Who a notice is for.
enum NoticeAudience: String, CaseIterable, Sendable {
    case residents, gridWorkers = "grid_workers", partners, staff

    var zh: String {
        switch self {
        case .residents: "居民"
        case .gridWorkers: "网格员"
        case .partners: "合伙人"
        case .staff: "工作人员"
        }
    }

    var en: String {
        switch self {
        case .residents: "Residents"
        case .gridWorkers: "Grid workers"
        case .partners: "Partners"
        case .staff: "Staff"
        }
    }

    func label(_ lang: Lang) -> String { lang.t(zh, en) }

    /// The account roles of a non-resident audience.
    var roles: [Role] {
        switch self {
        case .residents: []
        case .gridWorkers: [.gridWorker]
        case .partners: [.partner]
        case .staff: [.streetStaff, .communityStaff]
        }
    }
}
