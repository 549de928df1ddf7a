import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Vapor

/// Who may sign up for an activity, its seats held for volunteers, and the waiting list's offers: a freed seat is
/// offered to the next person, who confirms within `offerWindow` or the seat passes on (the sweeper's tick).
extension ActivityService {
    /// How long a promoted resident has to confirm (never past the activity's start).
    static let offerWindow: TimeInterval = 12 * 3600

    static let offerLapsed = APIError.conflict("确认时间已过，名额已让给下一位候补 (the time to confirm has passed: the seat went to the next person)", code: "offer_expired")

    /// Refuses, in words, a resident the activity is not open to: tags it asks for, ages it allows (on the day).
    func eligibility(_ a: VolunteerActivity, _ r: Resident) throws {
        let tags = a.tagList
        if !tags.isEmpty, !r.tagList.contains(where: tags.contains) {
            let list = tags.joined(separator: "、")
            throw APIError.conflict("此活动仅限「\(list)」报名 (only residents tagged \(list) may sign up)", code: "not_eligible")
        }
        guard a.minAge != nil || a.maxAge != nil else { return }
        let range = switch (a.minAge, a.maxAge) {
        case let (lo?, hi?): "\(lo)–\(hi) 岁"
        case let (lo?, nil): "\(lo) 岁及以上"
        case let (nil, hi?): "\(hi) 岁及以下"
        default: ""
        }
        guard let born = r.birthDate, let age = ResidentDTO.age(born: born, now: a.startsAt) else {
            throw APIError.conflict("此活动限 \(range) 报名，您的登记信息里没有出生日期，请联系社区补登 (this activity has an age limit and your record has no birth date: ask the community)", code: "not_eligible")
        }
        if age < (a.minAge ?? 0) || age > (a.maxAge ?? Int.max) {
            throw APIError.conflict("此活动限 \(range) 报名，活动当天您 \(age) 岁 (this activity is for ages \(range.replacingOccurrences(of: " 岁", with: "")); you will be \(age))", code: "not_eligible")
        }
    }

    /// Whether `resident` may take one of the activity's reserved seats: an approved volunteer, of the organising team
    /// when a team organises.
    func holdsReserved(_ a: VolunteerActivity, _ resident: UUID) async throws -> Bool {
        guard a.reservedSeats > 0 else { return false }
        return try await reservedHolders(a, among: [resident]).contains(resident)
    }

    func reservedHolders(_ a: VolunteerActivity, among residents: [UUID]) async throws -> Set<UUID> {
        guard a.reservedSeats > 0, !residents.isEmpty else { return [] }
        var q = Volunteer.query(on: db).filter(\.$residentID ~~ residents).filter(\.$state == VolunteerState.approved.rawValue)
        if let team = a.teamID { q = q.filter(\.$teamID == team) }
        return Set(try await q.all().map(\.residentID))
    }

    /// Offers a freed seat (reserved or open) to the first on the waiting list who may take it and tells them; on `db`,
    /// the caller's transaction holding the activity's lock. Nil when nobody waits for it or the activity has begun.
    func offerFreedSeat(_ a: VolunteerActivity, reserved: Bool) async throws -> ActivityAttendance? {
        guard a.startsAt > now else { return nil }
        let waiting = try await ActivityAttendance.query(on: db).filter(\.$activityID == a.id!)
            .filter(\.$stateRaw == AttendanceState.waiting.rawValue).sort(\.$signedUpAt).sort(\.$id).all()
        let allowed = reserved ? try await reservedHolders(a, among: waiting.map(\.residentID)) : []
        guard let next = waiting.first(where: { !reserved || allowed.contains($0.residentID) }) else { return nil }
        let until = min(now.addingTimeInterval(Self.offerWindow), a.startsAt)
        next.state = .offered
        next.reserved = reserved
        next.promotedAt = now
        next.offerExpiresAt = until
        next.updatedAt = now
        try await next.save(on: db)
        let users = try await User.query(on: db).filter(\.$residentID == next.residentID).filter(\.$active == true).all()
        for u in users {
            let n = Notification()
            n.userID = u.id!
            n.kind = "activity_offer"
            n.text = "志愿活动「\(a.title)」有名额空出，请在 \(ShanghaiTime.format(until, "M月d日 HH:mm")) 前确认报名，逾期名额将让给下一位候补。"
            n.createdAt = now
            try await n.create(on: db)
        }
        return next
    }

    /// The promoted resident takes the offered seat. After the offer's time the seat has passed on (409 `offer_expired`).
    func confirm(_ a: VolunteerActivity, resident: UUID) async throws -> ActivityAttendance {
        guard let row = try await attendance(of: resident, in: a) else {
            throw APIError(.notFound, code: "not_signed_up", "您没有报名这个活动 (you have not signed up)")
        }
        switch row.state {
        case .signedUp, .checkedIn, .checkedOut, .verified: return row
        case .offered: break
        case .cancelled where row.offerExpiresAt.map { $0 < self.now } == true: throw Self.offerLapsed
        default: throw APIError.conflict("您没有待确认的名额 (you have no seat to confirm)", code: "no_offer")
        }
        let now = now, id = row.id!
        let taken = try await db.writeTransaction { tx in
            try await tx.sql.update(ActivityAttendance.schema).set("state", to: SQLBind(AttendanceState.signedUp.rawValue))
                .set("offer_expires_at", to: SQLLiteral.null).set("updated_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(id)).where("state", .equal, SQLBind(AttendanceState.offered.rawValue))
                .where("offer_expires_at", .greaterThanOrEqual, SQLBind(now)).returning("id").all()
        }
        guard !taken.isEmpty else { throw Self.offerLapsed }
        return try await attendance(of: resident, in: a) ?? row
    }

    /// The sweeper: offers not confirmed in time lapse and their seats pass to the next person. Each lapse is claimed
    /// with a conditional UPDATE under the activity's lock, so servers sweeping together pass a seat on once.
    func sweepOffers(limit: Int = 500) async throws -> Int {
        let lapsed = try await ActivityAttendance.query(on: db).filter(\.$stateRaw == AttendanceState.offered.rawValue)
            .filter(\.$offerExpiresAt < now).sort(\.$offerExpiresAt).limit(limit).all()
        var passed = 0
        for row in lapsed {
            guard let a = try await VolunteerActivity.find(row.activityID, on: db) else { continue }
            let now = now, id = row.id!
            let claimed = try await db.writeTransaction { tx in
                try await Self.lock(a, on: tx)
                let rows = try await tx.sql.update(ActivityAttendance.schema).set("state", to: SQLBind(AttendanceState.cancelled.rawValue))
                    .set("updated_at", to: SQLBind(now))
                    .where("id", .equal, SQLBind(id)).where("state", .equal, SQLBind(AttendanceState.offered.rawValue))
                    .where("offer_expires_at", .lessThan, SQLBind(now)).returning("id").all()
                guard !rows.isEmpty else { return false }
                try await AuditLog.record(on: tx, by: .system("候补递补"), at: now, action: "offer_lapsed", entity: "volunteer_attendance", entityID: id,
                                          nodePath: a.nodePath, summary: "候补名额逾期未确认 \(Mask.name(row.residentName))：\(a.title)")
                _ = try await ActivityService(db: tx, now: now).offerFreedSeat(a, reserved: row.reserved)
                return true
            }
            if claimed { passed += 1 }
        }
        return passed
    }
}
