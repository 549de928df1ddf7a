import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Volunteer registration from the phone, the community's decision, teams, and posts claimed and released.
@Suite struct VolunteerTests {
    static let me = "/api/v1/points/volunteers/me"

    @Test func aResidentRegistersAndOnlyTheirCommunitysStaffDecide() async throws {
        try await withDemoApp { app in
            // setup
            let (resident, staff) = (try await app.token("resident_demo"), try await app.token("gt01_community"))
            let team = try await VolunteerService(db: app.db, now: app.clock.now())
                .createTeam(community: "YT-GT-01", name: "党员先锋队", description: nil, by: try await PointsFixture.actor(app, "gt01_community"))
            // act: wrong input first, then a registration
            let before = try await app.api(.GET, Self.me, token: resident)
            let noSkills = try await app.api(.POST, Self.me, token: resident, json: #"{"availability":"周末"}"#)
            let foreignTeam = try await app.api(.POST, Self.me, token: resident, json: #"{"skills":"理发","availability":"周末","team":"\#(UUID())"}"#)
            let made = try await app.api(.POST, Self.me, token: resident,
                                         json: #"{"skills":"理发","availability":"周末上午","team":"\#(team.id!)","organisation":"县医院"}"#).json()
            let id = try #require(made["id"] as? String)
            let listed = try await app.api(.GET, "/api/v1/points/volunteers?node=YT-GT-01&state=pending", token: staff).json()
            let badState = try await app.api(.GET, "/api/v1/points/volunteers?state=maybe", token: staff)
            let byGrid = try await app.api(.GET, "/api/v1/points/volunteers", token: try await app.token("gt01_grid"))
            let bySelf = try await app.api(.POST, "/api/v1/points/volunteers/\(id)/approve", token: resident)
            let byForeign = try await app.api(.POST, "/api/v1/points/volunteers/\(id)/approve", token: try await app.token("bh01_community"))
            let foreignList = try await app.api(.GET, "/api/v1/points/volunteers", token: try await app.token("bh01_community")).json()
            let stale = try await app.api(.POST, "/api/v1/points/volunteers/\(id)/approve", token: staff, json: #"{"version":7}"#)
            let declineWithoutNote = try await app.api(.POST, "/api/v1/points/volunteers/\(id)/decline", token: staff)
            let approved = try await app.api(.POST, "/api/v1/points/volunteers/\(id)/approve", token: staff, json: #"{"version":1}"#).json()
            let again = try await app.api(.POST, "/api/v1/points/volunteers/\(id)/approve", token: staff)
            let updated = try await app.api(.POST, Self.me, token: resident, json: #"{"skills":"理发、修鞋","availability":"周末"}"#).json()
            // check
            #expect(before.status == .notFound)
            #expect(noSkills.status == .unprocessableEntity && noSkills.errorField == "skills")
            #expect(foreignTeam.status == .notFound && foreignTeam.errorField == "team")
            #expect(made["state"] as? String == "pending" && made["organisation"] as? String == "县医院")
            #expect((listed["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            #expect(badState.status == .unprocessableEntity)
            #expect(byGrid.status == .forbidden && bySelf.status == .forbidden && byForeign.status == .notFound)
            #expect(foreignList["total"] as? Int == 0)
            #expect(stale.status == .conflict && declineWithoutNote.status == .unprocessableEntity && declineWithoutNote.errorField == "note")
            #expect(approved["state"] as? String == "approved" && approved["version"] as? Int == 2)
            #expect(again.status == .conflict && again.errorCode == "illegal_transition")
            #expect(updated["state"] as? String == "approved" && updated["skills"] as? String == "理发、修鞋" && updated["teamId"] == nil)
            let history = try await LifecycleEvent.history("volunteer", UUID(uuidString: id)!, on: app.db)
            #expect(history.map(\.action) == ["approve"])
        }
    }

    @Test func aDeclinedRegistrationReadsTheReasonAndGoesBackForReview() async throws {
        try await withDemoApp { app in
            // setup
            let resident = try await PointsFixture.demoResident(app)
            let s = VolunteerService(db: app.db, now: app.clock.now())
            let staff = try await PointsFixture.actor(app, "gt01_community")
            let v = try await s.register(resident, .init(skills: "唱歌", availability: "晚上"))
            // act
            _ = try await s.decide(v.id, approve: false, note: "请补充可服务时间", expectedVersion: nil, by: staff)
            let phone = Browser(app)
            try await phone.login("resident_demo")
            let page = try await phone.get("/points/volunteer")
            let resubmitted = try await s.register(resident, .init(skills: "唱歌", availability: "周一至周五晚上"))
            // check
            #expect(page.text.contains("未通过") && page.text.contains("请补充可服务时间"))
            #expect(resubmitted.volunteerState == .pending && resubmitted.decisionNote == nil && resubmitted.version == 3)
            let history = try await LifecycleEvent.history("volunteer", v.id!, on: app.db)
            #expect(history.map(\.action) == ["decline", "resubmit"])
            #expect(try await Volunteer.query(on: app.db).filter(\.$residentID == resident.id!).count() == 1)
        }
    }

    @Test func approvedVolunteersClaimPostsOnceAndTheHolderOrStaffReleaseThem() async throws {
        try await withDemoApp { app in
            // setup: the demo resident and a neighbour are approved volunteers; a third resident only applied
            let s = VolunteerService(db: app.db, now: app.clock.now())
            let staff = try await PointsFixture.actor(app, "gt01_community")
            let me = try await PointsFixture.demoResident(app)
            let picked = try await ActivityFixture.residents(app, 2)
            let (neighbour, applicant) = (picked[0], picked[1])
            for r in [me, neighbour] {
                let v = try await s.register(r, .init(skills: "巡查", availability: "每天"))
                _ = try await s.decide(v.id, approve: true, note: nil, expectedVersion: nil, by: staff)
            }
            _ = try await s.register(applicant, .init(skills: "巡查", availability: "每天"))
            let token = try await app.token("resident_demo")
            let post = try await app.api(.POST, "/api/v1/points/volunteer-posts", token: try await app.token("gt01_community"),
                                         json: #"{"community":"YT-GT-01","title":"楼栋长","place":"3号楼"}"#).json()
            let id = try #require(post["id"] as? String)
            // act
            let byResident = try await app.api(.POST, "/api/v1/points/volunteer-posts", token: token, json: #"{"community":"YT-GT-01","title":"x"}"#)
            let foreignPost = try await app.api(.POST, "/api/v1/points/volunteer-posts", token: try await app.token("bh01_community"),
                                                json: #"{"community":"YT-GT-01","title":"楼栋长"}"#)
            let notYet = await #expect(throws: APIError.self) { try await s.claim(UUID(uuidString: id), by: applicant) }
            let claimed = try await app.api(.POST, "/api/v1/points/volunteer-posts/\(id)/claim", token: token).json()
            let taken = await #expect(throws: APIError.self) { try await s.claim(UUID(uuidString: id), by: neighbour) }
            let seenByMe = try await app.api(.GET, "/api/v1/points/volunteer-posts", token: token).jsonArray()
            let seenByStaff = try await app.api(.GET, "/api/v1/points/volunteer-posts?node=YT-GT-01", token: try await app.token("gt01_community")).jsonArray()
            let neighbourView = VolunteerPostDTO(try #require(try await VolunteerPost.find(UUID(uuidString: id), on: app.db)),
                                                 viewer: PointsFixture.residentActor(neighbour), volunteer: try await s.mine(neighbour))
            let neighbourRelease = await #expect(throws: APIError.self) { try await s.release(UUID(uuidString: id), by: PointsFixture.residentActor(neighbour)) }
            let foreignRelease = try await app.api(.POST, "/api/v1/points/volunteer-posts/\(id)/release", token: try await app.token("bh01_community"))
            let released = try await app.api(.POST, "/api/v1/points/volunteer-posts/\(id)/release", token: token).json()
            let reclaimed = try await s.claim(UUID(uuidString: id), by: neighbour)
            let byStaff = try await app.api(.POST, "/api/v1/points/volunteer-posts/\(id)/release", token: try await app.token("gt01_community")).json()
            // check
            #expect(byResident.status == .forbidden && foreignPost.status == .notFound)
            #expect(notYet?.code == "not_a_volunteer")
            #expect(claimed["state"] as? String == "claimed" && claimed["mine"] as? Bool == true && claimed["holder"] as? String == me.name)
            #expect(taken?.code == "illegal_transition")
            #expect(seenByMe.first?["holder"] as? String == me.name && seenByStaff.first?["holder"] as? String == me.name)
            #expect(neighbourView.holder == Mask.name(me.name) && neighbourView.holder != me.name && !neighbourView.mine)
            #expect(neighbourRelease?.status == .notFound && foreignRelease.status == .notFound)
            #expect(released["state"] as? String == "open" && released["holder"] == nil)
            #expect(reclaimed.holderName == neighbour.name)
            #expect(byStaff["state"] as? String == "open")
            let history = try await LifecycleEvent.history("volunteer_post", UUID(uuidString: id)!, on: app.db)
            #expect(history.filter { $0.action == "claim" }.count == 2 && history.filter { $0.action == "release" }.count == 2)
        }
    }

    @Test func theRegistrationAndApprovalWorkFromThePages() async throws {
        try await withDemoApp { app in
            // setup
            let phone = Browser(app)
            try await phone.login("resident_demo")
            let desk = Browser(app)
            try await desk.login("gt01_community")
            // act
            let empty = try await phone.get("/points/volunteer")
            let missing = try await phone.post("/points/volunteer", [("skills", ""), ("availability", "周末")])
            let afterMissing = try await phone.get("/points/volunteer")
            let sent = try await phone.post("/points/volunteer", [("skills", "维修家电"), ("availability", "周末"), ("team", ""), ("organisation", "")])
            let pending = try await phone.get("/points/volunteer")
            let queue = try await desk.get("/points/volunteers")
            let v = try #require(try await Volunteer.query(on: app.db).first())
            let forged = try await desk.post("/points/volunteers/\(v.id!)/approve", [("version", "1")], withCSRF: false)
            _ = try await desk.post("/points/volunteers/\(v.id!)/approve", [("version", "1")])
            _ = try await desk.post("/points/volunteers/posts", [("community", try await app.node("YT-GT-01").id!.uuidString), ("title", "文明劝导员"), ("place", "")])
            let approvedPage = try await phone.get("/points/volunteer")
            let post = try #require(try await VolunteerPost.query(on: app.db).first())
            _ = try await phone.post("/points/volunteer/posts/\(post.id!)/claim", [])
            let holding = try await phone.get("/points/volunteer")
            let staffView = try await desk.get("/points/volunteers")
            let otherDesk = Browser(app)
            try await otherDesk.login("bh01_community")
            let foreign = try await otherDesk.get("/points/volunteers")
            // check
            #expect(empty.status == .ok && empty.text.contains("提交注册"))
            #expect(missing.status == .seeOther && afterMissing.text.contains("请填写「特长技能」"))
            #expect(sent.status == .seeOther && pending.text.contains("待审核") && pending.text.contains("已提交，等待社区审核"))
            #expect(queue.text.contains("维修家电") && queue.text.contains("通过"))
            #expect(forged.status == .forbidden)
            #expect(approvedPage.text.contains("已通过") && approvedPage.text.contains("文明劝导员") && approvedPage.text.contains("认领"))
            #expect(holding.text.contains("已认领岗位：文明劝导员") && holding.text.contains("不再担任"))
            #expect(staffView.text.contains("收回岗位") && !foreign.text.contains("维修家电"))
        }
    }
}
