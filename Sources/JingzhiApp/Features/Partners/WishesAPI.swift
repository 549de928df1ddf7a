import Foundation
import Fluent
import JingzhiCore
import Vapor

/// `/api/v1/wishes`: the public wall (public fields only), posting (community staff), claiming (partners and party
/// members), handing over with a photo, and the community's confirmation.
enum WishesAPI {
    struct CreateBody: Content {
        var title: String?
        var story: String?
        var category: String?
        var value: String?
        var beneficiaryName: String?
        var beneficiaryNote: String?
        var beneficiaryResidentId: UUID?
        var nodeId: String?
    }

    struct ActBody: Content {
        var note: String?
        var thanks: String?
        var version: Int?
        var showName: Bool?
    }

    static func register(api: any RoutesBuilder, authed: any RoutesBuilder) {
        api.get("wishes", use: list)
        api.get("wishes", ":id", use: show)
        authed.post("wishes", use: create)
        authed.post("wishes", ":id", "claim", use: claim)
        authed.on(.POST, "wishes", ":id", "handover", body: .collect(maxSize: "6mb"), use: handOver)
        authed.get("wishes", ":id", "photo", use: photo)
        authed.post("wishes", ":id", "receive", use: receive)
        authed.post("wishes", ":id", "hours", use: hours)
        for action in [WishAction.release, .confirm, .reject, .thank, .cancel] {
            authed.post("wishes", ":id", PathComponent(stringLiteral: action.rawValue), use: { try await act($0, action) })
        }
    }

    /// Whether the caller sees who the wish is for: staff whose area holds it.
    static func full(_ req: Request, _ w: Wish) -> Bool {
        guard let a = req.actor else { return false }
        return PartnerAccess.isStaff(a) && a.scope.contains(w.nodePath)
    }

    static func dto(_ req: Request, _ w: Wish) async throws -> WishDTO {
        let f = full(req, w)
        let photo = f ? try await WishPhoto.query(on: req.db).filter(\.$wishID == w.id!).count() > 0 : false
        var d = WishDTO(w, full: f, photo: photo)
        var claim: WishClaim?
        if !f, let a = req.actor, let c = try await WishService(req: req).activeClaim(w, of: a) {
            d.claimerName = w.claimerName
            claim = c
        } else if f, let id = w.claimID {
            claim = try await WishClaim.find(id, on: req.db)
        }
        d.hours = claim?.hoursTenths.map { Double($0) / 10 }
        return d
    }

    @Sendable static func list(req: Request) async throws -> PageOf<WishDTO> {
        let page = try PageRequest(req)
        let node = try await PartnersAPI.node(req)
        let rawState = try req.query.get(String?.self, at: "state").flatMap { $0.isEmpty ? nil : $0 }
        let state = try rawState.map { raw -> WishState in
            guard let s = WishState(rawValue: raw) else {
                throw APIError.invalid("state", "状态须为 open、claimed、received、handed_over、fulfilled、cancelled 之一 (unknown state)")
            }
            return s
        }
        let staffScope = req.actor.flatMap { PartnerAccess.isStaff($0) ? $0.scope : nil }
        let path = node?.path ?? staffScope?.rootPath ?? ""
        let publicOnly = staffScope.map { !$0.contains(path) } ?? true
        let (items, total) = try await WishService(req: req).list(under: path, state: state, publicOnly: publicOnly, page: page)
        return PageOf(items: items.map { WishDTO($0, full: full(req, $0)) }, total: total, page: page.page)
    }

    @Sendable static func show(req: Request) async throws -> WishDTO {
        let w = try await WishService(req: req).load(try req.idParameter(), for: req.actor)
        guard w.state != .cancelled || full(req, w) else { throw APIError.notFound }
        return try await dto(req, w)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let b = try req.decodeJSON(CreateBody.self)
        let w = try await WishService(req: req).post(WishInput(title: b.title, story: b.story, category: b.category, valueYuan: b.value,
                                                               beneficiaryName: b.beneficiaryName, beneficiaryNote: b.beneficiaryNote,
                                                               beneficiaryResidentID: b.beneficiaryResidentId, nodeID: b.nodeId), by: actor)
        return try await WishDTO(w, full: true).encodeResponse(status: .created, for: req)
    }

