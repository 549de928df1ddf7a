import Fluent
import Foundation
import JingzhiCore

/// What a points account is for. A community has one issuing account (发放账户, the only one that may go below zero:
/// its balance is minus what it has issued), one supermarket account (积分超市) and one expiry account (过期).
enum PointsAccountKind: String, Codable, CaseIterable, Sendable {
    case issuing, resident, supermarket, expiry

    var zh: String {
        switch self {
        case .issuing: "社区发放账户"
        case .resident: "居民积分账户"
        case .supermarket: "积分超市账户"
        case .expiry: "过期积分账户"
        }
    }
    var en: String {
        switch self {
        case .issuing: "community issuing account"
        case .resident: "resident account"
        case .supermarket: "supermarket account"
        case .expiry: "expiry account"
        }
    }
}

/// One account of the points ledger (积分账户). `balance` is stored and kept equal to its entries in the transaction
/// that posts them; `jingzhi points verify` proves it.
final class PointsAccount: Model, PathScoped, @unchecked Sendable {
    static let schema = "points_accounts"
    static var pathKey: KeyPath<PointsAccount, FieldProperty<PointsAccount, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    /// `kind:community-id` or `resident:resident-id`: one account per purpose, enforced by a unique index.
    @Field(key: "key") var key: String
    @Field(key: "kind") var kindRaw: String
    /// The community the account belongs to (a resident's: where they live).
    @Field(key: "community_id") var communityID: UUID
    /// The community's path, or the resident's node path for a resident's account.
    @Field(key: "node_path") var nodePath: String
    @OptionalField(key: "resident_id") var residentID: UUID?
    @Field(key: "balance") var balance: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var kind: PointsAccountKind { PointsAccountKind(rawValue: kindRaw) ?? .resident }
    /// Only the issuing account may go below zero.
    var mayGoNegative: Bool { kind == .issuing }
}

/// Why points moved.
enum PointsEntryKind: String, Codable, CaseIterable, Sendable {
    case award, reversal, redeem, refund, expiry

    var zh: String {
        switch self {
        case .award: "获得积分"
        case .reversal: "冲正"
        case .redeem: "兑换"
        case .refund: "兑换退回"
        case .expiry: "积分过期"
        }
    }
    var en: String {
        switch self {
        case .award: "award"
        case .reversal: "reversal"
        case .redeem: "redemption"
        case .refund: "redemption returned"
        case .expiry: "expiry"
        }
    }
}

/// One entry of the ledger (积分流水): `points` (> 0) leave `fromAccountID` and reach `toAccountID`. Entries are never
/// edited or deleted; a correction is a reversing entry (`reversesID`) with its reason.
final class PointsEntry: Model, PathScoped, @unchecked Sendable {
    static let schema = "points_entries"
    static var pathKey: KeyPath<PointsEntry, FieldProperty<PointsEntry, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "from_account_id") var fromAccountID: UUID
    @Field(key: "to_account_id") var toAccountID: UUID
    @Field(key: "points") var points: Int
    @Field(key: "kind") var kindRaw: String
    @Field(key: "reason") var reason: String
    /// The event that earned an award (e.g. `case:…`, `activity:…:resident`): unique, so it never pays twice.
    @OptionalField(key: "source_ref") var sourceRef: String?
    /// A caller's `Idempotency-Key`, prefixed by who sent it.
    @OptionalField(key: "idempotency_key") var idempotencyKey: String?
    /// The entry this one reverses (unique: an entry is reversed at most once).
    @OptionalField(key: "reverses_id") var reversesID: UUID?
    @OptionalField(key: "redemption_id") var redemptionID: UUID?
    /// The community's path.
    @Field(key: "node_path") var nodePath: String
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var kind: PointsEntryKind { PointsEntryKind(rawValue: kindRaw) ?? .award }
}

/// Goods of a community's points supermarket (积分超市商品).
final class PointsGoods: Model, PathScoped, @unchecked Sendable {
    static let schema = "points_goods"
    static var pathKey: KeyPath<PointsGoods, FieldProperty<PointsGoods, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "community_id") var communityID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "name") var name: String
    @Field(key: "description") var description: String
    @Field(key: "price_points") var pricePoints: Int
    /// Never below zero: a redemption takes stock with a conditional update.
    @Field(key: "stock") var stock: Int
    /// How many one resident may redeem in a calendar month (Asia/Shanghai); nil: no limit.
    @OptionalField(key: "monthly_limit") var monthlyLimit: Int?
    @Field(key: "active") var active: Bool
    /// The partner (红色合伙人) that donated the goods and its name as shown; nil when the community bought them.
    @OptionalField(key: "donor_partner_id") var donorPartnerID: UUID?
    @OptionalField(key: "donor_name") var donorName: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// A resident's redemption (兑换): points and stock are held at once while pending; collecting posts it, cancelling
/// or expiring voids it (points and stock return).
final class PointsRedemption: Model, PathScoped, @unchecked Sendable {
    static let schema = "points_redemptions"
    static var pathKey: KeyPath<PointsRedemption, FieldProperty<PointsRedemption, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "goods_id") var goodsID: UUID
    @Field(key: "goods_name") var goodsName: String
    @Field(key: "resident_id") var residentID: UUID
    @Field(key: "account_id") var accountID: UUID
    /// The resident's node path, so staff of the area and the resident's grid see it.
    @Field(key: "node_path") var nodePath: String
    @Field(key: "quantity") var quantity: Int
    @Field(key: "points") var points: Int
    /// The 核销码 the resident shows; unique.
    @Field(key: "code") var code: String
    @Field(key: "state") var state: String
    @Field(key: "version") var version: Int
    /// `yyyy-MM` in Asia/Shanghai, for the monthly limit.
    @Field(key: "month") var month: String
    @OptionalField(key: "idempotency_key") var idempotencyKey: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "closed_at") var closedAt: Date?

    init() {}
}
