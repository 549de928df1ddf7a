import Foundation
import Fluent
import JingzhiCore

/// A micro-wish (微心愿) the community posts for or with a resident in need. Who it is for (`beneficiary*`) is seen by
/// the community only; the public wall shows `title`, `story`, value and state.
final class Wish: Model, PathScoped, @unchecked Sendable {
    static let schema = "wishes"
    static var pathKey: KeyPath<Wish, FieldProperty<Wish, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    /// Told without name or address ("a primary-school pupil of a family in difficulty").
    @Field(key: "story") var story: String
    @Field(key: "category") var categoryRaw: String
    /// Up to what value, in fen.
    @Field(key: "value_fen") var valueFen: Int
    @OptionalField(key: "beneficiary_resident_id") var beneficiaryResidentID: UUID?
    /// The person's name and how to reach them, for staff only.
    @Field(key: "beneficiary_name") var beneficiaryName: String
    @Field(key: "beneficiary_note") var beneficiaryNote: String
    @Field(key: "node_id") var nodeID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "state") var stateRaw: String
    @OptionalField(key: "claim_id") var claimID: UUID?
    @OptionalField(key: "claimer_name") var claimerName: String?
    /// The claimer agreed to be named on the wall.
    @Field(key: "show_claimer") var showClaimer: Bool
    @OptionalField(key: "claim_deadline") var claimDeadline: Date?
    @OptionalField(key: "fulfilled_at") var fulfilledAt: Date?
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    /// The resident's thanks, shown with the fulfilled wish.
    @OptionalField(key: "thanks") var thanks: String?
    /// "resident" when the person typed it themselves, "staff" when staff typed it on their behalf.
    @OptionalField(key: "thanks_by") var thanksBy: String?
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var state: WishState { WishState(rawValue: stateRaw) ?? .open }
    var category: PartnerCategory { PartnerCategory(rawValue: categoryRaw) ?? .goods }
}

/// One claim (认领) of a wish: a reservation until its deadline. Lapsed, released and fulfilled claims stay in the record.
final class WishClaim: Model, PathScoped, @unchecked Sendable {
    static let schema = "wish_claims"
    static var pathKey: KeyPath<WishClaim, FieldProperty<WishClaim, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "wish_id") var wishID: UUID
    @Field(key: "user_id") var userID: UUID
    @OptionalField(key: "partner_id") var partnerID: UUID?
    @OptionalField(key: "member_id") var memberID: UUID?
    @Field(key: "claimer_name") var claimerName: String
    /// The unit the 双报到 report credits: the partner's name or the member's work unit.
    @Field(key: "unit") var unit: String
    @Field(key: "claimed_at") var claimedAt: Date
    @Field(key: "deadline") var deadline: Date
    /// active / lapsed / released / fulfilled.
    @Field(key: "outcome") var outcome: String
    @OptionalField(key: "ended_at") var endedAt: Date?
    @Field(key: "node_path") var nodePath: String
    /// The hours the claimer says they spent (tenths), entered at the hand-over; the service log uses them.
    @OptionalField(key: "hours_tenths") var hoursTenths: Int?
    /// The confirmed service log written when staff confirmed the wish: set once, so a retry writes none again.
    @OptionalField(key: "log_id") var logID: UUID?

    init() {}
}

/// The photo proof of a fulfilled wish (an image only), kept in the database like case photos.
final class WishPhoto: Model, @unchecked Sendable {
    static let schema = "wish_photos"

    @ID(key: .id) var id: UUID?
    @Field(key: "wish_id") var wishID: UUID
    @Field(key: "content_type") var contentType: String
    @Field(key: "bytes") var bytes: Data
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// Service a partner or party member logged (what, when, hours, for whom); the community confirms it.
final class ServiceLog: Model, PathScoped, @unchecked Sendable {
    static let schema = "partner_service_logs"
    static var pathKey: KeyPath<ServiceLog, FieldProperty<ServiceLog, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @OptionalField(key: "partner_id") var partnerID: UUID?
    @OptionalField(key: "member_id") var memberID: UUID?
    @Field(key: "unit") var unit: String
    @Field(key: "who") var who: String
    @Field(key: "what") var what: String
    @Field(key: "day") var day: String
    /// Hours in tenths (1.5 h = 15).
    @Field(key: "tenths") var tenths: Int
    @Field(key: "for_whom") var forWhom: String
    @Field(key: "node_path") var nodePath: String
    @Field(key: "state") var stateRaw: String
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var state: ServiceLogState { ServiceLogState(rawValue: stateRaw) ?? .logged }
}
