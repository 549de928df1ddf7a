import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Vapor

/// Volunteer activities (志愿活动): staff create them, residents sign up and cancel; a full activity keeps a waiting
/// list whose first person moves up when a seat frees.
struct ActivityService {
    let db: any Database
    let now: Date
    let source: AuditSource

    init(db: any Database, now: Date, source: AuditSource = .system()) {
        self.db = db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource) }

    static let maxCapacity = 1_000

    /// What staff enter for a new activity.
    struct Input: Sendable {
        var community: String?
        var place: String?
        var title: String?
        var startsAt: String?
        var endsAt: String?
        var capacity: Double?
        var pointsPerHour: Double?
        var pointsPerAttendance: Double?
        var reservedSeats: Double? = nil
        /// Tags a resident needs one of (any separator), e.g. 党员.
        var requiredTags: String? = nil
        var minAge: Double? = nil
        var maxAge: Double? = nil
        /// The organising volunteer team (id), one of the community's.
        var team: String? = nil
    }

    /// Staff create activities in their scope; a partner account in a community it serves, while its agreement is in
    /// force and covers 志愿者 (403 otherwise, as the Partners feature decides). The partner is then the organiser.
    func create(_ input: Input, by actor: Actor) async throws -> VolunteerActivity {
        try Self.requireOrganiserRole(actor)
        let org = OrgService(db: db, now: now)
        let rawCommunity = try Validate.text(input.community, field: "community", max: 100)!
        let isPartner = actor.role == .partner
        // A partner's area is its agreement's, not an account scope: outside it the Partners rule answers 403.
        let community = try await org.node(rawCommunity, within: isPartner ? .everything : actor.scope, field: "community")
        guard community.kind == .community else { throw APIError.invalid("community", "须为社区 (must be a community)") }
        let partner = isPartner ? try await PartnerService(db: db, now: now).organiser(actor, at: community.path) : nil
        if isPartner, input.team.map({ !$0.isEmpty }) == true {
            throw APIError.invalid("team", "合伙人组织的活动不能指定社区志愿服务队 (a partner's activity has no community team)")
        }
        let place = try await input.place.flatMap { $0.isEmpty ? nil : $0 }.asyncMap {
            try await org.node($0, within: DataScope(rootPath: community.path), field: "place")
        } ?? community
        let title = try Validate.text(input.title, field: "title", max: 100)!
        let start = try Self.date(input.startsAt, field: "startsAt"), end = try Self.date(input.endsAt, field: "endsAt")
        guard end > start, end.timeIntervalSince(start) <= 24 * 3600 else {
            throw APIError.invalid("endsAt", "结束时间须晚于开始时间，且活动不超过 24 小时 (must end after it starts, within 24 hours)")
        }
        guard let cap = input.capacity, cap == cap.rounded(), (1...Double(Self.maxCapacity)).contains(cap) else {
            throw APIError.invalid("capacity", "名额须为 1–\(Self.maxCapacity) 的整数 (capacity must be a whole number from 1 to \(Self.maxCapacity))")
        }
        let reserved = try Self.whole(input.reservedSeats ?? 0, field: "reservedSeats", in: 0...Int(cap),
                                      "保留名额须为 0 到名额总数之间的整数 (reserved seats must be a whole number from 0 to the capacity)")
        let tags = ResidentTags.parse(input.requiredTags ?? "")
        if let unknown = tags.first(where: { !ResidentTags.all.contains($0) }) {
            throw APIError.invalid("requiredTags", "没有「\(unknown)」这个标签 (unknown tag \(unknown))")
        }
        let ageWords = "年龄须为 0–120 的整数 (ages are whole numbers from 0 to 120)"
        let minAge = try input.minAge.map { try Self.whole($0, field: "minAge", in: 0...120, ageWords) }
        let maxAge = try input.maxAge.map { try Self.whole($0, field: "maxAge", in: 0...120, ageWords) }
        if let lo = minAge, let hi = maxAge, lo > hi { throw APIError.invalid("maxAge", "最大年龄不能小于最小年龄 (the oldest age is below the youngest)") }
        let team = try await input.team.flatMap { $0.isEmpty ? nil : $0 }.asyncMap {
            try await VolunteerService(db: db, now: now).team($0, in: community)
        }
        let perHour = try input.pointsPerHour.map { try PointsService.points($0, field: "pointsPerHour", max: 1_000) }
        let perVisit = try input.pointsPerAttendance.map { try PointsService.points($0, field: "pointsPerAttendance", max: 1_000) }
        guard (perHour == nil) != (perVisit == nil) else {
            throw APIError(.badRequest, code: "invalid_points", "请填写每小时积分或每次积分之一 (give points per hour or per attendance, one of them)", field: "pointsPerHour")
        }
        let a = VolunteerActivity()
        a.id = UUID()
        a.communityID = community.id!
        a.nodePath = community.path
        a.placeID = place.id!
        a.placeName = place.name
        a.title = title
        a.startsAt = start
        a.endsAt = end
        a.capacity = Int(cap)
        a.reservedSeats = reserved
        a.requiredTags = tags.joined(separator: ",")
        a.minAge = minAge
        a.maxAge = maxAge
        a.teamID = team?.id
        a.partnerID = partner?.id
        a.partnerName = partner?.name
        a.pointsPerHour = perHour
        a.pointsPerAttendance = perVisit
        a.secret = RotatingCode.newSecret()
        a.createdBy = source.actorName
        a.createdAt = now
        try await db.writeTransaction { [source, now] tx in
            try await a.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "volunteer_activity", entityID: a.id,
                                      nodePath: a.nodePath, summary: partner.map { "志愿活动 \(title)（\($0.name) 组织）" } ?? "志愿活动 \(title)")
        }
        return a
    }

    static func whole(_ raw: Double, field: String, in range: ClosedRange<Int>, _ words: String) throws -> Int {
        guard raw.isFinite, raw == raw.rounded(), raw >= Double(range.lowerBound), raw <= Double(range.upperBound) else {
            throw APIError.invalid(field, words)
        }
        return Int(raw)
    }

    /// ISO 8601 with or without seconds and zone (a `datetime-local` field sends `yyyy-MM-ddTHH:mm`, read in Asia/Shanghai).
    static func date(_ raw: String?, field: String) throws -> Date {
        let text = raw?.trimmingCharacters(in: .whitespaces) ?? ""
        if let d = try? Date(text, strategy: .iso8601) { return d }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"] {
            f.dateFormat = format
            if let d = f.date(from: text) { return d }
        }
        throw APIError.invalid(field, "时间格式不对，例如 2026-05-01T09:00 (a date and time such as 2026-05-01T09:00)")
    }

    /// Activities at or under `node`, soonest first; with `upcoming`, only those not yet ended.
    func list(under path: String, upcoming: Bool, page: PageRequest) async throws -> ([VolunteerActivity], Int) {
        var q = VolunteerActivity.query(on: db).within(DataScope(rootPath: path))
        if upcoming { q = q.filter(\.$endsAt >= now) }
        let total = try await q.count()
        let items = try await q.sort(\.$startsAt, upcoming ? .ascending : .descending).range(page.range).all()
        return (items, total)
    }

    /// An activity inside `scope` (a missing and a foreign one are the same 404), settled if it has ended.
    func activity(_ id: UUID?, within scope: DataScope) async throws -> VolunteerActivity {
        guard let id, let a = try await VolunteerActivity.query(on: db).filter(\.$id == id).within(scope).first() else {
            throw APIError(.notFound, code: "unknown_activity", "活动不存在或不在您的管辖范围 (unknown activity)")
        }
        try await AttendanceService(db: db, now: now, source: source).settle(a)
        return a
    }

    /// Seats held now: reserved ones and open ones.
    func seats(_ a: VolunteerActivity) async throws -> (reserved: Int, open: Int) {
        let rows = try await ActivityAttendance.query(on: db).filter(\.$activityID == a.id!)
            .filter(\.$stateRaw ~~ AttendanceState.seated.map(\.rawValue)).all()
        let reserved = rows.filter(\.reserved).count
        return (reserved, rows.count - reserved)
    }

    func seatsTaken(_ a: VolunteerActivity, on db: any Database) async throws -> Int {
        try await ActivityAttendance.query(on: db).filter(\.$activityID == a.id!).filter(\.$stateRaw ~~ AttendanceState.seated.map(\.rawValue)).count()
    }

    func attendance(of resident: UUID, in a: VolunteerActivity) async throws -> ActivityAttendance? {
        try await ActivityAttendance.query(on: db).filter(\.$activityID == a.id!).filter(\.$residentID == resident).first()
    }

    /// Signs `resident` up: a seat while there is one (a reserved one first for a volunteer it is held for), else the
    /// waiting list. Who may not sign up is told why. Signing up again changes nothing.
    func signUp(_ a: VolunteerActivity, resident: Resident) async throws -> ActivityAttendance {
        guard a.endsAt > now else { throw APIError.conflict("活动已结束，不能报名 (the activity has ended)", code: "activity_ended") }
        try eligibility(a, resident)
        let volunteer = try await holdsReserved(a, resident.id!)
        return try await db.writeTransaction { [now] tx in
            try await Self.lock(a, on: tx)
            let existing = try await ActivityAttendance.query(on: tx).filter(\.$activityID == a.id!).filter(\.$residentID == resident.id!).first()
            if let existing, existing.state != .cancelled { return existing }
            let seats = try await ActivityService(db: tx, now: now).seats(a)
            let waiting = try await ActivityAttendance.query(on: tx).filter(\.$activityID == a.id!).filter(\.$stateRaw == AttendanceState.waiting.rawValue).all()
            let row = existing ?? ActivityAttendance()
            if existing == nil {
                row.id = UUID()
                row.activityID = a.id!
                row.residentID = resident.id!
                row.residentName = resident.name
                row.nodePath = a.nodePath
            }
            // Nobody jumps the queue: while others wait for a seat, a newcomer waits too. A held seat is only waited
            // for by those it is held for.
            let service = ActivityService(db: tx, now: now)
            let rivals = volunteer ? try await service.reservedHolders(a, among: waiting.map(\.residentID)) : []
            let reservedFree = volunteer && seats.reserved < a.reservedSeats && rivals.isEmpty
            let openFree = seats.open < a.capacity - a.reservedSeats && waiting.isEmpty
            row.state = reservedFree || openFree ? .signedUp : .waiting
            row.reserved = reservedFree
            row.signedUpAt = now
            row.promotedAt = nil
            row.offerExpiresAt = nil
            row.updatedAt = now
            try await row.save(on: tx)
            return row
        }
    }

    /// Cancels a sign-up, a place on the waiting list or an offered seat before the activity starts; a freed seat is
    /// offered to the first on the waiting list who may take it.
    func cancel(_ a: VolunteerActivity, resident: UUID) async throws -> (ActivityAttendance, promoted: ActivityAttendance?) {
        guard let row = try await attendance(of: resident, in: a) else {
            throw APIError(.notFound, code: "not_signed_up", "您没有报名这个活动 (you have not signed up)")
        }
        switch row.state {
        case .cancelled: return (row, nil)
        case .signedUp, .waiting, .offered: break
        default: throw APIError.conflict("已签到的活动不能取消 (you have already checked in)", code: "already_attended")
        }
        guard a.startsAt > now else { throw APIError.conflict("活动已开始，不能取消 (the activity has started)", code: "activity_started") }
        return try await db.writeTransaction { [now] tx in
            try await Self.lock(a, on: tx)
            let freed = row.state != .waiting
            row.state = .cancelled
            row.offerExpiresAt = nil
            row.updatedAt = now
            try await row.save(on: tx)
            guard freed else { return (row, nil) }
            return (row, try await ActivityService(db: tx, now: now).offerFreedSeat(a, reserved: row.reserved))
        }
    }

    /// Takes the activity's row lock (PostgreSQL), so seats are counted one writer at a time; SQLite writers queue anyway.
    static func lock(_ a: VolunteerActivity, on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.update(VolunteerActivity.schema).set(SQLIdentifier("capacity"), to: SQLIdentifier("capacity"))
            .where(SQLIdentifier("id"), .equal, SQLBind(a.id!)).run()
    }
}

