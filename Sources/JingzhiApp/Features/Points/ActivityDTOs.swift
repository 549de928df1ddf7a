import Foundation
import JingzhiCore
import Vapor

struct ActivityDTO: Content {
    let id: UUID
    let title: String
    let communityId: UUID
    let placeId: UUID
    let place: String
    let startsAt: Date
    let endsAt: Date
    let hours: Double
    let capacity: Int
    let seatsTaken: Int
    let waiting: Int
    let pointsPerHour: Int?
    let pointsPerAttendance: Int?
    let reservedSeats: Int
    let requiredTags: [String]
    let minAge: Int?
    let maxAge: Int?
    let teamId: UUID?
    /// Who organises it: "community", "team" or "partner", and its name; the partner's id when a partner does.
    var organiserKind = "community"
    var organiser = ""
    let partnerId: UUID?
    /// The signed-in resident's sign-up, if any.
    let mine: AttendanceDTO?
    /// On the answer that created it: how many people its notice reached, or why no notice went out.
    var noticeRecipients: Int? = nil
    var noticeProblem: String? = nil

    init(_ a: VolunteerActivity, taken: Int, waiting: Int, mine: ActivityAttendance?) {
        id = a.id!
        title = a.title
        communityId = a.communityID
        placeId = a.placeID
        place = a.placeName
        startsAt = a.startsAt
        endsAt = a.endsAt
        hours = a.hours
        capacity = a.capacity
        seatsTaken = taken
        self.waiting = waiting
        pointsPerHour = a.pointsPerHour
        pointsPerAttendance = a.pointsPerAttendance
        reservedSeats = a.reservedSeats
        requiredTags = a.tagList
        minAge = a.minAge
        maxAge = a.maxAge
        teamId = a.teamID
        partnerId = a.partnerID
        self.mine = mine.map { AttendanceDTO($0, a) }
    }
}

struct AttendanceDTO: Content {
    let id: UUID
    let activityId: UUID
    let residentId: UUID
    let name: String
    /// signedUp, waiting, offered, cancelled, checkedIn, checkedOut, noShow or verified.
    let state: String
    let signedUpAt: Date
    let promotedAt: Date?
    /// An offered seat is the resident's until then (confirm it).
    let offerExpiresAt: Date?
    /// Whether the seat is one held for volunteers.
    let reserved: Bool
    let checkedInAt: Date?
    let checkedOutAt: Date?
    /// Minutes between check-in and check-out; after verification, the verified minutes.
    let minutes: Int
    let points: Int?
    /// On a verification: whether this call paid the points (false on a retry).
    var paid: Bool?

    init(_ r: ActivityAttendance, _ a: VolunteerActivity) {
        id = r.id!
        activityId = r.activityID
        residentId = r.residentID
        name = r.residentName
        state = r.stateRaw
        signedUpAt = r.signedUpAt
        promotedAt = r.promotedAt
        offerExpiresAt = r.offerExpiresAt
        reserved = r.reserved
        checkedInAt = r.checkedInAt
        checkedOutAt = r.checkedOutAt
        minutes = r.minutes ?? r.attendedMinutes(a)
        points = r.points
    }
}

struct ActivityDetailDTO: Content {
    let activity: ActivityDTO
    /// Everyone signed up, waiting or cancelled (staff only).
    let attendances: [AttendanceDTO]?
}

struct CheckInCodeDTO: Content {
    let code: String
    let url: String
    let expiresAt: Date
}
