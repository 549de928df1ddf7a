import Foundation
import Fluent
import JingzhiCore
import Vapor

struct MatterDTO: Content {
    let id: UUID
    let code: String
    let name: String
    let description: String
    let eligibility: String
    let minAge: Int?
    let requiredTag: String?
    let materials: [String]
    let deadlineDays: Int
    let certificateTitle: String?
    let active: Bool
    let version: Int
    /// The street or community whose own matter it is; nil for the county's catalogue.
    let nodeId: UUID?
    let nodeName: String?

    init(_ m: ServiceMatter, owners: [UUID: String] = [:]) {
        id = m.id!
        code = m.code
        name = m.name
        description = m.details
        eligibility = m.eligibility
        minAge = m.minAge
        requiredTag = m.requiredTag
        materials = m.materials
        deadlineDays = m.deadlineDays
        certificateTitle = m.certificateTitle
        active = m.active
        version = m.version
        nodeId = m.nodeID
        nodeName = m.nodeID.flatMap { owners[$0] }
    }
}

struct ApplicationDTO: Content {
    struct Material: Content {
        let id: UUID
        let material: String
        let contentType: String
        let size: Int
    }

    let id: UUID
    let number: String
    let matterId: UUID
    let matter: String
    let residentId: UUID
    /// Masked for anyone but the resident and the staff who handle it.
    let residentName: String
    let proxy: Bool
    let state: String
    let submittedAt: Date
    let dueAt: Date
    let overdue: Bool
    let decidedAt: Date?
    let missing: [String]
    let decisionNote: String?
    let certificateNumber: String?
    let verifyUrl: String?
    let version: Int
    var materials: [Material]?

    init(_ a: ServiceApplication, viewer: Actor, base: String, now: Date, materials: [ServiceMaterial]? = nil) {
        id = a.id!
        number = a.number
        matterId = a.matterID
        matter = a.matterName
        residentId = a.residentID
        residentName = ServiceAccess.seesName(a, viewer) ? a.residentName : Mask.name(a.residentName)
        proxy = a.proxy
        state = a.stateRaw
        submittedAt = a.submittedAt
        dueAt = a.dueAt
        overdue = a.overdueAt != nil || (a.state.isOpen && a.state != .needsMore && a.dueAt < now)
        decidedAt = a.decidedAt
        missing = a.missing
        decisionNote = a.decisionNote
        certificateNumber = a.certificateNumber
        verifyUrl = a.verifyToken.map { base + SiteURL.Services.verify(token: $0).path }
        version = a.version
        self.materials = materials?.map { Material(id: $0.id!, material: $0.material, contentType: $0.contentType, size: $0.size) }
    }
}

/// `/api/v1/services`: the catalogue, applications and their moves, the measures; `/api/v1/verify/{token}` for anyone.
enum ServicesAPI {
    struct MatterBody: Content {
        var code: String?
        var name: String?
        var description: String?
        var eligibility: String?
        var minAge: Int?
        var requiredTag: String?
        var materials: [String]?
        var deadlineDays: Int?
        var certificateTitle: String?
        var active: Bool?
        var sortOrder: Int?
        var version: Int?
        var nodeId: UUID?

        var input: MatterInput {
            MatterInput(code: code, name: name, details: description, eligibility: eligibility, minAge: minAge, requiredTag: requiredTag,
                        materials: materials ?? [], deadlineDays: deadlineDays, certificateTitle: certificateTitle, active: active ?? true,
                        sortOrder: sortOrder, nodeID: nodeId)
        }
    }

    struct MaterialBody: Content {
        var material: String?
        /// The photo, base64.
        var data: String?
    }

    struct ApplyBody: Content {
        var matterId: UUID?
        var residentId: UUID?
        var note: String?
        var materials: [MaterialBody]?
    }

    struct ActBody: Content {
        var version: Int?
        var note: String?
        var missing: [String]?
        var materials: [MaterialBody]?
    }

    static func register(api: any RoutesBuilder, authed: any RoutesBuilder) {
        api.get("verify", ":token", use: verify)
        let s = authed.grouped("services")
        s.get("matters", use: matters)
        s.post("matters", use: createMatter)
        s.put("matters", ":id", use: updateMatter)
        s.get("applications", use: list)
        s.on(.POST, "applications", body: .collect(maxSize: "40mb"), use: apply)
        s.get("applications", ":id", use: show)
        for action in [ServiceAction.accept, .requestMore, .approve, .reject, .withdraw] {
            s.post("applications", ":id", PathComponent(stringLiteral: action.rawValue.replacingOccurrences(of: "_", with: "-")),
                   use: { try await act($0, action) })
        }
        s.on(.POST, "applications", ":id", "supplement", body: .collect(maxSize: "40mb"), use: supplement)
        s.get("measures", use: measures)
    }

    static func files(_ bodies: [MaterialBody]?) throws -> [MaterialFile] {
        try (bodies ?? []).map { b in
            guard let name = b.material?.trimmingCharacters(in: .whitespaces), !name.isEmpty else { throw APIError.missing("materials") }
            guard let raw = b.data, let data = Data(base64Encoded: raw, options: .ignoreUnknownCharacters) else {
                throw APIError.invalid("materials", "「\(name)」的照片应为 base64 编码 (the photo of \(name) must be base64)")
            }
            return MaterialFile(material: name, data: data)
        }
    }

