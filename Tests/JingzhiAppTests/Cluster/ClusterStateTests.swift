import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Two servers on one database: whatever one server learns (a tree change, a login, failed guesses, Open311 hits)
/// the other knows on its next request, because it lives in the database and not in a process.
@Suite struct ClusterStateTests {
    @Test func aTreeChangeOnServerARedrawsServerBsCommandCentreAtOnce() async throws {
        try await withTwoTestApps { a, b in
            // setup: the tiny demo, and server B's map of the community drawn once (so its cache holds the grids)
            _ = try await DemoSeeder.seed(a, scale: .tiny)
            let community = try await a.node("YT-GT-01"), grid = try await a.node("YT-GT-01-G02")
            let tokenA = try await a.token("admin"), tokenB = try await b.token("admin")
            func gridName(on app: Application, _ token: String) async throws -> String? {
                let res = try await app.api(.GET, "/api/v1/command-centre/map?node=\(community.id!)", token: token)
                #expect(res.status == .ok)
                let grids = try #require(try res.json()["grids"] as? [[String: Any]])
                return grids.first { $0["id"] as? String == grid.id!.uuidString }?["name"] as? String
            }
            #expect(try await gridName(on: b, tokenB) == grid.name)
            // act: the grid is renamed through server A
            try await a.api(.PATCH, "/api/v1/org/nodes/\(grid.id!)", token: tokenA, json: #"{"name":"滨河二网格"}"#) { #expect($0.status == .ok) }
            // check: server B's very next map has the new name; a failed change would not have moved the version
            #expect(try await gridName(on: b, tokenB) == "滨河二网格")
            let version = try await OrgTreeVersion.current(on: b.db)
            try await a.api(.PATCH, "/api/v1/org/nodes/\(grid.id!)", token: tokenA, json: #"{"code":"YT-GT-01"}"#) { #expect($0.status != .ok) }
            #expect(try await OrgTreeVersion.current(on: b.db) == version)
        }
    }

    @Test func aSessionStartedOnServerAWorksOnServerBAndLogsOutEverywhere() async throws {
        try await withTwoTestApps { a, b in
            // setup
            _ = try await DemoSeeder.seed(a, scale: .tiny)
            let session = try await WebSession.login(a, "gt01_community")
            // act: the proxy sends the next requests to server B
            session.app = b
            let page = try await session.get("/command")
            // check: B knows the session and its CSRF token
            #expect(page.status == .ok)
            #expect(page.text.contains("logout"))
            let out = try await session.post("/logout", [])
            #expect(out.status == .seeOther)
            // and once logged out on B, server A refuses the old cookie too
            session.app = a
            let after = try await session.get("/command")
            #expect(after.status == .seeOther || after.status == .unauthorized)
        }
    }

    @Test func failedGuessesOnBothServersAddUpToOneLock() async throws {
        try await withTwoTestApps { a, b in
            // setup: three wrong passwords through A, two through B
            _ = try await DemoSeeder.seed(a, scale: .tiny)
            for (app, n) in [(a, 3), (b, 2)] {
                for i in 1...n { try await LoginThrottleTests.login(app, "gt01_grid", "wrong-\(i)").checkStatus(.unauthorized) }
            }
            // act: the right password through either server
            let onA = try await LoginThrottleTests.login(a, "gt01_grid", DemoSeeder.password)
            let onB = try await LoginThrottleTests.login(b, "gt01_grid", DemoSeeder.password)
            // check: the five failures together locked the name on both
            #expect(onA.status == .tooManyRequests && onA.errorCode == "login_throttled")
            #expect(onB.status == .tooManyRequests && onB.errorCode == "login_throttled")
        }
    }

    @Test func guessesAtOnceOnTwoServersAreAllCountedAndNoneFails() async throws {
        try await withTwoTestApps { a, b in
            // setup
            _ = try await DemoSeeder.seed(a, scale: .tiny)
            // act: eight wrong passwords for one name, half through each server, all at once
            let statuses: [HTTPStatus] = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<8 {
                    let app = i % 2 == 0 ? a : b
                    group.addTask {
                        do {
                            _ = try await AccountService(app: app).authenticate(username: "bh01_grid", password: "x\(i)", ip: "10.0.0.\(i)")
                            return .ok
                        } catch let e as APIError {
                            return e.status
                        }
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            // check: every guess was refused as a wrong password (no clash between the servers' writes), all counted
            #expect(statuses == Array(repeating: .unauthorized, count: 8))
            let row = try #require(try await LoginThrottle.query(on: a.db).filter(\.$key == "user:bh01_grid").first())
            #expect(row.failures == 8)
        }
    }

    @Test func open311SubmissionsAreCountedOncePerKeyAcrossServersInASlidingWindow() async throws {
        try await withTwoTestApps { a, b in
            // setup: a key allowed two submissions a minute
            let (key, _) = try await APIKeyService(db: a.db, now: Date()).create(name: "热线", source: .cli("test"))
            let limiter = Open311RateLimiter(limit: 2, window: 60)
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            // act + check: one hit on each server fills the window; the third, on either, waits for the first to leave
            #expect(try await limiter.hit(key.id!, now: t0, on: a.db) == nil)
            #expect(try await limiter.hit(key.id!, now: t0.addingTimeInterval(30), on: b.db) == nil)
            #expect(try await limiter.hit(key.id!, now: t0.addingTimeInterval(40), on: a.db) == 20)
            #expect(try await limiter.hit(key.id!, now: t0.addingTimeInterval(40), on: b.db) == 20)
            let (other, _) = try await APIKeyService(db: a.db, now: Date()).create(name: "小程序", source: .cli("test"))
            #expect(try await limiter.hit(other.id!, now: t0.addingTimeInterval(40), on: b.db) == nil)   // another key has its own
            #expect(try await limiter.hit(key.id!, now: t0.addingTimeInterval(60), on: b.db) == nil)   // the first hit has left
            #expect(try await limiter.hit(key.id!, now: t0.addingTimeInterval(61), on: a.db) == 29)
        }
    }

    @Test func aNamedServerSaysWhoAnsweredEvenOnErrors() async throws {
        try await withTwoTestApps { a, b in
            // act
            let fromB = try await b.api(.GET, "/healthz", token: nil), missing = try await b.api(.GET, "/no-such-page", token: nil)
            let fromA = try await a.api(.GET, "/healthz", token: nil)
            // check
            #expect(fromB.headers.first(name: "X-Jingzhi-Server") == "b")
            #expect(missing.status == .notFound && missing.headers.first(name: "X-Jingzhi-Server") == "b")
            #expect(fromA.headers.first(name: "X-Jingzhi-Server") == nil)
            #expect(ServerInstanceMiddleware.validName("web-2") == "web-2")
            #expect(ServerInstanceMiddleware.validName("a b") == nil && ServerInstanceMiddleware.validName("") == nil)
            #expect(ServerInstanceMiddleware.validName(String(repeating: "x", count: 33)) == nil)
        }
    }

    @Test(.enabled(if: testsRunOnPostgres, "several servers share PostgreSQL; a SQLite file has one server"))
    func twoServersStartedWithTheDemoAtOnceSeedItOnce() async throws {
        try await withTwoTestApps { a, b in
            // act: both servers start with --demo at the same moment
            async let first = DemoSeeder.seed(a, scale: .tiny)
            async let second = DemoSeeder.seed(b, scale: .tiny)
            let (x, y) = try await (first, second)
            // check: one of them seeded, the other found the county there
            #expect([x.created, y.created].filter { $0 }.count == 1)
            #expect(try await OrgNode.query(on: a.db).filter(\.$depth == 0).count() == 1)
            #expect(x.residents == y.residents)
        }
    }

    @Test func residentsFilingOnBothServersAtOnceAllGetTheirOwnNumber() async throws {
        try await withTwoTestApps { a, b in
            // setup
            _ = try await DemoSeeder.seed(a, scale: .tiny)
            let community = try await a.node("YT-GT-01")
            let compound = try #require(try await OrgNode.query(on: a.db).within(DataScope(rootPath: community.path))
                .filter(\.$kindRaw == NodeKind.compound.rawValue).first())
            let user = try #require(try await User.query(on: a.db).filter(\.$username == "gt01_community").first())
            let actor = try await Actor.load(user, on: a.db, now: a.clock.now())
            // act: 80 cases at once, half through each server
            let numbers = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<80 {
                    let app = i % 2 == 0 ? a : b
                    group.addTask {
                        let s = CaseSubmission(categoryCode: "huanjing", nodeID: compound.id, description: "两台同时 \(i)", channel: "api")
                        return try await CaseService(db: app.db, now: app.clock.now()).submit(s, by: actor, idempotencyKey: "k\(i)").0.number
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            // check: every one filed, each with its own number, the 80 numbers of the day without a gap
            #expect(Set(numbers).count == 80)
            let serials = numbers.compactMap { Int($0.suffix(4)) }.sorted()
            #expect(serials.count == 80 && serials.last! - serials.first! == 79)
        }
    }
}
