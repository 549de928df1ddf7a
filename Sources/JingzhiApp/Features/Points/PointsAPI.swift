import Fluent
import JingzhiCore
import Vapor

/// `/api/v1/points`: awards and reversals, passbooks, goods, redemptions. The contract of issue 15 is fixed: awards,
/// accounts/{residentId} and accounts/me, goods, redemptions and their collect and cancel.
enum PointsAPI {
    static func register(_ api: any RoutesBuilder) {
        let p = api.grouped("points")
        p.post("awards", use: award)
        p.post("entries", ":id", "reverse", use: reverse)
        p.get("accounts", "me", use: myAccount)
        p.get("accounts", ":id", use: account)
        p.get("households", ":id", use: household)
        p.get("goods", use: goods)
        p.post("goods", use: createGoods)
        p.patch("goods", ":id", use: updateGoods)
        p.get("redemptions", use: redemptions)
        p.post("redemptions", use: redeem)
        p.post("redemptions", ":id", "collect", use: collect)
        p.post("redemptions", ":id", "cancel", use: cancel)
    }

    struct AwardBody: Content {
        var residentId: UUID?
        var points: Double?
        var reason: String?
        var sourceRef: String?
    }

    @Sendable static func award(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let b = try PointsService.decode(AwardBody.self, req, amounts: ["points"])
        let (e, created) = try await PointsService(req: req).award(residentID: b.residentId, points: b.points, reason: b.reason, sourceRef: b.sourceRef,
                                                                   idempotencyKey: req.headers.first(name: "Idempotency-Key"), by: actor)
        return try await AwardDTO(e, repeated: !created).encodeResponse(status: created ? .created : .ok, for: req)
    }

    struct ReverseBody: Content { var reason: String? }

    @Sendable static func reverse(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let b = try req.decodeJSON(ReverseBody.self)
        let e = try await PointsService(req: req).reverse(entryID: try req.idParameter(), reason: b.reason, by: actor)
        return try await AwardDTO(e, repeated: false).encodeResponse(status: .created, for: req)
    }

    @Sendable static func myAccount(req: Request) async throws -> PassbookDTO {
        let actor = try req.requireActor()
        guard actor.role == .resident, let id = actor.user.residentID, let r = try await Resident.find(id, on: req.db) else {
            throw APIError(.notFound, code: "no_account", "只有已认证的居民有积分账户 (only linked residents have a points account)")
        }
        return try await passbook(r, req: req)
    }

    @Sendable static func account(req: Request) async throws -> PassbookDTO {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        // A resident may read their own by id too; anyone else's is the same 404 as a missing one.
        if actor.role == .resident {
            guard actor.user.residentID == id, let r = try await Resident.find(id, on: req.db) else { throw PointsError.unknownResident }
            return try await passbook(r, req: req)
        }
        try PointsService.requireStaff(actor)
        return try await passbook(try await PointsService(req: req).resident(id, within: actor.scope), req: req)
    }

    /// The members' balances and their sum: staff in scope, or a member of the household.
    @Sendable static func household(req: Request) async throws -> HouseholdPointsDTO {
        let actor = try req.requireActor()
        let id = try req.idParameter()
        let h: Household
        if actor.role == .resident {
            guard let rid = actor.user.residentID, let me = try await Resident.find(rid, on: req.db), me.householdID == id,
                  let mine = try await Household.find(id, on: req.db) else { throw APIError.notFound }
            h = mine
        } else {
            try PointsService.requireStaff(actor)
            h = try await Household.find(id, within: actor.scope, on: req.db)
        }
        let members = try await PointsService(req: req).household(h)
        return HouseholdPointsDTO(householdId: h.id!, address: h.address, total: members.reduce(0) { $0 + $1.balance },
                                  members: members.map { .init(residentId: $0.resident.id!, name: $0.resident.name, balance: $0.balance) })
    }

    static func passbook(_ r: Resident, req: Request) async throws -> PassbookDTO {
        let page = try PageRequest(req)
        let account = try await PointsService(req: req).account(of: r)
        let (items, total) = try await PointsLedger.entries(of: account, page: page, on: req.db)
        return PassbookDTO(residentId: r.id!, name: r.name, balance: account.balance,
                           entries: items.map { EntryDTO($0, account: account.id!) }, total: total, page: page.page, per: page.per)
    }

    @Sendable static func goods(req: Request) async throws -> Paged<GoodsDTO> {
        let actor = try req.requireActor()
        let page = try PageRequest(req)
        let node = try await goodsNode(req, actor)
        let staff = PointsService.staffRoles.contains(actor.role)
        let (items, total) = try await SupermarketService(req: req).goods(at: node, activeOnly: !staff, page: page)
        let photos = try await GoodsPhotos.ids(of: items.compactMap(\.id), on: req.db)
        return Paged(items: items.map { g in var d = GoodsDTO(g); d.photoIds = photos[g.id!] ?? []; return d }, total: total, page: page.page, per: page.per)
    }

