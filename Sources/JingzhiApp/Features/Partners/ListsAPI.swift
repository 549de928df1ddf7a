import Foundation
import Fluent
import JingzhiCore
import Vapor

/// `/api/v1` for the three lists (needs, resources, projects with matches), suggestions and service logs.
enum ListsAPI {
    struct NeedBody: Content {
        var title: String?
        var category: String?
        var quantity: Int?
        var unit: String?
        var forWhom: String?
        var nodeId: String?
        var dueDay: String?
        var claimable: Bool?
        var forTag: String?
    }

    struct NeedReviewBody: Content {
        var note: String?
        var claimable: Bool?
    }

    struct ResourceBody: Content {
        var partnerId: UUID?
        var title: String?
        var category: String?
        var quantity: Int?
        var unit: String?
        var availableFrom: String?
        var availableTo: String?
        var place: String?
    }

    struct ProjectBody: Content {
        var title: String?
        var owner: String?
        var nodeId: String?
        var startDay: String?
        var endDay: String?
    }

    struct MatchBody: Content {
        var needId: UUID?
        var resourceId: UUID?
        var committed: Int?
    }

    struct ReviewBody: Content {
        var progress: Int?
        var minutes: String?
    }

    struct DeliverBody: Content { var quantity: Int? }

    struct LogBody: Content {
        var what: String?
        var day: String?
        var hours: Double?
        var forWhom: String?
    }

    struct NoteBody: Content { var note: String? }

    static func register(_ api: any RoutesBuilder) {
        api.get("needs", use: needs)
        api.post("needs", use: createNeed)
        api.get("needs", ":id", "suggestions", use: suggestions)
        api.post("needs", ":id", "cancel", use: cancelNeed)
        api.post("needs", ":id", "accept", use: { try await reviewNeed($0, accept: true) })
        api.post("needs", ":id", "decline", use: { try await reviewNeed($0, accept: false) })
        api.get("resources", use: resources)
        api.post("resources", use: createResource)
        api.get("projects", use: projects)
        api.post("projects", use: createProject)
        api.get("projects", ":id", use: project)
        api.post("projects", ":id", "matches", use: match)
        api.post("projects", ":id", "review", use: review)
        api.post("matches", ":id", "deliver", use: deliver)
        api.get("service-logs", use: logs)
        api.post("service-logs", use: createLog)
        api.post("service-logs", ":id", "confirm", use: { try await actLog($0, .confirm) })
        api.post("service-logs", ":id", "reject", use: { try await actLog($0, .reject) })
    }

    /// What the lists show the caller: staff and grid workers their scope; a partner its agreement's area.
    static func area(_ req: Request) async throws -> DataScope {
        let actor = try req.requireActor()
        if PartnerAccess.isStaff(actor) || actor.role == .gridWorker { return actor.scope }
        if let p = try await PartnerAccess.partner(of: actor, on: req.db) { return DataScope(rootPath: p.nodePath) }
        throw APIError.forbidden
    }

    static func filterState<T>(_ req: Request, _ parse: (String) -> T?) throws -> T? {
        guard let raw = try req.query.get(String?.self, at: "state"), !raw.isEmpty else { return nil }
        guard let v = parse(raw) else { throw APIError.invalid("state", "未知状态 \(raw) (unknown state)") }
        return v
    }

    /// The needs a caller sees: a resident those they raised; staff every state in their area; grid workers and
    /// partners only needs on the list (not those awaiting review or declined).
    static func needQuery(_ req: Request) async throws -> QueryBuilder<Need> {
        let actor = try req.requireActor()
        if actor.role == .resident { return Need.query(on: req.db).filter(\.$raisedBy == actor.userID) }
        let q = Need.query(on: req.db).within(try await area(req))
        if !PartnerAccess.isStaff(actor) { q.filter(\.$stateRaw !~ [NeedState.proposed.rawValue, NeedState.declined.rawValue]) }
        return q
    }

