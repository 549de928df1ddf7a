import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Small helpers shared by the scope, role, audit, org and resident API tests.
enum Fixture {
    /// A valid mainland ID number with area code 110101 (Beijing; the demo data never uses it), so it cannot
    /// collide with a demo resident. `seq` makes it unique; `born` is `yyyyMMdd`.
    static func idNumber(seq: Int, born: String = "19900101") -> String {
        let body = "110101" + born + String(format: "%03d", seq % 1000)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }

    /// The same number with a check digit that does not fit.
    static func withWrongCheckDigit(_ id: String) -> String {
        let last = id.last!
        return String(id.dropLast()) + (last == "1" ? "2" : "1")
    }

    /// `3708**********1234`: the first four and last four characters, stars between.
    static func maskedID(_ id: String) -> String { String(id.prefix(4)) + String(repeating: "*", count: id.count - 8) + String(id.suffix(4)) }
    /// `138****5678`.
    static func maskedPhone(_ phone: String) -> String { String(phone.prefix(3)) + "****" + String(phone.suffix(4)) }

    /// Some household whose node lies under the node with this code.
    static func household(_ app: Application, under code: String) async throws -> Household {
        let node = try await app.node(code)
        return try #require(try await Household.query(on: app.db).within(DataScope(rootPath: node.path)).sort(\.$nodePath).sort(\.$room).first())
    }

    /// Registers a resident through the API and returns the created JSON (expects 201).
    static func createResident(_ app: Application, token: String, household: Household, name: String,
                               idNumber: String? = nil, phone: String? = nil, tags: [String] = []) async throws -> [String: Any] {
        var body: [String: Any] = ["householdId": household.id!.uuidString, "name": name, "tags": tags]
        if let idNumber { body["idNumber"] = idNumber } else { body["gender"] = "女" }
        if let phone { body["phone"] = phone }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        let res = try await app.api(.POST, "/api/v1/residents", token: token, json: json)
        #expect(res.status == .created, "create resident: \(res.text)")
        return try res.json()
    }

    /// Sends a request whose body is not JSON (CSV, GeoJSON typed as such, garbage).
    @discardableResult
    static func send(_ app: Application, _ method: HTTPMethod, _ path: String, token: String?, body: String,
                     contentType: HTTPMediaType) async throws -> TestingHTTPResponse {
        var captured: TestingHTTPResponse?
        try await app.testing().test(method, path, beforeRequest: { req in
            if let token { req.headers.bearerAuthorization = BearerAuthorization(token: token) }
            req.headers.contentType = contentType
            req.body = ByteBuffer(string: body)
        }, afterResponse: { captured = $0 })
        return try #require(captured)
    }

    /// How many rows each table of the register holds (deleted residents included): a failed request must not change them.
    struct Counts: Equatable, CustomStringConvertible {
        var nodes = 0, households = 0, residents = 0, tags = 0, visits = 0, workers = 0, audit = 0, users = 0, links = 0

        var description: String {
            "nodes \(nodes) households \(households) residents \(residents) tags \(tags) visits \(visits) workers \(workers) audit \(audit) users \(users) links \(links)"
        }
    }

    static func counts(_ app: Application) async throws -> Counts {
        let db = app.db
        return Counts(nodes: try await OrgNode.query(on: db).count(),
                      households: try await Household.query(on: db).count(),
                      residents: try await Resident.query(on: db).withDeleted().count(),
                      tags: try await ResidentTag.query(on: db).count(),
                      visits: try await Visit.query(on: db).count(),
                      workers: try await GridWorker.query(on: db).count(),
                      audit: try await AuditEntry.query(on: db).count(),
                      users: try await User.query(on: db).count(),
                      links: try await LinkRequest.query(on: db).count())
    }

    /// Whether a response body shows the server's insides: SQL, the driver, the ORM or a stack trace.
    static func leaksInternals(_ text: String) -> Bool {
        let lower = text.lowercased()
        return ["sql", "fluent", "postgres", ".swift:", "backtrace", "fatal error", "stack"].contains { lower.contains($0) }
    }

    /// The `items` of a paged list.
    static func items(_ res: TestingHTTPResponse) throws -> [[String: Any]] {
        try #require(try res.json()["items"] as? [[String: Any]])
    }

    /// A JSON string of a value (for request bodies built from ids).
    static func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }
}
