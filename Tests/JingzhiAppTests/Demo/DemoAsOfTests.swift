import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
@testable import JingzhiApp

/// The demo is anchored to the day it is seeded: its dates end on the as-of day, the same day gives the same rows,
/// and the overdue marks are the ones the scheduler would have set by then.
@Suite struct DemoAsOfTests {
    @Test func theRegisterIsDatedFromTheAsOfDay() async throws {
        for day in ["2026-03-14", "2027-01-09"] {
            try await withTestApp { app in
                let asOf = try DemoSeeder.asOfDay(day, now: Date())
                _ = try await DemoSeeder.seed(app, scale: .tiny, asOf: asOf)
                let plan = DemoPlan.make(.tiny, asOf: asOf)
                let visits = try await Visit.query(on: app.db).all().map(\.visitedOn)
                #expect(visits.max()! <= day && visits.max()! > DemoDate.string(asOf - 30))
                #expect(visits.min()! >= DemoDate.string(asOf - 354))
                #expect(try await OrgNode.query(on: app.db).all().allSatisfy { $0.createdAt == plan.createdAt })
            }
        }
    }

    @Test func historiesEndOnTheirAsOfDayAndRepeatForTheSameDay() async throws {
        var numbers: [String: [String]] = [:]
        for day in ["2026-06-30", "2026-12-05", "2026-06-30"] {
            try await withDemoApp { app in
                let asOf = try DemoSeeder.asOfDay(day, now: Date())
                var history = DemoCaseHistory(db: app.db, lastDay: asOf)
                let filed = try await history.seed(under: try await app.node("YT"), days: 40, perDay: 4)
                let cases = try await Case.query(on: app.db).all()
                #expect(filed == cases.count && filed > 80)
                let days = cases.map { ShanghaiTime.today($0.createdAt!) }
                #expect(days.max() == day)
                // Each day's numbers run 0001… without a gap, so a new case today gets a free number.
                for (d, group) in Dictionary(grouping: cases, by: { String($0.number.dropFirst(2).prefix(8)) }) {
                    #expect(Set(group.map { Int($0.number.suffix(4))! }) == Set(1...group.count), "\(d)")
                }
                #expect(days.min()! >= DemoDate.string(asOf - 39))
                let now = DemoDate.instant(asOf, hour: 18)
                #expect(try await CaseEvent.query(on: app.db).all().allSatisfy { $0.at < now })
                let rows = cases.sorted { $0.number < $1.number }
                    .map { "\($0.number) \($0.stateRaw) \($0.createdAt!) \($0.responseOverdueAt.map { "\($0)" } ?? "-") \($0.resolutionOverdueAt.map { "\($0)" } ?? "-")" }
                if let before = numbers[day] { #expect(before == rows) } else { numbers[day] = rows }
            }
        }
        #expect(numbers.count == 2)
    }

    @Test func overdueMarksAreTheSchedulersAtTheAsOfInstant() async throws {
        try await withDemoApp { app in
            let asOf = try DemoSeeder.asOfDay("2026-09-18", now: Date())
            var history = DemoCaseHistory(db: app.db, lastDay: asOf)
            _ = try await history.seed(under: try await app.node("YT"), days: 60, perDay: 5)
            let now = DemoDate.instant(asOf, hour: 18)
            let cases = try await Case.query(on: app.db).all()
            for c in cases {
                // No mark for a deadline still ahead, and none for a deadline met.
                if let mark = c.responseOverdueAt { #expect(mark == c.responseDueAt && mark < now && (c.respondedAt.map { $0 > mark } ?? true)) }
                if let mark = c.resolutionOverdueAt { #expect(mark == c.resolutionDueAt && mark < now && (c.repliedAt.map { $0 > mark } ?? true || CaseScheduler.unanswered.contains(c.stateRaw))) }
                // Every case still waiting past its deadline is marked.
                if CaseScheduler.waiting.contains(c.stateRaw), c.responseDueAt! < now { #expect(c.responseOverdueAt != nil, "\(c.number)") }
                if CaseScheduler.unanswered.contains(c.stateRaw), c.resolutionDueAt! < now { #expect(c.resolutionOverdueAt != nil, "\(c.number)") }
            }
            #expect(cases.contains { $0.resolutionOverdueAt != nil } && cases.contains { $0.resolutionOverdueAt == nil })
            // The scheduler, run at the as-of instant, finds nothing left to mark.
            let report = try await CaseScheduler(db: app.db, now: now).tick()
            #expect(report.responseOverdue == 0 && report.resolutionOverdue == 0)
        }
    }

    @Test func asOfIsADayOrToday() throws {
        let now = Date(timeIntervalSince1970: 1_796_000_000)
        #expect(try DemoSeeder.asOfDay(nil, now: now) == ShanghaiTime.dayNumber(of: now))
        #expect(try DemoSeeder.asOfDay("2026-11-20", now: now) == DemoPlan.referenceDay)
        for bad in ["2026-02-30", "20261120", "tomorrow", "1900-01-01"] {
            #expect(throws: DemoDateError.self) { try DemoSeeder.asOfDay(bad, now: now) }
        }
        #expect(PropertyDemo.months(endingOn: DemoPlan.referenceDay) == ["2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05",
                                                                       "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"])
        #expect(PropertyDemo.months(endingOn: DemoDate.days(2027, 1, 3)).first == "2026-02")
    }
}
