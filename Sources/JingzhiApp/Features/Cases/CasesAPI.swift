import Fluent
import JingzhiCore
import Vapor

struct CaseEventDTO: Content {
    let at: Date
    let actorName: String
    let action: String
    let fromState: String
    let toState: String
    let note: String?
}

struct CaseDTO: Content {
    struct Deadlines: Content {
        let responseDueAt: Date?
        let resolutionDueAt: Date?
    }
    let id: UUID
    let number: String
    let state: String
    let stateLabel: String
    let categoryCode: String
    let nodeId: UUID
    let description: String
    let channel: String
    let latitude: Double?
    let longitude: Double?
    let reporterName: String?
    let reporterPhone: String?
    let handlerLevel: String
    let handlerNodeId: UUID?
    let handlerDepartmentId: UUID?
    let deadlines: Deadlines
    let respondedAt: Date?
    let repliedAt: Date?
    let closedAt: Date?
    let rating: String?
    let ratingComment: String?
    let reopenedCount: Int
    let mergedIntoId: UUID?
    let version: Int
    let createdAt: Date?
    var history: [CaseEventDTO]?
    /// For a case a device raised: its serial and the household (see CaseOrigins).
    var deviceSerial: String?
    var householdId: UUID?

    init(_ c: Case, viewer: Actor?, lang: Lang = .zh) {
        let own = viewer?.userID == c.reporterID && c.reporterID != nil
        id = c.id!
        number = c.number
        state = c.stateRaw
        stateLabel = lang.t(c.state.zh, c.state.en)
        categoryCode = c.categoryCode
        nodeId = c.nodeID
        description = c.description
        channel = c.channel
        latitude = c.latitude
        longitude = c.longitude
        reporterName = own || viewer?.role.isStaff == true ? c.reporterName : nil
        reporterPhone = own || viewer?.role.seesFullPhone == true ? c.reporterPhone : Mask.phone(c.reporterPhone)
        viewer?.revealed("case_reporter", id: c.id, path: c.nodePath, viewer?.unmasked(idNumber: nil, phone: c.reporterPhone, own: own) ?? [])
        handlerLevel = c.handlerLevelRaw
        handlerNodeId = c.handlerNodeID
        handlerDepartmentId = c.handlerDepartmentID
        deadlines = Deadlines(responseDueAt: c.responseDueAt, resolutionDueAt: c.resolutionDueAt)
        respondedAt = c.respondedAt
        repliedAt = c.repliedAt
        closedAt = c.closedAt
        rating = c.rating
        ratingComment = c.ratingComment
        reopenedCount = c.reopenedCount
        mergedIntoId = c.mergedIntoID
        version = c.version
        createdAt = c.createdAt
    }
}

struct CaseCategoryDTO: Content {
    let code: String
    let name: String
    let parentCode: String?
    let defaultLevel: String
    let responseHours: Int
    let resolutionHours: Int
    let workingHours: Bool
}

/// `/api/v1/cases`: intake, reading, and every transition of the loop.
enum CasesAPI {
    struct SubmitBody: Content {
        var categoryCode: String?
        var nodeId: UUID?
        var description: String?
        var latitude: Double?
        var longitude: Double?
        var channel: String?
        var reporterName: String?
        var reporterPhone: String?
    }

    struct ActionBody: Content {
        var version: Int?
        var note: String?
        var level: String?
        var departmentCode: String?
        var rating: String?
        var mergeInto: UUID?
        /// dispatch, hand_back: the unit (grid, community, street, or a compound for its property company).
        var handlerNodeId: UUID?
        /// dispatch: an earlier resolution deadline than the category's (ISO 8601).
        var resolutionDueAt: String?
    }

    static func register(_ api: any RoutesBuilder) {
        api.get("case-categories", use: categories)
        let cases = api.grouped("cases")
        cases.post(use: submit)
        cases.get(use: list)
        cases.get(":id", use: show)
        cases.post(":id", "actions", ":action", use: act)
    }

    @Sendable static func categories(req: Request) async throws -> [CaseCategoryDTO] {
        _ = try req.requireActor()
        let all = try await CaseCategory.query(on: req.db).filter(\.$active == true).all()
        let codes = Dictionary(uniqueKeysWithValues: all.map { ($0.id!, $0.code) })
        return all.map { CaseCategoryDTO(code: $0.code, name: $0.name, parentCode: $0.parentID.flatMap { codes[$0] }, defaultLevel: $0.defaultLevelRaw,
                                         responseHours: $0.responseHours, resolutionHours: $0.resolutionHours, workingHours: $0.workingHours) }
    }