    @Sendable static func needs(req: Request) async throws -> PageOf<NeedDTO> {
        let page = try PageRequest(req)
        let q = try await needQuery(req)
        if let node = try await PartnersAPI.node(req) { q.within(DataScope(rootPath: node.path)) }
        if let s = try filterState(req, NeedState.init(rawValue:)) { q.filter(\.$stateRaw == s.rawValue) }
        if let c = try req.query.get(String?.self, at: "category"), !c.isEmpty { q.filter(\.$categoryRaw == (try PartnerCategory.parse(c)).rawValue) }
        let total = try await q.count()
        return PageOf(items: try await q.sort(\.$dueDay).range(page.range).all().map(NeedDTO.init), total: total, page: page.page)
    }

    @Sendable static func createNeed(req: Request) async throws -> Response {
        let b = try req.decodeJSON(NeedBody.self)
        let n = try await ListService(req: req).createNeed(NeedInput(title: b.title, category: b.category, quantity: b.quantity, unit: b.unit,
                                                                     forWhom: b.forWhom, nodeID: b.nodeId, dueDay: b.dueDay,
                                                                     claimable: b.claimable, forTag: b.forTag), by: try req.requireActor())
        return try await NeedDTO(n).encodeResponse(status: .created, for: req)
    }

    static func need(_ req: Request) async throws -> Need {
        try await Need.find(try req.idParameter(), within: try await area(req), on: req.db)
    }

    @Sendable static func reviewNeed(_ req: Request, accept: Bool) async throws -> NeedDTO {
        let n = try await need(req)
        let b = req.body.data?.readableBytes ?? 0 > 0 ? try req.decodeJSON(NeedReviewBody.self) : NeedReviewBody()
        return NeedDTO(try await ListService(req: req).review(n, accept: accept, note: b.note, claimable: b.claimable, by: try req.requireActor()))
    }

    @Sendable static func suggestions(req: Request) async throws -> [SuggestionDTO] {
        let n = try await need(req)
        return try await Suggestions(db: req.db, now: req.now).lines(within: .everything, needID: n.id, limit: 20)
            .map { SuggestionDTO(needId: $0.needID, resourceId: $0.resourceID, partnerId: $0.partnerID, left: $0.left) }
    }

    @Sendable static func cancelNeed(req: Request) async throws -> NeedDTO {
        let n = try await need(req)
        return NeedDTO(try await ListService(req: req).cancel(n, note: try req.decodeJSON(NoteBody.self).note, by: try req.requireActor()))
    }

    /// Resources of partners in the area, and of the partners above it that serve it.
    static func resourceQuery(_ req: Request, _ scope: DataScope) -> QueryBuilder<PartnerResource> {
        let width = PathSegment.width
        let above = stride(from: width, to: scope.rootPath.count, by: width).map { String(scope.rootPath.prefix($0)) }
        return PartnerResource.query(on: req.db).group(.or) { any in
            any.group(.and) { $0.within(scope) }
            if !above.isEmpty { any.filter(\.$nodePath ~~ above) }
        }
    }

    @Sendable static func resources(req: Request) async throws -> PageOf<ResourceDTO> {
        let scope = try await area(req)
        let page = try PageRequest(req)
        let q = resourceQuery(req, scope)
        if let c = try req.query.get(String?.self, at: "category"), !c.isEmpty { q.filter(\.$categoryRaw == (try PartnerCategory.parse(c)).rawValue) }
        let total = try await q.count()
        return PageOf(items: try await q.sort(\.$createdAt, .descending).range(page.range).all().map(ResourceDTO.init), total: total, page: page.page)
    }

    @Sendable static func createResource(req: Request) async throws -> Response {
        let b = try req.decodeJSON(ResourceBody.self)
        let r = try await ListService(req: req).createResource(ResourceInput(partnerID: b.partnerId, title: b.title, category: b.category, quantity: b.quantity,
                                                                             unit: b.unit, availableFrom: b.availableFrom, availableTo: b.availableTo,
                                                                             place: b.place), by: try req.requireActor())
        return try await ResourceDTO(r).encodeResponse(status: .created, for: req)
    }

    @Sendable static func projects(req: Request) async throws -> PageOf<ProjectDTO> {
        let actor = try req.requireActor()
        try PartnerAccess.requireStaff(actor)
        let page = try PageRequest(req)
        let q = PartnerProject.query(on: req.db).within(actor.scope)
        let total = try await q.count()
        return PageOf(items: try await q.sort(\.$startDay, .descending).range(page.range).all().map { ProjectDTO($0) }, total: total, page: page.page)
    }

