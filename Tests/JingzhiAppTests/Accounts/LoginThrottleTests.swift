import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Guessing passwords: five failures lock a username for 30 s, each further failure doubles the lock,
/// and a successful login forgets earlier failures.
@Suite struct LoginThrottleTests {
    static func login(_ app: Application, _ username: String, _ password: String) async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/auth/token", token: nil, json: try Fixture.json(["username": username, "password": password]))
    }

    static func fail(_ app: Application, _ username: String, times: Int) async throws {
        for attempt in 1...times {
            let res = try await login(app, username, "wrong-\(attempt)")
            #expect(res.status == .unauthorized && res.errorCode == "bad_credentials", "attempt \(attempt): \(res.status)")
        }
    }

    @Test func sixthAttemptIsRefusedEvenWithTheRightPasswordAndSaysWhenToRetry() async throws {
        try await withDemoApp { app in
            // setup
            try await Self.fail(app, "gt01_community", times: 5)
            // act
            let res = try await Self.login(app, "gt01_community", DemoSeeder.password)
            // check
            #expect(res.status == .tooManyRequests)
            #expect(res.errorCode == "login_throttled")
            let retry = try #require(res.headers.first(name: .retryAfter).flatMap { Int($0) })
            #expect((1...30).contains(retry))
            #expect(try res.json()["token"] == nil)
        }
    }

    @Test func theRightPasswordWorksAgainOnceTheLockHasPassed() async throws {
        try await withDemoApp { app in
            // setup
            try await Self.fail(app, "gt01_community", times: 5)
            try await Self.login(app, "gt01_community", DemoSeeder.password).checkStatus(.tooManyRequests)
            // act
            app.clock.advance(31)
            let res = try await Self.login(app, "gt01_community", DemoSeeder.password)
            // check
            #expect(res.status == .ok)
            let token = try #require(try res.json()["token"] as? String)
            try await app.api(.GET, "/api/v1/me", token: token) { #expect($0.status == .ok) }
        }
    }

    @Test func eachFailureAfterTheLockDoublesIt() async throws {
        try await withDemoApp { app in
            // setup: the first lock (30 s) has passed, and the password is guessed wrong once more
            try await Self.fail(app, "gt01_grid", times: 5)
            app.clock.advance(31)
            try await Self.fail(app, "gt01_grid", times: 1)
            // act
            let locked = try await Self.login(app, "gt01_grid", DemoSeeder.password)
            app.clock.advance(31)
            let stillLocked = try await Self.login(app, "gt01_grid", DemoSeeder.password)
            app.clock.advance(30)
            let open = try await Self.login(app, "gt01_grid", DemoSeeder.password)
            // check
            #expect(locked.status == .tooManyRequests)
            let retry = try #require(locked.headers.first(name: .retryAfter).flatMap { Int($0) })
            #expect((31...60).contains(retry))
            #expect(stillLocked.status == .tooManyRequests)
            #expect(open.status == .ok)
        }
    }

    @Test func aSuccessfulLoginResetsTheCounter() async throws {
        try await withDemoApp { app in
            // setup: four failures, a success, four more failures — never five in a row
            try await Self.fail(app, "bh01_community", times: 4)
            try await Self.login(app, "bh01_community", DemoSeeder.password).checkStatus(.ok)
            try await Self.fail(app, "bh01_community", times: 4)
            // act
            let res = try await Self.login(app, "bh01_community", DemoSeeder.password)
            // check
            #expect(res.status == .ok)
        }
    }

    @Test func lockingOneUsernameLeavesOthersAlone() async throws {
        try await withDemoApp { app in
            // setup
            try await Self.fail(app, "admin", times: 5)
            // act
            let other = try await Self.login(app, "gt_street", DemoSeeder.password)
            let locked = try await Self.login(app, "admin", DemoSeeder.password)
            // check
            #expect(other.status == .ok)
            #expect(locked.status == .tooManyRequests)
        }
    }

    @Test func usernameCaseAndSpacesDoNotDodgeTheLock() async throws {
        try await withDemoApp { app in
            // setup: failures spread over spellings of the same name
            for name in ["Admin", " admin", "ADMIN", "admin ", "aDmin"] {
                try await Self.login(app, name, "nope1234").checkStatus(.unauthorized)
            }
            // act
            let res = try await Self.login(app, "admin", DemoSeeder.password)
            // check
            #expect(res.status == .tooManyRequests)
        }
    }

    @Test func webFormWithAWrongPasswordShowsTheErrorWith401() async throws {
        try await withDemoApp { app in
            // setup
            let browser = WebSession(app)
            try await browser.get("/login")
            // act
            let res = try await browser.post("/login", [("username", "gt01_community"), ("password", "wrong-password1")])
            // check
            #expect(res.status == .unauthorized)
            #expect(res.headers.contentType?.subType == "html")
            #expect(res.text.contains("用户名或密码错误"))
            #expect(res.text.contains("gt01_community"), "the username is kept in the form")
            #expect(!res.text.contains("wrong-password1"), "the password is never echoed")
            // and the browser is still not signed in
            let home = try await browser.get("/residents")
            #expect(home.status == .seeOther)
            #expect(home.headers.first(name: .location)?.hasPrefix("/login") == true)
        }
    }

    @Test func webFormIsThrottledLikeTheAPI() async throws {
        try await withDemoApp { app in
            // setup
            try await Self.fail(app, "gt01_community", times: 5)
            let browser = WebSession(app)
            try await browser.get("/login")
            // act
            let res = try await browser.post("/login", [("username", "gt01_community"), ("password", DemoSeeder.password)])
            // check
            #expect(res.status == .tooManyRequests)
            #expect(res.headers.first(name: .retryAfter) != nil)
            #expect(res.text.contains("登录失败次数过多"))
        }
    }

    @Test func webLoginWithoutTheCSRFTokenIsRefused() async throws {
        try await withDemoApp { app in
            // setup: a session cookie, but the form's token is wrong
            let browser = WebSession(app)
            try await browser.get("/login")
            // act
            let res = try await browser.post("/login", [("username", "admin"), ("password", DemoSeeder.password)], csrf: "forged")
            // check
            #expect(res.status == .forbidden)
            #expect(res.text.contains("表单已过期"))
            let after = try await browser.get("/residents")
            #expect(after.status == .seeOther, "the forged post must not have signed the browser in")
        }
    }
}

extension TestingHTTPResponse {
    /// Records an expectation on the status (for setup steps whose result is not the point of the test).
    @discardableResult
    func checkStatus(_ status: HTTPResponseStatus, sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        #expect(self.status == status, "\(self.status): \(text.prefix(300))", sourceLocation: sourceLocation)
        return self
    }
}
