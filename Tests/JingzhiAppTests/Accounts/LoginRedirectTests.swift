import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// After logging in, the form sends people back where they were going — but only to a page of this site.
@Suite struct LoginRedirectTests {
    static func login(next: String) async throws -> String? {
        var location: String?
        try await withDemoApp { app in
            let browser = WebSession(app)
            try await browser.get("/login?next=\(next.urlEncoded)")
            let res = try await browser.post("/login?next=\(next.urlEncoded)", [("username", "gt01_community"), ("password", DemoSeeder.password)])
            #expect(res.status == .seeOther)
            location = res.headers.first(name: .location)
        }
        return location
    }

    @Test func loginReturnsToThePageThatAskedForIt() async throws {
        // act
        let location = try await Self.login(next: "/residents?tag=党员")
        // check
        #expect(location == "/residents?tag=党员")
    }

    @Test(arguments: ["//evil.example/x", "https://evil.example/", "javascript:alert(1)", "evil.example"])
    func loginNeverSendsTheBrowserToAnotherSite(_ next: String) async throws {
        // act
        let location = try await Self.login(next: next)
        // check
        #expect(location == "/")
    }

    /// Browsers read `/\` as `//` and drop tabs, so these would leave the site too.
    @Test(arguments: ["/\\evil.example", "/\\/evil.example", "/\t/evil.example"])
    func backslashOrControlCharacterTricksAreRefusedToo(_ next: String) async throws {
        // act
        let location = try await Self.login(next: next)
        // check
        #expect(location == "/")
    }
}

/// The language switch sends people back to the page they were on — also only inside the site.
@Suite struct LanguageSwitchRedirectTests {
    static func back(_ target: String) async throws -> TestingHTTPResponse {
        var captured: TestingHTTPResponse?
        try await withTestApp { app in captured = try await WebSession(app).get("/lang/en?back=\(target.urlEncoded)") }
        return try #require(captured)
    }

    @Test func switchingLanguageReturnsToThePageAndRemembersTheChoice() async throws {
        // act
        let res = try await Self.back("/residents?page=2")
        // check
        #expect(res.status == .seeOther)
        #expect(res.headers.first(name: .location) == "/residents?page=2")
        #expect(res.headers.setCookie?["lang"]?.string == "en")
    }

    @Test(arguments: ["/\\evil.example", "//evil.example", "https://evil.example"])
    func switchingLanguageNeverLeavesTheSite(_ target: String) async throws {
        // act
        let res = try await Self.back(target)
        // check
        #expect(res.headers.first(name: .location) == "/")
    }
}
