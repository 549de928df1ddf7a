import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Many residents reporting at the same moment: every submission lands once, with its own number.
@Suite struct CaseConcurrencyTests {
    @Test func simultaneousSubmissionsAllLandWithDistinctNumbers() async throws {
        try await withDemoApp { app in
            // setup
            let community = try await app.node("YT-GT-01")
            let compound = try #require(try await OrgNode.query(on: app.db).within(DataScope(rootPath: community.path))
                .filter(\.$kindRaw == NodeKind.compound.rawValue).first())
            let service = CaseService(db: app.db, now: app.clock.now())
            let actor = try await Actor.load(try #require(try await User.query(on: app.db).filter(\.$username == "gt01_community").first()), on: app.db, now: app.clock.now())
            // act: 20 at once, two of them the same retried submission
            let numbers = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        let s = CaseSubmission(categoryCode: "huanjing", nodeID: compound.id, description: "同时提交 \(i)", channel: "api")
                        return try await service.submit(s, by: actor, idempotencyKey: i < 2 ? "same-retry" : "k\(i)").0.number
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            // check
            #expect(numbers.count == 20)
            #expect(Set(numbers).count == 19)
            #expect(try await Case.query(on: app.db).count() == 19)
            #expect(try await CaseEvent.query(on: app.db).count() == 19)
        }
    }
}
