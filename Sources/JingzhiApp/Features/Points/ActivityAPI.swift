import Fluent
import JingzhiCore
import Vapor

/// `/api/v1/points/activities`: volunteer activities, sign-ups and waiting lists, check-in with the venue's code,
/// and the organiser's verification that pays points.
enum ActivityAPI {
    static func register(_ api: any RoutesBuilder) {
        let a = api.grouped("points", "activities")
        a.get(use: list)
        a.post(use: create)
        a.get(":id", use: show)
        a.post(":id", "signup", use: signUp)
        a.post(":id", "cancel", use: cancel)
        a.post(":id", "confirm", use: confirm)
        a.post(":id", "check-in", use: checkIn)
        a.post(":id", "check-out", use: checkOut)
        a.get(":id", "code", use: code)
        a.post(":id", "attendances", ":attendance", "present", use: markPresent)
        a.post(":id", "attendances", ":attendance", "verify", use: verify)
    }

    struct CreateBody: Content {
        var community: String?
        var place: String?
        var title: String?
        var startsAt: String?
        var endsAt: String?
        var capacity: Double?
        var pointsPerHour: Double?
        var pointsPerAttendance: Double?
        var reservedSeats: Double?
        var requiredTags: [String]?
        var minAge: Double?
        var maxAge: Double?
        var team: String?
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try ActivityService.requireOrganiserRole(actor)
        let b = try PointsService.decode(CreateBody.self, req, amounts: ["pointsPerHour", "pointsPerAttendance"])
        let input = ActivityService.Input(community: b.community, place: b.place, title: b.title, startsAt: b.startsAt, endsAt: b.endsAt,
                                          capacity: b.capacity, pointsPerHour: b.pointsPerHour, pointsPerAttendance: b.pointsPerAttendance,
                                          reservedSeats: b.reservedSeats, requiredTags: b.requiredTags?.joined(separator: ","), minAge: b.minAge, maxAge: b.maxAge, team: b.team)
        let a = try await ActivityService(req: req).create(input, by: actor)
        var out = try await dto(a, me: nil, ActivityService(req: req))
        (out.noticeRecipients, out.noticeProblem) = await ActivityNotice.publish(a, by: actor, req: req)
        return try await out.encodeResponse(status: .created, for: req)
    }

    /// A resident sees their community's activities; staff those in their scope (or under `?node=`).
    @Sendable static func list(req: Request) async throws -> Paged<ActivityDTO> {
        let actor = try req.requireActor()
        let page = try PageRequest(req)
        let upcoming = (try? req.query.get(Bool.self, at: "upcoming")) ?? false
        let service = ActivityService(req: req)
        // A partner account lists the activities its organisation runs.
        let (items, total) = actor.role == .partner ? try await service.listOrganised(by: actor, upcoming: upcoming, page: page)
            : try await service.list(under: try await PointsAPI.goodsNode(req, actor).path, upcoming: upcoming, page: page)
        let me = actor.role == .resident ? actor.user.residentID : nil
        var dtos: [ActivityDTO] = []
        for a in items { dtos.append(try await dto(a, me: me, service)) }
        return Paged(items: dtos, total: total, page: page.page, per: page.per)
    }

    static func dto(_ a: VolunteerActivity, me: UUID?, _ s: ActivityService) async throws -> ActivityDTO {
        let waiting = try await ActivityAttendance.query(on: s.db).filter(\.$activityID == a.id!).filter(\.$stateRaw == AttendanceState.waiting.rawValue).count()
        let mine = try await me.asyncMap { try await s.attendance(of: $0, in: a) } ?? nil
        var out = ActivityDTO(a, taken: try await s.seatsTaken(a, on: s.db), waiting: waiting, mine: mine)
        (out.organiserKind, out.organiser) = try await s.organiser(a)
        return out
    }

    /// One activity: a resident may read any (to sign up from a shared link); staff only inside their scope, a partner
    /// account only its own, with the list of people.
    @Sendable static func show(req: Request) async throws -> ActivityDetailDTO {
        let actor = try req.requireActor()
        let s = ActivityService(req: req)
        if actor.role == .resident {
            let a = try await s.activity(try req.idParameter(), within: .everything)
            return ActivityDetailDTO(activity: try await dto(a, me: actor.user.residentID, s), attendances: nil)
        }
        let (a, _) = try await s.organised(try req.idParameter(), by: actor)
        let rows = try await ActivityAttendance.query(on: req.db).filter(\.$activityID == a.id!).sort(\.$signedUpAt).all()
        return ActivityDetailDTO(activity: try await dto(a, me: nil, s), attendances: rows.map { AttendanceDTO($0, a) })
    }

