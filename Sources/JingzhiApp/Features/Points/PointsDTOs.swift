import Foundation
import JingzhiCore
import Vapor

struct AwardDTO: Content {
    let id: UUID
    let kind: String
    let points: Int
    let reason: String
    let sourceRef: String?
    let reverses: UUID?
    let createdAt: Date
    /// True when this answers a repeated sourceRef or Idempotency-Key: nothing more was paid.
    let repeated: Bool

    init(_ e: PointsEntry, repeated: Bool) {
        id = e.id!
        kind = e.kindRaw
        points = e.points
        reason = e.reason
        sourceRef = e.sourceRef
        reverses = e.reversesID
        createdAt = e.createdAt
        self.repeated = repeated
    }
}

/// One line of a passbook: `points` is signed from the account's side (+ in, − out).
struct EntryDTO: Content {
    let id: UUID
    let kind: String
    let points: Int
    let reason: String
    let createdAt: Date

    init(_ e: PointsEntry, account: UUID) {
        id = e.id!
        kind = e.kindRaw
        points = e.toAccountID == account ? e.points : -e.points
        reason = e.reason
        createdAt = e.createdAt
    }
}

struct PassbookDTO: Content {
    let residentId: UUID
    let name: String
    let balance: Int
    let entries: [EntryDTO]
    let total: Int
    let page: Int
    let per: Int
}

struct GoodsDTO: Content {
    let id: UUID
    let communityId: UUID
    let name: String
    let description: String
    let pricePoints: Int
    let stock: Int
    let monthlyLimit: Int?
    let active: Bool
    /// The donating partner, or nil when the community bought the goods.
    let donorPartnerId: UUID?
    let donor: String?
    /// Its pictures, oldest first (`GET /api/v1/points/goods/{id}/photos/{photoId}`).
    var photoIds: [UUID] = []

    init(_ g: PointsGoods) {
        id = g.id!
        communityId = g.communityID
        name = g.name
        description = g.description
        pricePoints = g.pricePoints
        stock = g.stock
        monthlyLimit = g.monthlyLimit
        active = g.active
        donorPartnerId = g.donorPartnerID
        donor = g.donorName
    }
}

struct RedemptionDTO: Content {
    let id: UUID
    let goodsId: UUID
    let goodsName: String
    let residentId: UUID
    let quantity: Int
    let points: Int
    let state: String
    let code: String
    let version: Int
    let createdAt: Date
    let closedAt: Date?

    init(_ r: PointsRedemption) {
        id = r.id!
        goodsId = r.goodsID
        goodsName = r.goodsName
        residentId = r.residentID
        quantity = r.quantity
        points = r.points
        state = r.state
        code = r.code
        version = r.version
        createdAt = r.createdAt
        closedAt = r.closedAt
    }
}

struct HouseholdPointsDTO: Content {
    struct Member: Content {
        let residentId: UUID
        let name: String
        let balance: Int
    }
    let householdId: UUID
    let address: String
    let total: Int
    let members: [Member]
}
