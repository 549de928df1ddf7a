import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// Registration with capacity and attendance of a meeting: residents of its community register ahead and cancel;
/// at the venue they scan the rotating code on the organiser's screen (Core's `RotatingCode`), or the organiser
/// enters them. Every move is a `MeetingAttendanceLifecycle` commit (version, record, history line, audit entry).
extension TopicService {
    /// Check-in opens this long before the start and stays open this long after it.
    static let checkInOpensBefore: TimeInterval = 30 * 60
    static let checkInOpenFor: TimeInterval = 4 * 3600

    static let meetingFull = APIError.conflict("名额已满，不能再报名 (the meeting is full)", code: "meeting_full")

    /// The meeting's rotating check-in code, making its secret on first use.
    func rotatingCode(of m: Meeting) async throws -> RotatingCode {
        if m.checkInSecret == nil {
            m.checkInSecret = RotatingCode.newSecret()
            try await m.save(on: db)
        }
        return RotatingCode(secret: m.checkInSecret!, subject: m.id!.uuidString)
    }

    /// The resident linked to a resident's account, living in the meeting's community; 403 otherwise.
    func voter(_ actor: Actor, for m: Meeting) async throws -> Resident {
        guard actor.role == .resident else {
            throw APIError(.forbidden, code: "forbidden", "只有本社区居民可以报名参会 (only the community's residents register)")
        }
        guard let rid = actor.user.residentID, let r = try await Resident.find(rid, on: db) else {
            throw APIError.conflict("请先完成住户认证 (link your account to your household first)", code: "not_linked")
        }
        guard r.nodePath.hasPrefix(m.nodePath) else {
            throw APIError(.forbidden, code: "not_eligible", "您不是本社区居民 (you do not live in this community)")
        }
        return r
    }

    func seat(_ m: Meeting, resident: UUID) async throws -> MeetingAttendance? {
        try await MeetingAttendance.query(on: db).filter(\.$meetingID == m.id!).filter(\.$residentID == resident).first()
    }

    func seatsTaken(_ m: Meeting, on db: any Database) async throws -> Int {
        try await MeetingAttendance.query(on: db).filter(\.$meetingID == m.id!).filter(\.$state ~~ MeetingSeatState.seated.map(\.rawValue)).count()
    }

    /// Everyone registered or present, in the order they came.
    func attendance(of m: Meeting) async throws -> [MeetingAttendance] {
        try await MeetingAttendance.query(on: db).filter(\.$meetingID == m.id!).sort(\.$registeredAt).sort(\.$attendedAt).all()
    }

    /// Registers a resident before the meeting starts, within its capacity. Registering again changes nothing.
    func register(for m: Meeting, by actor: Actor) async throws -> MeetingAttendance {
        let r = try await voter(actor, for: m)
        guard m.startsAt > now else { throw APIError.conflict("会议已开始，不能再报名 (the meeting has started)", code: "meeting_started") }
        if let row = try await seat(m, resident: r.id!) {
            guard row.state == MeetingSeatState.cancelled.rawValue else { return row }
            return try await move(row, .register, in: m, role: .resident, whenSeatIsFree: true) { $0.registeredAt = self.now }
        }
        return try await create(m, resident: r, state: .registered, channel: nil, enforceCapacity: true)
    }

    func cancelRegistration(for m: Meeting, by actor: Actor) async throws -> MeetingAttendance {
        let r = try await voter(actor, for: m)
        guard let row = try await seat(m, resident: r.id!) else {
            throw APIError(.notFound, code: "not_registered", "您没有报名这次会议 (you have not registered)")
        }
        guard m.startsAt > now else { throw APIError.conflict("会议已开始，不能取消 (the meeting has started)", code: "meeting_started") }
        if row.state == MeetingSeatState.cancelled.rawValue { return row }
        return try await move(row, .cancel, in: m, role: .resident)
    }

    /// A resident checks in with the code shown at the venue; one who did not register takes a free seat.
    func checkIn(_ m: Meeting, code: String?, by actor: Actor) async throws -> MeetingAttendance {
        let r = try await voter(actor, for: m)
        try checkInOpen(m)
        guard try await rotatingCode(of: m).accepts(code, at: now) else {
            throw APIError.conflict("签到码已过期，请扫描现场最新的二维码 (this code has expired: scan the code shown at the venue now)", code: "stale_code")
        }
        return try await attend(m, resident: r, channel: "qr", role: .resident, enforceCapacity: true)
    }

    /// The organiser enters a resident of the community as present (paper sign-in sheet, or no phone).
    func markAttended(_ m: Meeting, residentID: UUID?, by actor: Actor) async throws -> MeetingAttendance {
        guard TopicRole(actor) == .reviewer else { throw APIError.forbidden }
        guard let residentID else { throw APIError.missing("residentId") }
        guard m.startsAt.addingTimeInterval(-Self.checkInOpensBefore) <= now else {
            throw APIError.conflict("会议开始前 30 分钟起才能登记到会 (attendance opens 30 minutes before the start)", code: "not_started")
        }
        guard let r = try await Resident.find(residentID, on: db), r.nodePath.hasPrefix(m.nodePath) else {
            throw APIError(.notFound, code: "unknown_resident", "本社区没有这位居民 (no such resident in this community)", field: "residentId")
        }
        return try await attend(m, resident: r, channel: "organiser", role: .reviewer, enforceCapacity: false)
    }

