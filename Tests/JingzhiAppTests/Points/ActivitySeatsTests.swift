import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
@testable import JingzhiApp

/// Who may sign up, seats held for volunteers, and the waiting list's offers that pass on when not confirmed.
@Suite struct ActivitySeatsTests {
    static func activity(_ app: Application, capacity: Int, reserved: Int = 0, tags: String? = nil, ages: (Int?, Int?) = (nil, nil),
                         team: String? = nil) async throws -> VolunteerActivity {
        let staff = try await PointsFixture.actor(app, "gt01_community")
        let start = ActivityFixture.start
        let input = ActivityService.Input(community: "YT-GT-01", place: nil, title: "敬老院陪护", startsAt: start.formatted(.iso8601),
                                          endsAt: start.addingTimeInterval(7_200).formatted(.iso8601), capacity: Double(capacity), pointsPerHour: 10,
                                          pointsPerAttendance: nil, reservedSeats: Double(reserved), requiredTags: tags,
                                          minAge: ages.0.map(Double.init), maxAge: ages.1.map(Double.init), team: team)
        return try await ActivityService(db: app.db, now: app.clock.now()).create(input, by: staff)
    }

    static func set(_ app: Application, _ r: Resident, tags: String, born: String?) async throws {
        r.tags = tags
        r.birthDate = born
        try await r.save(on: app.db)
    }

