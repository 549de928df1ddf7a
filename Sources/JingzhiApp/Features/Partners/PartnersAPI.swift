import Foundation
import Fluent
import JingzhiCore
import Vapor

/// `/api/v1/partners` (the fixed contract's list, public), applying and review, party members (双报到) and the report.
enum PartnersAPI {
    struct CreateBody: Content {
        var name: String?
        var kind: String?
        var creditCode: String?
        var offers: String?
        var contactName: String?
        var contactPhone: String?
        var partyBranch: String?
        var nodeId: String?
        var categories: [String]?
        var agreementFrom: String?
        var agreementTo: String?

        var input: PartnerInput {
            PartnerInput(name: name, kind: kind, creditCode: creditCode, offers: offers, contactName: contactName, contactPhone: contactPhone,
                         partyBranch: partyBranch, nodeID: nodeId, categories: categories ?? [], agreementFrom: agreementFrom, agreementTo: agreementTo)
        }
    }

    struct ReviewBody: Content {
        var note: String?
        var version: Int?
        var agreementFrom: String?
        var agreementTo: String?
        var username: String?
        var categories: [String]?
    }

    struct RegisterBody: Content {
        var nodeId: String?
        var unit: String?
        var kind: String?
        var name: String?
    }

    static func register(api: any RoutesBuilder, authed: any RoutesBuilder) {
        api.get("partners", use: list)
        authed.post("partners", use: create)
        authed.get("partners", "report", use: report)
        authed.get("partners", ":id", use: show)
        for action in PartnerAction.allCases {
            authed.post("partners", ":id", PathComponent(stringLiteral: action.rawValue), use: { try await review($0, action) })
        }
        authed.post("partners", ":id", "account", use: link)
        authed.get("partners", ":id", "evaluations", use: evaluations)
        authed.post("partners", ":id", "evaluations", use: evaluate)
        authed.post("party-members", use: registerMember)
        authed.get("party-members", use: members)
        authed.post("party-members", ":id", "end", use: endMember)
    }

    /// `node` (an id or code) narrows to a subtree and the partners serving it from above; unknown → 404.
    static func node(_ req: Request) async throws -> OrgNode? {
        guard let raw = try req.query.get(String?.self, at: "node"), !raw.isEmpty else { return nil }
        guard let n = try await OrgService(req: req).find(codeOrID: raw) else {
            throw APIError(.notFound, code: "unknown_node", "节点不存在 (unknown node)", field: "node")
        }
        return n
    }

    /// Staff see every state of the partners in their area with contacts; everyone else the approved ones, public fields.
    @Sendable static func list(req: Request) async throws -> PageOf<PartnerDTO> {
        let page = try PageRequest(req)
        let kind = try (try req.query.get(String?.self, at: "kind")).flatMap { $0.isEmpty ? nil : $0 }.map { try PartnerService.kind($0) }
        let node = try await node(req)
        let staff = req.actor.map(PartnerAccess.isStaff) ?? false
        let scope = staff ? req.actor!.scope : nil
        let states: [PartnerState]? = staff ? nil : [.approved, .warned]
        let (items, total) = try await PartnerService(req: req).list(node: node, kind: kind, states: states, within: scope, page: page)
        return PageOf(items: items.map { PartnerDTO($0, full: staff) }, total: total, page: page.page)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let p = try await PartnerService(req: req).create(try req.decodeJSON(CreateBody.self).input, by: actor)
        return try await PartnerDTO(p, full: true).encodeResponse(status: .created, for: req)
    }

    @Sendable static func show(req: Request) async throws -> PartnerDTO {
        let actor = try req.requireActor()
        return PartnerDTO(try await PartnerService(req: req).load(try req.idParameter(), for: actor), full: true)
    }

    static func body(_ req: Request) throws -> ReviewBody {
        req.body.data?.readableBytes ?? 0 > 0 ? try req.decodeJSON(ReviewBody.self) : ReviewBody()
    }

