import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
@testable import JingzhiApp

/// Sign-ups, capacity and the waiting list of volunteer activities.
@Suite struct ActivitySignUpTests {
    @Test func aFullActivityKeepsAWaitingListThatPromotesInOrder() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(ActivityFixture.start.addingTimeInterval(-86_400))
            let a = try await ActivityFixture.activity(app, capacity: 2)
            let people = try await ActivityFixture.residents(app, 4)
            let s = ActivityFixture.service(app)
            // act
            var rows: [ActivityAttendance] = []
            // a minute apart: the waiting list goes by the time of signing up
            for p in people {
                app.clock.advance(60)
                rows.append(try await ActivityFixture.service(app).signUp(a, resident: p))
            }
            let again = try await ActivityFixture.service(app).signUp(a, resident: people[0])
            let (cancelled, promoted) = try await ActivityFixture.service(app).cancel(a, resident: people[0].id!)
            let back = try await ActivityFixture.service(app).signUp(a, resident: people[0])
            // check: two seats, two waiting; a second sign-up is the same; the first waiting moves up, the returner queues last
            #expect(rows.map(\.state) == [.signedUp, .signedUp, .waiting, .waiting])
            #expect(again.id == rows[0].id && again.state == .signedUp)
            #expect(cancelled.state == .cancelled && promoted?.id == rows[2].id && promoted?.state == .offered && promoted?.promotedAt != nil)
            #expect(back.id == rows[0].id && back.state == .waiting)
            #expect(try await s.seatsTaken(a, on: app.db) == 2)
            #expect(try await ActivityFixture.reload(app, rows[3]).state == .waiting)
        }
    }

    @Test func signUpOverTheAPIIsIdempotentAndCancellingTwiceChangesNothing() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(ActivityFixture.start.addingTimeInterval(-3_600))
            let a = try await ActivityFixture.activity(app, capacity: 1)
            let me = try await app.token("resident_demo")
            // act
            let first = try await app.api(.POST, "/api/v1/points/activities/\(a.id!)/signup", token: me)
            let second = try await app.api(.POST, "/api/v1/points/activities/\(a.id!)/signup", token: me)
            let list = try await app.api(.GET, "/api/v1/points/activities?upcoming=true", token: me).json()
            let c1 = try await app.api(.POST, "/api/v1/points/activities/\(a.id!)/cancel", token: me)
            let c2 = try await app.api(.POST, "/api/v1/points/activities/\(a.id!)/cancel", token: me)
            // check
            #expect(first.status == .ok && second.status == .ok)
            let (id1, id2) = (try first.json()["id"] as? String, try second.json()["id"] as? String)
            #expect(id1 != nil && id1 == id2)
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["seatsTaken"] as? Int == 1 && (items[0]["mine"] as? [String: Any])?["state"] as? String == "signedUp")
            #expect(try c1.json()["state"] as? String == "cancelled" && c2.status == .ok)
            #expect(try await ActivityFixture.service(app).seatsTaken(a, on: app.db) == 0)
        }
    }

    @Test func creatingChecksItsFieldsAndRoles() async throws {
        try await withDemoApp { app in
            let staff = try await app.token("gt01_community")
            let good = #"{"community":"YT-GT-01","title":"义诊","startsAt":"2026-06-01T09:00","endsAt":"2026-06-01T11:00","capacity":20,"pointsPerAttendance":5}"#
            let created = try await app.api(.POST, "/api/v1/points/activities", token: staff, json: good)
            let hours = try created.json()["hours"] as? Double
            #expect(created.status == .created && hours == 2)
            let backwards = #"{"community":"YT-GT-01","title":"x","startsAt":"2026-06-01T11:00","endsAt":"2026-06-01T09:00","capacity":2,"pointsPerHour":5}"#
            #expect(try await app.api(.POST, "/api/v1/points/activities", token: staff, json: backwards).errorField == "endsAt")
            let noPoints = #"{"community":"YT-GT-01","title":"x","startsAt":"2026-06-01T09:00","endsAt":"2026-06-01T11:00","capacity":2}"#
            #expect(try await app.api(.POST, "/api/v1/points/activities", token: staff, json: noPoints).status == .badRequest)
            let zero = good.replacingOccurrences(of: "\"capacity\":20", with: "\"capacity\":0")
            #expect(try await app.api(.POST, "/api/v1/points/activities", token: staff, json: zero).errorField == "capacity")
            // another community's staff, a resident, a grid worker
            #expect(try await app.api(.POST, "/api/v1/points/activities", token: try await app.token("bh01_community"), json: good).status == .notFound)
            #expect(try await app.api(.POST, "/api/v1/points/activities", token: try await app.token("resident_demo"), json: good).status == .forbidden)
            #expect(try await app.api(.POST, "/api/v1/points/activities", token: try await app.token("gt01_grid"), json: good).status == .forbidden)
            #expect(try await app.api(.POST, "/api/v1/points/activities/\(try created.json()["id"] as! String)/signup", token: staff).status == .forbidden)
        }
    }

    @Test func parallelSignUpsNeverTakeMoreSeatsThanThereAre() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(ActivityFixture.start.addingTimeInterval(-86_400))
            let a = try await ActivityFixture.activity(app, capacity: 3)
            let people = try await ActivityFixture.residents(app, 8)
            // act: everyone taps at once, some twice
            let rows = try await withThrowingTaskGroup(of: ActivityAttendance.self) { group in
                for p in people + people.prefix(3) { group.addTask { try await ActivityFixture.service(app).signUp(a, resident: p) } }
                return try await group.reduce(into: [ActivityAttendance]()) { $0.append($1) }
            }
            // check
            let all = try await ActivityAttendance.query(on: app.db).filter(\.$activityID == a.id!).all()
            #expect(rows.count == 11 && all.count == 8)
            #expect(all.filter { $0.state == .signedUp }.count == 3 && all.filter { $0.state == .waiting }.count == 5)
        }
    }
}
