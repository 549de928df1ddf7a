import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Deadlines in working days, supervision once, the pause while staff wait for the resident, the on-time measures.
@Suite struct ServiceDeadlineTests {
    /// Monday 2026-11-30 10:00 in Shanghai.
    static let monday = Date(timeIntervalSince1970: 1_796_004_000)

    @Test func aLateApplicationIsMarkedOverdueOnceAndCountsAsLate() async throws {
        try await withDemoApp { app in
            // setup: 居住证明 is due in 3 working days
            app.clock.set(Self.monday)
            let id = try await ServiceFixture.applied(app)
            let a = try await ServiceFixture.load(app, id)
            #expect(ShanghaiTime.format(a.dueAt) == "2026-12-03 10:00", "three working days after Monday 10:00")
            // act
            app.clock.set(a.dueAt.addingTimeInterval(-60))
            let early = try await ServiceApplications(db: app.db, now: app.clock.now()).markOverdue()
            app.clock.set(a.dueAt.addingTimeInterval(3600))
            let marked = try await ServiceApplications(db: app.db, now: app.clock.now()).markOverdue()
            let again = try await ServiceApplications(db: app.db, now: app.clock.now()).markOverdue()
            let overdue = try await app.api(.GET, "/api/v1/services/applications?overdue=1", token: try await app.token("gt01_community"))
            let page = try await WebSession.login(app, "gt01_community").get("/services?overdue=1")
            _ = try await ServiceFixture.act(app, id, "accept")
            _ = try await ServiceFixture.act(app, id, "approve")
            let measures = try await app.api(.GET, "/api/v1/services/measures", token: try await app.token("gt01_community"))
            // check
            #expect(early == 0 && marked == 1 && again == 0)
            #expect((try overdue.json()["total"] as? Int) == 1)
            #expect(page.text.contains("已超期") && page.text.contains(a.number))
            let history = try await LifecycleEvent.history("service_application", id, on: app.db)
            #expect(history.filter { $0.action == "supervise" }.count == 1)
            let m = try measures.json()
            #expect(m["applications"] as? Int == 1 && m["decided"] as? Int == 1)
            #expect(m["onTimeShare"] as? Double == 0)
        }
    }

    @Test func waitingForTheResidentPausesTheClockAndTheirMaterialsRestartIt() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(Self.monday)
            let id = try await ServiceFixture.applied(app)
            _ = try await ServiceFixture.act(app, id, "request-more", json: #"{"missing":["租房合同","社保缴费证明"]}"#)
            // act: a week passes while the resident looks for the papers
            app.clock.set(Self.monday.addingTimeInterval(7 * 86400))
            let marked = try await ServiceApplications(db: app.db, now: app.clock.now()).markOverdue()
            let half = try await app.api(.POST, "/api/v1/services/applications/\(id)/supplement", token: try await app.token("resident_demo"),
                                         json: #"{"materials":[{"material":"租房合同","data":"\#(ServiceFixture.png)"}]}"#)
            let both = try await app.api(.POST, "/api/v1/services/applications/\(id)/supplement", token: try await app.token("resident_demo"),
                                         json: #"{"materials":[{"material":"租房合同","data":"\#(ServiceFixture.png)"},{"material":"社保缴费证明","data":"\#(ServiceFixture.png)"}]}"#)
            let a = try await ServiceFixture.load(app, id)
            _ = try await ServiceFixture.act(app, id, "approve")
            let share = try await ServiceMeasures(db: app.db).onTimeShare(in: .everything, from: Self.monday.addingTimeInterval(-86400),
                                                                          to: Self.monday.addingTimeInterval(30 * 86400))
            // check
            #expect(marked == 0, "no overdue mark while staff wait for the resident")
            #expect(half.status == .unprocessableEntity && half.text.contains("社保缴费证明"))
            #expect(both.status == .ok && a.state == .accepted && a.missing.isEmpty)
            #expect(ShanghaiTime.format(a.dueAt) == "2026-12-10 10:00", "three working days from the supplement, Monday 7 December 10:00")
            #expect(share == 1)
        }
    }

    @Test func measuresCountPerMatterInTheViewersAreaOnly() async throws {
        try await withDemoApp { app in
            // setup
            _ = try await ServiceFixture.applied(app)
            _ = try await ServiceFixture.applied(app, code: "DBCS")
            // act
            let mine = try await app.api(.GET, "/api/v1/services/measures", token: try await app.token("gt01_community"))
            let other = try await app.api(.GET, "/api/v1/services/measures", token: try await app.token("bh01_community"))
            let worker = try await app.api(.GET, "/api/v1/services/measures", token: try await app.token("gt01_grid"))
            let badPeriod = try await app.api(.GET, "/api/v1/services/measures?from=2026-12-10&to=2026-12-01", token: try await app.token("gt01_community"))
            // check
            let lines = try #require(try mine.json()["matters"] as? [[String: Any]])
            #expect(Set(lines.compactMap { $0["matter"] as? String }) == ["居住证明", "低保申请材料初审"])
            #expect((try other.json()["applications"] as? Int) == 0)
            #expect(try other.json()["onTimeShare"] == nil || (try other.json()["onTimeShare"] is NSNull))
            #expect(worker.status == .forbidden)
            #expect(badPeriod.status == .unprocessableEntity && badPeriod.errorField == "from")
        }
    }
}
