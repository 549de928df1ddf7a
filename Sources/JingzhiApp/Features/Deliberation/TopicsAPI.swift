import Fluent
import JingzhiCore
import Vapor

struct TopicEventDTO: Content {
    let at: Date
    let action: String
    let fromState: String
    let toState: String
    let note: String?
    /// Staff see who moved it; residents see staff names and "居民" for residents.
    let actorName: String
}

struct TopicDTO: Content {
    let id: UUID
    let title: String
    let description: String
    let nodeId: UUID
    let communityId: UUID
    let stage: String
    let stageLabel: String
    let procedure: String
    let raiserRole: String
    /// Distinct households supporting it, and the community's threshold.
    let supportCount: Int
    let supportThreshold: Int
    let answer: String?
    let mergedIntoId: UUID?
    let caseIds: [UUID]
    /// The topic's photos, each at `/api/v1/topics/{id}/photos/{photoId}`.
    var photoIds: [UUID] = []
    /// Where it was raised from (visit, case, meeting) and that record's id; null when raised directly.
    let origin: String?
    let originId: UUID?
    let version: Int
    let createdAt: Date
    let reviewedAt: Date?
    var supportedByMe: Bool?
    var history: [TopicEventDTO]?

    init(_ t: Topic, threshold: Int, caseIds: [UUID], lang: Lang) {
        id = t.id!
        title = t.title
        description = t.description
        nodeId = t.nodeID
        communityId = t.communityID
        stage = t.stageRaw
        stageLabel = t.stage.label(lang)
        procedure = t.procedureRaw
        raiserRole = t.raiserRole
        supportCount = t.supportCount
        supportThreshold = threshold
        answer = t.answer
        mergedIntoId = t.mergedIntoID
        origin = t.originRaw
        originId = t.originID
        self.caseIds = caseIds
        version = t.version
        createdAt = t.createdAt
        reviewedAt = t.reviewedAt
    }
}

struct TopicPage: Content {
    let items: [TopicDTO]
    let total: Int
    let page: Int
    let per: Int
}

/// `/api/v1/topics`: raise, list, read, support, and every review move.
enum TopicsAPI {
    struct RaiseBody: Content {
        var title: String?
        var description: String?
        var nodeId: UUID?
        var procedure: String?
        var origin: String?
        var originId: UUID?
    }

    struct ActionBody: Content {
        var version: Int?
        var note: String?
        var mergeInto: UUID?
        var categoryCode: String?
        var procedure: String?
    }

    static func register(_ api: any RoutesBuilder) {
        let topics = api.grouped("topics")
        topics.get(use: list)
        topics.post(use: raise)
        topics.get("similar", use: TopicSimilarPages.api)
        topics.get(":id", use: show)
        topics.post(":id", "support", use: support)
        topics.post(":id", "actions", ":action", use: act)
    }

    @Sendable static func list(req: Request) async throws -> TopicPage {
        let actor = try req.requireActor()
        let page = try PageRequest(req)
        let filter = try await TopicFilter(req, actor)
        let (rows, total) = try await TopicService(req: req).list(filter, for: actor, page: page)
        return TopicPage(items: try await dtos(rows, req), total: total, page: page.page, per: page.per)
    }

    @Sendable static func raise(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let body = try req.decodeJSON(RaiseBody.self)
        let input = TopicInput(title: body.title, description: body.description, nodeID: body.nodeId, procedure: body.procedure,
                               origin: body.origin, originID: body.originId)
        let service = TopicService(req: req), key = req.headers.first(name: "Idempotency-Key")
        let (t, created) = body.origin == TopicOrigin.meeting.rawValue
            ? try await service.raiseAtMeeting(input, by: actor, idempotencyKey: key)
            : try await service.raise(input, by: actor, idempotencyKey: key)
        return try await detail(t, req, actor).encodeResponse(status: created ? .created : .ok, for: req)
    }

    @Sendable static func show(req: Request) async throws -> TopicDTO {
        let actor = try req.requireActor()
        return try await detail(try await TopicService(req: req).load(try req.idParameter(), for: actor), req, actor)
    }

    @Sendable static func support(req: Request) async throws -> TopicDTO {
        let actor = try req.requireActor()
        let service = TopicService(req: req)
        let t = try await service.support(try await service.load(try req.idParameter(), for: actor), by: actor)
        return try await detail(t, req, actor)
    }

    @Sendable static func act(req: Request) async throws -> TopicDTO {
        let actor = try req.requireActor()
        guard let action = req.parameters.get("action").flatMap(TopicAction.init(rawValue:)) else {
            throw APIError(.notFound, code: "unknown_action",
                           "未知操作 (unknown action; one of \(TopicAction.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let service = TopicService(req: req)
        let t = try await service.load(try req.idParameter(), for: actor)
        let b = try req.decodeJSON(ActionBody.self)
        let input = TopicActionInput(version: b.version, note: b.note, mergeInto: b.mergeInto, categoryCode: b.categoryCode, procedure: b.procedure)
        return try await detail(try await service.perform(action, on: t, by: actor, input: input), req, actor)
    }

    static func dtos(_ rows: [Topic], _ req: Request) async throws -> [TopicDTO] {
        guard !rows.isEmpty else { return [] }
        let ids = rows.compactMap(\.id)
        let links = try await TopicCaseLink.query(on: req.db).filter(\.$topicID ~~ ids).sort(\.$at).all()
        let cases = Dictionary(grouping: links, by: \.topicID).mapValues { $0.map(\.caseID) }
        var thresholds: [UUID: Int] = [:]
        for c in Set(rows.map(\.communityID)) { thresholds[c] = try await DeliberationSetting.of(c, on: req.db).threshold }
        return rows.map { TopicDTO($0, threshold: thresholds[$0.communityID] ?? DeliberationSetting.defaultThreshold, caseIds: cases[$0.id!] ?? [], lang: req.lang) }
    }

    static func detail(_ t: Topic, _ req: Request, _ actor: Actor) async throws -> TopicDTO {
        let service = TopicService(req: req)
        var dto = TopicDTO(t, threshold: try await DeliberationSetting.of(t.communityID, on: req.db).threshold,
                           caseIds: try await service.caseIDs(of: t), lang: req.lang)
        dto.photoIds = try await TopicPhotos.ids(of: t.id!, on: req.db)
        dto.supportedByMe = actor.role == .resident ? try await service.supported(t, by: actor) : nil
        let events = try await service.history(of: t)
        let residents = try await TopicTimeline.residentActors(events, on: req.db)
        dto.history = events.map { e in
            let name = actor.role.isStaff || e.actorID == actor.userID ? e.actorName
                : e.actorID.map { residents.contains($0) ? "居民" : e.actorName } ?? e.actorName
            return TopicEventDTO(at: e.at, action: e.action, fromState: e.fromState, toState: e.toState, note: e.note, actorName: name)
        }
        return dto
    }
}
