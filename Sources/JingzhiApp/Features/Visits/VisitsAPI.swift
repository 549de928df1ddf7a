import Fluent
import JingzhiCore
import Vapor

/// `/api/v1/visit-plans` and `/api/v1/visits`: care-visit plans, due and overdue visits, recording, coverage.
enum VisitsAPI {
    struct PlanBody: Content { var nodeId: String?; var tag: String?; var period: String?; var startsOn: String? }
    struct PlanDTO: Content {
        let id: UUID, nodeId: UUID, nodeName: String, tag: String, period: String, startsOn: String, active: Bool
        init(_ p: VisitPlan) { (id, nodeId, nodeName, tag, period, startsOn, active) = (p.id!, p.nodeID, p.nodeName, p.tag, p.periodRaw, p.startsOn, p.active) }
    }
    struct RecordBody: Content {
        var householdId: UUID?
        var visitedOn: String?
        var kind: String?
        var notes: String?
        var caseCategoryCode: String?
        var caseDescription: String?
    }
    struct RecordDTO: Content { let visit: VisitDTO; let caseId: UUID?; let caseNumber: String? }
    struct CoverageDTO: Content { let month: String; let definition: String; let total: GridCoverage; let grids: [GridCoverage] }

    static let coverageDefinition = "A planned visit is one (plan, tagged household, period) whose period is counted for the plan, ends inside the month and has ended; it is done on time when the household has a visit dated inside that period. Coverage = done / planned."

    static func register(_ api: any RoutesBuilder) {
        api.get("visit-plans", use: plans)
        api.post("visit-plans", use: createPlan)
        api.post("visit-plans", ":id", "retire", use: retire)
        api.get("visits", "due", use: due)
        api.post("visits", use: record)
        api.get("visits", "coverage", use: coverage)
    }

    /// The subtree a request is about: `node` inside the viewer's scope, else the viewer's own node.
    static func subtree(_ req: Request, _ actor: Actor) async throws -> OrgNode {
        if let raw = try req.query.get(String?.self, at: "node"), !raw.isEmpty {
            return try await OrgService(req: req).node(raw, within: actor.scope, field: "node")
        }
        if let id = actor.user.nodeID, let node = try await OrgNode.find(id, on: req.db) { return node }
        guard let root = try await OrgNode.query(on: req.db).filter(\.$parentID == nil).sort(\.$path).first() else { throw APIError.notFound }
        return root
    }

    @Sendable static func plans(req: Request) async throws -> [PlanDTO] {
        let actor = try req.requireActor()
        try actor.require(.viewResidents)
        return try await CareVisitService(req: req).plans(reaching: try await subtree(req, actor).path).map(PlanDTO.init)
    }

    @Sendable static func createPlan(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.manageOrg)
        let body = try req.decodeJSON(PlanBody.self)
        guard let raw = body.nodeId, !raw.isEmpty else { throw APIError.missing("nodeId") }
        let node = try await OrgService(req: req).node(raw, within: actor.scope, field: "nodeId")
        let plan = try await CareVisitService(req: req).createPlan(node: node, tag: body.tag, period: body.period, startsOn: body.startsOn,
                                                                   by: actor, source: req.auditSource)
        return try await PlanDTO(plan).encodeResponse(status: .created, for: req)
    }

    @Sendable static func retire(req: Request) async throws -> PlanDTO {
        let actor = try req.requireActor()
        try actor.require(.manageOrg)
        let plan = try await VisitPlan.find(try req.idParameter(), within: actor.scope, on: req.db)
        try await CareVisitService(req: req).retire(plan, source: req.auditSource)
        return PlanDTO(plan)
    }

    @Sendable static func due(req: Request) async throws -> Paged<VisitTask> {
        let actor = try req.requireActor()
        try actor.require(.logVisits)
        let page = try PageRequest(req, defaultPer: 50)
        let status = try req.query.get(String?.self, at: "status") ?? "open"
        guard ["open", "due", "overdue", "done", "all"].contains(status) else {
            throw APIError.invalid("status", "状态须为 open、due、overdue、done 或 all (unknown status)")
        }
        let tag = try req.query.get(String?.self, at: "tag").flatMap { $0.isEmpty ? nil : $0 }
        guard tag == nil || ResidentTags.all.contains(tag!) else { throw APIError.invalid("tag", "没有这个人群标签 (unknown tag)") }
        let tasks = try await CareVisitService(req: req).tasks(under: try await subtree(req, actor).path, tag: tag).filter {
            switch status {
            case "all": true
            case "open": $0.status != "done"
            default: $0.status == status
            }
        }
        let items = try await CareVisitService(req: req).addressed(tasks.dropFirst(page.offset).prefix(page.per))
        return Paged(items: items, total: tasks.count, page: page.page, per: page.per)
    }

    @Sendable static func record(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.logVisits)
        let body = try req.decodeJSON(RecordBody.self)
        guard let id = body.householdId else { throw APIError.missing("householdId") }
        let household = try await Household.find(id, within: actor.scope, on: req.db)
        let (visit, c) = try await CareVisitService(req: req).record(household: household, visitedOn: body.visitedOn, kind: body.kind, notes: body.notes,
                                                                     caseCategory: body.caseCategoryCode, caseDescription: body.caseDescription,
                                                                     by: actor, source: req.auditSource)
        return try await RecordDTO(visit: VisitDTO(visit), caseId: c?.id, caseNumber: c?.number).encodeResponse(status: .created, for: req)
    }

    @Sendable static func coverage(req: Request) async throws -> CoverageDTO {
        let actor = try req.requireActor()
        try actor.require(.viewResidents)
        let month = try req.query.get(String?.self, at: "month") ?? String(ShanghaiTime.today(req.now).prefix(7))
        let (total, grids) = try await CareVisitService(req: req).coverage(under: try await subtree(req, actor), month: month)
        return CoverageDTO(month: month, definition: coverageDefinition, total: total, grids: grids)
    }
}
