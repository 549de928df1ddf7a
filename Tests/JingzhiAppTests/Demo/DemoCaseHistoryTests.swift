import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
@testable import JingzhiApp

/// The demo's year of cases must look like the loop really ran: legal steps only, consistent timestamps.
@Suite struct DemoCaseHistoryTests {
    @Test func everySimulatedCaseFollowsTheStateMachine() async throws {
        try await withDemoApp { app in
            // setup + act
            let county = try await app.node("YT")
            var history = DemoCaseHistory(db: app.db)
            let filed = try await history.seed(under: county, days: 60, perDay: 4)
            // check
            let cases = try await Case.query(on: app.db).all()
            #expect(filed > 100 && cases.count == filed)
            let events = Dictionary(grouping: try await CaseEvent.query(on: app.db).sort(\.$at).all(), by: \.caseID)
            let actions = Dictionary(uniqueKeysWithValues: CaseAction.allCases.map { ($0.rawValue, $0) })
            for c in cases {
                let steps = try #require(events[c.id!])
                #expect(steps.first?.action == "submit")
                #expect(steps.last?.toState == c.stateRaw)
                for (previous, step) in zip(steps, steps.dropFirst()) {
                    #expect(step.fromState == previous.toState)
                    #expect(step.at >= previous.at)
                    let action = try #require(actions[step.action])
                    #expect(CaseMachine.rule(action).from.contains(CaseState(rawValue: step.fromState)!), "\(c.number): \(step.action) from \(step.fromState)")
                }
                if c.state == .closed { #expect(c.closedAt != nil && c.rating != nil) }
                #expect(c.resolutionDueAt! > c.createdAt!)
            }
            #expect(cases.contains { $0.state == .closed } && cases.contains { $0.reopenedCount == 1 })
            // Reading them back through the API works too.
            let res = try await app.api(.GET, "/api/v1/cases?per=5", token: try await app.token("gt01_community"))
            #expect(res.status == .ok)
            #expect((try res.json()["total"] as? Int ?? 0) > 0)
        }
    }
}
