import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Activities a partner (红色合伙人) organises: created and run by its account inside its agreement, shown with the
/// partner as organiser, checked in and verified by the partner for its own activities only; staff still act on them.
@Suite struct PartnerActivityTests {
    static func body(_ community: String = "YT-GT-01", capacity: Int = 5) -> String {
        let start = ActivityFixture.start
        return """
            {"community":"\(community)","title":"助老送餐","startsAt":"\(start.formatted(.iso8601))",
             "endsAt":"\(start.addingTimeInterval(2 * 3_600).formatted(.iso8601))","capacity":\(capacity),"pointsPerHour":10}
            """
    }

    @Test func aNewActivityIsAnnouncedToItsCommunityAndThePartnersOneSaysWhyNot() async throws {
        try await withDemoApp { app in
            app.clock.set(ActivityFixture.start.addingTimeInterval(-86_400))
            try await PartnerFixture.partner(app, categories: ["volunteers", "service"])
            let (staff, partner) = (try await app.token("gt01_community"), try await app.token("partner_demo"))
            // act
            let byStaff = try await app.api(.POST, "/api/v1/points/activities", token: staff, json: Self.body())
            let byPartner = try await app.api(.POST, "/api/v1/points/activities", token: partner, json: Self.body())
            // check: the community's activity went out as a public notice naming its sign-up page
            let s = try byStaff.json(), p = try byPartner.json()
            #expect(byStaff.status == .created && (s["noticeRecipients"] as? Int ?? 0) > 0 && s["noticeProblem"] == nil, "\(byStaff.text)")
            let notice = try #require(try await Notice.query(on: app.db).filter(\.$title == "志愿活动：助老送餐").first())
            #expect(notice.isPublic && notice.body.contains("/points/activities/\(s["id"] as? String ?? "-")"))
            // the partner's activity stands, and its answer says no notice went out
            #expect(byPartner.status == .created && p["noticeRecipients"] == nil && (p["noticeProblem"] as? String)?.isEmpty == false, "\(byPartner.text)")
            #expect(try await Notice.query(on: app.db).filter(\.$title == "志愿活动：助老送餐").count() == 1)
            #expect((p["noticeProblem"] as? String)?.contains("社区工作人员") == true)
            // community staff announce the partner's activity; the partner and another area cannot
            let partnerID = try #require(p["id"] as? String)
            let byItself = try await app.api(.POST, "/api/v1/points/activities/\(partnerID)/announce", token: partner)
            let elsewhere = try await app.api(.POST, "/api/v1/points/activities/\(partnerID)/announce", token: try await app.token("bh01_community"))
            let announced = try await app.api(.POST, "/api/v1/points/activities/\(partnerID)/announce", token: staff)
            #expect(byItself.status == .forbidden && elsewhere.status == .notFound)
            let reached = try announced.json()["recipients"] as? Int ?? 0
            #expect(announced.status == .created && reached > 0, "\(announced.text)")
            #expect(try await Notice.query(on: app.db).filter(\.$title == "志愿活动：助老送餐").count() == 2)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "announce").filter(\.$entity == "volunteer_activity").count() == 1)
            // the staff's page of the activity offers the button (with a confirmation); the partner's does not
            let desk = Browser(app)
            try await desk.login("gt01_community")
            let page = try await desk.get(SiteURL.Activities.organise(UUID(uuidString: partnerID)!).path)
            #expect(page.text.contains(SiteURL.Activities.announce(UUID(uuidString: partnerID)!).path) && page.text.contains("data-confirm"))
            let sent = try await desk.post(SiteURL.Activities.announce(UUID(uuidString: partnerID)!).path, [])
            #expect(sent.status == .seeOther)
            #expect(try await desk.get(SiteURL.Activities.organise(UUID(uuidString: partnerID)!).path).text.contains("已发通知给"))
        }
    }

