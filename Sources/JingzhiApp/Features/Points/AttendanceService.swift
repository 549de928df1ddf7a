import Fluent
import Foundation
import JingzhiCore
import Vapor

/// Check-in and check-out with the venue's rotating code (签到码), attendance by hand, no-shows, and the organiser's
/// verification that pays points once per attendance (`activity:<attendanceId>`).
struct AttendanceService {
    let db: any Database
    let now: Date
    let source: AuditSource

    init(db: any Database, now: Date, source: AuditSource = .system()) {
        self.db = db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource) }

    /// A code lives for one slot; the one before is still taken, so a scan at the turn of a slot works.
    static let slotSeconds: TimeInterval = 180
    /// Check-in opens this long before the start; check-out stays open this long after the end.
    static let margin: TimeInterval = 30 * 60

    /// The venue's rotating code of an activity (Core's `RotatingCode`, keyed by the activity's secret).
    static func rotating(_ a: VolunteerActivity) -> RotatingCode {
        RotatingCode(secret: a.secret, subject: a.id!.uuidString, slotSeconds: slotSeconds)
    }

    /// The code of the slot `at` falls in.
    static func code(_ a: VolunteerActivity, at date: Date) -> String { rotating(a).code(at: date) }

    static func code(_ a: VolunteerActivity, slot: Int) -> String { rotating(a).code(slot: slot) }

    /// When the code shown now stops being taken.
    func codeExpires(_ a: VolunteerActivity) -> Date { Self.rotating(a).expires(at: now) }

    func accepts(_ raw: String?, for a: VolunteerActivity) -> Bool { Self.rotating(a).accepts(raw, at: now) }

    static let staleCode = APIError.conflict("签到码已过期，请扫描现场最新的二维码 (this code has expired: scan the code shown at the venue now)", code: "stale_code")

    private func timeWords(_ a: VolunteerActivity) -> String {
        let f = DateFormatter()
        f.timeZone = TimeZone(identifier: "Asia/Shanghai")
        f.dateFormat = "M月d日 HH:mm"
        return "\(f.string(from: a.startsAt.addingTimeInterval(-Self.margin)))–\(f.string(from: a.endsAt))"
    }

    /// Checks `resident` in with the code on the venue's screen. Checking in again changes nothing.
    func checkIn(_ a: VolunteerActivity, resident: UUID, code: String?) async throws -> ActivityAttendance {
        guard now >= a.startsAt.addingTimeInterval(-Self.margin), now <= a.endsAt else {
            throw APIError.conflict("现在不在签到时间内，签到时间为 \(timeWords(a)) (check-in is open only from 30 minutes before the start to the end)", code: "outside_time")
        }
        guard accepts(code, for: a) else { throw Self.staleCode }
        let row = try await seat(a, resident: resident)
        switch row.state {
        case .checkedIn, .checkedOut, .verified: return row
        case .signedUp, .noShow:
            row.state = .checkedIn
            row.checkedInAt = now
            row.updatedAt = now
            try await row.save(on: db)
            return row
        default: throw Self.notSeated
        }
    }

    /// Checks out with the venue's code; a check-out after the end counts until the end. Checking out again changes nothing.
    func checkOut(_ a: VolunteerActivity, resident: UUID, code: String?) async throws -> ActivityAttendance {
        guard now >= a.startsAt.addingTimeInterval(-Self.margin), now <= a.endsAt.addingTimeInterval(Self.margin) else {
            throw APIError.conflict("现在不在签退时间内 (check-out is open only during the activity and 30 minutes after)", code: "outside_time")
        }
        guard accepts(code, for: a) else { throw Self.staleCode }
        let row = try await seat(a, resident: resident)
        switch row.state {
        case .checkedOut, .verified: return row
        case .checkedIn:
            row.state = .checkedOut
            row.checkedOutAt = min(now, a.endsAt)
            row.updatedAt = now
            try await row.save(on: db)
            return row
        default: throw APIError.conflict("请先签到 (check in first)", code: "not_checked_in")
        }
    }

    static let notSeated = APIError.conflict("您没有这个活动的名额（未报名或仍在候补） (you have no seat: not signed up, or still waiting)", code: "not_signed_up")

    private func seat(_ a: VolunteerActivity, resident: UUID) async throws -> ActivityAttendance {
        guard let row = try await ActivityAttendance.query(on: db).filter(\.$activityID == a.id!).filter(\.$residentID == resident).first() else {
            throw Self.notSeated
        }
        return row
    }

    /// The organiser marks a seated resident present by hand: the whole activity unless times were already scanned.
    func markPresent(_ a: VolunteerActivity, attendance id: UUID?, by actor: Actor) async throws -> ActivityAttendance {
        let row = try await attendance(id, of: a, within: try await organiser(a, actor))
        guard a.startsAt <= now else { throw APIError.conflict("活动尚未开始 (the activity has not started)", code: "not_started") }
        switch row.state {
        case .checkedOut, .verified: return row
        case .signedUp, .noShow, .checkedIn:
            row.checkedInAt = row.checkedInAt ?? a.startsAt
            row.checkedOutAt = min(now, a.endsAt)
            row.state = .checkedOut
            row.updatedAt = now
            try await db.writeTransaction { [source, now] tx in
                try await row.save(on: tx)
                try await AuditLog.record(on: tx, by: source, at: now, action: "mark_present", entity: "volunteer_attendance", entityID: row.id,
                                          nodePath: a.nodePath, summary: "补记到场 \(row.residentName)：\(a.title)")
            }
            return row
        default: throw Self.notSeated
        }
    }

    /// The scope the actor organises `a` in (staff, or its partner's account): 403 for other roles, 404 for others' activities.
    private func organiser(_ a: VolunteerActivity, _ actor: Actor) async throws -> DataScope {
        try await ActivityService(db: db, now: now, source: source).organiserScope(a, actor)
    }

    /// A partner organiser's verification pays from the community's issuing account as the community would: the
    /// partner was authorised for this activity just before; the audit names the partner's account (the source).
    static func payer(for actor: Actor, _ a: VolunteerActivity) -> Actor {
        let user = User()
        user.id = actor.user.id
        user.username = actor.user.username
        user.displayName = actor.user.displayName
        user.roleRaw = Role.communityStaff.rawValue
        return Actor(user: user, scope: .everything, nodePath: a.nodePath)
    }

    /// An attendance of `a` inside the organiser's `scope`: the activity's community must be theirs, whatever activity the
    /// caller loaded, so a missing, a foreign and another activity's attendance are the same 404.
    func attendance(_ id: UUID?, of a: VolunteerActivity, within scope: DataScope) async throws -> ActivityAttendance {
        guard let id, scope.contains(a.nodePath),
              let row = try await ActivityAttendance.query(on: db).filter(\.$id == id).filter(\.$activityID == a.id!).within(scope).first() else {
            throw APIError(.notFound, code: "unknown_attendance", "报名记录不存在 (unknown attendance)")
        }
        return row
    }

    /// Once the activity has ended: a forgotten check-out ends at the end time, seats never used are no-shows, and
    /// the waiting list closes. Runs once; reading an ended activity runs it.
    func settle(_ a: VolunteerActivity) async throws {
        guard a.settledAt == nil, now > a.endsAt else { return }
        try await db.writeTransaction { [now] tx in
            let rows = try await ActivityAttendance.query(on: tx).filter(\.$activityID == a.id!).all()
            for row in rows {
                switch row.state {
                case .checkedIn: row.state = .checkedOut; row.checkedOutAt = a.endsAt
                case .signedUp: row.state = .noShow
                case .waiting, .offered: row.state = .cancelled; row.offerExpiresAt = nil
                default: continue
                }
                row.updatedAt = now
                try await row.save(on: tx)
            }
            a.settledAt = now
            try await a.save(on: tx)
        }
    }

    /// Verifies an attendance's hours (`minutes` corrects them) and pays its points once. A repeated verification
    /// pays nothing more and answers the first (paid: false).
    func verify(_ a: VolunteerActivity, attendance id: UUID?, minutes correction: Double?, by actor: Actor) async throws -> (ActivityAttendance, paid: Bool) {
        let row = try await attendance(id, of: a, within: try await organiser(a, actor))
        if row.state == .verified { return (row, false) }
        guard row.state == .checkedOut || (row.state == .checkedIn && now > a.endsAt) else {
            throw APIError.conflict("只能核定已签到签退的记录 (only attendances with a check-in and check-out can be verified)", code: "not_attended")
        }
        let longest = Int(a.endsAt.timeIntervalSince(a.startsAt) / 60)
        if let c = correction, !(c.isFinite && c == c.rounded() && c >= 0 && c <= Double(longest)) {
            throw APIError.invalid("minutes", "更正的分钟数须为 0–\(longest) 的整数 (minutes must be a whole number from 0 to \(longest))")
        }
        let minutes = correction.map { Int($0) } ?? row.attendedMinutes(a)
        let points = a.pointsPerHour.map { Int((Double(minutes) * Double($0) / 60).rounded()) } ?? (minutes > 0 ? a.pointsPerAttendance ?? 0 : 0)
        var entry: PointsEntry?
        var paid = false
        if points > 0 {
            // The organiser's scope guards the activity; its attendee may live in another community, so the award
            // looks the resident up everywhere.
            let payer = PointsService.staffRoles.contains(actor.role) ? Actor(user: actor.user, scope: .everything, nodePath: actor.nodePath)
                : Self.payer(for: actor, a)
            let hours = String(format: "%.1f", Double(minutes) / 60)
            do {
                let award = try await PointsService(db: db, now: now, source: source).award(
                    residentID: row.residentID, points: Double(points), reason: "志愿活动：\(a.title)（\(hours) 小时）",
                    sourceRef: "activity:\(row.id!.uuidString)", idempotencyKey: nil, by: payer, clip: true)
                (entry, paid) = (award.entry, award.created)
            } catch let e as APIError where e.code == "monthly_cap" || e.code == "daily_cap" {
                // The hours still count; the community's cap leaves no points this month.
            }
        }
        row.state = .verified
        row.minutes = minutes
        row.points = entry?.points ?? 0
        row.entryID = entry?.id
        row.updatedAt = now
        try await db.writeTransaction { [source, now] tx in
            try await row.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "verify", entity: "volunteer_attendance", entityID: row.id,
                                      nodePath: a.nodePath, summary: "核定志愿时长 \(row.residentName) \(minutes) 分钟，\(row.points ?? 0) 积分",
                                      changes: ["minutes": [nil, String(minutes)]])
        }
        return (row, paid)
    }
}
