import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// A masked ID number cannot be rebuilt from what is shown beside it: the birth date is digits 7–14 of the number,
/// so roles that see the number masked see the age, not the date.
@Suite struct RegisterMaskTests {
    @Test func streetStaffAndGridWorkersSeeTheAgeNotTheBirthDate() async throws {
        try await withDemoApp { app in
            let resident = try await app.resident(under: "YT-GT-01-G01")
            let born = try #require(resident.birthDate)
            for user in ["gt_street", "gt01_grid"] {
                let res = try await app.api(.GET, "/api/v1/residents/\(resident.id!)", token: try await app.token(user))
                let json = try res.json()
                #expect(json["birthDate"] == nil, "\(user)")
                #expect(json["age"] as? Int != nil, "\(user)")
                #expect(!res.text.contains(born), "\(user)")
                let csv = try await app.api(.GET, "/api/v1/residents/export", token: try await app.token(user))
                #expect(!csv.text.contains(born), "\(user)")
            }
            // those who keep the register see the whole date
            let full = try await app.api(.GET, "/api/v1/residents/\(resident.id!)", token: try await app.token("gt01_community"))
            #expect(try full.json()["birthDate"] as? String == born)
        }
    }
}
