import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
@testable import JingzhiApp

/// Shared setup of the points tests, on the tiny demo county.
enum PointsFixture {
    static func actor(_ app: Application, _ username: String) async throws -> Actor {
        let user = try #require(try await User.query(on: app.db).filter(\.$username == username).first())
        return try await Actor.load(user, on: app.db, now: app.clock.now())
    }

    /// The resident behind `resident_demo` (古亭社区).
    static func demoResident(_ app: Application) async throws -> Resident {
        let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
        let id = try #require(user.residentID)
        return try #require(try await Resident.find(id, on: app.db))
    }

    /// Goods in 古亭社区, offered by its community staff.
    static func goods(_ app: Application, name: String, price: Int, stock: Int, limit: Int? = nil) async throws -> PointsGoods {
        let staff = try await actor(app, "gt01_community")
        let input = GoodsInput(name: name, description: nil, pricePoints: Double(price), stock: Double(stock), monthlyLimit: limit.map(Double.init))
        return try await SupermarketService(db: app.db, now: app.clock.now()).create(input, community: try await app.node("YT-GT-01"), by: staff)
    }

    static func award(_ app: Application, _ resident: Resident, _ points: Int, ref: String? = nil) async throws {
        let staff = try await actor(app, "gt01_community")
        _ = try await PointsService(db: app.db, now: app.clock.now()).award(residentID: resident.id, points: Double(points), reason: "测试",
                                                                            sourceRef: ref, idempotencyKey: nil, by: staff)
    }

    static func balance(_ app: Application, _ resident: Resident) async throws -> Int {
        try await PointsService(db: app.db, now: app.clock.now()).account(of: resident).balance
    }

    static func stock(_ app: Application, _ goods: PointsGoods) async throws -> Int {
        try #require(try await PointsGoods.find(goods.id, on: app.db)).stock
    }
}

extension PointsFixture {
    /// A signed-in resident for `r`, without the cost of a real account (a password hash each).
    static func residentActor(_ r: Resident) -> Actor {
        let user = User()
        user.id = UUID()
        user.username = "r-\(r.id!.uuidString.prefix(8))"
        user.displayName = r.name
        user.roleRaw = Role.resident.rawValue
        user.residentID = r.id
        return Actor(user: user, scope: .nothing, nodePath: "")
    }
}