    /// `?node=` (id or code); by default a resident's community, a staff member's own node.
    static func goodsNode(_ req: Request, _ actor: Actor) async throws -> OrgNode {
        let org = OrgService(req: req)
        if let raw = try req.query.get(String?.self, at: "node"), !raw.isEmpty {
            let scope = actor.role == .resident ? DataScope.everything : actor.scope
            return try await org.node(raw, within: scope, field: "node")
        }
        if actor.role == .resident {
            guard let id = actor.user.residentID, let r = try await Resident.find(id, on: req.db) else { throw PointsError.unknownResident }
            return try await PointsService(req: req).community(of: r)
        }
        if actor.nodePath.isEmpty, let root = try await org.children(of: nil, within: .everything).first { return root }
        guard let own = try await OrgNode.query(on: req.db).filter(\.$path == actor.nodePath).first() else { throw APIError.forbidden }
        return own
    }

    struct GoodsBody: Content {
        var node: String?
        var name: String?
        var description: String?
        var pricePoints: Double?
        var stock: Double?
        var monthlyLimit: Double?
        var active: Bool?
        var donor: String?

        var input: GoodsInput {
            GoodsInput(name: name, description: description, pricePoints: pricePoints, stock: stock, monthlyLimit: monthlyLimit, active: active, donor: donor)
        }
    }

    @Sendable static func createGoods(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try PointsService.requireStaff(actor)
        let b = try req.decodeJSON(GoodsBody.self)
        guard let code = b.node, !code.isEmpty else { throw APIError.missing("node") }
        let community = try await OrgService(req: req).node(code, within: actor.scope, field: "node")
        let g = try await SupermarketService(req: req).create(b.input, community: community, by: actor)
        return try await GoodsDTO(g).encodeResponse(status: .created, for: req)
    }

    @Sendable static func updateGoods(req: Request) async throws -> GoodsDTO {
        let actor = try req.requireActor()
        try PointsService.requireStaff(actor)
        let g = try await PointsGoods.find(try req.idParameter(), within: actor.scope, on: req.db)
        try await SupermarketService(req: req).update(g, with: try req.decodeJSON(GoodsBody.self).input, by: actor)
        return GoodsDTO(g)
    }

    @Sendable static func redemptions(req: Request) async throws -> Paged<RedemptionDTO> {
        let actor = try req.requireActor()
        let page = try PageRequest(req)
        let q = PointsRedemption.query(on: req.db)
        if actor.role == .resident {
            q.filter(\.$residentID == (actor.user.residentID ?? UUID()))
        } else {
            guard RedemptionParty(actor.role) != nil else { throw APIError.forbidden }
            q.within(actor.scope)
        }
        if let code = try req.query.get(String?.self, at: "code"), !code.isEmpty { q.filter(\.$code == code.uppercased()) }
        if let state = try req.query.get(String?.self, at: "state"), !state.isEmpty {
            guard RedemptionState(rawValue: state) != nil else { throw APIError.invalid("state", "未知状态 (unknown state)") }
            q.filter(\.$state == state)
        }
        let total = try await q.copy().count()
        let items = try await q.sort(\.$createdAt, .descending).range(page.range).all()
        return Paged(items: items.map(RedemptionDTO.init), total: total, page: page.page, per: page.per)
    }

    struct RedeemBody: Content {
        var goodsId: UUID?
        var quantity: Double?
    }

    @Sendable static func redeem(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let b = try PointsService.decode(RedeemBody.self, req, amounts: ["quantity"])
        let (r, created) = try await SupermarketService(req: req).redeem(goodsID: b.goodsId, quantity: b.quantity,
                                                                         idempotencyKey: req.headers.first(name: "Idempotency-Key"), by: actor)
        return try await RedemptionDTO(r).encodeResponse(status: created ? .created : .ok, for: req)
    }

    @Sendable static func collect(req: Request) async throws -> RedemptionDTO {
        let actor = try req.requireActor()
        let r = try await redemption(req)
        try await SupermarketService(req: req).collect(r, by: actor)
        return RedemptionDTO(r)
    }

    @Sendable static func cancel(req: Request) async throws -> RedemptionDTO {
        let actor = try req.requireActor()
        let r = try await redemption(req)
        try await SupermarketService(req: req).cancel(r, by: actor)
        return RedemptionDTO(r)
    }

    static func redemption(_ req: Request) async throws -> PointsRedemption {
        guard let r = try await PointsRedemption.find(try req.idParameter(), on: req.db) else {
            throw APIError(.notFound, code: "unknown_redemption", "兑换记录不存在 (unknown redemption)")
        }
        return r
    }
}