    @Test func aPartnerOrganisesRunsAndVerifiesItsOwnActivity() async throws {
        try await withDemoApp { app in
            // setup: an approved partner whose agreement covers volunteers, linked to partner_demo
            app.clock.set(ActivityFixture.start.addingTimeInterval(-86_400))
            try await PartnerFixture.partner(app, categories: ["volunteers", "service"])
            let partner = try await app.token("partner_demo")
            let (me, staff) = (try await app.token("resident_demo"), try await app.token("gt01_community"))
            // act: the partner creates it; the resident sees who organises it and signs up
            let created = try await app.api(.POST, "/api/v1/points/activities", token: partner, json: Self.body())
            #expect(created.status == .created, "\(created.text)")
            let id = try PartnerFixture.id(created)
            let path = "/api/v1/points/activities/\(id)"
            let seen = try await app.api(.GET, path, token: me).json()["activity"] as? [String: Any]
            #expect(seen?["organiserKind"] as? String == "partner" && seen?["organiser"] as? String == "孝贤大食堂")
            #expect(try await app.api(.POST, "\(path)/signup", token: me).status == .ok)
            // the partner shows the venue's code; the resident checks in and out with it
            app.clock.set(ActivityFixture.start.addingTimeInterval(5 * 60))
            let code = try #require(try await app.api(.GET, "\(path)/code", token: partner).json()["code"] as? String)
            #expect(try await app.api(.POST, "\(path)/check-in", token: me, json: #"{"code":"\#(code)"}"#).status == .ok)
            app.clock.set(ActivityFixture.start.addingTimeInterval(65 * 60))
            let now = try #require(try await app.api(.GET, "\(path)/code", token: partner).json()["code"] as? String)
            #expect(try await app.api(.POST, "\(path)/check-out", token: me, json: #"{"code":"\#(now)"}"#).status == .ok)
            // the partner sees its people and verifies the hour: 10 points reach the passbook, once
            let detail = try await app.api(.GET, path, token: partner)
            let rows = try #require(try detail.json()["attendances"] as? [[String: Any]])
            let attendance = try #require(rows.first?["id"] as? String)
            let verified = try await app.api(.POST, "\(path)/attendances/\(attendance)/verify", token: partner)
            let again = try await app.api(.POST, "\(path)/attendances/\(attendance)/verify", token: partner)
            // check
            let (paid, repaid) = (try verified.json(), try again.json())
            #expect(verified.status == .ok && paid["paid"] as? Bool == true && paid["points"] as? Int == 10, "\(verified.text)")
            #expect(repaid["paid"] as? Bool == false)
            let mine = try await app.api(.GET, "/api/v1/points/accounts/me", token: me).json()
            let entries = mine["entries"] as? [[String: Any]]
            #expect(entries?.contains { ($0["reason"] as? String)?.contains("助老送餐") == true } == true)
            // the partner's list holds its activity only; staff in scope still see it with its people
            let list = try await app.api(.GET, "/api/v1/points/activities", token: partner).json()
            #expect(list["total"] as? Int == 1)
            let staffView = try await app.api(.GET, path, token: staff)
            let staffRows = try staffView.json()["attendances"] as? [[String: Any]]
            #expect(staffView.status == .ok && staffRows?.count == 1)
            // the audit names the partner's account for the creation and the verification
            let audits = try await AuditEntry.query(on: app.db).filter(\.$entityID == id).all()
            #expect(audits.contains { $0.action == "create" && $0.summary.contains("孝贤大食堂") })
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "verify").filter(\.$entity == "volunteer_attendance").count() == 1)
        }
    }

    @Test func aPartnerBeyondItsAgreementCannotOrganise() async throws {
        try await withDemoApp { app in
            // setup: the agreement covers goods only
            app.clock.set(ActivityFixture.start.addingTimeInterval(-86_400))
            let partnerID = try await PartnerFixture.partner(app, categories: ["goods"])
            let partner = try await app.token("partner_demo")
            // act + check: outside the categories, outside the area, before approval, after the term: 403 in words
            let category = try await app.api(.POST, "/api/v1/points/activities", token: partner, json: Self.body())
            #expect(category.status == .forbidden && category.errorCode == "outside_agreement", "\(category.text)")
            app.clock.advance(60)
            try await PartnerFixture.partner(app, categories: ["volunteers"], name: "夕阳红志愿者协会", credit: "91370827MA3C4D5E7G")
            let area = try await app.api(.POST, "/api/v1/points/activities", token: partner, json: Self.body("YT-BH-01"))
            #expect(area.status == .forbidden && area.errorCode == "outside_agreement", "\(area.text)")
            app.clock.advance(60)
            try await PartnerFixture.partner(app, categories: ["volunteers"], approve: false, name: "鲁南职业培训学校", credit: "91370827MA3C4D5E8H")
            let unapproved = try await app.api(.POST, "/api/v1/points/activities", token: partner, json: Self.body())
            #expect(unapproved.status == .forbidden && unapproved.errorCode == "partner_inactive", "\(unapproved.text)")
            app.clock.advance(60)
            try await PartnerFixture.partner(app, categories: ["volunteers"], name: "县供电公司党支部", credit: "91370827MA3C4D5E9J", to: "2025-12-31")
            let lapsed = try await app.api(.POST, "/api/v1/points/activities", token: partner, json: Self.body())
            #expect(lapsed.status == .forbidden && lapsed.errorCode == "outside_agreement", "\(lapsed.text)")
            // residents and grid workers organise nothing
            let resident = try await app.api(.POST, "/api/v1/points/activities", token: try await app.token("resident_demo"), json: Self.body())
            let grid = try await app.api(.POST, "/api/v1/points/activities", token: try await app.token("gt01_grid"), json: Self.body())
            #expect(resident.status == .forbidden && grid.status == .forbidden)
            #expect(try await VolunteerActivity.query(on: app.db).filter(\.$partnerID != nil).count() == 0)
            _ = partnerID
        }
    }

    @Test func aPartnerCannotRunAnotherOrganisersActivity() async throws {
        try await withDemoApp { app in
            // setup: the community's own activity with the resident checked out; then a partner of the same community
            app.clock.set(ActivityFixture.start.addingTimeInterval(-3_600))
            let a = try await ActivityFixture.activity(app)
            let r = try await PointsFixture.demoResident(app)
            let row = try await ActivityFixture.service(app).signUp(a, resident: r)
            app.clock.set(ActivityFixture.start.addingTimeInterval(3 * 3_600))
            try await PartnerFixture.partner(app, categories: ["volunteers"])
            let partner = try await app.token("partner_demo")
            let path = "/api/v1/points/activities/\(a.id!)"
            // act
            let show = try await app.api(.GET, path, token: partner)
            let code = try await app.api(.GET, "\(path)/code", token: partner)
            let present = try await app.api(.POST, "\(path)/attendances/\(row.id!)/present", token: partner)
            let verify = try await app.api(.POST, "\(path)/attendances/\(row.id!)/verify", token: partner)
            let web = Browser(app)
            try await web.login("partner_demo")
            let page = try await web.get(SiteURL.Activities.organise(a.id!).path)
            let list = try await app.api(.GET, "/api/v1/points/activities", token: partner).json()
            // check: the same 404 as an unknown activity; nothing changed
            #expect([show.status, code.status, present.status, verify.status, page.status] == [.notFound, .notFound, .notFound, .notFound, .notFound])
            #expect(list["total"] as? Int == 0)
            #expect(try await ActivityFixture.reload(app, row).state == .signedUp)
        }
    }

    @Test func aPartnerPublishesAndRunsItsActivityFromItsPages() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(ActivityFixture.start.addingTimeInterval(-86_400))
            try await PartnerFixture.partner(app, categories: ["volunteers"])
            let gt01 = try await app.node("YT-GT-01")
            let desk = Browser(app)
            try await desk.login("partner_demo")
            // act: the form offers its communities and no community team; publishing makes the partner the organiser
            let form = try await desk.get(SiteURL.Activities.manage.path)
            let posted = try await desk.post(SiteURL.Activities.manage.path, [("community", gt01.id!.uuidString), ("title", "助老送餐"),
                ("startsAt", "2026-05-01T09:00"), ("endsAt", "2026-05-01T11:00"), ("capacity", "8"), ("pointsPerHour", "10"), ("reservedSeats", "0")])
            let list = try await desk.get(SiteURL.Activities.manage.path)
            let a = try #require(try await VolunteerActivity.query(on: app.db).filter(\.$title == "助老送餐").first())
            let organise = try await desk.get(SiteURL.Activities.organise(a.id!).path)
            let phone = Browser(app)
            try await phone.login("resident_demo")
            let shown = try await phone.get(SiteURL.Activities.show(a.id!).path)
            // check
            #expect(form.status == .ok && form.text.contains("古亭") && !form.text.contains("name=\"team\""))
            #expect(posted.status == .seeOther && list.text.contains("助老送餐") && list.text.contains("红色合伙人：孝贤大食堂"))
            #expect(organise.status == .ok && organise.text.contains("显示签到二维码"))
            #expect(shown.text.contains("组织方") && shown.text.contains("孝贤大食堂"))
            #expect(a.partnerName == "孝贤大食堂")
        }
    }

    @Test func partyMembersAndPartnersStaffRegisterAsVolunteers() async throws {
        try await withDemoApp { app in
            // setup: resident_demo is an in-service party member (双报到) of 县财政局机关党支部; a partner serves 古亭社区
            try await PartnerFixture.registerMember(app)
            try await PartnerFixture.partner(app, categories: ["volunteers"])
            let me = try await app.token("resident_demo")
            // act: the party member leaves the unit blank; a partner's staff member names the partner; the partner account tries
            let member = try await app.api(.POST, "/api/v1/points/volunteers/me", token: me, json: #"{"skills":"理发","availability":"周末"}"#)
            let staffer = try await ActivityFixture.residents(app, 1)[0]
            let v = try await VolunteerService(db: app.db, now: app.clock.now()).register(staffer, .init(skills: "送餐", availability: "工作日中午", organisation: "孝贤大食堂"))
            let account = try await app.api(.POST, "/api/v1/points/volunteers/me", token: try await app.token("partner_demo"), json: #"{"skills":"送餐","availability":"周末"}"#)
            let phone = Browser(app)
            try await phone.login("resident_demo")
            let form = try await phone.get(SiteURL.Volunteers.mine.path)
            // check
            let registered = try member.json()
            #expect(member.status == .ok && registered["organisation"] as? String == "县财政局机关党支部", "\(member.text)")
            #expect(registered["state"] as? String == "pending")
            #expect(v.organisation == "孝贤大食堂" && v.volunteerState == .pending)
            #expect(account.status == .forbidden && account.errorCode == "organisation_account")
            #expect(form.text.contains("<option value=\"孝贤大食堂\">"))
        }
    }

    @Test func theDemoHasAPartnerOrganisedActivityWithVerifiedHours() async throws {
        try await withDemoApp { app in
            // setup: the demo's partners (partner_demo acts for 孝贤大食堂)
            let context = DemoContext(app: app, plan: DemoPlan.make(.tiny), root: try await app.node("YT"), db: app.db, log: { _ in })
            _ = try await PartnersDemo.seed(context)
            // act: seeded twice writes once
            try await ActivityDemo.partnerActivities(context)
            try await ActivityDemo.partnerActivities(context)
            // check
            let rows = try await VolunteerActivity.query(on: app.db).filter(\.$partnerID != nil).sort(\.$startsAt).all()
            #expect(rows.count == 2 && rows.allSatisfy { $0.partnerName == "孝贤大食堂" })
            let past = try #require(rows.first)
            let verified = try await ActivityAttendance.query(on: app.db).filter(\.$activityID == past.id!).filter(\.$stateRaw == "verified").all()
            #expect(!verified.isEmpty && verified.allSatisfy { $0.points == 15 })
            #expect(try await ActivityAttendance.query(on: app.db).filter(\.$activityID == rows[1].id!).count() > 0)
            #expect(try await PointsVerify.run(on: app.db).ok)
        }
    }
}