    /// The signed-in resident, or 403 for anyone else.
    static func resident(_ req: Request) async throws -> Resident {
        let actor = try req.requireActor()
        guard actor.role == .resident else { throw APIError.forbidden }
        guard let id = actor.user.residentID, let r = try await Resident.find(id, on: req.db) else { throw PointsError.unknownResident }
        return r
    }

    @Sendable static func signUp(req: Request) async throws -> AttendanceDTO {
        let r = try await resident(req)
        let s = ActivityService(req: req)
        let a = try await s.activity(try req.idParameter(), within: .everything)
        return AttendanceDTO(try await s.signUp(a, resident: r), a)
    }

    @Sendable static func cancel(req: Request) async throws -> AttendanceDTO {
        let r = try await resident(req)
        let s = ActivityService(req: req)
        let a = try await s.activity(try req.idParameter(), within: .everything)
        return AttendanceDTO(try await s.cancel(a, resident: r.id!).0, a)
    }

    @Sendable static func confirm(req: Request) async throws -> AttendanceDTO {
        let r = try await resident(req)
        let s = ActivityService(req: req)
        let a = try await s.activity(try req.idParameter(), within: .everything)
        return AttendanceDTO(try await s.confirm(a, resident: r.id!), a)
    }

    struct CodeBody: Content { var code: String? }

    @Sendable static func checkIn(req: Request) async throws -> AttendanceDTO {
        let r = try await resident(req)
        let a = try await ActivityService(req: req).activity(try req.idParameter(), within: .everything)
        let b = try req.decodeJSON(CodeBody.self)
        return AttendanceDTO(try await AttendanceService(req: req).checkIn(a, resident: r.id!, code: b.code), a)
    }

    @Sendable static func checkOut(req: Request) async throws -> AttendanceDTO {
        let r = try await resident(req)
        let a = try await ActivityService(req: req).activity(try req.idParameter(), within: .everything)
        let b = try req.decodeJSON(CodeBody.self)
        return AttendanceDTO(try await AttendanceService(req: req).checkOut(a, resident: r.id!, code: b.code), a)
    }

    /// The organiser's current code and the link its QR carries (staff in scope, or the organising partner).
    @Sendable static func code(req: Request) async throws -> CheckInCodeDTO {
        let (a, _) = try await ActivityService(req: req).organised(try req.idParameter(), by: try req.requireActor())
        let code = AttendanceService.code(a, at: req.now)
        return CheckInCodeDTO(code: code, url: SiteURL.Activities.scan(a.id!, code: code).path, expiresAt: AttendanceService(req: req).codeExpires(a))
    }

    static func staffActivity(_ req: Request) async throws -> (Actor, VolunteerActivity) {
        let actor = try req.requireActor()
        return (actor, try await ActivityService(req: req).organised(try req.idParameter(), by: actor).0)
    }

    @Sendable static func markPresent(req: Request) async throws -> AttendanceDTO {
        let (actor, a) = try await staffActivity(req)
        let id = req.parameters.get("attendance").flatMap(UUID.init(uuidString:))
        return AttendanceDTO(try await AttendanceService(req: req).markPresent(a, attendance: id, by: actor), a)
    }

    struct VerifyBody: Content { var minutes: Double? }

    @Sendable static func verify(req: Request) async throws -> Response {
        let (actor, a) = try await staffActivity(req)
        let id = req.parameters.get("attendance").flatMap(UUID.init(uuidString:))
        let b = req.body.data == nil ? VerifyBody() : try req.decodeJSON(VerifyBody.self)
        let (row, paid) = try await AttendanceService(req: req).verify(a, attendance: id, minutes: b.minutes, by: actor)
        var dto = AttendanceDTO(row, a)
        dto.paid = paid
        return try await dto.encodeResponse(status: .ok, for: req)
    }
}
