import Fluent
import Foundation
import JingzhiCore
import PropertyBased
import Testing
import Vapor
@testable import JingzhiApp

/// Random sequences of awards, redemptions, collections, cancellations, expiry and reversals against a plain model:
/// after each sequence every balance and stock is what the model says, and the ledger verifies.
@Suite struct PointsLedgerPropertyTests {
    enum Step: CaseIterable, Sendable { case award, redeem, collect, cancel, expire, reverse }

    /// What the ledger should hold, worked out without a database.
    struct Model {
        var balance: [UUID: Int] = [:]
        var stock: [UUID: Int] = [:]
        var pending: [(id: UUID, resident: UUID, goods: UUID, points: Int, quantity: Int)] = []
        var awards: [(id: UUID, resident: UUID, points: Int, reversed: Bool)] = []
    }

    @Test func randomSequencesKeepTheLedgerBalancedAndMatchTheModel() async throws {
        try await withDemoApp { app in
            // setup: three residents of 古亭社区 and their staff
            let community = try await app.node("YT-GT-01")
            let residents = try await Resident.query(on: app.db).within(DataScope(rootPath: community.path)).sort(\.$id).range(0..<3).all()
            let staff = try await PointsFixture.actor(app, "gt01_community")
            let steps = zip(Gen<Step>.case, Gen.int(in: 0...2), Gen.int(in: 1...40), Gen.int(in: 0...9)).array(of: 1...25)
            var round = 0
            await propertyCheck(count: 25, input: steps) { sequence in
                round += 1
                do {
                    // what earlier rounds left pending expires first, so each round starts from settled accounts
                    _ = try await SupermarketService(db: app.db, now: app.clock.now().addingTimeInterval(60)).expireOverdue(days: 0)
                    var model = Model()
                    for r in residents { model.balance[r.id!] = try await PointsFixture.balance(app, r) }
                    let goods = [try await PointsFixture.goods(app, name: "肥皂\(round)", price: 7, stock: 5),
                                 try await PointsFixture.goods(app, name: "毛巾\(round)", price: 3, stock: 2)]
                    for g in goods { model.stock[g.id!] = g.stock }
                    for (step, who, amount, pick) in sequence {
                        try await apply(step, resident: residents[who], amount: amount, pick: pick, goods: goods, staff: staff, model: &model, app: app)
                    }
                    // check
                    for r in residents { #expect(try await PointsFixture.balance(app, r) == model.balance[r.id!], "balance after \(sequence)") }
                    for g in goods { #expect(try await PointsFixture.stock(app, g) == model.stock[g.id!], "stock after \(sequence)") }
                    let report = try await PointsVerify.run(on: app.db)
                    #expect(report.ok, "\(report.text)")
                } catch {
                    Issue.record(error)
                }
            }
        }
    }

    private func apply(_ step: Step, resident: Resident, amount: Int, pick: Int, goods: [PointsGoods], staff: Actor,
                       model: inout Model, app: Application) async throws {
        let now = app.clock.now()
        let points = PointsService(db: app.db, now: now)
        let market = SupermarketService(db: app.db, now: now)
        let rid = resident.id!
        switch step {
        case .award:
            let e = try await points.award(residentID: rid, points: Double(amount), reason: "随机", sourceRef: nil, idempotencyKey: nil, by: staff).entry
            model.balance[rid, default: 0] += amount
            model.awards.append((e.id!, rid, amount, false))
        case .redeem:
            let g = goods[pick % goods.count], quantity = amount % 3 + 1, cost = g.pricePoints * quantity
            let outcome: String
            do {
                let (r, _) = try await market.redeem(goodsID: g.id, quantity: Double(quantity), idempotencyKey: nil, by: PointsFixture.residentActor(resident))
                model.pending.append((r.id!, rid, g.id!, cost, quantity))
                outcome = "ok"
            } catch let e as APIError { outcome = e.code }
            let expected = model.balance[rid]! < cost ? "insufficient_points" : model.stock[g.id!]! < quantity ? "out_of_stock" : "ok"
            #expect(outcome == expected)
            if expected == "ok" {
                model.balance[rid]! -= cost
                model.stock[g.id!]! -= quantity
            }
        case .collect, .cancel:
            guard !model.pending.isEmpty else { return }
            let p = model.pending.remove(at: pick % model.pending.count)
            let r = try #require(try await PointsRedemption.find(p.id, on: app.db))
            if step == .collect {
                try await market.collect(r, by: staff)
            } else {
                try await market.cancel(r, by: staff)
                model.balance[p.resident]! += p.points
                model.stock[p.goods]! += p.quantity
            }
        case .expire:
            let expired = try await SupermarketService(db: app.db, now: now.addingTimeInterval(60)).expireOverdue(days: 0)
            #expect(expired == model.pending.count)
            for p in model.pending {
                model.balance[p.resident]! += p.points
                model.stock[p.goods]! += p.quantity
            }
            model.pending = []
        case .reverse:
            guard !model.awards.isEmpty else { return }
            let i = pick % model.awards.count, a = model.awards[i]
            let expected = a.reversed ? "already_reversed" : model.balance[a.resident]! < a.points ? "insufficient_points" : "ok"
            var outcome = "ok"
            do { _ = try await points.reverse(entryID: a.id, reason: "更正", by: staff) } catch let e as APIError { outcome = e.code }
            #expect(outcome == expected)
            if expected == "ok" {
                model.balance[a.resident]! -= a.points
                model.awards[i].reversed = true
            }
        }
    }
}
