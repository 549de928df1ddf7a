import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Topics raised from a grid worker's visit, from a case (linked both ways) and at a meeting (straight onto its
/// agenda); each topic's path says where it came from, and roles that may not raise from a source are refused.
@Suite struct TopicOriginTests {
    static func location(_ res: TestingHTTPResponse) -> String { res.headers.first(name: .location) ?? "" }

    @Test func aGridWorkerRaisesATopicFromAVisitOnTheHouseholdPage() async throws {
        try await withDemoApp { app in
            // setup: a visit to resident_demo's household by the grid worker
            let (household, compound) = try await PropertyFixture.residentHome(app)
            let worker = try #require(try await User.query(on: app.db).filter(\.$username == "gt01_grid").first())
            let visit = try await ResidentService(db: app.db, now: app.clock.now()).addVisit(
                to: household, on: nil, kind: "入户走访", notes: "楼道堆满杂物，多户反映消防通道被堵", visitor: worker, source: .cli("test"))
            let web = try await WebSession.login(app, "gt01_grid")
            // act
            let page = try await web.get("/households/\(household.id!)")
            let form = try await web.get("/topics/new?visit=\(visit.id!)")
            let raised = try await web.post("/topics/new", [("title", "清理楼道杂物"), ("description", "楼道堆满杂物，多户反映消防通道被堵"),
                                                            ("nodeId", compound.id!.uuidString), ("origin", "visit"), ("originId", visit.id!.uuidString)])
            let topicPage = try await web.get(Self.location(raised))
            let asResident = try await app.api(.POST, "/api/v1/topics", token: try await app.token("resident_demo"),
                                               json: #"{"title":"清理楼道杂物","description":"杂物","nodeId":"\#(compound.id!)","origin":"visit","originId":"\#(visit.id!)"}"#)
            // check
            #expect(page.text.contains("/topics/new?visit=\(visit.id!)") && page.text.contains("提为议题"))
            #expect(form.text.contains("楼道堆满杂物") && form.text.contains("name=\"origin\" value=\"visit\"") && form.text.contains("来自网格员走访"))
            #expect(form.text.contains("value=\"\(compound.id!)\" selected"))
            #expect(raised.status == .seeOther)
            let t = try #require(try await Topic.query(on: app.db).filter(\.$title == "清理楼道杂物").first())
            #expect(t.originRaw == "visit" && t.originID == visit.id)
            #expect(topicPage.text.contains("来自网格员走访（\(visit.visitedOn) 入户走访）"))
            #expect(asResident.status == .forbidden)
        }
    }

    @Test func staffRaiseATopicFromACaseAndEachPageLinksTheOther() async throws {
        try await withDemoApp { app in
            // setup
            let compound = try await SecurityFixture.compound(app)
            let caseID = try await SecurityFixture.file(app, "huanjing", at: compound, description: "小区广场晚上跳舞声音太大")
            let web = try await WebSession.login(app, "gt01_community")
            // act
            let before = try await web.get("/cases/\(caseID)")
            let form = try await web.get("/topics/new?case=\(caseID)")
            let raised = try await app.api(.POST, "/api/v1/topics", token: try await app.token("gt01_community"),
                                           json: #"{"title":"广场舞音量约定","description":"晚上跳舞声音太大","nodeId":"\#(compound.id!)","origin":"case","originId":"\#(caseID)"}"#)
            let again = try await app.api(.POST, "/api/v1/topics", token: try await app.token("gt01_community"),
                                          json: #"{"title":"广场舞音量","description":"再提一次","nodeId":"\#(compound.id!)","origin":"case","originId":"\#(caseID)"}"#)
            let byWorker = try await app.api(.POST, "/api/v1/topics", token: try await app.token("gt01_grid"),
                                             json: #"{"title":"广场舞音量","description":"再提一次","nodeId":"\#(compound.id!)","origin":"case","originId":"\#(caseID)"}"#)
            let outside = try await app.api(.POST, "/api/v1/topics", token: try await app.token("bh01_community"),
                                            json: #"{"title":"广场舞音量","description":"再提一次","nodeId":"\#(try await app.node("YT-BH-01").id!)","origin":"case","originId":"\#(caseID)"}"#)
            let after = try await web.get("/cases/\(caseID)")
            // check
            #expect(before.text.contains("/topics/new?case=\(caseID)") && before.text.contains("提为议题"))
            #expect(form.text.contains("小区广场晚上跳舞声音太大") && form.text.contains("name=\"origin\" value=\"case\""))
            #expect(raised.status == .created, "\(raised.text)")
            let json = try raised.json()
            #expect(json["origin"] as? String == "case" && json["originId"] as? String == caseID.uppercased())
            let history = try #require(json["history"] as? [[String: Any]])
            #expect((history.first?["note"] as? String)?.hasPrefix("由诉求 ") == true)
            #expect(again.status == .conflict && again.errorCode == "already_raised")
            #expect(byWorker.status == .forbidden)
            #expect(outside.status == .notFound)
            #expect(after.text.contains("已提为议题") && after.text.contains("广场舞音量约定") && !after.text.contains("/topics/new?case="))
        }
    }

    @Test func staffRaiseATopicAtAMeetingStraightOntoItsAgenda() async throws {
        try await withDemoApp { app in
            // setup
            let (meeting, first) = try await MinutesTests.meeting(app)
            let community = try await app.node("YT-GT-01")
            let web = try await WebSession.login(app, "gt01_community")
            // act
            let page = try await web.get("/topics/meetings/\(meeting)")
            let form = try await web.get("/topics/new?meeting=\(meeting)")
            let raised = try await web.post("/topics/new", [("title", "议事会上提出：增设非机动车棚"), ("description", "会上多位居民提出"),
                                                            ("nodeId", community.id!.uuidString), ("origin", "meeting"), ("originId", meeting.uuidString)])
            let after = try await web.get(Self.location(raised))
            let byResident = try await app.api(.POST, "/api/v1/topics", token: try await app.token("resident_demo"),
                                               json: #"{"title":"车棚","description":"车棚","nodeId":"\#(community.id!)","origin":"meeting","originId":"\#(meeting)"}"#)
            // check
            #expect(page.text.contains("/topics/new?meeting=\(meeting)"))
            #expect(form.text.contains("name=\"origin\" value=\"meeting\"") && form.text.contains("直接受理并列入本次议程"))
            #expect(Self.location(raised) == "/topics/meetings/\(meeting)")
            let t = try #require(try await Topic.query(on: app.db).filter(\.$title == "议事会上提出：增设非机动车棚").first())
            #expect(t.stage == .deliberate && t.originRaw == "meeting" && t.originID == meeting)
            let agenda = try await MeetingAgendaItem.query(on: app.db).filter(\.$meetingID == meeting).sort(\.$position).all().map(\.topicID)
            #expect(agenda == [first, t.id!])
            #expect(after.text.contains("已受理并列入本次议程") && after.text.contains("议事会上提出：增设非机动车棚"))
            let timeline = try await web.get("/topics/\(t.id!)/timeline")
            #expect(timeline.text.contains("在议事会「十二月议事会」上提出"))
            #expect(byResident.status == .forbidden)
        }
    }
}
