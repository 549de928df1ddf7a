import Foundation
import JingzhiCore

/// The volunteer activity operations of `/openapi.json`.
extension OpenAPIDocument {
    static let activityOps: [Op] = [
        Op(method: "get", path: "/api/v1/points/activities", tag: "points",
           summary: "Volunteer activities: your community's (residents), at a node in your scope (staff), or your organisation's (partner accounts), soonest first with upcoming=true",
           query: [("node", "string", "Node id or code"), ("upcoming", "boolean", "Only activities not yet ended")] + paging,
           response: "PagedVolunteerActivities"),
        Op(method: "post", path: "/api/v1/points/activities", tag: "points", summary: "Create a volunteer activity in a community: staff in scope, or a partner account in a community it serves while its agreement is in force and covers volunteers (403 partner_inactive / outside_agreement otherwise); the partner is then the organiser",
           body: "VolunteerActivityBody", response: "VolunteerActivity", status: 201),
        Op(method: "get", path: "/api/v1/points/activities/{id}", tag: "points",
           summary: "An activity with its organiser; staff in scope and the organising partner's account also get everyone signed up, waiting or cancelled (another organiser's activity: 404)", response: "VolunteerActivityDetail"),
        Op(method: "post", path: "/api/v1/points/activities/{id}/signup", tag: "points",
           summary: "Sign up (residents): a seat while there is one (reserved seats for approved volunteers), else the waiting list; 409 not_eligible with the reason when tags or age do not fit; signing up again changes nothing", response: "VolunteerAttendance"),
        Op(method: "post", path: "/api/v1/points/activities/{id}/cancel", tag: "points",
           summary: "Cancel a sign-up, a waiting place or an offered seat before the start (residents); the freed seat is offered to the next on the waiting list", response: "VolunteerAttendance"),
        Op(method: "post", path: "/api/v1/points/activities/{id}/confirm", tag: "points",
           summary: "Take the seat offered from the waiting list before offerExpiresAt (residents); 409 offer_expired after it, when the seat has passed on",
           response: "VolunteerAttendance"),
        Op(method: "post", path: "/api/v1/points/activities/{id}/check-in", tag: "points",
           summary: "Check in with the code shown at the venue (residents with a seat); 409 stale_code for an old code, outside_time outside the activity",
           body: "VolunteerCheckInBody", response: "VolunteerAttendance"),
        Op(method: "post", path: "/api/v1/points/activities/{id}/check-out", tag: "points",
           summary: "Check out with the venue's code; after the end it counts until the end", body: "VolunteerCheckInBody", response: "VolunteerAttendance"),
        Op(method: "get", path: "/api/v1/points/activities/{id}/code", tag: "points",
           summary: "The venue's current check-in code and link (staff in scope, or the organising partner); it changes every few minutes", response: "VolunteerCheckInCode"),
        Op(method: "post", path: "/api/v1/points/activities/{id}/attendances/{attendance}/present", tag: "points",
           summary: "Mark a resident present by hand (staff in scope, or the organising partner while its agreement is in force)", response: "VolunteerAttendance"),
        Op(method: "post", path: "/api/v1/points/activities/{id}/attendances/{attendance}/verify", tag: "points",
           summary: "Verify the hours (staff in scope, or the organising partner; minutes corrects them) and pay the points once, sourceRef activity:<attendanceId>; a retry pays nothing (paid false)",
           body: "VolunteerVerifyBody", response: "VolunteerAttendance"),
    ]

    static var activitySchemas: [String: Any] { [
        "VolunteerActivityBody": bounded(object(["community": "string", "place": "string", "title": "string", "startsAt": "string", "endsAt": "string",
                                                 "capacity": "integer", "pointsPerHour": "integer", "pointsPerAttendance": "integer",
                                                 "reservedSeats": "integer", "requiredTags": "[string]", "minAge": "integer", "maxAge": "integer", "team": "uuid"],
                                                required: ["community", "title", "startsAt", "endsAt", "capacity"]),
                                         ["capacity": 1...ActivityService.maxCapacity, "pointsPerHour": 1...1000, "pointsPerAttendance": 1...1000,
                                          "reservedSeats": 0...ActivityService.maxCapacity, "minAge": 0...120, "maxAge": 0...120]),
        "VolunteerActivity": object(["id": "uuid", "title": "string", "communityId": "uuid", "placeId": "uuid", "place": "string",
                                     "startsAt": "date-time", "endsAt": "date-time", "hours": "number", "capacity": "integer", "seatsTaken": "integer",
                                     "waiting": "integer", "pointsPerHour": "integer", "pointsPerAttendance": "integer", "mine": "VolunteerAttendance",
                                     "reservedSeats": "integer", "requiredTags": "[string]", "minAge": "integer", "maxAge": "integer", "teamId": "uuid",
                                     "organiserKind": "string", "organiser": "string", "partnerId": "uuid", "noticeRecipients": "integer?", "noticeProblem": "string?"],
                                    required: ["id", "title", "startsAt", "endsAt", "capacity"]),
        "PagedVolunteerActivities": paged("VolunteerActivity"),
        "VolunteerActivityDetail": object(["activity": "VolunteerActivity", "attendances": "[VolunteerAttendance]"], required: ["activity"]),
        "VolunteerAttendance": object(["id": "uuid", "activityId": "uuid", "residentId": "uuid", "name": "string", "state": "string",
                                       "signedUpAt": "date-time", "promotedAt": "date-time", "offerExpiresAt": "date-time", "reserved": "boolean", "checkedInAt": "date-time", "checkedOutAt": "date-time",
                                       "minutes": "integer", "points": "integer", "paid": "boolean"], required: ["id", "state"]),
        "VolunteerCheckInBody": object(["code": "string"], required: ["code"]),
        "VolunteerCheckInCode": object(["code": "string", "url": "string", "expiresAt": "date-time"]),
        "VolunteerVerifyBody": object(["minutes": "integer"]),
    ] }
}
