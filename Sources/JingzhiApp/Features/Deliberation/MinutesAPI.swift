import Fluent
import JingzhiCore
import Vapor

struct MinutesVersionDTO: Content {
    let version: Int
    let attendees: String
    let organisations: String
    let contributions: String
    let decisions: String
    let attachments: String?
    let publishedAt: Date
    let objectionsUntil: Date
    let objectionCount: Int
    /// The objections' words and times, to community staff only; residents are never named.
    let objections: [ObjectionDTO]?
}

struct ObjectionDTO: Content {
    let words: String
    let at: Date
}

struct MinutesDTO: Content {
    let meetingId: UUID
    /// Newest first; the first is the one in force.
    let versions: [MinutesVersionDTO]
    let open: Bool
    let objectedByMe: Bool
}

/// `/api/v1/meetings/{id}/minutes`: publish or revise (a new version), read every version, object during 公示.
enum MinutesAPI {
    struct MinutesBody: Content {
        var attendees: String?
        var organisations: String?
        var contributions: String?
        var decisions: String?
        var attachments: String?
        var publicDays: Int?
    }

    struct ObjectionBody: Content { var words: String? }

    static func register(_ api: any RoutesBuilder) {
        api.get("meetings", ":id", "minutes", use: read)
        api.post("meetings", ":id", "minutes", use: publish)
        api.post("meetings", ":id", "minutes", "objections", use: object)
    }

    static func meeting(_ req: Request, _ actor: Actor) async throws -> Meeting {
        try await Meeting.find(try req.idParameter(), within: try await TopicService(req: req).scope(of: actor), on: req.db)
    }

    @Sendable static func read(req: Request) async throws -> MinutesDTO {
        let actor = try req.requireActor()
        return try await dto(try await meeting(req, actor), actor, req)
    }

    @Sendable static func publish(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let m = try await meeting(req, actor)
        let b = try req.decodeJSON(MinutesBody.self)
        let input = MinutesInput(attendees: b.attendees, organisations: b.organisations, contributions: b.contributions, decisions: b.decisions,
                                 attachments: b.attachments, publicDays: b.publicDays)
        _ = try await TopicService(req: req).publishMinutes(of: m, input, by: actor)
        return try await dto(m, actor, req).encodeResponse(status: .created, for: req)
    }

    @Sendable static func object(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let m = try await meeting(req, actor)
        let b = try req.decodeJSON(ObjectionBody.self)
        _ = try await TopicService(req: req).object(to: m, words: b.words, by: actor)
        return try await dto(m, actor, req).encodeResponse(status: .created, for: req)
    }

    static func dto(_ m: Meeting, _ actor: Actor, _ req: Request) async throws -> MinutesDTO {
        let service = TopicService(req: req)
        let staff = TopicRole(actor) == .reviewer
        var versions: [MinutesVersionDTO] = []
        var mine = false
        for (i, v) in try await service.minutes(of: m).enumerated() {
            let objections = try await service.objections(to: v)
            if i == 0 { mine = objections.contains { $0.userID == actor.userID } }
            versions.append(MinutesVersionDTO(version: v.version, attendees: v.attendees, organisations: v.organisations, contributions: v.contributions,
                                              decisions: v.decisions, attachments: v.attachments, publishedAt: v.publishedAt,
                                              objectionsUntil: v.objectionsUntil, objectionCount: objections.count,
                                              objections: staff ? objections.map { ObjectionDTO(words: $0.words, at: $0.at) } : nil))
        }
        return MinutesDTO(meetingId: m.id!, versions: versions, open: versions.first.map { service.now <= $0.objectionsUntil } ?? false,
                          objectedByMe: mine)
    }
}
