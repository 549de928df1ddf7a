import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Volunteer rankings per community and month or year, with names masked for other residents.
@Suite struct VolunteerRankingsTests {
    @Test func volunteersRankByVerifiedHoursWithOtherResidentsNamesMasked() async throws {
        try await withDemoApp { app in
            // setup: the demo resident does 2 hours, a neighbour 1 hour, in May; a June activity for the neighbour
            app.clock.set(ActivityFixture.start.addingTimeInterval(-3_600))
            let may = try await ActivityFixture.activity(app)
            let me = try await PointsFixture.demoResident(app)
            let neighbour = try await ActivityFixture.residents(app, 1)[0]
            let staff = try await PointsFixture.actor(app, "gt01_community")
            let rows = [try await ActivityFixture.service(app).signUp(may, resident: me), try await ActivityFixture.service(app).signUp(may, resident: neighbour)]
            app.clock.set(ActivityFixture.start.addingTimeInterval(3 * 3_600))
            for (row, minutes) in zip(rows, [120.0, 60.0]) {
                _ = try await ActivityFixture.attendance(app).markPresent(may, attendance: row.id, by: staff)
                _ = try await ActivityFixture.attendance(app).verify(may, attendance: row.id, minutes: minutes, by: staff)
            }
            // act
            let mine = try await app.api(.GET, "/api/v1/points/rankings?period=2026-05", token: try await app.token("resident_demo")).json()
            let staffView = try await app.api(.GET, "/api/v1/points/rankings?node=YT-GT-01&period=2026", token: try await app.token("gt01_community")).json()
            let june = try await app.api(.GET, "/api/v1/points/rankings?node=YT-GT-01&period=2026-06", token: try await app.token("gt01_community")).json()
            let foreign = try await app.api(.GET, "/api/v1/points/rankings?node=YT-GT-01", token: try await app.token("bh01_community"))
            let byGrid = try await app.api(.GET, "/api/v1/points/rankings?node=YT-GT-01", token: try await app.token("gt01_grid"))
            let badPeriod = try await app.api(.GET, "/api/v1/points/rankings?node=YT-GT-01&period=May", token: try await app.token("gt01_community"))
            let phone = Browser(app)
            try await phone.login("resident_demo")
            let page = try await phone.get("/points/rankings?period=2026-05")
            // check
            let items = try #require(mine["items"] as? [[String: Any]])
            #expect(items.map { $0["minutes"] as? Int } == [120, 60] && items.map { $0["rank"] as? Int } == [1, 2])
            #expect(items[0]["name"] as? String == me.name && items[0]["me"] as? Bool == true)
            #expect(items[1]["name"] as? String == Mask.name(neighbour.name) && items[1]["residentId"] == nil)
            let all = try #require(staffView["items"] as? [[String: Any]])
            #expect(all.map { $0["name"] as? String } == [me.name, neighbour.name] && all.map { $0["points"] as? Int } == [20, 10])
            #expect((june["items"] as? [[String: Any]])?.isEmpty == true)
            #expect(foreign.status == .notFound && byGrid.status == .forbidden)
            #expect(badPeriod.status == .unprocessableEntity && badPeriod.errorField == "period")
            #expect(page.status == .ok && page.text.contains(Mask.name(neighbour.name)) && !page.text.contains(neighbour.name) && page.text.contains("2.0"))
        }
    }
}
