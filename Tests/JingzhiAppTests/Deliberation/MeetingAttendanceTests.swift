import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Registration with capacity, QR check-in with the rotating code, attendance entered by the organiser, the A4 poster.
@Suite struct MeetingAttendanceTests {
    /// A meeting of 古亭社区 4 days ahead with `capacity` seats; returns its id.
    static func meeting(_ app: Application, capacity: Int) async throws -> UUID {
        let topic = try await VoteFlowTests.deliberating(app)
        let community = try await app.node("YT-GT-01")
        let at = ISO8601DateFormatter().string(from: app.clock.now().addingTimeInterval(4 * 86_400))
        let res = try await app.api(.POST, "/api/v1/meetings", token: try await app.token("gt01_community"),
                                    json: #"{"communityId":"\#(community.id!)","title":"十二月议事会","place":"社区党群服务中心","startsAt":"\#(at)","topicIds":["\#(topic)"],"capacity":\#(capacity)}"#)
        #expect(res.status == .created, "\(res.text)")
        #expect(try res.json()["capacity"] as? Int == capacity)
        return try #require((try res.json()["id"] as? String).flatMap(UUID.init(uuidString:)))
    }

    @Test func aFullMeetingRefusesInWordsAndACancelledSeatIsFreeAgain() async throws {
        try await withDemoApp { app in
            // setup
            let meeting = try await Self.meeting(app, capacity: 1)
            _ = try await DeliberationFixture.residents(app, 1)
            let path = "/topics/meetings/\(meeting)"
            let first = try await WebSession.login(app, "resident_demo")
            let second = try await WebSession.login(app, "delib_r0_d")
            let page = try await first.get(path)
            _ = try await second.get(path)
            // act
            let registered = try await first.get(TopicPagesTests.location(try await first.post(path + "/registration", [("action", "register")])))
            let full = try await second.get(TopicPagesTests.location(try await second.post(path + "/registration", [("action", "register")])))
            let cancelled = try await first.get(TopicPagesTests.location(try await first.post(path + "/registration", [("action", "cancel")])))
            let now = try await second.get(TopicPagesTests.location(try await second.post(path + "/registration", [("action", "register")])))
            let tooLate = try await app.api(.POST, "/api/v1/meetings/\(meeting)/registration", token: try await app.token("resident_demo"))
            // check
            #expect(page.text.contains("名额 1 人，已报名 0 人") && page.text.contains("我要参会"))
            #expect(registered.text.contains("报名成功") && registered.text.contains("您已报名") && registered.text.contains("data-confirm"))
            #expect(full.text.contains("名额已满"))
            #expect(cancelled.text.contains("已取消报名"))
            #expect(now.text.contains("报名成功") && now.text.contains("名额 1 人，已报名 1 人"))
            #expect(tooLate.status == .conflict && tooLate.errorCode == "meeting_full")
            let events = try await LifecycleEvent.query(on: app.db).filter(\.$entity == "topic_meeting_attendance").all().map(\.action)
            #expect(events.sorted() == ["cancel", "register", "register"])
        }
    }

    @Test func parallelRegistrationsNeverTakeMoreSeatsThanThereAre() async throws {
        try await withDemoApp { app in
            // setup
            let meeting = try await Self.meeting(app, capacity: 2)
            let tokens = try await DeliberationFixture.residents(app, 5)
            // act
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for t in tokens { group.addTask { try await app.api(.POST, "/api/v1/meetings/\(meeting)/registration", token: t).status } }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            // check
            #expect(statuses.filter { $0 == .created }.count == 2)
            #expect(statuses.filter { $0 == .conflict }.count == 3)
            #expect(try await MeetingAttendance.query(on: app.db).filter(\.$state == "registered").count() == 2)
        }
    }

    @Test func residentsCheckInWithTheCodeOnTheScreenAndTheOrganiserEntersTheRest() async throws {
        try await withDemoApp { app in
            // setup
            let meeting = try await Self.meeting(app, capacity: 10)
            let tokens = try await DeliberationFixture.residents(app, 2)
            let me = try await app.token("resident_demo")
            let api = "/api/v1/meetings/\(meeting)"
            #expect(try await app.api(.POST, api + "/registration", token: me).status == .created)
            #expect(try await app.api(.POST, api + "/registration", token: tokens[1]).status == .created)
            let staff = try await WebSession.login(app, "gt01_community")
            let early = try await app.api(.POST, api + "/check-in", token: me, json: #"{"code":"ABCDEF"}"#)
            app.clock.advance(4 * 86_400 - 600)
            let screen = try await staff.get("/topics/meetings/\(meeting)/qr")
            let m = try #require(try await Meeting.find(meeting, on: app.db))
            let code = try await TopicService(db: app.db, now: app.clock.now()).rotatingCode(of: m).code(at: app.clock.now())
            // act
            let stale = try await app.api(.POST, api + "/check-in", token: me, json: #"{"code":"ABCDEF"}"#)
            let web = try await WebSession.login(app, "resident_demo")
            let scanPage = try await web.get("/topics/meetings/\(meeting)/check-in?code=\(code)")
            let scanned = try await web.get(TopicPagesTests.location(try await web.post("/topics/meetings/\(meeting)/check-in", [("code", code)])))
            let walkIn = try await app.api(.POST, api + "/check-in", token: tokens[0], json: #"{"code":"\#(code.lowercased())"}"#)
            let other = try await app.api(.POST, api + "/check-in", token: try await app.token("bh01_community"), json: #"{"code":"\#(code)"}"#)
            let seats = try #require(try await MeetingAttendance.query(on: app.db).filter(\.$state == "registered").first())
            let entered = try await staff.get(TopicPagesTests.location(try await staff.post("/topics/meetings/\(meeting)/attendance", [("residentId", seats.residentID.uuidString)])))
            let byResident = try await app.api(.POST, api + "/attendance", token: me, json: #"{"residentId":"\#(seats.residentID)"}"#)
            let list = try await app.api(.GET, api + "/attendance", token: try await app.token("gt01_community"))
            let listByResident = try await app.api(.GET, api + "/attendance", token: me)
            app.clock.advance(3 * 3600)
            let stillOld = try await app.api(.POST, api + "/check-in", token: tokens[1], json: #"{"code":"\#(code)"}"#)
            // check
            #expect(early.status == .conflict && early.errorCode == "outside_time")
            #expect(screen.status == .ok && screen.text.contains("<svg") && screen.text.contains("<p class=\"code\">\(code)</p>"))
            #expect(stale.status == .conflict && stale.errorCode == "stale_code")
            #expect(scanPage.text.contains(">签到</button>"))
            #expect(scanned.text.contains("签到成功") && scanned.text.contains("您已签到"))
            let walkInChannel = try walkIn.json()["channel"] as? String
            #expect(walkIn.status == .ok && walkInChannel == "qr")
            #expect(other.status == .notFound)
            #expect(entered.text.contains("到会") && entered.text.contains("已到会 3 人"))
            #expect(byResident.status == .forbidden)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.text.utf8)) as? [[String: Any]])
            #expect(rows.compactMap { $0["channel"] as? String }.sorted() == ["organiser", "qr", "qr"])
            #expect(listByResident.status == .forbidden)
            #expect(stillOld.status == .conflict)
        }
    }

    @Test func theA4PosterHasTheAgendaAndACodeToTheTopicsPublicPage() async throws {
        try await withDemoApp { app in
            // setup
            let meeting = try await Self.meeting(app, capacity: 30)
            let topic = try #require(try await MeetingAgendaItem.query(on: app.db).first()).topicID
            // act
            let staff = try await WebSession.login(app, "gt01_community")
            let meetingPage = try await staff.get("/topics/meetings/\(meeting)")
            let poster = try await staff.get("/topics/meetings/\(meeting)/poster")
            let byResident = try await WebSession.login(app, "resident_demo").get("/topics/meetings/\(meeting)/poster")
            let byOther = try await WebSession.login(app, "bh01_community").get("/topics/meetings/\(meeting)/poster")
            // check
            #expect(meetingPage.text.contains("/poster\""))
            #expect(poster.status == .ok && poster.text.contains("议事会公告") && poster.text.contains("社区党群服务中心") && poster.text.contains("加装电梯"))
            #expect(poster.text.contains("<svg") && poster.text.contains("size:A4") && poster.text.contains("名额 30 人"))
            #expect(poster.text.contains("data-print") && !poster.text.contains("class=\"top\""))
            #expect(poster.text.contains("议题：加装电梯") && poster.text.contains("/topics/\(topic)/timeline</p>"))
            #expect(byResident.status == .forbidden)
            #expect(byOther.status == .notFound)
        }
    }
}
