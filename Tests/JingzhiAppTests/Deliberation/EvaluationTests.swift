import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Evaluation (评): residents rate once each within the window; closing writes the summary on the public timeline.
@Suite struct EvaluationTests {
    static func rate(_ app: Application, _ token: String, _ topic: UUID, _ rating: String) async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/topics/\(topic)/evaluation", token: token, json: #"{"rating":"\#(rating)","comment":"电梯运行平稳"}"#)
    }

    @Test func residentsRateOnceInTheWindowAndClosingShowsTheSummary() async throws {
        try await withDemoApp { app in
            // setup
            let topic = try await ItemTests.decided(app)
            let staff = try await app.token("gt01_community")
            let resident = try await app.token("resident_demo")
            let others = try await DeliberationFixture.residents(app, 3)
            let tooEarly = try await Self.rate(app, resident, topic, "satisfied")
            #expect(try await DeliberationFixture.act(app, staff, topic, "complete").status == .ok)
            // act
            let first = try await Self.rate(app, resident, topic, "satisfied")
            let again = try await Self.rate(app, resident, topic, "unsatisfied")
            let bad = try await Self.rate(app, others[0], topic, "great")
            _ = try await Self.rate(app, others[0], topic, "basically")
            _ = try await Self.rate(app, others[1], topic, "unsatisfied")
            let byStaff = try await Self.rate(app, staff, topic, "satisfied")
            let otherCommunity = try await Self.rate(app, try await app.token("bh01_community"), topic, "satisfied")
            app.clock.advance(14 * 86_400 + 60)
            let late = try await Self.rate(app, others[2], topic, "satisfied")
            let closed = try await DeliberationFixture.act(app, staff, topic, "close")
            // check
            #expect(tooEarly.status == .conflict && tooEarly.errorCode == "not_evaluating")
            #expect(first.status == .created, "\(first.text)")
            #expect(try first.json()["ratedByMe"] as? Bool == true)
            #expect(again.status == .conflict && again.errorCode == "already_evaluated")
            #expect(bad.status == .unprocessableEntity && bad.errorField == "rating")
            #expect(byStaff.status == .forbidden)
            #expect(otherCommunity.status == .notFound)
            #expect(late.status == .conflict && late.errorCode == "evaluation_closed")
            #expect(closed.status == .ok, "\(closed.text)")
            #expect(try DeliberationFixture.stage(closed) == "closed")
            let read = try await app.api(.GET, "/api/v1/topics/\(topic)/evaluation", token: resident)
            #expect(try read.json()["total"] as? Int == 3)
            #expect(try read.json()["sharePercent"] as? Int == 67)
            let timeline = try await app.api(.GET, "/topics/\(topic)/timeline", token: nil)
            #expect(timeline.text.contains("满意 1，基本满意 1，不满意 1；满意率 67%"))
        }
    }
}
