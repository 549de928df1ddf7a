import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Deadline supervision with an injected clock: warnings, overdue marks, 督办 notices and automatic escalation,
/// each exactly once even when two servers tick at the same moment.
@Suite struct CaseSchedulerTests {
    /// A 噪音扰民 case (grid level, respond in 1 h, reply in 24 calendar hours, escalates itself) filed at `start`.
    func noiseCase(_ app: Application, at start: Date) async throws -> Case {
        app.clock.set(start)
        let grid = try await app.node("YT-GT-01-G01")
        let compound = try #require(try await OrgNode.query(on: app.db).filter(\.$parentID == grid.id).first())
        let res = try await app.api(.POST, "/api/v1/cases", token: try await app.token("resident_demo"),
                                    json: #"{"categoryCode":"zaoyin","nodeId":"\#(compound.id!)","description":"楼下广场舞音响太大"}"#)
        #expect(res.status == .created)
        return try #require(try await Case.find(UUID(uuidString: try res.json()["id"] as! String), on: app.db))
    }

    func tick(_ app: Application) async throws -> CaseScheduler.Report {
        try await CaseScheduler(db: app.db, now: app.clock.now()).tick()
    }

    func notifications(_ app: Application, _ username: String, kind: String) async throws -> Int {
        let user = try #require(try await User.query(on: app.db).filter(\.$username == username).first())
        return try await Notification.query(on: app.db).filter(\.$userID == user.id!).filter(\.$kind == kind).count()
    }

    @Test func overdueCasesAreMarkedSupervisedAndEscalatedOnce() async throws {
        try await withDemoApp { app in
            // setup
            let start = ISO8601DateFormatter().date(from: "2026-11-25T02:00:00Z")!
            let c = try await noiseCase(app, at: start)
            #expect(try await tick(app) == .init())
            // act: an hour and a half later nobody has accepted it
            app.clock.set(start.addingTimeInterval(5400))
            let first = try await tick(app)
            let again = try await tick(app)
            // check
            #expect(first == .init(dueSoon: 0, responseOverdue: 1, resolutionOverdue: 0, escalated: 0))
            #expect(again == .init())
            #expect(try await notifications(app, "gt01_grid", kind: "overdue") == 1)
            #expect(try await notifications(app, "gt01_community", kind: "supervision") == 1)
            // 21 hours in: the last 4 hours before the reply deadline
            app.clock.set(start.addingTimeInterval(21 * 3600))
            #expect(try await tick(app).dueSoon == 1)
            #expect(try await notifications(app, "gt01_grid", kind: "due_soon") == 1)
            // 25 hours in: overdue on resolution, so it climbs from the grid to the community
            app.clock.set(start.addingTimeInterval(25 * 3600))
            #expect(try await tick(app) == .init(dueSoon: 0, responseOverdue: 0, resolutionOverdue: 1, escalated: 1))
            let after = try #require(try await Case.find(c.id, on: app.db))
            #expect(after.state == .escalated)
            #expect(after.handlerLevel == .community)
            let actions = try await CaseEvent.query(on: app.db).filter(\.$caseID == c.id!).sort(\.$at).all().map(\.action)
            #expect(actions == ["submit", "supervise", "supervise", "escalate"])
            #expect(try await tick(app) == .init())
        }
    }

    @Test func twoServersTickingTogetherHandleEachCaseOnce() async throws {
        try await withDemoApp { app in
            // setup
            let start = ISO8601DateFormatter().date(from: "2026-11-25T02:00:00Z")!
            for _ in 0..<3 { _ = try await noiseCase(app, at: start) }
            app.clock.set(start.addingTimeInterval(25 * 3600))
            // act
            async let a = CaseScheduler(db: app.db, now: app.clock.now()).tick()
            async let b = CaseScheduler(db: app.db, now: app.clock.now()).tick()
            let (ra, rb) = try await (a, b)
            // check
            #expect(ra.responseOverdue + rb.responseOverdue == 3)
            #expect(ra.resolutionOverdue + rb.resolutionOverdue == 3)
            #expect(ra.escalated + rb.escalated == 3)
            #expect(try await CaseEvent.query(on: app.db).filter(\.$action == "escalate").count() == 3)
        }
    }

    @Test func repliedCasesAreNotChased() async throws {
        try await withDemoApp { app in
            // setup: accepted, dispatched and answered in time
            let start = ISO8601DateFormatter().date(from: "2026-11-25T02:00:00Z")!
            let c = try await noiseCase(app, at: start)
            let token = try await app.token("gt01_community")
            for (action, json) in [("accept", "{}"), ("dispatch", #"{"level":"grid"}"#)] {
                #expect(try await app.api(.POST, "/api/v1/cases/\(c.id!)/actions/\(action)", token: token, json: json).status == .ok)
            }
            #expect(try await app.api(.POST, "/api/v1/cases/\(c.id!)/actions/reply", token: try await app.token("gt01_grid"),
                                      json: #"{"note":"已劝导降低音量"}"#).status == .ok)
            // act
            app.clock.set(start.addingTimeInterval(30 * 3600))
            // check
            #expect(try await tick(app) == .init())
            #expect(try await notifications(app, "resident_demo", kind: "step") == 3)
        }
    }
}
