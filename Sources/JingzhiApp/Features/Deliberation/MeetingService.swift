import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// What announcing a meeting carries.
struct MeetingInput: Sendable {
    var communityID: UUID?
    var title: String?
    var place: String?
    var startsAt: Date?
    var topicIDs: [UUID] = []
    /// Seats for residents who register; nil: no limit.
    var capacity: Int? = nil
}

/// Meetings: announced at least the community's notice days ahead, with an agenda of topics under deliberation.
extension TopicService {
    func announce(_ input: MeetingInput, by actor: Actor) async throws -> Meeting {
        guard TopicRole(actor) == .reviewer else { throw APIError.forbidden }
        guard let cid = input.communityID else { throw APIError.missing("communityId") }
        let community = try await OrgNode.find(cid, within: actor.scope, on: db)
        guard community.kind == .community else { throw APIError.invalid("communityId", "请选择一个社区 (choose a community)") }
        let title = try Validate.text(input.title, field: "title", max: 60)!
        let place = try Validate.text(input.place, field: "place", max: 100)!
        guard let startsAt = input.startsAt else { throw APIError.missing("startsAt") }
        let days = try await DeliberationSetting.of(cid, on: db).noticeDays
        let earliest = now.addingTimeInterval(Double(days) * 86_400)
        guard startsAt >= earliest else {
            let when = ShanghaiTime.format(earliest, "yyyy-MM-dd HH:mm")
            throw APIError(.unprocessableEntity, code: "too_soon",
                           "会议须至少提前 \(days) 天公告，最早可定在 \(when) (announce at least \(days) days ahead: \(when) at the earliest)",
                           field: "startsAt")
        }
        if let c = input.capacity, !(1...10_000).contains(c) {
            throw APIError.invalid("capacity", "名额须在 1–10000 之间，不限名额请留空 (capacity must be 1–10000, or empty for no limit)")
        }
        let topics = try await Topic.query(on: db).filter(\.$id ~~ input.topicIDs).all()
        guard topics.count == Set(input.topicIDs).count, topics.allSatisfy({ $0.communityID == cid && $0.stage == .deliberate }) else {
            throw APIError.invalid("topicIds", "议程只能列入本社区议事中的议题 (the agenda takes this community's topics under deliberation)")
        }
        let m = Meeting()
        m.id = UUID()
        m.communityID = cid
        m.nodePath = community.path
        m.title = title
        m.place = place
        m.startsAt = startsAt
        m.announcedAt = now
        m.announcedBy = actor.userID
        m.capacity = input.capacity
        let order = input.topicIDs, source = source, now = now
        try await db.writeTransaction { tx in
            try await m.create(on: tx)
            for (i, id) in order.enumerated() {
                let item = MeetingAgendaItem()
                item.meetingID = m.id!
                item.topicID = id
                item.position = i + 1
                try await item.create(on: tx)
            }
            try await AuditLog.record(on: tx, by: source, at: now, action: "announce", entity: "topic_meeting", entityID: m.id, nodePath: m.nodePath,
                                      summary: "议事会「\(title)」：\(ShanghaiTime.format(startsAt, "yyyy-MM-dd HH:mm")) \(place)")
        }
        return m
    }

    func agenda(of m: Meeting) async throws -> [UUID] {
        try await MeetingAgendaItem.query(on: db).filter(\.$meetingID == m.id!).sort(\.$position).all().map(\.topicID)
    }
}