    @Sendable static func submit(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let body = try req.decodeJSON(SubmitBody.self)
        let channel = body.channel ?? (actor.role == .gridWorker ? "patrol" : "api")
        let submission = CaseSubmission(categoryCode: body.categoryCode, nodeID: body.nodeId, description: body.description,
                                        latitude: body.latitude, longitude: body.longitude, channel: channel,
                                        reporterName: body.reporterName, reporterPhone: body.reporterPhone)
        let filed = try await CaseService(req: req).file(submission, by: actor, idempotencyKey: req.headers.first(name: "Idempotency-Key"))
        var dto = CaseDTO(filed.caseRecord, viewer: actor, lang: req.lang)
        if let e = filed.firstEvent {
            dto.history = [CaseEventDTO(at: e.at, actorName: e.actorName, action: e.action, fromState: e.fromState, toState: e.toState, note: e.note)]
        } else {
            dto.history = try await history(filed.caseRecord, req)
        }
        return try await dto.encodeResponse(status: filed.created ? .created : .ok, for: req)
    }

    /// A page of cases; with `queue=`, the count of every queue for the tabs.
    struct CasePage: Content {
        struct Counts: Content {
            let toAccept, mine, toRate, done: Int
            enum CodingKeys: String, CodingKey { case toAccept = "to_accept", mine, toRate = "to_rate", done }
        }
        let items: [CaseDTO]
        let total: Int
        let page: Int
        let per: Int
        let counts: Counts?
    }

    /// The same selection as the case list page: `queue`, `state`, `mine`, `node` and the filters of `CaseFilters`.
    @Sendable static func list(req: Request) async throws -> CasePage {
        let actor = try req.requireActor()
        let page = try PageRequest(req)
        let unit = try await CaseUnit.of(actor, on: req.db)
        let s = try await CaseQueuePage.selection(req, actor)
        let (rows, total) = try await CaseQueuePage.rows(req, actor, unit, s, page: page)
        var counts: CasePage.Counts?
        if s.queue != nil {
            let n = try await CaseQueuePage.counts(req, actor, unit, s)
            counts = .init(toAccept: n[.toAccept] ?? 0, mine: n[.mine] ?? 0, toRate: n[.toRate] ?? 0, done: n[.done] ?? 0)
        }
        let origins = try await req.application.caseOrigins.of(rows, on: req.db, lang: req.lang)
        let items = rows.map { c in
            var dto = CaseDTO(c, viewer: actor, lang: req.lang)
            dto.deviceSerial = origins[c.id!]?.deviceSerial
            dto.householdId = origins[c.id!]?.householdId
            return dto
        }
        return CasePage(items: items, total: total, page: page.page, per: page.per, counts: counts)
    }

    static func load(_ req: Request, _ actor: Actor) async throws -> Case {
        try await CaseAccess.load(try req.idParameter(), for: actor, on: req.db)
    }

    static func history(_ c: Case, _ req: Request) async throws -> [CaseEventDTO] {
        try await CaseService(req: req).history(of: c).map {
            CaseEventDTO(at: $0.at, actorName: $0.actorName, action: $0.action, fromState: $0.fromState, toState: $0.toState, note: $0.note)
        }
    }

    @Sendable static func show(req: Request) async throws -> CaseDTO {
        let actor = try req.requireActor()
        let c = try await load(req, actor)
        var dto = CaseDTO(c, viewer: actor, lang: req.lang)
        dto.history = try await history(c, req)
        let origin = try await req.application.caseOrigins.of([c], on: req.db, lang: req.lang)[c.id!]
        dto.deviceSerial = origin?.deviceSerial
        dto.householdId = origin?.householdId
        return dto
    }

    @Sendable static func act(req: Request) async throws -> CaseDTO {
        let actor = try req.requireActor()
        guard let action = req.parameters.get("action").flatMap(CaseAction.init(rawValue:)) else {
            throw APIError(.notFound, code: "unknown_action", "未知操作 (unknown action; one of \(CaseAction.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let c = try await load(req, actor)
        let body = try req.decodeJSON(ActionBody.self)
        var input = CaseTransitionInput(note: body.note, handlerNodeID: body.handlerNodeId, departmentCode: body.departmentCode,
                                        mergeInto: body.mergeInto)
        if let raw = body.resolutionDueAt {
            guard let due = ISOTime.parse(raw) else {
                throw APIError.invalid("resolutionDueAt", "办结时限须为 ISO 8601 时间 (resolutionDueAt must be an ISO 8601 time)")
            }
            input.resolutionDueAt = due
        }
        if let raw = body.level {
            guard let level = HandlerLevel(rawValue: raw) else { throw APIError.invalid("level", "未知层级 \(raw) (unknown level)") }
            input.level = level
        }
        if let raw = body.rating {
            guard let rating = CaseMachine.Rating(rawValue: raw) else {
                throw APIError.invalid("rating", "评价须为 satisfied、basically_satisfied 或 unsatisfied (unknown rating)")
            }
            input.rating = rating
        }
        let updated = try await CaseService(req: req).perform(action, on: c, by: actor, expectedVersion: body.version, input: input)
        var dto = CaseDTO(updated, viewer: actor, lang: req.lang)
        dto.history = try await history(updated, req)
        return dto
    }
}
