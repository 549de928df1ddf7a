import Foundation
import JingzhiCore
import Testing
import Vapor
@testable import JingzhiApp

/// SiteURL is the web UI's route table: every web route is registered from a SiteURL pattern and every pattern is served.
@Suite struct SiteURLRouteTests {
    /// Routes that are not web pages: the API (tied to /openapi.json by OpenAPIDocumentTests), Open311, health.
    static func isPage(_ path: String) -> Bool {
        !(path.hasPrefix("/api/") || path.hasPrefix("/open311/") || path == "/openapi.json" || path == "/healthz" || path == "/metrics")
    }

    /// "GET /cases/:id" for each registered web route.
    static func registered(_ app: Application) -> Set<String> {
        Set(app.routes.all.compactMap { route in
            let path = "/" + route.path.map { component -> String in
                switch component {
                case .constant(let s): s
                case .parameter(let name): ":\(name)"
                case .anything: "*"
                case .catchall: "**"
                }
            }.joined(separator: "/")
            return isPage(path) ? "\(route.method.rawValue) \(path)" : nil
        })
    }

    static var declared: [String] {
        FeatureList.pages.flatMap { p in p.methods.map { "\($0.rawValue) \(p.template)" } }
    }

    @Test func everyWebRouteHasASiteURLPattern() async throws {
        try await withTestApp { app in
            // act
            let routes = Self.registered(app)
            // check
            #expect(routes.count > 80)
            let missing = routes.subtracting(Self.declared).sorted()
            #expect(missing.isEmpty, "web routes with no SiteURL pattern: \(missing)")
        }
    }

    @Test func everySiteURLPatternIsRegistered() async throws {
        try await withTestApp { app in
            // act
            let routes = Self.registered(app)
            // check
            let phantom = Set(Self.declared).subtracting(routes).sorted()
            #expect(phantom.isEmpty, "SiteURL patterns no route serves: \(phantom)")
        }
    }

    @Test func eachPatternIsDeclaredOnce() {
        // act
        let counts = Dictionary(Self.declared.map { ($0, 1) }, uniquingKeysWith: +)
        // check
        #expect(counts.filter { $0.value > 1 }.keys.sorted() == [])
    }

    @Test func patternsFillParametersInOrderAndEscapeThem() {
        // setup
        let id = UUID(uuidString: "0C1D2E3F-4A5B-6C7D-8E9F-A0B1C2D3E4F5")!
        // act / check
        #expect(RoutePattern("/cases/:id/act/:action", .POST).path(id, "hand_back") == "/cases/\(id)/act/hand_back")
        #expect(RoutePattern("/sign/:code").path("a b/c") == "/sign/a%20b%2Fc")
        #expect(RoutePattern("/").path() == "/")
        #expect(RoutePattern("/cases/:id").components.map(\.description) == ["cases", ":id"])
    }

    @Test func linksAreTheURLsTheyWere() {
        // setup
        let id = UUID(uuidString: "0C1D2E3F-4A5B-6C7D-8E9F-A0B1C2D3E4F5")!
        // act / check
        #expect(SiteURL.home.path == "/")
        #expect(SiteURL.Cases.queue(query: [("state", "accepted")]).path == "/cases?state=accepted")
        #expect(SiteURL.Cases.new(node: id).path == "/cases/new?node=\(id.uuidString)")
        #expect(SiteURL.Cases.act(id, action: "merge").path == "/cases/\(id)/act/merge")
        #expect(SiteURL.Org.removeWorker(id, worker: id).path == "/org/\(id)/workers/\(id)/delete")
        #expect(SiteURL.Accounts.login(next: "/cases?x=1").path == "/login?next=%2Fcases%3Fx%3D1")
        #expect(SiteURL.Property.overview(withoutCompany: true).path == "/property?withoutCompany=1")
        #expect(SiteURL.Property.ratings(month: "2026-05").path == "/property/ratings?month=2026-05")
        #expect(SiteURL.Visits.record(household: id).path == "/visits/record?household=\(id.uuidString)")
        #expect(SiteURL.Measures.monthlyPrint(query: [("node", "n")]).path == "/reports/monthly/print?node=n")
    }
}
