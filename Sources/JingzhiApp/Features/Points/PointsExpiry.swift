import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// One year's expiry run (积分年度清零), claimed by the server that inserts its row; a run left unfinished (a crash) is
/// claimed again after an hour and carries on, since each account's entry is keyed by year and account.
final class PointsExpiryRun: Model, @unchecked Sendable {
    static let schema = "points_expiry_runs"

    @ID(key: .id) var id: UUID?
    /// The year whose points expired: unique.
    @Field(key: "year") var year: Int
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?
    @Field(key: "accounts") var accounts: Int
    @Field(key: "points") var points: Int

    init() {}
}

/// Points earned in year Y and not spent by the end of year Y + `years` move from the resident's account to the
/// community's expiry account, as `expiry` entries keyed `expiry:<Y>:<accountId>`: never twice, whatever the retries.
/// Spending takes the oldest points first, so what is left of year Y is what came in up to Y minus all that went out
/// (net of returns) up to the end of Y + `years`, and never more than the balance.
struct PointsExpiry {
    let db: any Database
    let now: Date

    struct Result: Equatable, Sendable {
        var accounts = 0
        var points = 0
    }

    /// The year whose points expire by `now` when points live `years` full years after the one they were earned in.
    static func dueYear(now: Date, years: Int) -> Int {
        Int(ShanghaiTime.today(now).prefix(4))! - years - 1
    }

    static func yearStart(_ y: Int) -> Date { ShanghaiTime.dayStart(String(format: "%04d-01-01", y)) }

    /// Expires what is left of `year`'s points. Running it again changes nothing.
    func run(year: Int, years: Int) async throws -> Result {
        let earnedBefore = Self.yearStart(year + 1), spentBefore = Self.yearStart(year + years + 1)
        guard spentBefore <= now else {
            throw APIError.invalid("year", "\(year) 年的积分要到 \(year + years + 1) 年才过期 (points of \(year) expire only in \(year + years + 1))")
        }
        let residents = try await PointsAccount.query(on: db).filter(\.$kindRaw == PointsAccountKind.resident.rawValue).filter(\.$balance > 0).all()
        guard !residents.isEmpty else { return Result() }
        let credits = try await sums(column: "to_account_id", before: earnedBefore)
        let debits = try await sums(column: "from_account_id", before: spentBefore)
        let lateRefunds = try await sums(column: "to_account_id", before: spentBefore, from: earnedBefore, kind: .refund)
        var result = Result()
        var expiryAccounts: [UUID: PointsAccount] = [:]
        for account in residents {
            let id = account.id!
            let left = (credits[id] ?? 0) - ((debits[id] ?? 0) - (lateRefunds[id] ?? 0))
            let points = min(account.balance, left)
            guard points > 0 else { continue }
            let ref = "expiry:\(year):\(id.uuidString)"
            if try await PointsEntry.query(on: db).filter(\.$sourceRef == ref).first() != nil { continue }
            guard let community = try await OrgNode.find(account.communityID, on: db) else { continue }
            let sink: PointsAccount
            if let known = expiryAccounts[account.communityID] { sink = known } else {
                sink = try await PointsLedger.account(.expiry, community: community, now: now, on: db)
                expiryAccounts[account.communityID] = sink
            }
            let e = PointsService(db: db, now: now, source: .system("积分过期")).entry(.expiry, points: points, reason: "\(year) 年获得的积分到期", nodePath: community.path)
            e.sourceRef = ref
            do {
                try await db.writeTransaction { [now] tx in
                    try await PointsLedger.post(e, from: account, to: sink, on: tx)
                    try await AuditLog.record(on: tx, by: .system("积分过期"), at: now, action: "expire", entity: "points_entry", entityID: e.id,
                                              nodePath: account.nodePath, summary: "\(year) 年积分到期 -\(points)")
                }
            } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
                continue // another server expired this account's year first
            } catch let e as APIError where e.code == "insufficient_points" {
                continue // spent meanwhile: the next run sees the new balance
            }
            result.accounts += 1
            result.points += points
        }
        return result
    }

    private func sums(column: String, before: Date, from: Date? = nil, kind: PointsEntryKind? = nil) async throws -> [UUID: Int] {
        var q = db.sql.select().column(SQLIdentifier(column), as: "account")
            .column(SQLRaw("CAST(SUM(points) AS BIGINT)"), as: "total")
            .from(PointsEntry.schema).where("created_at", .lessThan, SQLBind(before))
        if let from { q = q.where("created_at", .greaterThanOrEqual, SQLBind(from)) }
        if let kind { q = q.where("kind", .equal, SQLBind(kind.rawValue)) }
        let rows = try await q.groupBy(SQLIdentifier(column)).all()
        var out: [UUID: Int] = [:]
        for row in rows { out[try row.decode(column: "account", as: UUID.self)] = try row.decode(column: "total", as: Int.self) }
        return out
    }

    /// The scheduler's yearly run: once `years` is set, the due year is expired by the server that claims it.
    func tick(years: Int) async throws -> Result? {
        let year = Self.dueYear(now: now, years: years)
        guard try await claim(year) else { return nil }
        let result = try await run(year: year, years: years)
        try await PointsExpiryRun.query(on: db).filter(\.$year == year).set(\.$finishedAt, to: now)
            .set(\.$accounts, to: result.accounts).set(\.$points, to: result.points).update()
        return result
    }

    private func claim(_ year: Int) async throws -> Bool {
        if let run = try await PointsExpiryRun.query(on: db).filter(\.$year == year).first() {
            guard run.finishedAt == nil, run.startedAt < now.addingTimeInterval(-3_600) else { return false }
            let rows = try await db.sql.update(PointsExpiryRun.schema).set("started_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(run.id!)).where(SQLIdentifier("finished_at"), .is, SQLLiteral.null)
                .where("started_at", .lessThan, SQLBind(now.addingTimeInterval(-3_600))).returning("id").all()
            return !rows.isEmpty
        }
        let run = PointsExpiryRun()
        run.year = year
        run.startedAt = now
        run.accounts = 0
        run.points = 0
        do {
            try await run.create(on: db)
            return true
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            return false
        }
    }
}