    @Sendable static func createProject(req: Request) async throws -> Response {
        let b = try req.decodeJSON(ProjectBody.self)
        let p = try await ListService(req: req).createProject(title: b.title, owner: b.owner, nodeID: b.nodeId, startDay: b.startDay, endDay: b.endDay,
                                                              by: try req.requireActor())
        return try await ProjectDTO(p, matches: []).encodeResponse(status: .created, for: req)
    }

    static func loadProject(_ req: Request) async throws -> PartnerProject {
        let actor = try req.requireActor()
        try PartnerAccess.requireStaff(actor)
        return try await PartnerProject.find(try req.idParameter(), within: actor.scope, on: req.db)
    }

    @Sendable static func project(req: Request) async throws -> ProjectDTO {
        let p = try await loadProject(req)
        var d = ProjectDTO(p, matches: try await PartnerMatch.query(on: req.db).filter(\.$projectID == p.id!).sort(\.$createdAt).all())
        d.photos = try await ProjectPhotos.list(p, on: req.db).map(ProjectPhotoDTO.init)
        return d
    }

    @Sendable static func match(req: Request) async throws -> Response {
        let p = try await loadProject(req)
        let b = try req.decodeJSON(MatchBody.self)
        let m = try await ListService(req: req).match(p, needID: b.needId, resourceID: b.resourceId, committed: b.committed, by: try req.requireActor())
        return try await MatchDTO(m).encodeResponse(status: .created, for: req)
    }

    @Sendable static func review(req: Request) async throws -> ProjectDTO {
        let p = try await loadProject(req)
        let b = try req.decodeJSON(ReviewBody.self)
        return ProjectDTO(try await ListService(req: req).review(p, progress: b.progress, minutes: b.minutes, by: try req.requireActor()))
    }

    struct DeliveredDTO: Content {
        let match: MatchDTO
        let need: NeedDTO
    }

    @Sendable static func deliver(req: Request) async throws -> DeliveredDTO {
        let actor = try req.requireActor()
        guard let m = try await PartnerMatch.find(try req.idParameter(), on: req.db) else { throw APIError.notFound }
        let (after, need) = try await ListService(req: req).deliver(m, quantity: try req.decodeJSON(DeliverBody.self).quantity, by: actor)
        return DeliveredDTO(match: MatchDTO(after), need: NeedDTO(need))
    }

    /// Staff: the logs of their area; partners and members: their own.
    @Sendable static func logs(req: Request) async throws -> PageOf<ServiceLogDTO> {
        let actor = try req.requireActor()
        let page = try PageRequest(req)
        let q = ServiceLog.query(on: req.db)
        if PartnerAccess.isStaff(actor) { q.within(actor.scope) } else { q.filter(\.$userID == actor.userID) }
        if let s = try filterState(req, ServiceLogState.init(rawValue:)) { q.filter(\.$stateRaw == s.rawValue) }
        let total = try await q.count()
        return PageOf(items: try await q.sort(\.$day, .descending).range(page.range).all().map(ServiceLogDTO.init), total: total, page: page.page)
    }

    @Sendable static func createLog(req: Request) async throws -> Response {
        let b = try req.decodeJSON(LogBody.self)
        let l = try await ServiceLogService(req: req).log(what: b.what, day: b.day, hours: b.hours, forWhom: b.forWhom, by: try req.requireActor())
        return try await ServiceLogDTO(l).encodeResponse(status: .created, for: req)
    }

    static func actLog(_ req: Request, _ action: ServiceLogAction) async throws -> ServiceLogDTO {
        let actor = try req.requireActor()
        guard let l = try await ServiceLog.find(try req.idParameter(), on: req.db) else { throw APIError.notFound }
        guard !PartnerAccess.isStaff(actor) || actor.scope.contains(l.nodePath) else { throw APIError.notFound }
        let note = req.body.data?.readableBytes ?? 0 > 0 ? try req.decodeJSON(NoteBody.self).note : nil
        return ServiceLogDTO(try await ServiceLogService(req: req).act(action, l, note: note, by: actor))
    }
}
