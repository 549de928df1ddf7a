import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The assessment reads the service window's on-time share through `ServiceMeasures`, as a numerator and denominator.
@Suite struct AssessmentServiceMeasureTests {
    @Test func anApplicationDecidedInTimeCountsForItsCommunityAndNoneElsewhere() async throws {
        try await withDemoApp { app in
            // setup: resident_demo of 古亭社区 applies, staff accept and approve at once
            let id = try await ServiceFixture.applied(app)
            #expect(try await ServiceFixture.act(app, id, "accept").status == .ok)
            #expect(try await ServiceFixture.act(app, id, "approve").status == .ok)
            let gt = try await app.node("YT-GT-01"), bh = try await app.node("YT-BH-01")
            let today = ShanghaiTime.today(app.clock.now())
            let ctx = AssessmentMeasureContext(app: app, db: app.db, now: app.clock.now(), from: ShanghaiTime.add(-1, to: today), to: today,
                                               root: try await app.node("YT"))
            // act
            let values = try await AssessmentMeasureRegistry(sources: [AssessmentSources.serviceApplications]).values(ctx, units: [gt, bh].map {
                AssessmentUnitRef(id: $0.id!, name: $0.name, path: $0.path, kind: .community)
            }, keys: ["services.on_time"])
            // check: one of one in time in 古亭社区; nothing decided in 站前社区 (missing, not zero)
            #expect(app.assessmentMeasures.keys.contains("services.on_time"))
            let rows = try #require(values["services.on_time"])
            #expect(rows[gt.id!]?.numerator == 1 && rows[gt.id!]?.denominator == 1)
            #expect(rows[bh.id!]?.denominator ?? 0 == 0)
        }
    }
}
