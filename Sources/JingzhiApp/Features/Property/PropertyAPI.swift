import Fluent
import JingzhiCore
import Vapor

/// `/api/v1/property`: companies, contracts, compounds with class, tier, history and tasks, inspections.
enum PropertyAPI {
    static func register(_ api: any RoutesBuilder) {
        let p = api.grouped("property")
        p.get("companies", use: companies)
        p.post("companies", use: createCompany)
        p.get("companies", ":id", use: company)
        p.patch("companies", ":id", use: updateCompany)
        p.post("companies", ":id", "staff", use: linkStaff)
        p.get("contracts", use: contracts)
        p.post("contracts", use: createContract)
        p.post("contracts", ":id", "end", use: endContract)
        p.get("compounds", use: compounds)
        p.get("compounds", ":id", use: compound)
        p.put("compounds", ":id", "class", use: setClass)
        p.post("compounds", ":id", "tier", use: changeTier)
        p.post("compounds", ":id", "tasks", use: addTask)
        p.post("tasks", ":id", "done", use: completeTask)
        p.get("inspection-items", use: inspectionItems)
        p.post("compounds", ":id", "inspections", use: inspect)
        FeesAPI.register(p)
        RatingsAPI.register(p)
    }

    struct CompanyBody: Content {
        var name: String?
        var licenceNo: String?
        var contactName: String?
        var contactPhone: String?
        var partyBranch: String?
        var kind: String?
        var active: Bool?

        var input: CompanyService.CompanyInput {
            .init(name: name, licenceNo: licenceNo, contactName: contactName, contactPhone: contactPhone, partyBranch: partyBranch, kind: kind)
        }
    }

    @Sendable static func companies(req: Request) async throws -> [CompanyDTO] {
        let actor = try req.requireActor()
        guard actor.role.isStaff else { throw APIError.forbidden }
        return try await PropertyCompany.query(on: req.db).sort(\.$name).all().map(CompanyDTO.init)
    }

    @Sendable static func createCompany(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try PropertyPolicy.requireCompanyManager(actor)
        let c = try await CompanyService(req: req).createCompany(try req.decodeJSON(CompanyBody.self).input)
        return try await CompanyDTO(c).encodeResponse(status: .created, for: req)
    }

    static func loadCompany(_ req: Request) async throws -> PropertyCompany {
        guard let c = try await PropertyCompany.find(try req.idParameter(), on: req.db) else { throw APIError.notFound }
        return c
    }

    @Sendable static func company(req: Request) async throws -> CompanyDTO {
        let actor = try req.requireActor()
        guard actor.role.isStaff else { throw APIError.forbidden }
        return CompanyDTO(try await loadCompany(req))
    }

    @Sendable static func updateCompany(req: Request) async throws -> CompanyDTO {
        let actor = try req.requireActor()
        try PropertyPolicy.requireCompanyManager(actor)
        let c = try await loadCompany(req)
        try await requireWholeCompany(c, actor, req)
        let body = try req.decodeJSON(CompanyBody.self)
        try await CompanyService(req: req).updateCompany(c, body.input, active: body.active)
        return CompanyDTO(c)
    }

    /// A company serving compounds outside a street is the county's to change: a street changes only a company that
    /// serves nothing outside it.
    static func requireWholeCompany(_ c: PropertyCompany, _ actor: Actor, _ req: Request) async throws {
        guard actor.role != .admin else { return }
        let paths = try await PropertyScope.compoundPaths(company: c.id!, on: req.db, now: req.now)
        guard paths.allSatisfy(actor.scope.contains) else {
            throw APIError(.forbidden, code: "forbidden", "该企业在您辖区以外也有服务合同，请由县级管理员修改 (the company also serves other areas; the county changes it)")
        }
    }

    struct StaffBody: Content { var userId: UUID? }

    @Sendable static func linkStaff(req: Request) async throws -> HTTPStatus {
        let actor = try req.requireActor()
        try PropertyPolicy.requireCompanyManager(actor)
        let c = try await loadCompany(req)
        guard let id = try req.decodeJSON(StaffBody.self).userId else { throw APIError.missing("userId") }
        guard let user = try await User.find(id, on: req.db) else {
            throw APIError(.notFound, code: "unknown_user", "账号不存在 (unknown account)", field: "userId")
        }
        // Linking decides the account's whole scope: a street links only its own accounts, to a company that serves it.
        if actor.role != .admin {
            let node = try await user.nodeID.asyncMap { try await OrgNode.find($0, on: req.db) } ?? nil
            guard let node, actor.scope.contains(node.path) else {
                throw APIError(.notFound, code: "unknown_user", "账号不存在或不在您的管辖范围 (unknown account)", field: "userId")
            }
            let serves = try await PropertyScope.compoundPaths(company: c.id!, on: req.db, now: req.now).contains(where: actor.scope.contains)
            guard serves else {
                throw APIError(.forbidden, code: "forbidden", "该企业未在您的辖区内服务 (the company serves nothing in your area)")
            }
        }
        try await CompanyService(req: req).linkStaff(user, to: c)
        return .noContent
    }