    static func body(_ req: Request) throws -> ActBody {
        req.body.data?.readableBytes ?? 0 > 0 ? try req.decodeJSON(ActBody.self) : ActBody()
    }

    @Sendable static func claim(req: Request) async throws -> WishDTO {
        let actor = try req.requireActor()
        let service = WishService(req: req)
        let w = try await service.load(try req.idParameter(), for: actor)
        let after = try await service.claim(w, by: actor, showName: try body(req).showName ?? false)
        var d = WishDTO(after, full: full(req, after))
        d.claimerName = after.claimerName
        return d
    }

    /// The grid worker or staff of the area record that they took the gift from the claimer.
    @Sendable static func receive(req: Request) async throws -> WishDTO {
        let actor = try req.requireActor()
        let service = WishService(req: req)
        let w = try await service.load(try req.idParameter(), for: actor)
        return WishDTO(try await service.receive(w, note: try body(req).note, by: actor), full: full(req, w))
    }

    struct HoursBody: Content { var hours: Double? }

    /// The claimer enters the hours they spent (more than 0, at most 24); the service log written at the confirmation uses them.
    @Sendable static func hours(req: Request) async throws -> WishDTO {
        let actor = try req.requireActor()
        let service = WishService(req: req)
        let w = try await service.load(try req.idParameter(), for: actor)
        let claim = try await service.recordHours(w, hours: try req.decodeJSON(HoursBody.self).hours, by: actor)
        var d = WishDTO(w, full: full(req, w))
        d.claimerName = w.claimerName
        d.hours = claim.hoursTenths.map { Double($0) / 10 }
        return d
    }

    /// The photo proof as the request body (an image; anything else is refused).
    @Sendable static func handOver(req: Request) async throws -> WishDTO {
        let actor = try req.requireActor()
        let service = WishService(req: req)
        let w = try await service.load(try req.idParameter(), for: actor)
        let data = req.body.data.map { Data(buffer: $0) } ?? Data()
        let hours = try req.query.get(String?.self, at: "hours").flatMap { $0.isEmpty ? nil : $0 }
        let h = try hours.map { raw -> Double in
            guard let v = Double(raw) else { throw APIError.invalid("hours", "时长须为数字 (hours must be a number)") }
            return v
        }
        var d = WishDTO(try await service.handOver(w, photo: data, hours: h, by: actor), full: false)
        d.claimerName = w.claimerName
        return d
    }

    /// The photo proof: staff of the area and the claimer only (it may show the person).
    @Sendable static func photo(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let service = WishService(req: req)
        let w = try await service.load(try req.idParameter(), for: actor)
        var allowed = full(req, w)
        if !allowed { allowed = try await service.activeClaim(w, of: actor) != nil }
        guard allowed, let p = try await WishPhoto.query(on: req.db).filter(\.$wishID == w.id!).sort(\.$createdAt, .descending).first() else {
            throw APIError.notFound
        }
        let res = Response(status: .ok, body: .init(data: p.bytes))
        res.headers.replaceOrAdd(name: .contentType, value: p.contentType)
        res.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return res
    }

    static func act(_ req: Request, _ action: WishAction) async throws -> WishDTO {
        let actor = try req.requireActor()
        let service = WishService(req: req)
        let w = try await service.load(try req.idParameter(), for: actor)
        let b = try body(req)
        let after = try await service.act(action, w, by: actor, note: action == .thank ? b.thanks ?? b.note : b.note, version: b.version)
        return WishDTO(after, full: full(req, after))
    }
}
