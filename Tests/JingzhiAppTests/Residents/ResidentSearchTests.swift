import Fluent
import JingzhiCore
import Testing
import Vapor
@testable import JingzhiApp

/// A search must not unmask what the role sees masked.
@Suite struct ResidentSearchTests {
    @Test func idNumberTailsMatchOnlyForRolesThatSeeFullIDs() async throws {
        try await withDemoApp { app in
            // setup: someone of 古亭社区 with an ID number, and its last 6 characters
            let node = try await app.node("YT-GT-01")
            let person = try #require(try await Resident.query(on: app.db).within(DataScope(rootPath: node.path))
                .filter(\.$idNumber != nil).first())
            let tail = String(person.idNumber!.suffix(6))
            func hits(_ user: String) async throws -> [String] {
                let res = try await app.api(.GET, "/api/v1/residents?q=\(tail)&per=100", token: try await app.token(user))
                #expect(res.status == .ok)
                return try #require(try res.json()["items"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            }
            // act + check: community staff (full IDs) find the person; street staff (masked IDs) do not
            #expect(try await hits("gt01_community").contains(person.id!.uuidString))
            #expect(try await !hits("gt_street").contains(person.id!.uuidString))
        }
    }

    @Test func phoneTailsStillMatchForRolesThatSeeFullPhones() async throws {
        try await withDemoApp { app in
            // setup
            let node = try await app.node("YT-GT-01")
            let person = try #require(try await Resident.query(on: app.db).within(DataScope(rootPath: node.path))
                .filter(\.$phone != nil).first())
            // act
            let res = try await app.api(.GET, "/api/v1/residents?q=\(person.phone!.suffix(4))&per=100", token: try await app.token("gt_street"))
            // check
            let ids = try #require(try res.json()["items"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(ids.contains(person.id!.uuidString))
        }
    }
}

@Suite struct ResidentFilterInputTests {
    @Test func emptyAgeFieldsFromTheFilterFormAreIgnored() async throws {
        try await withDemoApp { app in
            let res = try await app.api(.GET, "/api/v1/residents?q=&tag=&gender=&ageMin=&ageMax=", token: try await app.token("gt01_community"))
            #expect(res.status == .ok)
            #expect((try res.json()["total"] as? Int ?? 0) > 0)
        }
    }

    @Test func nonNumericAgeIsRefusedNamingTheField() async throws {
        try await withDemoApp { app in
            let res = try await app.api(.GET, "/api/v1/residents?ageMin=abc", token: try await app.token("gt01_community"))
            #expect(res.status == .unprocessableEntity)
            #expect(res.errorField == "ageMin")
        }
    }
}
