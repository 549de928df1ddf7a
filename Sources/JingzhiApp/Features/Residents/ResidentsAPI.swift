import Fluent
import JingzhiCore
import Vapor

/// `/api/v1/residents`, `/api/v1/households`: the register as JSON.
enum ResidentsAPI {
    static func register(_ api: any RoutesBuilder) {
        let residents = api.grouped("residents")
        residents.get(use: list)
        residents.post(use: create)
        residents.get("tags") { _ in ResidentTags.all }
        ResidentRetentionPages.registerAPI(residents)
        ResidentExportJobPages.registerAPI(residents)
        residents.get(":id", use: show)
        residents.patch(":id", use: update)
        residents.delete(":id", use: delete)
        residents.on(.POST, "import", body: .collect(maxSize: "20mb"), use: ResidentImportAPI.importCSV)
        residents.get("export", use: ResidentImportAPI.exportCSV)

        let households = api.grouped("households")
        households.get(use: listHouseholds)
        households.post(use: createHousehold)
        households.get(":id", use: showHousehold)
        households.get(":id", "visits", use: listVisits)
        households.post(":id", "visits", use: createVisit)
    }

    static func query(from req: Request) async throws -> ResidentQuery {
        var query = ResidentQuery()
        query.searchIDTails = req.actor?.role.seesFullIDNumber ?? false
        query.q = try req.query.get(String?.self, at: "q")
        query.tag = try req.query.get(String?.self, at: "tag").flatMap { $0.isEmpty ? nil : $0 }
        if let tag = query.tag, !ResidentTags.all.contains(tag) {
            throw APIError.invalid("tag", "未知标签 \(tag) (unknown tag)")
        }
        query.gender = try req.query.get(String?.self, at: "gender")
        query.ageMin = try age(req, "ageMin")
        query.ageMax = try age(req, "ageMax")
        if let raw = try req.query.get(String?.self, at: "node"), !raw.isEmpty {
            query.node = try await OrgService(req: req).node(raw, within: try req.requireActor().scope, field: "node")
        }
        return query
    }

    /// An age filter; a form sends an empty field when it is not used.
    static func age(_ req: Request, _ name: String) throws -> Int? {
        guard let raw = try req.query.get(String?.self, at: name)?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        guard let n = Int(raw), (0...150).contains(n) else { throw APIError.invalid(name, "年龄须为 0–150 的整数 (age must be a whole number 0–150)") }
        return n
    }

    @Sendable static func list(req: Request) async throws -> Paged<ResidentDTO> {
        let actor = try req.requireActor()
        try actor.require(.viewResidents)
        let page = try PageRequest(req)
        let result = try await ResidentService(req: req).list(try await query(from: req), scope: actor.scope, page: page)
        let items = result.items.map { ResidentDTO($0.0, household: $0.1, viewer: actor, now: req.now) }
        return Paged(items: items, total: result.total, page: page.page, per: page.per)
    }