    @Test func conditionsRefuseInWordsAndWrongConditionsAreRefusedAtCreation() async throws {
        try await withDemoApp { app in
            // setup: 2026-05-01; one party member aged 40, one aged 70, one untagged, one party member without a birth date
            app.clock.set(ActivityFixture.start.addingTimeInterval(-86_400))
            let a = try await Self.activity(app, capacity: 5, tags: "党员", ages: (18, 65))
            let picked = try await ActivityFixture.residents(app, 4)
            let (fit, old, untagged, unknownAge) = (picked[0], picked[1], picked[2], picked[3])
            try await Self.set(app, fit, tags: "党员", born: "1986-04-30")
            try await Self.set(app, old, tags: "党员,退役军人", born: "1956-01-01")
            try await Self.set(app, untagged, tags: "", born: "1990-01-01")
            try await Self.set(app, unknownAge, tags: "党员", born: nil)
            let s = ActivityFixture.service(app)
            // act
            let ok = try await s.signUp(a, resident: fit)
            let tooOld = await #expect(throws: APIError.self) { try await s.signUp(a, resident: old) }
            let noTag = await #expect(throws: APIError.self) { try await s.signUp(a, resident: untagged) }
            let noBirth = await #expect(throws: APIError.self) { try await s.signUp(a, resident: unknownAge) }
            let staff = try await app.token("gt01_community")
            let body = { (extra: String) in #"{"community":"YT-GT-01","title":"x","startsAt":"2026-05-02T09:00","endsAt":"2026-05-02T10:00","capacity":3,"pointsPerHour":5,\#(extra)}"# }
            let badTag = try await app.api(.POST, "/api/v1/points/activities", token: staff, json: body(#""requiredTags":["会员"]"#))
            let tooManyReserved = try await app.api(.POST, "/api/v1/points/activities", token: staff, json: body(#""reservedSeats":4"#))
            let upsideDown = try await app.api(.POST, "/api/v1/points/activities", token: staff, json: body(#""minAge":60,"maxAge":18"#))
            let made = try await app.api(.POST, "/api/v1/points/activities", token: staff, json: body(#""requiredTags":["党员"],"minAge":18,"reservedSeats":1"#)).json()
            // check
            #expect(ok.state == .signedUp)
            #expect(tooOld?.code == "not_eligible" && tooOld?.message.contains("18–65 岁") == true && tooOld?.message.contains("70 岁") == true)
            #expect(noTag?.code == "not_eligible" && noTag?.message.contains("仅限「党员」") == true)
            #expect(noBirth?.message.contains("没有出生日期") == true)
            #expect(badTag.status == .unprocessableEntity && badTag.errorField == "requiredTags")
            #expect(tooManyReserved.status == .unprocessableEntity && tooManyReserved.errorField == "reservedSeats")
            #expect(upsideDown.status == .unprocessableEntity && upsideDown.errorField == "maxAge")
            #expect(made["requiredTags"] as? [String] == ["党员"] && made["minAge"] as? Int == 18 && made["reservedSeats"] as? Int == 1)
            #expect(try await s.seatsTaken(a, on: app.db) == 1)
        }
    }

    @Test func reservedSeatsAreHeldForTheOrganisingTeamsVolunteers() async throws {
        try await withDemoApp { app in
            // setup: 3 seats, 1 held for the team's volunteers; a volunteer of the team and one without a team
            app.clock.set(ActivityFixture.start.addingTimeInterval(-86_400))
            let staff = try await PointsFixture.actor(app, "gt01_community")
            let vs = VolunteerService(db: app.db, now: app.clock.now())
            let team = try await vs.createTeam(community: "YT-GT-01", name: "助老服务队", description: nil, by: staff)
            let people = try await ActivityFixture.residents(app, 5)
            let (member, loner) = (people[3], people[4])
            for (r, t) in [(member, team.id!.uuidString), (loner, "")] {
                let v = try await vs.register(r, .init(skills: "陪护", availability: "周末", team: t))
                _ = try await vs.decide(v.id, approve: true, note: nil, expectedVersion: nil, by: staff)
            }
            let a = try await Self.activity(app, capacity: 3, reserved: 1, team: team.id!.uuidString)
            // act: two residents take the open seats; a third and the teamless volunteer wait; the member takes the held seat
            var rows: [ActivityAttendance] = []
            for r in people.prefix(3) + [loner, member] {
                app.clock.advance(60)
                rows.append(try await ActivityFixture.service(app).signUp(a, resident: r))
            }
            app.clock.advance(60)
            let (_, offeredOpen) = try await ActivityFixture.service(app).cancel(a, resident: people[0].id!)
            let (_, offeredHeld) = try await ActivityFixture.service(app).cancel(a, resident: member.id!)
            let detail = try await app.api(.GET, "/api/v1/points/activities/\(a.id!)", token: try await app.token("gt01_community")).json()
            // check: the held seat went to the member past the waiting list; a freed open seat to the first waiting; a
            // freed held seat to nobody outside the team
            #expect(rows.map(\.state) == [.signedUp, .signedUp, .waiting, .waiting, .signedUp])
            #expect(rows.map(\.reserved) == [false, false, false, false, true])
            #expect(offeredOpen?.id == rows[2].id && offeredOpen?.state == .offered && offeredOpen?.reserved == false)
            #expect(offeredHeld == nil)
            #expect(try await ActivityFixture.reload(app, rows[3]).state == .waiting)
            let activity = try #require(detail["activity"] as? [String: Any])
            #expect(activity["reservedSeats"] as? Int == 1 && activity["seatsTaken"] as? Int == 2 && activity["teamId"] as? String == team.id!.uuidString)
        }
    }

    @Test func anOfferNotConfirmedInTimePassesToTheNextPersonOnce() async throws {
        try await withDemoApp { app in
            // setup: one seat taken, the demo resident and a neighbour waiting, a day before the start
            app.clock.set(ActivityFixture.start.addingTimeInterval(-2 * 86_400))
            let a = try await Self.activity(app, capacity: 1)
            let picked = try await ActivityFixture.residents(app, 2)
            let (first, neighbour) = (picked[0], picked[1])
            let me = try await PointsFixture.demoResident(app)
            for r in [first, me, neighbour] {
                app.clock.advance(60)
                _ = try await ActivityFixture.service(app).signUp(a, resident: r)
            }
            let token = try await app.token("resident_demo")
            // act: the seat frees; the demo resident is told and does not confirm in time
            let (_, offered) = try await ActivityFixture.service(app).cancel(a, resident: first.id!)
            let shown = try await app.api(.GET, "/api/v1/points/activities/\(a.id!)", token: token).json()
            let told = try await Notification.query(on: app.db).filter(\.$kind == "activity_offer").all()
            app.clock.advance(ActivityService.offerWindow - 60)
            let early = try await ActivityFixture.service(app).sweepOffers()
            app.clock.advance(120)
            let (one, two) = try await (ActivityFixture.service(app).sweepOffers(), ActivityFixture.service(app).sweepOffers())
            let late = try await app.api(.POST, "/api/v1/points/activities/\(a.id!)/confirm", token: token)
            let next = try #require(try await ActivityFixture.service(app).attendance(of: neighbour.id!, in: a))
            let confirmed = try await ActivityFixture.service(app).confirm(a, resident: neighbour.id!)
            let again = try await ActivityFixture.service(app).confirm(a, resident: neighbour.id!)
            // check
            #expect(offered?.residentID == me.id && offered?.offerExpiresAt == ActivityFixture.start.addingTimeInterval(-2 * 86_400 + 180 + ActivityService.offerWindow))
            #expect(((shown["activity"] as? [String: Any])?["mine"] as? [String: Any])?["state"] as? String == "offered")
            #expect(told.count == 1 && told[0].text.contains("敬老院陪护") && told[0].text.contains("前确认"))
            #expect(early == 0 && one + two == 1)
            #expect(late.status == .conflict && late.errorCode == "offer_expired")
            #expect(next.state == .offered && confirmed.state == .signedUp && again.state == .signedUp)
            #expect(try await ActivityFixture.service(app).seatsTaken(a, on: app.db) == 1)
            #expect(try await ActivityFixture.service(app).sweepOffers() == 0)
        }
    }

    @Test func theSchedulerTickPassesOffersOnAndExpiresUncollectedRedemptions() async throws {
        try await withDemoApp { app in
            // setup: an offer that will lapse and a redemption nobody collects
            app.clock.set(ActivityFixture.start.addingTimeInterval(-2 * 86_400))
            app.pointsSettings = PointsSettings(redemptionDays: 3)
            let a = try await Self.activity(app, capacity: 1)
            let people = try await ActivityFixture.residents(app, 2)
            for r in people { _ = try await ActivityFixture.service(app).signUp(a, resident: r) }
            _ = try await ActivityFixture.service(app).cancel(a, resident: people[0].id!)
            let me = try await PointsFixture.demoResident(app)
            try await PointsFixture.award(app, me, 50)
            let goods = try await PointsFixture.goods(app, name: "洗衣液", price: 30, stock: 2)
            let (r, _) = try await SupermarketService(db: app.db, now: app.clock.now())
                .redeem(goodsID: goods.id, quantity: 1, idempotencyKey: nil, by: try await PointsFixture.actor(app, "resident_demo"))
            // act
            let soon = await PointsScheduler.tick(app)
            app.clock.advance(3 * 86_400 + 60)
            let later = await PointsScheduler.tick(app)
            // check
            #expect(soon == .init())
            #expect(later.offersPassed == 1, "the lapsed offer is swept; the activity has started, so nobody else is offered it")
            #expect(later.redemptionsExpired == 1)
            #expect(try #require(try await PointsRedemption.find(r.id, on: app.db)).state == "expired")
            #expect(try await PointsFixture.balance(app, me) == 50)
            #expect(try await PointsFixture.stock(app, goods) == 2)
            #expect(try await PointsVerify.run(on: app.db).ok)
        }
    }
}
