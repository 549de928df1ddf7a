import Fluent
import JingzhiCore
import Vapor

/// What publishing minutes carries.
struct MinutesInput: Sendable {
    var attendees: String?
    var organisations: String?
    var contributions: String?
    var decisions: String?
    var attachments: String?
    /// Days of the 公示 period; 5 unless given.
    var publicDays: Int?
}

/// Minutes of meetings: published by community staff once the meeting began, in versions, each open to objections
/// from the community's residents for its 公示 period.
extension TopicService {
    static let defaultPublicDays = 5

    func publishMinutes(of m: Meeting, _ input: MinutesInput, by actor: Actor) async throws -> MeetingMinutes {
        guard TopicRole(actor) == .reviewer else { throw APIError.forbidden }
        guard m.startsAt <= now else {
            throw APIError.conflict("会议开始后才能发布纪要 (minutes are published once the meeting began)", code: "meeting_not_held")
        }
        let days = input.publicDays ?? Self.defaultPublicDays
        guard (1...30).contains(days) else { throw APIError.invalid("publicDays", "公示期为 1–30 天 (1 to 30 days)") }
        let n = MeetingMinutes()
        n.id = UUID()
        n.meetingID = m.id!
        n.nodePath = m.nodePath
        n.attendees = try Validate.text(input.attendees, field: "attendees", max: 2000)!
        n.organisations = try Validate.text(input.organisations, field: "organisations", max: 1000)!
        n.contributions = try Validate.text(input.contributions, field: "contributions", max: 8000)!
        n.decisions = try Validate.text(input.decisions, field: "decisions", max: 4000)!
        n.attachments = try Validate.text(input.attachments, field: "attachments", max: 2000, required: false)
        n.publishedAt = now
        n.objectionsUntil = now.addingTimeInterval(Double(days) * 86_400)
        n.publishedBy = actor.userID
        let source = source, now = now, title = m.title
        do {
            try await db.writeTransaction { tx in
                let last = try await MeetingMinutes.query(on: tx).filter(\.$meetingID == m.id!).sort(\.$version, .descending).first()
                n.version = (last?.version ?? 0) + 1
                try await n.create(on: tx)
                try await AuditLog.record(on: tx, by: source, at: now, action: n.version == 1 ? "publish" : "revise", entity: "topic_meeting_minutes",
                                          entityID: n.id, nodePath: n.nodePath, summary: "议事会「\(title)」纪要第 \(n.version) 版，公示 \(days) 天")
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw APIError.conflict("纪要刚被他人修改，请刷新后再试 (someone just revised the minutes; reload and try again)", code: "minutes_changed")
        }
        return n
    }

    /// Every version of a meeting's minutes, newest first.
    func minutes(of m: Meeting) async throws -> [MeetingMinutes] {
        try await MeetingMinutes.query(on: db).filter(\.$meetingID == m.id!).sort(\.$version, .descending).all()
    }

    /// A resident of the meeting's community objects to the newest version during its 公示 period, once.
    func object(to m: Meeting, words raw: String?, by actor: Actor) async throws -> MinutesObjection {
        guard actor.role == .resident else {
            throw APIError(.forbidden, code: "forbidden", "只有本社区居民可以提出异议 (only the community's residents object)")
        }
        guard let current = try await minutes(of: m).first else { throw APIError.notFound }
        guard now <= current.objectionsUntil else {
            let until = ShanghaiTime.format(current.objectionsUntil, "yyyy-MM-dd HH:mm")
            throw APIError.conflict("公示期已于 \(until) 结束 (the public period ended at \(until))", code: "objection_closed")
        }
        let words = try Validate.text(raw, field: "words", max: 1000)!
        if try await MinutesObjection.query(on: db).filter(\.$minutesID == current.id!).filter(\.$userID == actor.userID).first() != nil {
            throw Self.alreadyObjected
        }
        let o = MinutesObjection()
        o.minutesID = current.id!
        o.userID = actor.userID
        o.words = words
        o.at = now
        let source = source, now = now, path = current.nodePath, title = m.title
        do {
            try await db.writeTransaction { tx in
                try await o.create(on: tx)
                try await AuditLog.record(on: tx, by: source, at: now, action: "object", entity: "topic_meeting_minutes", entityID: current.id, nodePath: path,
                                          summary: "对议事会「\(title)」纪要提出异议")
            }
        } catch let error as any DatabaseError where error.isConstraintFailure { throw Self.alreadyObjected }
        return o
    }

    static let alreadyObjected = APIError.conflict("您已对这一版纪要提出过异议，每人一次 (you already objected to this version; once each)",
                                                   code: "already_objected")

    func objections(to minutes: MeetingMinutes) async throws -> [MinutesObjection] {
        try await MinutesObjection.query(on: db).filter(\.$minutesID == minutes.id!).sort(\.$at).all()
    }
}