    @Sendable static func show(req: Request) async throws -> ResidentDTO {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        // Residents may read their own entry; staff need the register permission and scope.
        if actor.role == .resident {
            guard actor.user.residentID == id, let r = try await Resident.find(id, on: req.db) else { throw APIError.notFound }
            return ResidentDTO(r, household: try await Household.find(r.householdID, on: req.db), viewer: actor, now: req.now)
        }
        try actor.require(.viewResidents)
        let r = try await Resident.find(id, within: actor.scope, on: req.db)
        return ResidentDTO(r, household: try await Household.find(r.householdID, on: req.db), viewer: actor, now: req.now)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.editResidents)
        let body = try req.decodeJSON(ResidentBody.self)
        guard let hid = body.householdId else { throw APIError.missing("householdId") }
        let household = try await Household.find(hid, within: actor.scope, on: req.db)
        let r = try await ResidentService(req: req).create(body.input, in: household, source: req.auditSource)
        return try await ResidentDTO(r, household: household, viewer: actor, now: req.now).encodeResponse(status: .created, for: req)
    }

    @Sendable static func update(req: Request) async throws -> ResidentDTO {
        let actor = try req.requireActor()
        try actor.require(.editResidents)
        let r = try await Resident.find(try req.idParameter(), within: actor.scope, on: req.db)
        let body = try req.decodeJSON(ResidentBody.self)
        if body.householdId != nil && body.householdId != r.householdID {
            throw APIError.invalid("householdId", "迁户请先注销后在新住户登记 (move a resident by registering them in the new household)")
        }
        try await ResidentService(req: req).update(r, with: body.input, source: req.auditSource)
        return ResidentDTO(r, household: try await Household.find(r.householdID, on: req.db), viewer: actor, now: req.now)
    }

    @Sendable static func delete(req: Request) async throws -> HTTPStatus {
        let actor = try req.requireActor()
        try actor.require(.deleteResidents)
        let r = try await Resident.find(try req.idParameter(), within: actor.scope, on: req.db)
        try await ResidentService(req: req).delete(r, reason: try req.query.get(String?.self, at: "reason"), source: req.auditSource)
        return .noContent
    }

    @Sendable static func listHouseholds(req: Request) async throws -> Paged<HouseholdDTO> {
        let actor = try req.requireActor()
        try actor.require(.viewResidents)
        let page = try PageRequest(req)
        var scope = actor.scope
        if let node = try await query(from: req).node { scope = DataScope(rootPath: node.path) }
        var builder = Household.query(on: req.db).within(scope)
        if let q = try req.query.get(String?.self, at: "q"), !q.isEmpty { builder = builder.filter(\.$address ~~ q) }
        let total = try await builder.count()
        let rows = try await builder.sort(\.$nodePath).sort(\.$room).range(page.range).all()
        return Paged(items: rows.map(HouseholdDTO.init), total: total, page: page.page, per: page.per)
    }

    @Sendable static func createHousehold(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.editResidents)
        let body = try req.decodeJSON(HouseholdBody.self)
        guard let nodeID = body.nodeId else { throw APIError.missing("nodeId") }
        let node = try await OrgService(req: req).node(nodeID.uuidString, within: actor.scope, field: "nodeId")
        let h = try await ResidentService(req: req).createHousehold(node: node, room: body.room, occupancy: body.occupancy,
                                                                     scope: actor.scope, source: req.auditSource)
        return try await HouseholdDTO(h).encodeResponse(status: .created, for: req)
    }

    @Sendable static func showHousehold(req: Request) async throws -> HouseholdDTO {
        let actor = try req.requireActor()
        try actor.require(.viewResidents)
        let h = try await Household.find(try req.idParameter(), within: actor.scope, on: req.db)
        let service = ResidentService(req: req)
        var dto = HouseholdDTO(h)
        dto.members = try await service.members(of: h).map { ResidentDTO($0, household: h, viewer: actor, now: req.now) }
        dto.visits = try await service.visits(of: h).map(VisitDTO.init)
        return dto
    }

    @Sendable static func listVisits(req: Request) async throws -> [VisitDTO] {
        let actor = try req.requireActor()
        try actor.require(.viewResidents)
        let h = try await Household.find(try req.idParameter(), within: actor.scope, on: req.db)
        return try await ResidentService(req: req).visits(of: h, limit: 200).map(VisitDTO.init)
    }

    @Sendable static func createVisit(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.logVisits)
        let h = try await Household.find(try req.idParameter(), within: actor.scope, on: req.db)
        let body = try req.decodeJSON(VisitBody.self)
        let v = try await ResidentService(req: req).addVisit(to: h, on: body.visitedOn, kind: body.kind, notes: body.notes,
                                                              visitor: actor.user, source: req.auditSource)
        return try await VisitDTO(v).encodeResponse(status: .created, for: req)
    }
}
