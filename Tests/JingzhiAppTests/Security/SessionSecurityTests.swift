import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Sessions end with a password change everywhere; an unlinked resident may only file and follow their own cases;
/// login throttling slows guessing without letting anyone lock a colleague or an office out.
@Suite struct SessionSecurityTests {
    static func login(_ app: Application, _ username: String, _ password: String, from ip: String) async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/auth/token", token: nil, json: try Fixture.json(["username": username, "password": password]),
                          headers: ["X-Forwarded-For": ip])
    }

    @Test func changingThePasswordEndsEveryOtherWebSessionAndToken() async throws {
        try await withDemoApp { app in
            // setup: two browsers and a token
            let laptop = Browser(app), phone = Browser(app)
            try await laptop.login("gt01_community")
            try await phone.login("gt01_community")
            let token = try await app.token("gt01_community")
            // act: the password is changed on the laptop
            _ = try await laptop.get("/account/password")
            let changed = try await laptop.post("/account/password", [("currentPassword", DemoSeeder.password), ("newPassword", "NewPass2026")])
            // check
            #expect(changed.status == .seeOther)
            #expect(try await laptop.get("/cases").status == .ok)
            let other = try await phone.get("/cases")
            #expect(other.status == .seeOther && other.headers.first(name: .location)?.hasPrefix("/login") == true)
            #expect(try await app.api(.GET, "/api/v1/me", token: token).status == .unauthorized)
        }
    }

    @Test func resetPasswordSignsTheAccountOutOfEveryBrowser() async throws {
        try await withDemoApp { app in
            // setup
            let browser = Browser(app)
            try await browser.login("gt01_grid")
            #expect(try await browser.get("/patrol").status == .ok)
            // act: the command line's reset
            try await AccountService(app: app).resetPassword(username: "gt01_grid", to: "Reset2026x", source: .cli("test"))
            // check
            let after = try await browser.get("/patrol")
            #expect(after.status == .seeOther)
            #expect(try await browser.get("/").headers.first(name: .location)?.hasPrefix("/login") == true)
        }
    }

    @Test func anUnlinkedResidentMayFileAndFollowOwnCasesAndNothingElse() async throws {
        try await withDemoApp { app in
            // setup: a resident signs up; staff have not approved the link
            let compound = try await SecurityFixture.compound(app)
            try await RegistrationTests.register(app, phone: "13566667777", compound: compound).checkStatus(.created)
            let token = try await app.token("13566667777", password: "Resident2026")
            // act + check: filing and following work
            let filed = try await app.api(.POST, "/api/v1/cases", token: token,
                                          json: #"{"categoryCode":"huanjing","nodeId":"\#(compound.id!)","description":"楼下垃圾没人清"}"#)
            #expect(filed.status == .created)
            let id = try #require(try filed.json()["id"] as? String)
            #expect(try await app.api(.GET, "/api/v1/cases/\(id)", token: token).status == .ok)
            #expect(try await app.api(.GET, "/api/v1/cases", token: token).status == .ok)
            #expect(try await app.api(.GET, "/api/v1/me", token: token).status == .ok)
            // everything else waits for the link
            for path in ["/api/v1/property/me", "/api/v1/org/nodes", "/api/v1/residents", "/api/v1/patrols", "/api/v1/visits/due", "/api/v1/property/bills"] {
                let res = try await app.api(.GET, path, token: token)
                #expect(res.status == .forbidden && res.errorCode == "link_pending", "\(path): \(res.status)")
            }
        }
    }

    @Test func guessingFromOneAddressDoesNotLockTheUserOutElsewhere() async throws {
        try await withDemoApp { app in
            // setup: behind a proxy, five wrong passwords from one address
            app.settings.trustProxy = true
            for i in 1...5 {
                try await Self.login(app, "gt01_community", "wrong-\(i)", from: "203.0.113.9").checkStatus(.unauthorized)
            }
            // act
            let attacker = try await Self.login(app, "gt01_community", DemoSeeder.password, from: "203.0.113.9")
            let owner = try await Self.login(app, "gt01_community", DemoSeeder.password, from: "198.51.100.7")
            // check
            #expect(attacker.status == .tooManyRequests)
            #expect(owner.status == .ok)
        }
    }

    @Test func manyGuessesAtOneNameOnlySlowItDownForAMinuteAtMost() async throws {
        try await withDemoApp { app in
            // setup: twelve wrong passwords from twelve addresses
            app.settings.trustProxy = true
            for i in 1...12 { _ = try await Self.login(app, "gt01_grid", "wrong-\(i)", from: "203.0.113.\(i)") }
            // act
            let slowed = try await Self.login(app, "gt01_grid", DemoSeeder.password, from: "198.51.100.7")
            app.clock.advance(61)
            let later = try await Self.login(app, "gt01_grid", DemoSeeder.password, from: "198.51.100.7")
            // check
            #expect(slowed.status == .tooManyRequests)
            let wait = try #require(slowed.headers.first(name: .retryAfter).flatMap { Int($0) })
            #expect((1...60).contains(wait))
            #expect(later.status == .ok)
        }
    }

    @Test func anOfficeBehindOneAddressRecoversAndASuccessClearsIt() async throws {
        try await withDemoApp { app in
            // setup: twenty failures over different names from one office address
            app.settings.trustProxy = true
            for i in 1...20 { _ = try await Self.login(app, "nobody\(i)", "wrong-pass\(i)", from: "192.0.2.1") }
            // act + check: locked briefly, then it fades
            let locked = try await Self.login(app, "gt_street", DemoSeeder.password, from: "192.0.2.1")
            #expect(locked.status == .tooManyRequests)
            let wait = try #require(locked.headers.first(name: .retryAfter).flatMap { Int($0) })
            #expect(wait <= 300)
            app.clock.advance(TimeInterval(wait + 1))
            #expect(try await Self.login(app, "gt_street", DemoSeeder.password, from: "192.0.2.1").status == .ok)
            // a success forgot the address's failures: one more wrong try does not lock it again
            try await Self.login(app, "nobody", "wrong-again1", from: "192.0.2.1").checkStatus(.unauthorized)
            #expect(try await Self.login(app, "gt01_community", DemoSeeder.password, from: "192.0.2.1").status == .ok)
        }
    }

    @Test func theSessionCookieIsSecureBehindAnHTTPSProxy() async throws {
        try await withDemoApp { app in
            app.settings.trustProxy = true
            func cookie(_ headers: HTTPHeaders) async throws -> HTTPCookies.Value? {
                var captured: TestingHTTPResponse?
                try await app.testing().test(.GET, "/login", beforeRequest: { req in
                    for (k, v) in headers { req.headers.replaceOrAdd(name: k, value: v) }
                }, afterResponse: { captured = $0 })
                return try #require(captured).headers.setCookie?["jingzhi_session"]
            }
            let plain = try await cookie([:])
            let https = try await cookie(["X-Forwarded-Proto": "https"])
            #expect(plain?.isSecure == false)
            #expect(https?.isSecure == true && https?.isHTTPOnly == true)
        }
    }
}
