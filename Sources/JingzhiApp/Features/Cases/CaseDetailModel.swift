import Fluent
import JingzhiCore
import Vapor

/// What the case page shows, read once from the database; `CaseDetail.body` draws it with nothing else at hand.
struct CaseDetailModel: Sendable {
    struct Step: Sendable {
        let toState: String
        let note: String?
        let actorName: String
        let at: Date
    }

    struct Similar: Sendable {
        let id: UUID
        let number: String
        let description: String
    }

    let id: UUID
    let number: String
    let version: Int
    let state: CaseState
    let description: String
    let category: String
    /// The place, from the street down.
    let place: [String]
    let handlerLevel: HandlerLevel
    let unit: String
    let responseDueAt: Date?
    let responseLate: Bool
    let resolutionDueAt: Date?
    let resolutionLate: Bool
    /// Name and (masked as the viewer's role requires) phone; nil for viewers who may not see who reported it.
    let reporter: (name: String?, phone: String?)?
    let rating: CaseMachine.Rating?
    let ratingComment: String?
    let photoIDs: [UUID]
    let mayAddPhotos: Bool
    /// The moves the viewer may make now, in the lifecycle's order.
    let allowed: [CaseAction]
    let similar: [Similar]
    let steps: [Step]
    /// The latest answer the handler gave (a reply's note), shown first to the resident.
    var reply: String? { steps.last { $0.toState == CaseState.replied.rawValue && $0.note != nil }?.note }
    /// The units the dispatch form offers (empty when the viewer cannot dispatch).
    var units = DispatchUnit.Options()
    /// Where the case came from, as the features that filed it say (`CaseOrigins`).
    var origins: [CaseOrigin] = []
    /// Links other features offer on the case for this viewer (`app.pageLinks`, page "case").
    var links: [PageLink] = []

    static func load(_ req: Request, _ actor: Actor, _ c: Case) async throws -> CaseDetailModel {
        let events = try await CaseService(req: req).history(of: c)
        let category = try await CaseCategory.find(c.categoryID, on: req.db)
        let place = try await OrgNode.find(c.nodeID, on: req.db)
        let chain = try await place.asyncMap { try await OrgService(req: req).ancestors(of: $0) } ?? []
        let unit: String
        if let d = c.handlerDepartmentID { unit = try await Department.find(d, on: req.db)?.name ?? "" }
        else if let n = c.handlerNodeID { unit = try await OrgNode.find(n, on: req.db)?.name ?? "" }
        else { unit = "" }
        let handlerPath = try await CaseAccess.handlerPath(of: c, on: req.db)
        let allowed = CaseAccess.actions(on: c, by: actor, handlerPath: handlerPath)
        let similar = allowed.contains(.merge) ? try await similarCases(req, c, scope: actor.scope) : []
        let dto = CaseDTO(c, viewer: actor, lang: req.lang)
        let units = allowed.contains(.dispatch) || allowed.contains(.handBack)
            ? try await DispatchUnit.options(for: c, chain: chain, on: req.db, now: req.now, lang: req.lang) : DispatchUnit.Options()
        let photos = try await CasePhoto.query(on: req.db).filter(\.$caseID == c.id!).sort(\.$createdAt).field(\.$id).field(\.$createdAt).all()
        var model = CaseDetailModel(
            id: c.id!, number: c.number, version: c.version, state: c.state, description: c.description,
            category: category?.name ?? c.categoryCode, place: chain.dropFirst().map(\.name), handlerLevel: c.handlerLevel, unit: unit,
            responseDueAt: c.responseDueAt, responseLate: c.responseOverdueAt != nil,
            resolutionDueAt: c.resolutionDueAt, resolutionLate: c.resolutionOverdueAt != nil,
            reporter: actor.role.isStaff ? (dto.reporterName, dto.reporterPhone) : nil,
            rating: c.rating.flatMap(CaseMachine.Rating.init(rawValue:)), ratingComment: c.ratingComment,
            photoIDs: photos.compactMap(\.id), mayAddPhotos: CaseAccess.canAddPhotos(c, actor, handlerPath: handlerPath),
            allowed: allowed, similar: similar.map { Similar(id: $0.id!, number: $0.number, description: $0.description) },
            steps: events.map { Step(toState: $0.toState, note: $0.note, actorName: $0.actorName, at: $0.at) }, units: units)
        model.origins = try await req.application.caseOrigins.origins(of: c, on: req.db, lang: req.lang)
        model.links = try await req.application.pageLinks.links("case", req, id: c.id!)
        return model
    }

    /// Open cases of the same category at the same place from the last two weeks: likely the same problem reported twice.
    static func similarCases(_ req: Request, _ c: Case, scope: DataScope) async throws -> [Case] {
        let since = (c.createdAt ?? req.now).addingTimeInterval(-14 * 86400)
        return try await Case.query(on: req.db).within(scope).filter(\.$nodePath == c.nodePath).filter(\.$categoryCode == c.categoryCode)
            .filter(\.$id != c.id!).filter(\.$createdAt >= since)
            .filter(\.$stateRaw !~ [CaseState.closed, .merged, .rejected].map(\.rawValue)).sort(\.$createdAt).limit(5).all()
    }
}
