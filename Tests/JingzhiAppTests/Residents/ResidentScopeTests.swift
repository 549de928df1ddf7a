import Fluent
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// A community worker of 古亭社区 (YT-GT-01) must not list, read, change, delete or guess anything of 站前社区 (YT-BH-01).
@Suite struct ResidentScopeTests {
    @Test func listingStaysInsideTheCommunity() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let own = try await app.node("YT-GT-01")
            // act
            let res = try await app.api(.GET, "/api/v1/residents?per=100", token: token)
            // check
            #expect(res.status == .ok)
            let body = try res.json()
            let items = try #require(body["items"] as? [[String: Any]])
            #expect((body["total"] as? Int ?? 0) > 0)
            let ownIDs = try await Resident.query(on: app.db).within(DataScope(rootPath: own.path)).all().map { $0.id!.uuidString }
            #expect(items.allSatisfy { ownIDs.contains($0["id"] as! String) })
            #expect(body["total"] as? Int == ownIDs.count)
        }
    }

    @Test func otherCommunitysResidentIsNotFoundForEveryVerb() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let foreign = try await app.resident(under: "YT-BH-01")
            let path = "/api/v1/residents/\(foreign.id!)"
            // act + check
            try await app.api(.GET, path, token: token) { #expect($0.status == .notFound) }
            try await app.api(.PATCH, path, token: token, json: #"{"name":"篡改"}"#) { #expect($0.status == .notFound) }
            try await app.api(.DELETE, path, token: token) { #expect($0.status == .notFound) }
            let unchanged = try #require(try await Resident.find(foreign.id, on: app.db))
            #expect(unchanged.name == foreign.name)
            // A made-up id answers exactly like a foreign one.
            try await app.api(.GET, "/api/v1/residents/\(UUID())", token: token) { #expect($0.status == .notFound) }
        }
    }
}
