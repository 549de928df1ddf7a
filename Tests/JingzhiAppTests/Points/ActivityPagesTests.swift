import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Volunteer activities on a resident's phone and on the organiser's pages, and the demo's activities.
@Suite struct ActivityPagesTests {
    @Test func aResidentSignsUpAndChecksInByScanningTheVenuesCode() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(ActivityFixture.start.addingTimeInterval(-3_600))
            let a = try await ActivityFixture.activity(app, capacity: 5)
            let phone = Browser(app)
            try await phone.login("resident_demo")
            let desk = Browser(app)
            try await desk.login("gt01_community")
            // act
            let list = try await phone.get("/points/activities")
            let signed = try await phone.post("/points/activities/\(a.id!)/signup", [])
            let shown = try await phone.get("/points/activities/\(a.id!)")
            app.clock.set(ActivityFixture.start.addingTimeInterval(600))
            let qr = try await desk.get("/points/organise/\(a.id!)/qr")
            let code = AttendanceService.code(a, at: app.clock.now())
            let scan = try await phone.get("/points/activities/\(a.id!)/scan?code=\(code)")
            let checkedIn = try await phone.post("/points/activities/\(a.id!)/scan", [("code", code), ("direction", "in")])
            let after = try await phone.get("/points/activities/\(a.id!)")
            let organise = try await desk.get("/points/organise/\(a.id!)")
            let staffList = try await desk.get("/points/activities")
            // check
            #expect(list.status == .ok && list.text.contains("清扫楼道") && list.text.contains("还剩 5 个名额"))
            #expect(signed.status == .seeOther && shown.text.contains("报名成功") && shown.text.contains("取消报名"))
            #expect(qr.status == .ok && qr.text.contains("<svg") && qr.text.contains(code))
            #expect(scan.text.contains("签到") && checkedIn.status == .seeOther && after.text.contains("签到成功"))
            #expect(organise.text.contains("已签到") && organise.text.contains("补记到场"))
            #expect(staffList.status == .seeOther)
            #expect(try await desk.get("/points/organise/\(a.id!)").status == .ok)
            let other = Browser(app)
            try await other.login("bh01_community")
            #expect(try await other.get("/points/organise/\(a.id!)").status == .notFound)
        }
    }

    @Test func theDemoHasVerifiedActivitiesAndAnUpcomingOneWithAWaitingList() async throws {
        try await withDemoApp { app in
            // setup
            let context = DemoContext(app: app, plan: DemoPlan.make(.tiny), root: try await app.node("YT"), db: app.db, log: { _ in })
            try await PointsDemo.goods(context)
            try await PointsDemo.ledger(context, perCommunity: 3)
            // act
            try await ActivityDemo.seed(context)
            // check: every verified attendance paid once, through the ledger
            let verified = try await ActivityAttendance.query(on: app.db).filter(\.$stateRaw == "verified").all()
            let paid = try await PointsEntry.query(on: app.db).filter(\.$sourceRef ~~ verified.map { "activity:\($0.id!.uuidString)" }).count()
            #expect(!verified.isEmpty && paid == verified.count)
            #expect(try await ActivityAttendance.query(on: app.db).filter(\.$stateRaw == "noShow").count() > 0)
            #expect(try await ActivityAttendance.query(on: app.db).filter(\.$stateRaw == "waiting").count() > 0)
            let me = try await PointsFixture.demoResident(app)
            #expect(try await ActivityAttendance.query(on: app.db).filter(\.$residentID == me.id!).filter(\.$stateRaw == "signedUp").count() == 1)
            #expect(try await PointsVerify.run(on: app.db).ok)
        }
    }
}
