import Fluent
import JingzhiCore
import Vapor

struct ItemDTO: Content {
    struct Note: Content {
        let words: String
        let by: String
        let at: Date
    }

    let id: UUID
    let topicId: UUID
    let title: String
    let owner: String
    let deadline: Date
    let done: Bool
    let caseId: UUID?
    let caseNumber: String?
    let caseState: String?
    let notes: [Note]

    init(_ p: ItemProgress) {
        id = p.item.id!
        topicId = p.item.topicID
        title = p.item.title
        owner = p.item.owner
        deadline = p.item.deadline
        done = p.done
        caseId = p.caseRecord?.id
        caseNumber = p.caseRecord?.number
        caseState = p.caseRecord?.stateRaw
        notes = p.notes.map { Note(words: $0.words, by: $0.actorName, at: $0.at) }
    }
}

/// `/api/v1/topics/{id}/items`: a decided topic's consultation items, their progress, an item made a case.
enum ItemsAPI {
    struct ItemBody: Content {
        var title: String?
        var owner: String?
        var deadline: String?
    }

    struct NoteBody: Content { var words: String? }
    struct CaseBody: Content { var categoryCode: String? }

    static func register(_ api: any RoutesBuilder) {
        api.get("topics", ":id", "items", use: list)
        api.post("topics", ":id", "items", use: add)
        api.post("topics", ":id", "items", ":item", "notes", use: note)
        api.post("topics", ":id", "items", ":item", "done", use: done)
        api.post("topics", ":id", "items", ":item", "case", use: makeCase)
    }

    static func topic(_ req: Request) async throws -> (Topic, Actor, TopicService) {
        let actor = try req.requireActor()
        let service = TopicService(req: req)
        return (try await service.load(try req.idParameter(), for: actor), actor, service)
    }

    static func one(_ req: Request, _ service: TopicService, _ topic: Topic, _ id: UUID?) async throws -> ItemDTO {
        guard let p = try await service.progress(of: topic).first(where: { $0.item.id == id }) else { throw APIError.notFound }
        return ItemDTO(p)
    }

    @Sendable static func list(req: Request) async throws -> [ItemDTO] {
        let (t, _, service) = try await topic(req)
        return try await service.progress(of: t).map(ItemDTO.init)
    }

    @Sendable static func add(req: Request) async throws -> Response {
        let (t, actor, service) = try await topic(req)
        let b = try req.decodeJSON(ItemBody.self)
        let input = ItemInput(title: b.title, owner: b.owner, deadline: try MeetingsAPI.time(b.deadline, field: "deadline"))
        let i = try await service.addItem(to: t, input, by: actor)
        return try await one(req, service, t, i.id).encodeResponse(status: .created, for: req)
    }

    static func item(_ req: Request, _ service: TopicService, _ t: Topic) async throws -> ConsultationItem {
        try await service.item(req.parameters.get("item").flatMap(UUID.init(uuidString:)), of: t)
    }

    @Sendable static func note(req: Request) async throws -> Response {
        let (t, actor, service) = try await topic(req)
        let i = try await item(req, service, t)
        _ = try await service.note(on: i, words: try req.decodeJSON(NoteBody.self).words, by: actor)
        return try await one(req, service, t, i.id).encodeResponse(status: .created, for: req)
    }

    @Sendable static func done(req: Request) async throws -> ItemDTO {
        let (t, actor, service) = try await topic(req)
        let i = try await service.markDone(try await item(req, service, t), by: actor)
        return try await one(req, service, t, i.id)
    }

    @Sendable static func makeCase(req: Request) async throws -> Response {
        let (t, actor, service) = try await topic(req)
        let i = try await item(req, service, t)
        _ = try await service.makeCase(of: i, topic: t, categoryCode: try req.decodeJSON(CaseBody.self).categoryCode, by: actor)
        return try await one(req, service, t, i.id).encodeResponse(status: .created, for: req)
    }
}