    static func dto(_ req: Request, _ a: ServiceApplication, _ actor: Actor, materials: Bool = false) async throws -> ApplicationDTO {
        ApplicationDTO(a, viewer: actor, base: req.publicBase, now: req.now,
                       materials: materials ? try await ServiceMaterials.list(a.id!, on: req.db) : nil)
    }

    @Sendable static func matters(req: Request) async throws -> [MatterDTO] {
        let actor = try req.requireActor()
        let catalog = ServiceCatalog(req: req)
        let rows = try await catalog.matters(for: actor, includeRetired: ServiceCatalog.editorRoles.contains(actor.role))
        let owners = try await catalog.owners(rows)
        return rows.map { MatterDTO($0, owners: owners) }
    }

    @Sendable static func createMatter(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let catalog = ServiceCatalog(req: req)
        let m = try await catalog.create(try req.decodeJSON(MatterBody.self).input, by: actor)
        return try await MatterDTO(m, owners: try await catalog.owners([m])).encodeResponse(status: .created, for: req)
    }

    @Sendable static func updateMatter(req: Request) async throws -> MatterDTO {
        let actor = try req.requireActor()
        try ServiceCatalog.requireEditor(actor)
        let body = try req.decodeJSON(MatterBody.self)
        let catalog = ServiceCatalog(req: req)
        let m = try await catalog.update(try await catalog.matter(try req.idParameter(), for: actor), body.input, version: body.version, by: actor)
        return MatterDTO(m, owners: try await catalog.owners([m]))
    }

    @Sendable static func list(req: Request) async throws -> Paged<ApplicationDTO> {
        let actor = try req.requireActor()
        let filter = try ServiceQueue.Filter(req)
        let page = try PageRequest(req)
        let (rows, total) = try await ServiceQueue(db: req.db, now: req.now).list(for: actor, filter, page: page)
        return Paged(items: rows.map { ApplicationDTO($0, viewer: actor, base: req.publicBase, now: req.now) }, total: total, page: page.page, per: page.per)
    }

    @Sendable static func apply(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let body = try req.decodeJSON(ApplyBody.self)
        let a = try await ServiceApplications(req: req).apply(
            ApplicationInput(matterID: body.matterId, residentID: body.residentId, note: body.note, files: try files(body.materials)), by: actor)
        return try await dto(req, a, actor, materials: true).encodeResponse(status: .created, for: req)
    }

    @Sendable static func show(req: Request) async throws -> ApplicationDTO {
        let actor = try req.requireActor()
        return try await dto(req, try await ServiceAccess.load(try req.idParameter(), for: actor, on: req.db), actor, materials: true)
    }

    static func act(_ req: Request, _ action: ServiceAction) async throws -> ApplicationDTO {
        let actor = try req.requireActor()
        let a = try await ServiceAccess.load(try req.idParameter(), for: actor, on: req.db)
        let body = req.body.data?.readableBytes ?? 0 > 0 ? try req.decodeJSON(ActBody.self) : ActBody()
        let after = try await ServiceApplications(req: req).perform(action, on: a, by: actor, version: body.version, note: body.note,
                                                                   missing: body.missing ?? [])
        return try await dto(req, after, actor)
    }

    @Sendable static func supplement(req: Request) async throws -> ApplicationDTO {
        let actor = try req.requireActor()
        let a = try await ServiceAccess.load(try req.idParameter(), for: actor, on: req.db)
        let body = try req.decodeJSON(ActBody.self)
        let after = try await ServiceApplications(req: req).supplement(a, files: try files(body.materials), by: actor, version: body.version)
        return try await dto(req, after, actor, materials: true)
    }

    struct MeasuresDTO: Content {
        let from: String
        let to: String
        let applications: Int
        let decided: Int
        let onTimeShare: Double?
        let matters: [ServiceMeasures.Line]
    }

    @Sendable static func measures(req: Request) async throws -> MeasuresDTO {
        let actor = try req.requireActor()
        guard ServiceAccess.handlerRoles.contains(actor.role) else { throw APIError.forbidden }
        let (from, to) = try ServiceMeasuresPage.period(req)
        let lines = try await ServiceMeasures(db: req.db).perMatter(in: actor.scope, from: ShanghaiTime.dayStart(from),
                                                                    to: ShanghaiTime.dayStart(ShanghaiTime.add(1, to: to)))
        let decided = lines.reduce(0) { $0 + $1.decided }
        return MeasuresDTO(from: from, to: to, applications: lines.reduce(0) { $0 + $1.applications }, decided: decided,
                           onTimeShare: decided == 0 ? nil : Double(lines.reduce(0) { $0 + $1.onTime }) / Double(decided), matters: lines)
    }

    struct VerifyDTO: Content {
        let valid: Bool
        let certificateNumber: String?
        let title: String?
        let holder: String?
        let community: String?
        let issuedOn: String?
    }

    @Sendable static func verify(req: Request) async throws -> VerifyDTO {
        guard let v = try await ServiceCertificate.check(req, token: req.parameters.get("token") ?? "") else {
            return VerifyDTO(valid: false, certificateNumber: nil, title: nil, holder: nil, community: nil, issuedOn: nil)
        }
        return VerifyDTO(valid: true, certificateNumber: v.number, title: v.title, holder: v.holder, community: v.community, issuedOn: v.issuedOn)
    }
}
