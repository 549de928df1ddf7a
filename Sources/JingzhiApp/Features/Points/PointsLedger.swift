import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// The double-entry ledger's two primitives: finding (or opening) an account, and posting one entry. Every balance
/// change goes through `post`, inside the caller's transaction.
enum PointsLedger {
    /// The account for `key`, opened when missing. Opened outside the caller's transaction: two first awards at once
    /// both try to open it, the unique key keeps one, and the other reads it back.
    static func account(_ kind: PointsAccountKind, community: OrgNode, resident: Resident? = nil, now: Date,
                        on db: any Database) async throws -> PointsAccount {
        let key = resident.map { "resident:\($0.id!.uuidString)" } ?? "\(kind.rawValue):\(community.id!.uuidString)"
        if let found = try await PointsAccount.query(on: db).filter(\.$key == key).first() { return found }
        let a = PointsAccount()
        a.key = key
        a.kindRaw = kind.rawValue
        a.communityID = community.id!
        a.nodePath = resident?.nodePath ?? community.path
        a.residentID = resident?.id
        a.balance = 0
        a.createdAt = now
        do {
            try await a.create(on: db)
            return a
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            guard let found = try await PointsAccount.query(on: db).filter(\.$key == key).first() else { throw error }
            return found
        }
    }

    /// Moves `entry.points` from its `from` account to its `to` account and writes the entry, on `tx`. Every account
    /// but an issuing one must keep a balance of zero or more: the debit is a conditional update, so of two posts
    /// racing for the same points only one gets them (409 `insufficient_points`). Accounts are updated in id order, so
    /// two posts touching the same two accounts never deadlock on PostgreSQL.
    static func post(_ entry: PointsEntry, from: PointsAccount, to: PointsAccount, on tx: any Database) async throws {
        guard entry.points > 0, from.id != to.id else {
            throw APIError.invalid("points", "积分须为正数，且在两个账户之间转移 (points must be positive and move between two accounts)")
        }
        let moves: [(account: PointsAccount, delta: Int)] = [(from, -entry.points), (to, entry.points)]
        for m in moves.sorted(by: { $0.account.id!.uuidString < $1.account.id!.uuidString }) {
            var update = tx.sql.update(PointsAccount.schema)
                .set(SQLIdentifier("balance"), to: SQLBinaryExpression(SQLIdentifier("balance"), .add, SQLBind(m.delta)))
                .where("id", .equal, SQLBind(m.account.id!))
            if m.delta < 0 && !m.account.mayGoNegative {
                update = update.where("balance", .greaterThanOrEqual, SQLBind(-m.delta))
            }
            let rows = try await update.returning("balance").all()
            guard let row = rows.first else { throw PointsError.insufficientPoints }
            m.account.balance = try row.decode(column: "balance", as: Int.self)
        }
        entry.fromAccountID = from.id!
        entry.toAccountID = to.id!
        try await entry.create(on: tx)
    }

    /// A resident's entries, newest first, and how many there are.
    static func entries(of account: PointsAccount, page: PageRequest, on db: any Database) async throws -> (items: [PointsEntry], total: Int) {
        let id = account.id!
        let q = PointsEntry.query(on: db).group(.or) { $0.filter(\.$fromAccountID == id).filter(\.$toAccountID == id) }
        let total = try await q.copy().count()
        let items = try await q.sort(\.$createdAt, .descending).sort(\.$id, .descending).range(page.range).all()
        return (items, total)
    }
}

/// The ledger's refusals, with the stable codes of the contract.
enum PointsError {
    static let insufficientPoints = APIError.conflict("积分不足 (not enough points)", code: "insufficient_points")
    static let outOfStock = APIError.conflict("库存不足 (out of stock)", code: "out_of_stock")
    static let monthlyLimit = APIError.conflict("已达本月兑换上限 (monthly limit for these goods reached)", code: "monthly_limit")
    static let alreadyReversed = APIError.conflict("该笔积分已冲正 (this entry was already reversed)", code: "already_reversed")
    static let unknownResident = APIError(.notFound, code: "unknown_resident", "居民不存在或不在您的管辖范围 (unknown resident)", field: "residentId")
    static let unknownGoods = APIError(.notFound, code: "unknown_goods", "商品不存在 (unknown goods)", field: "goodsId")
    static let noCommunity = APIError.conflict("该居民不属于任何社区 (the resident belongs to no community)", code: "no_community")
}