    struct ContractBody: Content {
        var compoundId: UUID?
        var companyId: UUID?
        var model: String?
        var startDay: String?
        var endDay: String?
        var feeFenPerM2: Double?
    }

    @Sendable static func contracts(req: Request) async throws -> [ContractDTO] {
        let actor = try req.requireActor()
        guard actor.role.isStaff else { throw APIError.forbidden }
        var q = PropertyContract.query(on: req.db).within(actor.scope)
        if let raw = try req.query.get(String?.self, at: "company"), let id = UUID(uuidString: raw) { q = q.filter(\.$companyID == id) }
        if let raw = try req.query.get(String?.self, at: "compound"), let id = UUID(uuidString: raw) { q = q.filter(\.$compoundID == id) }
        return try await q.sort(\.$nodePath).sort(\.$startDay).limit(5000).all().map(ContractDTO.init)
    }

    @Sendable static func createContract(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try PropertyPolicy.requireCompoundManager(actor)
        let b = try req.decodeJSON(ContractBody.self)
        let c = try await CompanyService(req: req).createContract(
            .init(compoundID: b.compoundId, companyID: b.companyId, model: b.model, startDay: b.startDay, endDay: b.endDay, feeFenPerM2: b.feeFenPerM2),
            scope: actor.scope)
        return try await ContractDTO(c).encodeResponse(status: .created, for: req)
    }

    struct ReasonBody: Content { var reason: String? }

    @Sendable static func endContract(req: Request) async throws -> ContractDTO {
        let actor = try req.requireActor()
        try PropertyPolicy.requireCompoundManager(actor)
        let c = try await PropertyContract.find(try req.idParameter(), within: actor.scope, on: req.db)
        try await CompanyService(req: req).endContract(c, reason: try req.decodeJSON(ReasonBody.self).reason, by: actor)
        return ContractDTO(c)
    }

    /// The compounds in scope with class, tier and today's company; `withoutCompany=1` lists only those nobody serves.
    static func directory(_ req: Request, scope: DataScope, compounds only: [UUID]? = nil) async throws -> [CompoundRowDTO] {
        var q = OrgNode.query(on: req.db).within(scope).filter(\.$kindRaw == NodeKind.compound.rawValue)
        if let only { q = q.filter(\.$id ~~ only) }
        let nodes = try await q.sort(\.$path).limit(10_000).all()
        let profiles = Dictionary(try await CompoundProfile.query(on: req.db).within(scope).all().map { ($0.compoundID, $0) }) { a, _ in a }
        let contracts = Dictionary(try await PropertyScope.activeContracts(on: req.db, now: req.now).within(scope).all().map { ($0.compoundID, $0) }) { a, _ in a }
        let companies = Dictionary(try await PropertyCompany.query(on: req.db).all().map { ($0.id!, $0.name) }) { a, _ in a }
        return nodes.map { n in
            let p = profiles[n.id!], c = contracts[n.id!]
            return CompoundRowDTO(id: n.id!, code: n.code, name: n.name, compoundClass: p.flatMap { $0.compoundClass.isEmpty ? nil : $0.compoundClass },
                                  tier: p?.tier ?? "improving", companyId: c?.companyID, companyName: c?.companyID.flatMap { companies[$0] },
                                  model: c?.model, withoutCompany: c?.companyID == nil)
        }
    }

    @Sendable static func compounds(req: Request) async throws -> [CompoundRowDTO] {
        let actor = try req.requireActor()
        guard actor.role.isStaff else { throw APIError.forbidden }
        var rows = try await directory(req, scope: actor.scope)
        if try req.query.get(String?.self, at: "withoutCompany") == "1" { rows = rows.filter(\.withoutCompany) }
        if let tier = try req.query.get(String?.self, at: "tier"), !tier.isEmpty { rows = rows.filter { $0.tier == tier } }
        if let cls = try req.query.get(String?.self, at: "class"), !cls.isEmpty { rows = rows.filter { $0.compoundClass == cls } }
        return rows
    }

