import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Vapor

/// What staff type for a community's goods.
struct GoodsInput: Sendable {
    var name: String?
    var description: String?
    var pricePoints: Double?
    var stock: Double?
    var monthlyLimit: Double?
    var active: Bool?
    /// The donating partner's id; "" for goods the community bought; nil leaves it as it is.
    var donor: String? = nil
}

/// The points supermarket (积分超市): goods with stock, and redemptions that hold points and stock at once.
struct SupermarketService {
    let db: any Database
    let now: Date
    let source: AuditSource
    /// Where 核销码 come from: random, except in the demo, which wants the same codes every time.
    var newCode: @Sendable () -> String = SupermarketService.randomCode

    init(db: any Database, now: Date, source: AuditSource = .system()) {
        self.db = db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource) }

    var points: PointsService { PointsService(db: db, now: now, source: source) }

    /// The goods offered at `node`: its community's when it lies inside one, every community's under it otherwise.
    func goods(at node: OrgNode, activeOnly: Bool, page: PageRequest) async throws -> (items: [PointsGoods], total: Int) {
        let width = PathSegment.width
        let prefixes = stride(from: width, through: node.path.count, by: width).map { String(node.path.prefix($0)) }
        let q = PointsGoods.query(on: db).group(.or) { any in
            any.filter(\.$nodePath ~~ prefixes)
            any.group(.and) { $0.filter(\.$nodePath >= node.path).filter(\.$nodePath < node.path + "~") }
        }
        if activeOnly { q.filter(\.$active == true) }
        let total = try await q.copy().count()
        return (try await q.sort(\.$nodePath).sort(\.$name).range(page.range).all(), total)
    }

    func create(_ input: GoodsInput, community: OrgNode, by actor: Actor) async throws -> PointsGoods {
        try PointsService.requireStaff(actor)
        guard community.kind == .community, actor.scope.contains(community.path) else {
            throw APIError(.notFound, code: "unknown_node", "社区不存在或不在您的管辖范围 (unknown community)", field: "node")
        }
        let g = PointsGoods()
        g.id = UUID()
        g.communityID = community.id!
        g.nodePath = community.path
        g.createdAt = now
        g.updatedAt = now
        g.stock = 0
        g.active = true
        try apply(input, to: g, creating: true)
        try await applyDonor(input.donor, to: g)
        try await db.writeTransaction { [source, now] tx in
            try await g.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "points_goods", entityID: g.id,
                                      nodePath: g.nodePath, summary: "积分超市上架 \(g.name)（\(g.pricePoints) 分，库存 \(g.stock)\(g.donorName.map { "，\($0)捐赠" } ?? "")）")
        }
        return g
    }

    /// Changes name, price, limit or stock. The new stock is written only if the stock is still what was read, so a
    /// redemption taken in between is not overwritten (409 `points_goods_changed`: reload and set it again).
    func update(_ g: PointsGoods, with input: GoodsInput, by actor: Actor) async throws {
        try PointsService.requireStaff(actor)
        let before = (g.name, g.pricePoints, g.stock, g.monthlyLimit)
        try apply(input, to: g, creating: false)
        try await applyDonor(input.donor, to: g)
        let newStock = g.stock, oldStock = before.2
        g.stock = oldStock
        try await db.writeTransaction { [source, now] tx in
            g.updatedAt = now
            try await g.save(on: tx)
            if newStock != oldStock {
                let rows = try await tx.sql.update(PointsGoods.schema).set("stock", to: SQLBind(newStock))
                    .where("id", .equal, SQLBind(g.id!)).where("stock", .equal, SQLBind(oldStock)).returning("id").all()
                guard !rows.isEmpty else {
                    throw APIError.conflict("库存刚刚有变动，请刷新后再改 (stock changed meanwhile; reload)", code: "points_goods_changed")
                }
                g.stock = newStock
            }
            try await AuditLog.record(on: tx, by: source, at: now, action: "update", entity: "points_goods", entityID: g.id,
                                      nodePath: g.nodePath, summary: "积分超市商品 \(g.name)：价格 \(g.pricePoints) 分，库存 \(newStock)",
                                      changes: ["pricePoints": [String(before.1), String(g.pricePoints)], "stock": [String(oldStock), String(newStock)]])
        }
    }

    /// A donor must be a partner serving the goods' community whose agreement covers goods today (the Partners
    /// feature decides); "" marks goods the community bought.
    private func applyDonor(_ raw: String?, to g: PointsGoods) async throws {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces) else { return }
        guard !raw.isEmpty else { (g.donorPartnerID, g.donorName) = (nil, nil); return }
        let p = try await PartnerService(db: db, now: now).donor(raw, at: g.nodePath)
        (g.donorPartnerID, g.donorName) = (p.id, p.name)
    }

    private func apply(_ input: GoodsInput, to g: PointsGoods, creating: Bool) throws {
        if creating || input.name != nil { g.name = try Validate.text(input.name, field: "name", max: 60)! }
        if creating || input.description != nil { g.description = try Validate.text(input.description, field: "description", max: 500, required: false) ?? "" }
        if creating || input.pricePoints != nil { g.pricePoints = try PointsService.points(input.pricePoints, field: "pricePoints", max: 100_000) }
        if let stock = input.stock {
            guard stock.isFinite, stock == stock.rounded(), (0...100_000).contains(stock) else {
                throw APIError.invalid("stock", "库存须为 0–100000 之间的整数 (stock must be a whole number from 0 to 100000)")
            }
            g.stock = Int(stock)
        }
        if let limit = input.monthlyLimit {
            g.monthlyLimit = limit == 0 ? nil : try PointsService.points(limit, field: "monthlyLimit", max: 1000)
        }
        if let active = input.active { g.active = active }
    }

    /// A resident redeems: the points leave their account for the supermarket's and the stock drops, both in one
    /// transaction with conditional updates, so nothing is held when either is short (409). A repeated idempotency key
    /// answers with the first redemption.
    func redeem(goodsID: UUID?, quantity raw: Double?, idempotencyKey rawKey: String?, by actor: Actor) async throws -> (PointsRedemption, created: Bool) {
        guard actor.role == .resident, let residentID = actor.user.residentID else { throw APIError.forbidden }
        let quantity = try PointsService.points(raw ?? 1, field: "quantity", max: 100)
        let key = try PointsService.idempotencyKey(rawKey, owner: actor.userID, action: "redeem")
        if let key, let seen = try await PointsRedemption.query(on: db).filter(\.$idempotencyKey == key).first() { return (seen, false) }
        guard let resident = try await Resident.find(residentID, on: db) else { throw APIError.forbidden }
        let community = try await points.community(of: resident)
        guard let goodsID, let g = try await PointsGoods.find(goodsID, on: db), g.active, g.communityID == community.id else {
            throw PointsError.unknownGoods
        }
        let (total, overflow) = g.pricePoints.multipliedReportingOverflow(by: quantity)
        guard !overflow else { throw PointsError.insufficientPoints }
        let account = try await points.account(of: resident)
        let market = try await PointsLedger.account(.supermarket, community: community, now: now, on: db)
        let r = PointsRedemption()
        r.id = UUID()
        r.goodsID = g.id!
        r.goodsName = g.name
        r.residentID = resident.id!
        r.accountID = account.id!
        r.nodePath = resident.nodePath
        r.quantity = quantity
        r.points = total
        r.state = RedemptionState.pending.rawValue
        r.version = 1
        r.month = String(ShanghaiTime.day(number: ShanghaiTime.dayNumber(of: now)).prefix(7))
        r.idempotencyKey = key
        r.createdAt = now
        let e = points.entry(.redeem, points: total, reason: "兑换 \(g.name) ×\(quantity)", nodePath: community.path)
        e.redemptionID = r.id
        for attempt in 1...3 {
            r.code = newCode()
            do {
                try await db.writeTransaction { [source, now] tx in
                    // The debit locks the resident's account first, so the month's count below sees their other redemptions.
                    try await PointsLedger.post(e, from: account, to: market, on: tx)
                    if let limit = g.monthlyLimit {
                        let taken = try await PointsRedemption.query(on: tx).filter(\.$residentID == resident.id!).filter(\.$goodsID == g.id!)
                            .filter(\.$month == r.month).filter(\.$state ~~ [RedemptionState.pending.rawValue, RedemptionState.collected.rawValue])
                            .all().reduce(0) { $0 + $1.quantity }
                        guard taken + quantity <= limit else { throw PointsError.monthlyLimit }
                    }
                    try await Self.moveStock(of: g.id!, by: -quantity, on: tx)
                    try await r.create(on: tx)
                    try await Self.history(r, action: "redeem", from: "", to: .pending, source: source, at: now, on: tx)
                    try await AuditLog.record(on: tx, by: source, at: now, action: "redeem", entity: "points_redemption", entityID: r.id,
                                              nodePath: r.nodePath, summary: "兑换 \(g.name) ×\(quantity)，\(total) 分")
                }
                return (r, true)
            } catch where (error as? any DatabaseError)?.isConstraintFailure == true && attempt < 3 {
                if let key, let seen = try await PointsRedemption.query(on: db).filter(\.$idempotencyKey == key).first() { return (seen, false) }
                e.id = UUID()
                e.$id.exists = false
                r.$id.exists = false
            }
        }
        throw APIError.conflict("请重试 (please try again)")
    }

    /// Staff or the merchant hand the goods over: the redemption is posted, nothing moves.
    func collect(_ r: PointsRedemption, by actor: Actor) async throws {
        try await move(r, .collect, by: actor)
    }

    /// The resident or staff cancel a pending redemption: the points and the stock go back.
    func cancel(_ r: PointsRedemption, by actor: Actor) async throws {
        try await move(r, .cancel, by: actor)
    }

    /// A pending redemption not collected within `days` expires: points and stock go back. Returns how many expired.
    func expireOverdue(days: Int = 14) async throws -> Int {
        let cutoff = now.addingTimeInterval(-Double(days) * 86_400)
        let overdue = try await PointsRedemption.query(on: db).filter(\.$state == RedemptionState.pending.rawValue)
            .filter(\.$createdAt < cutoff).all()
        var n = 0
        for r in overdue {
            do { try await transition(r, .expire, party: .system); n += 1 } catch let e as APIError where e.status == .conflict { continue }
        }
        return n
    }

    private func move(_ r: PointsRedemption, _ action: RedemptionAction, by actor: Actor) async throws {
        guard let party = RedemptionParty(actor.role) else { throw APIError.forbidden }
        // A resident moves only their own; staff and merchants those in their scope (else the same 404 as a missing one).
        let mine = party == .resident ? actor.user.residentID == r.residentID : actor.scope.contains(r.nodePath)
        guard mine else { throw APIError.notFound }
        try await transition(r, action, party: party)
    }

    private func transition(_ r: PointsRedemption, _ action: RedemptionAction, party: RedemptionParty) async throws {
        let lc = RedemptionLifecycle.table
        let from = r.redemptionState
        try lc.check(action, from: from, role: party)
        let to = lc.target(action, from: from)
        r.closedAt = now
        let refund = to.isVoided ? try await refundEntry(r, to: to) : nil
        let goodsID = r.goodsID, quantity = r.quantity, source = source, now = now
        let claimed = try await lc.commit(r, action, from: from, to: to, subject: "\(r.goodsName) ×\(r.quantity)", note: nil,
                                          by: source, at: now, on: db, write: { tx in
            try await r.save(on: tx)
            if let refund {
                try await PointsLedger.post(refund.entry, from: refund.from, to: refund.to, on: tx)
                try await Self.moveStock(of: goodsID, by: quantity, on: tx)
            }
        }, history: { tx in try await Self.history(r, action: action.rawValue, from: from.rawValue, to: to, source: source, at: now, on: tx) })
        guard claimed else { throw lc.changed }
    }

    /// The entry that gives a voided redemption's points back: the redeeming entry, the other way round.
    private func refundEntry(_ r: PointsRedemption, to: RedemptionState) async throws -> (entry: PointsEntry, from: PointsAccount, to: PointsAccount) {
        guard let held = try await PointsEntry.query(on: db).filter(\.$redemptionID == r.id!).filter(\.$kindRaw == PointsEntryKind.redeem.rawValue).first(),
              let from = try await PointsAccount.find(held.toAccountID, on: db),
              let back = try await PointsAccount.find(held.fromAccountID, on: db) else { throw APIError.notFound }
        let e = points.entry(.refund, points: r.points, reason: "\(to.zh) \(r.goodsName) ×\(r.quantity)", nodePath: held.nodePath)
        e.redemptionID = r.id
        return (e, from, back)
    }

    /// Takes (negative) or returns stock; taking never leaves it below zero (409 `out_of_stock`).
    static func moveStock(of goodsID: UUID, by delta: Int, on tx: any Database) async throws {
        var update = tx.sql.update(PointsGoods.schema)
            .set(SQLIdentifier("stock"), to: SQLBinaryExpression(SQLIdentifier("stock"), .add, SQLBind(delta)))
            .where("id", .equal, SQLBind(goodsID))
        if delta < 0 { update = update.where("stock", .greaterThanOrEqual, SQLBind(-delta)) }
        guard try await !update.returning("id").all().isEmpty else { throw PointsError.outOfStock }
    }

    static func history(_ r: PointsRedemption, action: String, from: String, to: RedemptionState, source: AuditSource,
                        at: Date, on tx: any Database) async throws {
        try await LifecycleEvent.write(entity: RedemptionLifecycle.table.entity, id: r.id!, action: action, from: from, to: to.rawValue, note: nil,
                                       nodePath: r.nodePath, by: source, at: at, on: tx)
    }

    /// A 核销码: ten characters people can read out without confusing 0/O or 1/I.
    static func randomCode() -> String {
        let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
        var rng = SystemRandomNumberGenerator()
        return String((0..<10).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
    }
}
