import Fluent
import Foundation
import JingzhiCore

/// A volunteer activity (志愿活动) organised by a community (or its volunteer team, or a partner serving it): a time window, a place, seats, and the points it pays.
final class VolunteerActivity: Model, PathScoped, @unchecked Sendable {
    static let schema = "volunteer_activities"
    static var pathKey: KeyPath<VolunteerActivity, FieldProperty<VolunteerActivity, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "community_id") var communityID: UUID
    /// The organising community's path: its staff (and those above) manage the activity.
    @Field(key: "node_path") var nodePath: String
    @Field(key: "place_id") var placeID: UUID
    @Field(key: "place_name") var placeName: String
    @Field(key: "title") var title: String
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "ends_at") var endsAt: Date
    @Field(key: "capacity") var capacity: Int
    /// Seats of `capacity` held for approved volunteers (of `teamID` when a team organises); the rest are open to all.
    @Field(key: "reserved_seats") var reservedSeats: Int
    /// Who may sign up: residents with one of these tags (comma-separated; empty: anyone), of these ages.
    @Field(key: "required_tags") var requiredTags: String
    @OptionalField(key: "min_age") var minAge: Int?
    @OptionalField(key: "max_age") var maxAge: Int?
    /// The volunteer team organising it for the community, if any.
    @OptionalField(key: "team_id") var teamID: UUID?
    /// The partner (红色合伙人) organising it, if any, and its name as shown: its account runs the activity.
    @OptionalField(key: "partner_id") var partnerID: UUID?
    @OptionalField(key: "partner_name") var partnerName: String?
    /// Points per verified hour; when nil, `pointsPerAttendance` is paid once per verified attendance.
    @OptionalField(key: "points_per_hour") var pointsPerHour: Int?
    @OptionalField(key: "points_per_attendance") var pointsPerAttendance: Int?
    /// The secret the rotating check-in code is derived from; never shown.
    @Field(key: "secret") var secret: String
    /// Set when the activity has ended and its no-shows and forgotten check-outs were recorded.
    @OptionalField(key: "settled_at") var settledAt: Date?
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    /// The hours the activity offers.
    var hours: Double { endsAt.timeIntervalSince(startsAt) / 3600 }
    var tagList: [String] { requiredTags.split(separator: ",").map(String.init) }
}

/// Where one resident stands with one activity.
enum AttendanceState: String, Codable, CaseIterable, Sendable {
    case signedUp, waiting, offered, cancelled, checkedIn, checkedOut, noShow, verified

    /// The states that hold one of the activity's seats (an offered seat is held until its offer lapses).
    static let seated: [AttendanceState] = [.signedUp, .offered, .checkedIn, .checkedOut, .verified, .noShow]

    var zh: String {
        switch self {
        case .signedUp: "已报名"
        case .waiting: "候补中"
        case .offered: "候补递补，待确认"
        case .cancelled: "已取消"
        case .checkedIn: "已签到"
        case .checkedOut: "已签退"
        case .noShow: "未到场"
        case .verified: "已核定"
        }
    }
    var en: String {
        switch self {
        case .signedUp: "signed up"
        case .waiting: "on the waiting list"
        case .offered: "a seat is offered: confirm it"
        case .cancelled: "cancelled"
        case .checkedIn: "checked in"
        case .checkedOut: "checked out"
        case .noShow: "no-show"
        case .verified: "verified"
        }
    }
}

/// One resident's sign-up, attendance and verified hours for one activity; unique per activity and resident.
final class ActivityAttendance: Model, PathScoped, @unchecked Sendable {
    static let schema = "volunteer_attendances"
    static var pathKey: KeyPath<ActivityAttendance, FieldProperty<ActivityAttendance, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "activity_id") var activityID: UUID
    @Field(key: "resident_id") var residentID: UUID
    @Field(key: "resident_name") var residentName: String
    /// The organising community's path (as the activity's).
    @Field(key: "node_path") var nodePath: String
    @Field(key: "state") var stateRaw: String
    /// When the resident (last) signed up: the waiting list's order.
    @Field(key: "signed_up_at") var signedUpAt: Date
    /// Set when a seat freed and this resident moved up from the waiting list.
    @OptionalField(key: "promoted_at") var promotedAt: Date?
    /// An offered seat is the resident's if they confirm before this; after it the seat passes on.
    @OptionalField(key: "offer_expires_at") var offerExpiresAt: Date?
    /// Whether the seat is one of the activity's reserved seats (held for volunteers).
    @Field(key: "reserved") var reserved: Bool
    @OptionalField(key: "checked_in_at") var checkedInAt: Date?
    @OptionalField(key: "checked_out_at") var checkedOutAt: Date?
    /// Verified minutes (after any correction) and the points they paid.
    @OptionalField(key: "minutes") var minutes: Int?
    @OptionalField(key: "points") var points: Int?
    @OptionalField(key: "entry_id") var entryID: UUID?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var state: AttendanceState {
        get { AttendanceState(rawValue: stateRaw) ?? .cancelled }
        set { stateRaw = newValue.rawValue }
    }

    /// Minutes between check-in and check-out, inside the activity's window.
    func attendedMinutes(_ a: VolunteerActivity) -> Int {
        guard let i = checkedInAt, let o = checkedOutAt else { return 0 }
        let from = max(i, a.startsAt), to = min(o, a.endsAt)
        return max(0, Int(to.timeIntervalSince(from) / 60))
    }
}