    static func review(_ req: Request, _ action: PartnerAction) async throws -> PartnerDTO {
        let actor = try req.requireActor()
        let service = PartnerService(req: req)
        let p = try await service.load(try req.idParameter(), for: actor)
        let b = try body(req)
        return PartnerDTO(try await service.review(action, p, by: actor, note: b.note, version: b.version,
                                                   agreementFrom: b.agreementFrom, agreementTo: b.agreementTo, categories: b.categories), full: true)
    }

    @Sendable static func link(req: Request) async throws -> PartnerDTO {
        let actor = try req.requireActor()
        let service = PartnerService(req: req)
        let p = try await service.load(try req.idParameter(), for: actor)
        return PartnerDTO(try await service.link(p, username: try body(req).username, by: actor), full: true)
    }

    struct EvaluateBody: Content {
        var year: Int?
        var scores: [String: Int]?
        var award: String?
        var note: String?
    }

    @Sendable static func evaluations(req: Request) async throws -> [PartnerEvaluationDTO] {
        let actor = try req.requireActor()
        let p = try await PartnerService(req: req).load(try req.idParameter(), for: actor)
        return try await PartnerEvaluation.query(on: req.db).filter(\.$partnerID == p.id!).sort(\.$year, .descending).all().map(PartnerEvaluationDTO.init)
    }

    @Sendable static func evaluate(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let id = try? req.idParameter(), let p = try await Partner.find(id, on: req.db) else { throw APIError.notFound }
        let b = try req.decodeJSON(EvaluateBody.self)
        let e = try await PartnerEvaluations.evaluate(p, year: b.year, scores: b.scores ?? [:], award: b.award, note: b.note, by: actor,
                                                      db: req.db, now: req.now, source: req.auditSource)
        return try await PartnerEvaluationDTO(e).encodeResponse(status: .created, for: req)
    }

    struct MemberDTO: Content {
        let id: UUID
        let name: String
        let kind: String
        let unit: String
        let nodeId: UUID
        let active: Bool
        let registeredAt: Date
        let endedAt: Date?
        let endReason: String?
        init(_ m: PartyMember) {
            id = m.id!; name = m.name; kind = m.kind; unit = m.unit; nodeId = m.nodeID; active = m.active; registeredAt = m.registeredAt
            endedAt = m.endedAt; endReason = m.endReason
        }
    }

    @Sendable static func registerMember(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let b = try req.decodeJSON(RegisterBody.self)
        let m = try await ServiceLogService(req: req).register(nodeID: b.nodeId, unit: b.unit, kind: b.kind, name: b.name, by: actor)
        return try await MemberDTO(m).encodeResponse(status: .created, for: req)
    }

    @Sendable static func members(req: Request) async throws -> PageOf<MemberDTO> {
        let actor = try req.requireActor()
        try PartnerAccess.requireStaff(actor)
        let page = try PageRequest(req)
        let q = PartyMember.query(on: req.db).within(actor.scope)
        let total = try await q.count()
        return PageOf(items: try await q.sort(\.$registeredAt, .descending).range(page.range).all().map(MemberDTO.init), total: total, page: page.page)
    }

    /// Ends a registration with a reason: the member themselves or staff of its community (404 outside the area).
    @Sendable static func endMember(req: Request) async throws -> MemberDTO {
        let actor = try req.requireActor()
        guard let m = try await PartyMember.find(try req.idParameter(), on: req.db) else { throw APIError.notFound }
        let b = try req.decodeJSON(ListsAPI.NoteBody.self)
        return MemberDTO(try await ServiceLogService(req: req).endRegistration(m, note: b.note, by: actor))
    }

    @Sendable static func report(req: Request) async throws -> [ReportLineDTO] {
        let actor = try req.requireActor()
        try PartnerAccess.requireStaff(actor)
        let year = try req.query.get(Int?.self, at: "year") ?? Int(ShanghaiTime.today(req.now).prefix(4))!
        guard (2000...2100).contains(year) else { throw APIError.invalid("year", "年份须在 2000–2100 之间 (year 2000–2100)") }
        return try await ServiceLogService(req: req).report(year: year, within: actor.scope).map {
            ReportLineDTO(unit: $0.unit, hours: Double($0.hoursTenths) / 10, activities: $0.activities, claimsFulfilled: $0.claimsFulfilled, needsMet: $0.needsMet)
        }
    }
}
