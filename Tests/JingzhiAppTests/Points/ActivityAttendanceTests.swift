import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
@testable import JingzhiApp

/// Check-in with the venue's rotating code, no-shows, and verification that pays once.
@Suite struct ActivityAttendanceTests {
    @Test func checkInNeedsTheCurrentCodeAndTheActivitysTime() async throws {
        try await withDemoApp { app in
            // setup
            let start = ActivityFixture.start
            app.clock.set(start.addingTimeInterval(-3 * 3_600))
            let a = try await ActivityFixture.activity(app)
            let (me, staff) = (try await app.token("resident_demo"), try await app.token("gt01_community"))
            let path = "/api/v1/points/activities/\(a.id!)"
            _ = try await app.api(.POST, "\(path)/signup", token: me)
            let early = try await app.api(.GET, "\(path)/code", token: staff).json()["code"] as! String
            // act + check: three hours early is refused in plain words
            let tooEarly = try await app.api(.POST, "\(path)/check-in", token: me, json: #"{"code":"\#(early)"}"#)
            #expect(tooEarly.status == .conflict && tooEarly.errorCode == "outside_time")
            // at the start, that morning's old code is refused, the one on screen works, twice
            app.clock.set(start.addingTimeInterval(5 * 60))
            #expect(try await app.api(.POST, "\(path)/check-in", token: me, json: #"{"code":"\#(early)"}"#).errorCode == "stale_code")
            let code = try await app.api(.GET, "\(path)/code", token: staff).json()["code"] as! String
            let first = try await app.api(.POST, "\(path)/check-in", token: me, json: #"{"code":"\#(code)"}"#)
            app.clock.advance(60)
            let second = try await app.api(.POST, "\(path)/check-in", token: me, json: #"{"code":"\#(code.lowercased())"}"#)
            let firstState = try first.json()["state"] as? String
            #expect(first.status == .ok && firstState == "checkedIn")
            let (i1, i2) = (try first.json()["checkedInAt"] as? String, try second.json()["checkedInAt"] as? String)
            #expect(i1 != nil && i1 == i2)
            // ten minutes later the photo of the code no longer works
            app.clock.advance(10 * 60)
            #expect(try await app.api(.POST, "\(path)/check-out", token: me, json: #"{"code":"\#(code)"}"#).errorCode == "stale_code")
            let now = try await app.api(.GET, "\(path)/code", token: staff).json()["code"] as! String
            let out = try await app.api(.POST, "\(path)/check-out", token: me, json: #"{"code":"\#(now)"}"#).json()
            #expect(out["state"] as? String == "checkedOut" && out["minutes"] as? Int == 11)
            // after the end, check-in is closed
            app.clock.set(start.addingTimeInterval(3 * 3_600))
            let late = AttendanceService.code(a, at: app.clock.now())
            #expect(try await app.api(.POST, "\(path)/check-in", token: me, json: #"{"code":"\#(late)"}"#).errorCode == "outside_time")
        }
    }

    @Test func anEndedActivityRecordsNoShowsAndForgottenCheckOuts() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(ActivityFixture.start.addingTimeInterval(-3_600))
            let a = try await ActivityFixture.activity(app, capacity: 2)
            let people = try await ActivityFixture.residents(app, 3)
            let rows = try await people.asyncMap { try await ActivityFixture.service(app).signUp(a, resident: $0) }
            app.clock.set(ActivityFixture.start.addingTimeInterval(30 * 60))
            _ = try await ActivityFixture.attendance(app).checkIn(a, resident: people[0].id!, code: AttendanceService.code(a, at: app.clock.now()))
            // act
            app.clock.set(ActivityFixture.start.addingTimeInterval(5 * 3_600))
            let ended = try await ActivityFixture.service(app).activity(a.id, within: .everything)
            let refused = await #expect(throws: APIError.self) {
                try await ActivityFixture.attendance(app).verify(ended, attendance: rows[1].id, minutes: nil, by: try await PointsFixture.actor(app, "gt01_community"))
            }
            let marked = try await ActivityFixture.attendance(app).markPresent(ended, attendance: rows[1].id, by: try await PointsFixture.actor(app, "gt01_community"))
            // check: forgotten check-out ends at the end, an unused seat is a no-show until marked by hand, the waiting list closes
            let forgot = try await ActivityFixture.reload(app, rows[0])
            #expect(forgot.state == .checkedOut && forgot.checkedOutAt == ended.endsAt && forgot.attendedMinutes(ended) == 90)
            #expect(refused?.code == "not_attended")
            #expect(marked.state == .checkedOut && marked.attendedMinutes(ended) == 120)
            #expect(try await ActivityFixture.reload(app, rows[2]).state == .cancelled)
            #expect(ended.settledAt != nil)
        }
    }

    @Test func verificationPaysOnceWithCorrectionsAndOnlyInScope() async throws {
        try await withDemoApp { app in
            // setup: the demo resident attends an hour of a 2-hour activity at 10 points an hour
            app.clock.set(ActivityFixture.start.addingTimeInterval(-3_600))
            let a = try await ActivityFixture.activity(app)
            let (me, staff) = (try await app.token("resident_demo"), try await app.token("gt01_community"))
            let resident = try await PointsFixture.demoResident(app)
            let other = try await ActivityFixture.residents(app, 1)[0]
            let path = "/api/v1/points/activities/\(a.id!)"
            let row = try await app.api(.POST, "\(path)/signup", token: me).json()["id"] as! String
            let second = try await ActivityFixture.service(app).signUp(a, resident: other)
            app.clock.set(ActivityFixture.start)
            _ = try await app.api(.POST, "\(path)/check-in", token: me, json: #"{"code":"\#(AttendanceService.code(a, at: app.clock.now()))"}"#)
            app.clock.advance(3_600)
            _ = try await app.api(.POST, "\(path)/check-out", token: me, json: #"{"code":"\#(AttendanceService.code(a, at: app.clock.now()))"}"#)
            // act: verify, retry; another community's staff and the resident try too
            let foreign = try await app.api(.POST, "\(path)/attendances/\(row)/verify", token: try await app.token("bh01_community"))
            let byResident = try await app.api(.POST, "\(path)/attendances/\(row)/verify", token: me)
            let first = try await app.api(.POST, "\(path)/attendances/\(row)/verify", token: staff)
            let retry = try await app.api(.POST, "\(path)/attendances/\(row)/verify", token: staff, json: #"{"minutes":120}"#)
            app.clock.set(ActivityFixture.start.addingTimeInterval(4 * 3_600))
            _ = try await app.api(.POST, "\(path)/attendances/\(second.id!)/present", token: staff)
            let tooLong = try await app.api(.POST, "\(path)/attendances/\(second.id!)/verify", token: staff, json: #"{"minutes":500}"#)
            let corrected = try await app.api(.POST, "\(path)/attendances/\(second.id!)/verify", token: staff, json: #"{"minutes":30}"#).json()
            // check
            #expect(foreign.status == .notFound && byResident.status == .forbidden)
            let (f, r) = (try first.json(), try retry.json())
            #expect(f["state"] as? String == "verified" && f["points"] as? Int == 10 && f["paid"] as? Bool == true && f["minutes"] as? Int == 60)
            #expect(r["paid"] as? Bool == false && r["points"] as? Int == 10)
            #expect(corrected["minutes"] as? Int == 30 && corrected["points"] as? Int == 5 && corrected["paid"] as? Bool == true)
            #expect(tooLong.status == .unprocessableEntity && tooLong.errorField == "minutes")
            #expect(try await PointsFixture.balance(app, resident) == 10)
            #expect(try await PointsFixture.balance(app, other) == 5)
            #expect(try await PointsEntry.query(on: app.db).filter(\.$sourceRef == "activity:\(row.uppercased())").count() == 1)
            #expect(try await PointsVerify.run(on: app.db).ok)
        }
    }

    @Test func anotherCommunitysOrganiserCannotVerifyOrMarkOurAttendees() async throws {
        try await withDemoApp { app in
            // setup: the demo resident checked out of 古亭's activity; 站前社区 organises one of its own
            app.clock.set(ActivityFixture.start.addingTimeInterval(-3_600))
            let ours = try await ActivityFixture.activity(app)
            let theirs = try await ActivityFixture.activity(app, community: "YT-BH-01", by: "bh01_community")
            let resident = try await PointsFixture.demoResident(app)
            let row = try await ActivityFixture.service(app).signUp(ours, resident: resident)
            app.clock.set(ActivityFixture.start)
            _ = try await ActivityFixture.attendance(app).checkIn(ours, resident: resident.id!, code: AttendanceService.code(ours, at: app.clock.now()))
            app.clock.advance(3_600)
            _ = try await ActivityFixture.attendance(app).checkOut(ours, resident: resident.id!, code: AttendanceService.code(ours, at: app.clock.now()))
            let foreign = try await PointsFixture.actor(app, "bh01_community")
            let service = ActivityFixture.attendance(app)
            // act + check: the foreign organiser is refused with the activity it did not load, and with its own activity
            for (activity, label) in [(ours, "our activity"), (theirs, "their own activity")] {
                let verify = await #expect(throws: APIError.self, "verify through \(label)") {
                    try await service.verify(activity, attendance: row.id, minutes: nil, by: foreign)
                }
                let present = await #expect(throws: APIError.self, "mark present through \(label)") {
                    try await service.markPresent(activity, attendance: row.id, by: foreign)
                }
                #expect(verify?.status == .notFound && present?.status == .notFound)
            }
            #expect(try await ActivityFixture.reload(app, row).state == .checkedOut)
            #expect(try await PointsFixture.balance(app, resident) == 0)
            // the organiser in scope still verifies and pays
            let (done, paid) = try await service.verify(ours, attendance: row.id, minutes: nil, by: try await PointsFixture.actor(app, "gt01_community"))
            #expect(done.state == .verified && paid && done.points == 10)
            #expect(try await PointsFixture.balance(app, resident) == 10)
        }
    }
}