    private func checkInOpen(_ m: Meeting) throws {
        let opens = m.startsAt.addingTimeInterval(-Self.checkInOpensBefore), closes = m.startsAt.addingTimeInterval(Self.checkInOpenFor)
        guard now >= opens, now <= closes else {
            let words = "\(ShanghaiTime.format(opens, "MM-dd HH:mm"))–\(ShanghaiTime.format(closes, "HH:mm"))"
            throw APIError.conflict("现在不在签到时间内，签到时间为 \(words) (check-in is open \(words))", code: "outside_time")
        }
    }

    private func attend(_ m: Meeting, resident r: Resident, channel: String, role: TopicRole, enforceCapacity: Bool) async throws -> MeetingAttendance {
        guard let row = try await seat(m, resident: r.id!) else {
            return try await create(m, resident: r, state: .attended, channel: channel, enforceCapacity: enforceCapacity)
        }
        switch MeetingSeatState(rawValue: row.state) {
        case .attended: return row
        case .registered:
            return try await move(row, .attend, in: m, role: role) { $0.channel = channel; $0.attendedAt = self.now }
        default:
            // Cancelled earlier: register again (within capacity), then attend.
            let back = try await move(row, .register, in: m, role: .resident, whenSeatIsFree: enforceCapacity) { $0.registeredAt = self.now }
            return try await move(back, .attend, in: m, role: role) { $0.channel = channel; $0.attendedAt = self.now }
        }
    }

    /// One lifecycle move of a seat; with `whenSeatIsFree` the seats are counted inside the same transaction, one
    /// writer at a time per meeting.
    private func move(_ row: MeetingAttendance, _ action: MeetingSeatAction, in m: Meeting, role: TopicRole, whenSeatIsFree: Bool = false,
                      change: (MeetingAttendance) -> Void = { _ in }) async throws -> MeetingAttendance {
        let table = MeetingAttendanceLifecycle.table
        let from = MeetingSeatState(rawValue: row.state) ?? .cancelled
        try table.check(action, from: from, role: role)
        change(row)
        let capacity = whenSeatIsFree ? m.capacity : nil, meetingID = m.id!
        guard try await table.commit(row, action, from: from, to: table.target(action, from: from), subject: "「\(m.title)」", note: row.channel,
                                     by: source, at: now, on: db, write: { tx in
            if let capacity {
                try await Self.lockMeeting(meetingID, on: tx)
                guard try await self.seatsTaken(m, on: tx) < capacity else { throw Self.meetingFull }
            }
            try await row.save(on: tx)
        }) else { throw table.changed }
        return row
    }

    private func create(_ m: Meeting, resident r: Resident, state: MeetingSeatState, channel: String?, enforceCapacity: Bool) async throws -> MeetingAttendance {
        let row = MeetingAttendance()
        row.id = UUID()
        row.meetingID = m.id!
        row.residentID = r.id!
        row.nodePath = r.nodePath
        row.state = state.rawValue
        row.channel = channel
        row.registeredAt = state == .registered ? now : nil
        row.attendedAt = state == .attended ? now : nil
        row.version = 1
        let source = source, now = now, capacity = enforceCapacity ? m.capacity : nil, action = state == .registered ? "register" : "attend"
        do {
            try await db.writeTransaction { tx in
                if let capacity {
                    try await Self.lockMeeting(m.id!, on: tx)
                    guard try await self.seatsTaken(m, on: tx) < capacity else { throw Self.meetingFull }
                }
                try await row.create(on: tx)
                try await LifecycleEvent.write(entity: MeetingAttendanceLifecycle.table.entity, id: row.id!, action: action, from: "", to: state.rawValue,
                                               note: channel, nodePath: row.nodePath, by: source, at: now, on: tx)
                try await AuditLog.record(on: tx, by: source, at: now, action: action, entity: MeetingAttendanceLifecycle.table.entity, entityID: row.id,
                                          nodePath: row.nodePath, summary: "参会 「\(m.title)」：\(state.zh)")
            }
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            // The same resident at once from two tabs: the first row stands.
            if let first = try await seat(m, resident: r.id!) { return first }
            throw error
        }
        return row
    }

    /// One writer at a time counts a meeting's seats (PostgreSQL row lock; SQLite writers queue anyway).
    static func lockMeeting(_ id: UUID, on tx: any Database) async throws {
        if tx.isPostgres { _ = try await tx.sql.select().column("id").from(Meeting.schema).where("id", .equal, SQLBind(id)).for(.update).all() }
    }
}
