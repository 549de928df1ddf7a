import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The monthly joint meeting (联席会议) as a record of its own: date, attendees, the projects reviewed, the minutes.
@Suite struct JointMeetingTests {
    static func project(_ app: Application, staff: String = "gt01_community", at code: String = "YT-GT-01", title: String = "孝老助餐项目") async throws -> UUID {
        let node = try await app.node(code)
        let res = try await app.api(.POST, "/api/v1/projects", token: try await app.token(staff), json: """
            {"title":"\(title)","owner":"李书记","nodeId":"\(node.id!)","startDay":"2026-01-01","endDay":"2026-12-31"}
            """)
        #expect(res.status == .created, "\(res.text)")
        return try PartnerFixture.id(res)
    }

    @Test func aMeetingRecordsAttendeesProjectsAndMinutes() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(ISOTime.parse("2026-12-01T10:00:00+08:00")!)
            let a = try await Self.project(app)
            let b = try await Self.project(app, title: "楼道亮灯项目")
            let other = try await Self.project(app, staff: "bh01_community", at: "YT-BH-01", title: "别处的项目")
            let staff = try await app.token("gt01_community")
            let node = try await app.node("YT-GT-01")
            func body(_ projects: [UUID], day: String = "2026-11-28", attendees: String = #"["社区党委 李书记","孝贤大食堂 王经理"]"#) -> String {
                #"{"nodeId":"\#(node.id!)","day":"\#(day)","attendees":\#(attendees),"projectIds":[\#(projects.map { "\"\($0)\"" }.joined(separator: ","))],"minutes":"助餐点运行良好，下月增加送餐。"}"#
            }
            // act
            let byGrid = try await app.api(.POST, "/api/v1/joint-meetings", token: try await app.token("gt01_grid"), json: body([a]))
            let outside = try await app.api(.POST, "/api/v1/joint-meetings", token: staff, json: body([a, other]))
            let future = try await app.api(.POST, "/api/v1/joint-meetings", token: staff, json: body([a], day: "2026-12-30"))
            let nobody = try await app.api(.POST, "/api/v1/joint-meetings", token: staff, json: body([a], attendees: "[]"))
            let ok = try await app.api(.POST, "/api/v1/joint-meetings", token: staff, json: body([a, b]))
            let list = try await app.api(.GET, "/api/v1/joint-meetings", token: staff)
            let elsewhere = try await app.api(.GET, "/api/v1/joint-meetings", token: try await app.token("bh01_community"))
            let page = try await WebSession.login(app, "gt01_community").get("/partner-lists/meetings")
            // check
            #expect(byGrid.status == .forbidden)
            #expect(outside.status == .notFound && outside.errorCode == "unknown_project")
            #expect(future.status == .unprocessableEntity && future.errorField == "day")
            #expect(nobody.status == .unprocessableEntity)
            #expect(ok.status == .created, "\(ok.text)")
            let m = try ok.json()
            #expect((m["attendees"] as? [String]) == ["社区党委 李书记", "孝贤大食堂 王经理"])
            #expect((m["projectIds"] as? [String])?.count == 2)
            #expect(try list.json()["total"] as? Int == 1 && (try elsewhere.json()["total"] as? Int) == 0)
            #expect(page.status == .ok && page.text.contains("助餐点运行良好") && page.text.contains("楼道亮灯项目") && page.text.contains("王经理"))
            let pa = try #require(try await PartnerProject.find(a, on: app.db))
            #expect(pa.minutes.contains("【2026-11-28 联席会议】助餐点运行良好"))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "joint_meeting").count() == 1)
        }
    }
}
