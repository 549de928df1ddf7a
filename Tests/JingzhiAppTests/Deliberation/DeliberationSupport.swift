import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Shared steps of the deliberation tests, on the tiny demo (古亭社区 YT-GT-01, resident_demo lives there).
enum DeliberationFixture {
    /// The compound resident_demo lives in.
    static func home(_ app: Application) async throws -> OrgNode {
        try await PropertyFixture.residentHome(app).1
    }

    /// Raises a topic through the API; returns the response.
    @discardableResult
    static func raise(_ app: Application, token: String, node: OrgNode, title: String = "3号楼前加装休息座椅",
                      key: String? = nil) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let key { headers.add(name: "Idempotency-Key", value: key) }
        return try await app.api(.POST, "/api/v1/topics", token: token,
                                 json: #"{"title":"\#(title)","description":"老人出门走不远，希望在楼前放两张长椅","nodeId":"\#(node.id!)"}"#,
                                 headers: headers)
    }

    /// Raises a topic as resident_demo at home and returns its id.
    static func topic(_ app: Application, title: String = "3号楼前加装休息座椅") async throws -> UUID {
        let res = try await raise(app, token: try await app.token("resident_demo"), node: try await home(app), title: title)
        #expect(res.status == .created, "\(res.text)")
        let raw = try res.json()["id"] as? String
        return try #require(raw.flatMap(UUID.init(uuidString:)))
    }

    /// `count` resident accounts of 古亭社区, each linked to a resident of a different household (or, with
    /// `sameHousehold`, all of one household), with their tokens.
    static func residents(_ app: Application, _ count: Int, sameHousehold: Bool = false) async throws -> [String] {
        let community = try await app.node("YT-GT-01")
        let taken = try await User.query(on: app.db).filter(\.$residentID != nil).all().compactMap(\.residentID)
        let everyone = try await Resident.query(on: app.db).within(DataScope(rootPath: community.path)).sort(\.$nodePath).sort(\.$id).all()
        // Households someone already signed up for belong to earlier picks: never share them.
        let takenHouseholds = Set(everyone.filter { taken.contains($0.id!) }.map(\.householdID))
        let all = everyone.filter { !taken.contains($0.id!) && !takenHouseholds.contains($0.householdID) }
        var picked: [Resident] = []
        if sameHousehold {
            let byHousehold = Dictionary(grouping: all, by: \.householdID)
            let household = try #require(byHousehold.keys.sorted { $0.uuidString < $1.uuidString }.first { byHousehold[$0]!.count >= count })
            picked = Array(byHousehold[household]!.prefix(count))
        } else {
            var seen: Set<UUID> = []
            for r in all where seen.insert(r.householdID).inserted { picked.append(r) }
            picked = Array(picked.prefix(count))
        }
        #expect(picked.count == count)
        var tokens: [String] = []
        for (i, r) in picked.enumerated() {
            let name = "delib_r\(i)_\(sameHousehold ? "h" : "d")"
            let user = try await AccountService(app: app).createUser(username: name, password: DemoSeeder.password, role: .resident, node: nil,
                                                                     displayName: r.name, phone: nil, creator: nil, source: .cli("test"))
            user.residentID = r.id
            try await user.save(on: app.db)
            tokens.append(try await app.token(name))
        }
        return tokens
    }

    static func setThreshold(_ app: Application, _ n: Int) async throws {
        let admin = try #require(try await User.query(on: app.db).filter(\.$username == "gt01_community").first())
        let actor = try await Actor.load(admin, on: app.db, now: app.clock.now())
        _ = try await TopicService(db: app.db, now: app.clock.now()).setThreshold(community: try await app.node("YT-GT-01").id, threshold: n, by: actor)
    }

    static func act(_ app: Application, _ token: String, _ id: UUID, _ action: String, _ json: String = "{}") async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/topics/\(id)/actions/\(action)", token: token, json: json)
    }

    static func stage(_ res: TestingHTTPResponse) throws -> String? { try res.json()["stage"] as? String }
}