    static func detail(_ req: Request, _ node: OrgNode, scope: DataScope) async throws -> CompoundDetailDTO {
        let row = try await directory(req, scope: DataScope(rootPath: node.path), compounds: [node.id!]).first!
        let today = ShanghaiTime.today(req.now)
        return CompoundDetailDTO(
            compound: row,
            households: try await Household.query(on: req.db).within(DataScope(rootPath: node.path)).count(),
            contracts: try await PropertyContract.query(on: req.db).filter(\.$compoundID == node.id!).sort(\.$startDay, .descending).all().map(ContractDTO.init),
            tierHistory: try await CompoundTierChange.query(on: req.db).filter(\.$compoundID == node.id!).sort(\.$at, .descending).all().map(TierChangeDTO.init),
            tasks: try await ImprovementTask.query(on: req.db).filter(\.$compoundID == node.id!).sort(\.$dueDay).all().map { TaskDTO($0, today: today) })
    }

    @Sendable static func compound(req: Request) async throws -> CompoundDetailDTO {
        let actor = try req.requireActor()
        guard actor.role.isStaff else { throw APIError.forbidden }
        return try await detail(req, try await req.compound(try req.idParameter(), within: actor.scope), scope: actor.scope)
    }

    struct ClassBody: Content { var `class`: String? }

    @Sendable static func setClass(req: Request) async throws -> CompoundDetailDTO {
        let actor = try req.requireActor()
        try PropertyPolicy.requireCompoundManager(actor)
        let node = try await req.compound(try req.idParameter(), within: actor.scope)
        _ = try await CompanyService(req: req).setClass(node, to: try req.decodeJSON(ClassBody.self).class)
        return try await detail(req, node, scope: actor.scope)
    }

    struct TaskBody: Content {
        var title: String?
        var owner: String?
        var dueDay: String?
        var input: CompanyService.TaskInput { .init(title: title, owner: owner, dueDay: dueDay) }
    }

    struct TierBody: Content {
        var tier: String?
        var reason: String?
        var tasks: [TaskBody]?
    }

    @Sendable static func changeTier(req: Request) async throws -> CompoundDetailDTO {
        let actor = try req.requireActor()
        try PropertyPolicy.requireCompoundManager(actor)
        let node = try await req.compound(try req.idParameter(), within: actor.scope)
        let b = try req.decodeJSON(TierBody.self)
        _ = try await CompanyService(req: req).changeTier(node, to: b.tier, reason: b.reason, tasks: (b.tasks ?? []).map(\.input), actor: actor)
        return try await detail(req, node, scope: actor.scope)
    }

    @Sendable static func addTask(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try PropertyPolicy.requireCompoundManager(actor)
        let node = try await req.compound(try req.idParameter(), within: actor.scope)
        let task = try await CompanyService(req: req).addTask(node, try req.decodeJSON(TaskBody.self).input)
        return try await TaskDTO(task, today: ShanghaiTime.today(req.now)).encodeResponse(status: .created, for: req)
    }

    @Sendable static func completeTask(req: Request) async throws -> TaskDTO {
        let actor = try req.requireActor()
        // The company carries out tasks too: its staff may tick off tasks of their compounds.
        guard [.admin, .streetStaff, .communityStaff, .propertyStaff].contains(actor.role) else { throw APIError.forbidden }
        let task = try await ImprovementTask.find(try req.idParameter(), within: actor.scope, on: req.db)
        try await CompanyService(req: req).completeTask(task, by: actor)
        return TaskDTO(task, today: ShanghaiTime.today(req.now))
    }

    struct ItemDTO: Content { let code: String; let name: String; let maxPoints: Int }

    @Sendable static func inspectionItems(req: Request) async throws -> [ItemDTO] {
        _ = try req.requireActor()
        return try await InspectionItem.query(on: req.db).filter(\.$active == true).sort(\.$code).all()
            .map { ItemDTO(code: $0.code, name: $0.name, maxPoints: $0.maxPoints) }
    }

    struct InspectionBody: Content {
        var month: String?
        var scores: [String: Double]?
        var note: String?
    }

    @Sendable static func inspect(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try PropertyPolicy.requireCompoundManager(actor)
        let node = try await req.compound(try req.idParameter(), within: actor.scope)
        let b = try req.decodeJSON(InspectionBody.self)
        let i = try await InspectionService(req: req).record(compound: node, month: b.month, scores: b.scores, note: b.note, by: actor)
        return try await InspectionDTO(i).encodeResponse(status: .created, for: req)
    }
}
