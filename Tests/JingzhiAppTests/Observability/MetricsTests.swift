import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// `/metrics`: Prometheus text a scraper parses, counted by route pattern, open to loopback or the token only.
@Suite struct MetricsTests {
    static let token = "metrics-token-for-tests-0123456789"

    /// Scrapes with the token (the in-memory tester has no peer address, so it is not loopback).
    static func scrape(_ app: Application) async throws -> String {
        let res = try await app.api(.GET, "/metrics", token: token)
        #expect(res.status == .ok)
        #expect(res.headers.first(name: .contentType)?.hasPrefix("text/plain; version=0.0.4") == true)
        return res.text
    }

    /// The value of the sample of `name` whose labels include every one of `labels`.
    static func value(_ text: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            let head = line.prefix { $0 != " " && $0 != "}" }
            guard head == name || head.hasPrefix(name + "{") else { continue }
            if labels.allSatisfy({ line.contains("\($0.key)=\"\($0.value)\"") }), let v = line.split(separator: " ").last.flatMap({ Double($0) }) {
                return v
            }
        }
        return nil
    }

    @Test func theTextParsesAndARequestCountsUnderItsRoutePatternAndStatus() async throws {
        try await withDemoApp { app in
            // setup
            app.settings.environment["JINGZHI_METRICS_TOKEN"] = Self.token
            let staff = try await app.token("gt01_community")
            let someone = UUID()
            _ = try await app.api(.GET, "/healthz", token: nil)
            let before = try await Self.scrape(app)
            // act
            let health = try await app.api(.GET, "/healthz", token: nil)
            let missing = try await app.api(.GET, "/api/v1/cases/\(someone)", token: staff)
            _ = try await app.api(.GET, "/no/such/page/13812345678", token: nil)
            let after = try await Self.scrape(app)
            // check: the format
            var typed = Set<String>()
            for line in after.split(separator: "\n") {
                if line.hasPrefix("# TYPE ") {
                    let parts = line.split(separator: " ")
                    #expect(parts.count == 4 && ["counter", "gauge", "histogram"].contains(String(parts[3])), "bad TYPE line: \(line)")
                    typed.insert(String(parts[2]))
                } else if !line.hasPrefix("#") {
                    let name = String(line.prefix { $0 != "{" && $0 != " " })
                    #expect(name.range(of: #"^[a-zA-Z_:][a-zA-Z0-9_:]*$"#, options: .regularExpression) != nil, "bad name: \(line)")
                    let family = ["_bucket", "_sum", "_count"].reduce(name) { n, s in typed.contains(n) ? n : (n.hasSuffix(s) ? String(n.dropLast(s.count)) : n) }
                    #expect(typed.contains(family), "no # TYPE before \(name)")
                    #expect(Double(line.split(separator: " ").last ?? "") != nil, "bad value: \(line)")
                }
            }
            #expect(typed.isSuperset(of: ["jingzhi_http_requests_total", "jingzhi_http_request_duration_seconds", "jingzhi_cases_open",
                                          "jingzhi_cases_overdue", "jingzhi_db_probe_seconds", "jingzhi_http_requests_in_flight"]))
            // check: one more /healthz, under its pattern and status; the 404 under the pattern, not the id
            #expect(health.headers.first(name: .xRequestId)?.count == 32)
            let key = ["route": "/healthz", "status": "200", "method": "GET"]
            #expect(Self.value(after, "jingzhi_http_requests_total", key) == (Self.value(before, "jingzhi_http_requests_total", key) ?? -1) + 1)
            #expect(missing.status == .notFound)
            #expect(Self.value(after, "jingzhi_http_requests_total", ["route": "/api/v1/cases/:id", "status": "404"]) == 1)
            #expect(Self.value(after, "jingzhi_http_requests_total", ["route": "(unmatched)", "status": "404"]) ?? 0 >= 1)
            #expect((Self.value(after, "jingzhi_http_request_duration_seconds_count", ["route": "/healthz"]) ?? 0) >= 2)
            #expect(!after.contains(someone.uuidString) && !after.contains(someone.uuidString.lowercased()) && !after.contains("13812345678"))
        }
    }

    @Test func theOpenCaseGaugesMatchTheSeededCases() async throws {
        try await withDemoApp { app in
            // setup
            app.settings.environment["JINGZHI_METRICS_TOKEN"] = Self.token
            let compound = try await PersonalDataLogTests.homeCompound(app)
            let resident = try await app.token("resident_demo"), staff = try await app.token("gt01_community")
            var ids: [String] = []
            for n in 1...3 {
                let res = try await app.api(.POST, "/api/v1/cases", token: resident,
                                            json: #"{"categoryCode":"sheshi","nodeId":"\#(compound.id!)","description":"第\#(n)处路灯不亮"}"#)
                ids.append(try #require(try res.json()["id"] as? String))
            }
            #expect(try await app.api(.POST, "/api/v1/cases/\(ids[0])/actions/accept", token: staff, json: "{}").status == .ok)
            // a month later every deadline has passed
            app.clock.set(Date().addingTimeInterval(30 * 86400))
            let cases = try await Case.query(on: app.db).all()
            let now = app.clock.now()
            // act
            let text = try await Self.scrape(app)
            // check
            var total = 0.0
            for state in CaseState.allCases where state.isOpen {
                let expected = cases.filter { $0.state == state }.count
                #expect(Self.value(text, "jingzhi_cases_open", ["state": state.rawValue]) == Double(expected), "state \(state)")
                total += Double(expected)
            }
            #expect(total >= 3, "the cases just filed are open")
            #expect(Self.value(text, "jingzhi_cases_open", ["state": "accepted"]) ?? 0 >= 1)
            #expect(Self.value(text, "jingzhi_cases_open", ["state": "closed"]) == nil)
            let late = cases.filter { CaseScheduler.unanswered.contains($0.stateRaw) && ($0.resolutionDueAt.map { $0 < now } ?? false) }.count
            #expect(late >= 3)
            #expect(Self.value(text, "jingzhi_cases_overdue", ["deadline": "resolution"]) == Double(late))
            let waiting = cases.filter { $0.state == .submitted && ($0.responseDueAt.map { $0 < now } ?? false) }.count
            #expect(waiting >= 2)
            #expect(Self.value(text, "jingzhi_cases_overdue", ["deadline": "response"]) == Double(waiting))
        }
    }

    @Test func theSchedulerCountsRunsAndClaimsAndShowsItsLag() async throws {
        try await withTestApp { app in
            // setup
            app.settings.environment["JINGZHI_METRICS_TOKEN"] = Self.token
            let idle = try await Self.scrape(app)
            // act
            app.minuteTasks.setDue(Date().addingTimeInterval(-90))
            await app.minuteTasks.runAll(app)
            let text = try await Self.scrape(app)
            // check
            #expect(Self.value(idle, "jingzhi_scheduler_lag_seconds") == nil, "no loop, no lag figure")
            #expect(Self.value(text, "jingzhi_scheduler_runs_total", ["task": "case-deadlines"]) == 1)
            #expect(Self.value(text, "jingzhi_scheduler_claims_total", ["task": "case-deadlines"]) == 0)
            #expect((Self.value(text, "jingzhi_scheduler_lag_seconds") ?? 0) >= 90)
        }
    }

    @Test func strangersAreRefusedTheTokenAndLoopbackAreLetIn() async throws {
        try await withTestApp { app in
            // setup
            app.settings.environment["JINGZHI_METRICS_TOKEN"] = Self.token
            // act + check: in memory there is no peer address: not loopback
            #expect(try await app.api(.GET, "/metrics", token: nil).status == .notFound)
            #expect(try await app.api(.GET, "/metrics", token: "wrong-token").status == .notFound)
            #expect(try await app.api(.GET, "/metrics", token: Self.token).status == .ok)
            // a real socket on loopback
            let tester = try app.testing(method: .running(hostname: "127.0.0.1", port: 0))
            func get(_ headers: HTTPHeaders) async throws -> HTTPStatus {
                var status = HTTPStatus.imATeapot
                try await tester.test(.GET, "/metrics", headers: headers) { res in status = res.status }
                return status
            }
            #expect(try await get([:]) == .ok, "a scraper on this machine")
            // behind the proxy every peer is loopback: the forwarded client decides
            #expect(try await get(["X-Forwarded-For": "203.0.113.9"]) == .notFound, "proxy not trusted: forwarded requests are refused")
            app.settings.trustProxy = true
            #expect(try await get(["X-Forwarded-For": "203.0.113.9"]) == .notFound)
            #expect(try await get(["X-Forwarded-For": "127.0.0.1"]) == .ok)
            #expect(try await get(["X-Forwarded-For": "203.0.113.9", "Authorization": "Bearer \(Self.token)"]) == .ok)
        }
    }
}
