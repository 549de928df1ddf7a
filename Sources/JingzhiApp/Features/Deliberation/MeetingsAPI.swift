import Fluent
import JingzhiCore
import Vapor

struct MeetingDTO: Content {
    let id: UUID
    let communityId: UUID
    let title: String
    let place: String
    let startsAt: Date
    let announcedAt: Date
    let topicIds: [UUID]
    /// Seats (nil: no limit) and those taken by registered or present residents.
    let capacity: Int?
    let seatsTaken: Int
    /// Only when announcing: how many people the community's notice reached, or why none was sent.
    var noticeRecipients: Int? = nil
    var noticeProblem: String? = nil
}

struct VoteDTO: Content {
    let id: UUID
    let topicId: UUID
    let meetingId: UUID?
    let question: String
    let basis: String
    let rule: String
    let quorumPercent: Int
    let secret: Bool
    let opensAt: Date
    let closesAt: Date
    let state: String
    let eligible: Int
    /// Ballots cast so far; the counts and the outcome only once closed.
    let ballots: Int
    let yes: Int?
    let no: Int?
    let abstain: Int?
    let outcome: String?
    let version: Int
    /// The property company voting as one body, where the topic's procedure invites it.
    let propertyCompanyId: UUID?
    /// decision, or property (an evaluation of `ratedCompanyId`, the company serving the topic's compound).
    var kind = VoteKind.decision.rawValue
    var ratedCompanyId: UUID? = nil
}

struct BallotDTO: Content {
    let voteId: UUID
    let channel: String
    let at: Date
}

/// `/api/v1/meetings` and the votes of topics: announce a meeting, open a vote, cast a ballot, close and count.
enum MeetingsAPI {
    struct MeetingBody: Content {
        var communityId: UUID?
        var title: String?
        var place: String?
        var startsAt: String?
        var topicIds: [UUID]?
        var capacity: Int?
    }

    struct VoteBody: Content {
        var question: String?
        var basis: String?
        var rule: String?
        var quorumPercent: Int?
        var secret: Bool?
        var closesAt: String?
        var meetingId: UUID?
        var kind: String?
    }

    struct BallotBody: Content {
        var choice: String?
        /// Paper ballots: the resident an officer enters the ballot for.
        var residentId: UUID?
    }

    static func register(_ api: any RoutesBuilder) {
        api.post("meetings", use: announce)
        api.get("meetings", ":id", use: meeting)
        api.post("topics", ":id", "votes", use: openVote)
        api.get("votes", ":id", use: vote)
        api.post("votes", ":id", "ballots", use: cast)
        api.post("votes", ":id", "close", use: close)
    }

    static func time(_ raw: String?, field: String) throws -> Date? {
        guard let raw else { return nil }
        guard let date = ISOTime.parse(raw) else { throw APIError.invalid(field, "须为 ISO 8601 时间 (\(field) must be an ISO 8601 time)") }
        return date
    }

    @Sendable static func announce(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let b = try req.decodeJSON(MeetingBody.self)
        let input = MeetingInput(communityID: b.communityId, title: b.title, place: b.place, startsAt: try time(b.startsAt, field: "startsAt"),
                                 topicIDs: b.topicIds ?? [], capacity: b.capacity)
        let service = TopicService(req: req)
        let m = try await service.announce(input, by: actor)
        var out = try await dto(m, service)
        let notice = await MeetingNotice.publish(m, by: actor, req: req)
        (out.noticeRecipients, out.noticeProblem) = (notice.recipients, notice.problem)
        return try await out.encodeResponse(status: .created, for: req)
    }

    @Sendable static func meeting(req: Request) async throws -> MeetingDTO {
        let actor = try req.requireActor()
        let service = TopicService(req: req)
        return try await dto(try await Meeting.find(try req.idParameter(), within: try await service.scope(of: actor), on: req.db), service)
    }

    static func dto(_ m: Meeting, _ service: TopicService) async throws -> MeetingDTO {
        MeetingDTO(id: m.id!, communityId: m.communityID, title: m.title, place: m.place, startsAt: m.startsAt, announcedAt: m.announcedAt,
                   topicIds: try await service.agenda(of: m), capacity: m.capacity, seatsTaken: try await service.seatsTaken(m, on: service.db))
    }

    @Sendable static func openVote(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let service = TopicService(req: req)
        let topic = try await service.load(try req.idParameter(), for: actor)
        let b = try req.decodeJSON(VoteBody.self)
        let input = VoteInput(question: b.question, basis: b.basis, rule: b.rule, quorumPercent: b.quorumPercent, secret: b.secret,
                              closesAt: try time(b.closesAt, field: "closesAt"), meetingID: b.meetingId, kind: b.kind)
        let v = try await service.openVote(on: topic, input, by: actor)
        return try await dto(v, req).encodeResponse(status: .created, for: req)
    }

    static func load(_ req: Request, _ actor: Actor) async throws -> TopicVote {
        let service = TopicService(req: req)
        return try await service.settle(try await TopicVote.find(try req.idParameter(), within: try await service.scope(of: actor), on: req.db))
    }

    @Sendable static func vote(req: Request) async throws -> VoteDTO {
        try await dto(try await load(req, try req.requireActor()), req)
    }

    @Sendable static func cast(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let v = try await load(req, actor)
        let b = try req.decodeJSON(BallotBody.self)
        let ballot = try await TopicService(req: req).cast(v, choice: b.choice, residentID: b.residentId, by: actor)
        return try await BallotDTO(voteId: ballot.voteID, channel: ballot.channel, at: ballot.at).encodeResponse(status: .created, for: req)
    }

    @Sendable static func close(req: Request) async throws -> VoteDTO {
        let actor = try req.requireActor()
        let v = try await load(req, actor)
        guard v.state == VoteState.open.rawValue else { return try await dto(v, req) }
        return try await dto(try await TopicService(req: req).close(v, role: TopicRole(actor)), req)
    }

    static func dto(_ v: TopicVote, _ req: Request) async throws -> VoteDTO {
        let closed = v.state == VoteState.closed.rawValue
        let ballots = try await TopicBallot.query(on: req.db).filter(\.$voteID == v.id!).count()
        var out = VoteDTO(id: v.id!, topicId: v.topicID, meetingId: v.meetingID, question: v.question, basis: v.basisRaw, rule: v.ruleRaw,
                       quorumPercent: v.quorumPercent, secret: v.secret, opensAt: v.opensAt, closesAt: v.closesAt, state: v.state, eligible: v.eligible,
                       ballots: ballots, yes: closed ? v.yes : nil, no: closed ? v.no : nil, abstain: closed ? v.abstain : nil,
                       outcome: closed ? v.outcome : nil, version: v.version, propertyCompanyId: v.propertyCompanyID)
        (out.kind, out.ratedCompanyId) = (v.kind.rawValue, v.ratedCompanyID)
        return out
    }
}
