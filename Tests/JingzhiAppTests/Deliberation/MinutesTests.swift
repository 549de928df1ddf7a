import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Minutes of a meeting: published after it began, revised into new versions (the old kept, both on the timeline),
/// objections by the community's residents once each within the 公示 period.
@Suite struct MinutesTests {
    /// A meeting of 古亭社区 with one topic under deliberation on its agenda, 4 days ahead; returns (meeting, topic).
    static func meeting(_ app: Application) async throws -> (UUID, UUID) {
        let topic = try await VoteFlowTests.deliberating(app)
        let community = try await app.node("YT-GT-01")
        let at = ISO8601DateFormatter().string(from: app.clock.now().addingTimeInterval(4 * 86_400))
        let res = try await app.api(.POST, "/api/v1/meetings", token: try await app.token("gt01_community"),
                                    json: #"{"communityId":"\#(community.id!)","title":"十二月议事会","place":"社区党群服务中心","startsAt":"\#(at)","topicIds":["\#(topic)"]}"#)
        #expect(res.status == .created, "\(res.text)")
        let raw = try res.json()["id"] as? String
        return (try #require(raw.flatMap(UUID.init(uuidString:))), topic)
    }

    static func body(_ decisions: String, days: Int? = nil) -> String {
        let extra = days.map { #","publicDays":\#($0)"# } ?? ""
        return #"{"attendees":"王主任、李书记、居民代表 12 人","organisations":"古亭社区居委会、物业公司","contributions":"多数居民赞成加装","decisions":"\#(decisions)"\#(extra)}"#
    }

    static func versions(_ res: TestingHTTPResponse) throws -> [[String: Any]] {
        try #require(try res.json()["versions"] as? [[String: Any]])
    }

    @Test func revisingKeepsTheOldVersionAndBothAreOnTheTimeline() async throws {
        try await withDemoApp { app in
            // setup
            let (meeting, topic) = try await Self.meeting(app)
            let staff = try await app.token("gt01_community")
            let path = "/api/v1/meetings/\(meeting)/minutes"
            // act
            let early = try await app.api(.POST, path, token: staff, json: Self.body("同意加装电梯"))
            app.clock.advance(4 * 86_400 + 3600)
            let first = try await app.api(.POST, path, token: staff, json: Self.body("同意加装电梯"))
            let missing = try await app.api(.POST, path, token: staff, json: #"{"attendees":"王主任"}"#)
            let second = try await app.api(.POST, path, token: staff, json: Self.body("同意加装电梯，费用按楼层分摊", days: 7))
            let read = try await app.api(.GET, path, token: try await app.token("resident_demo"))
            // check
            #expect(early.status == .conflict && early.errorCode == "meeting_not_held")
            #expect(first.status == .created, "\(first.text)")
            #expect(missing.status == .unprocessableEntity || missing.status == .badRequest)
            #expect(second.status == .created, "\(second.text)")
            let all = try Self.versions(read)
            #expect(all.map { $0["version"] as? Int } == [2, 1])
            #expect(all.map { $0["decisions"] as? String } == ["同意加装电梯，费用按楼层分摊", "同意加装电梯"])
            #expect(all.first?["objections"] == nil)
            let timeline = try await app.api(.GET, "/topics/\(topic)/timeline", token: nil)
            #expect(timeline.text.contains("会议纪要公示：十二月议事会"))
            #expect(timeline.text.contains("会议纪要第 2 版公示：十二月议事会"))
            #expect(timeline.text.contains("费用按楼层分摊"))
        }
    }

    @Test func residentsObjectOnceWithinThePublicPeriod() async throws {
        try await withDemoApp { app in
            // setup
            let (meeting, _) = try await Self.meeting(app)
            let staff = try await app.token("gt01_community")
            let path = "/api/v1/meetings/\(meeting)/minutes"
            let resident = try await app.token("resident_demo")
            let neighbour = try await DeliberationFixture.residents(app, 1)[0]
            let before = try await app.api(.POST, path + "/objections", token: resident, json: #"{"words":"还没有纪要"}"#)
            app.clock.advance(4 * 86_400 + 3600)
            _ = try await app.api(.POST, path, token: staff, json: Self.body("同意加装电梯"))
            // act
            let ok = try await app.api(.POST, path + "/objections", token: resident, json: #"{"words":"纪要漏了反对意见"}"#)
            let again = try await app.api(.POST, path + "/objections", token: resident, json: #"{"words":"再说一次"}"#)
            let empty = try await app.api(.POST, path + "/objections", token: neighbour, json: #"{"words":" "}"#)
            let byStaff = try await app.api(.POST, path + "/objections", token: staff, json: #"{"words":"工作人员"}"#)
            app.clock.advance(5 * 86_400 + 60)
            let late = try await app.api(.POST, path + "/objections", token: neighbour, json: #"{"words":"太晚了"}"#)
            let staffRead = try await app.api(.GET, path, token: staff)
            // check
            #expect(before.status == .notFound)
            #expect(ok.status == .created, "\(ok.text)")
            #expect(try ok.json()["objectedByMe"] as? Bool == true)
            #expect(try Self.versions(ok).first?["objections"] == nil)
            #expect(again.status == .conflict && again.errorCode == "already_objected")
            #expect(empty.status == .unprocessableEntity || empty.status == .badRequest)
            #expect(byStaff.status == .forbidden)
            #expect(late.status == .conflict && late.errorCode == "objection_closed")
            let v = try #require(try Self.versions(staffRead).first)
            #expect(v["objectionCount"] as? Int == 1)
            #expect((v["objections"] as? [[String: Any]])?.map { $0["words"] as? String } == ["纪要漏了反对意见"])
            #expect(try staffRead.json()["open"] as? Bool == false)
        }
    }

    @Test func onlyCommunityStaffPublishAndOtherCommunitiesSeeNothing() async throws {
        try await withDemoApp { app in
            // setup
            let (meeting, _) = try await Self.meeting(app)
            app.clock.advance(4 * 86_400 + 3600)
            let path = "/api/v1/meetings/\(meeting)/minutes"
            // act
            let byResident = try await app.api(.POST, path, token: try await app.token("resident_demo"), json: Self.body("x"))
            let byGrid = try await app.api(.POST, path, token: try await app.token("gt01_grid"), json: Self.body("x"))
            let otherPublishes = try await app.api(.POST, path, token: try await app.token("bh01_community"), json: Self.body("x"))
            let otherReads = try await app.api(.GET, path, token: try await app.token("bh01_community"))
            let nobody = try await app.api(.GET, path, token: nil)
            // check
            #expect(byResident.status == .forbidden)
            #expect(byGrid.status == .notFound) // a grid worker's scope is the grid, below the community's meeting
            #expect(otherPublishes.status == .notFound)
            #expect(otherReads.status == .notFound)
            #expect(nobody.status == .unauthorized)
        }
    }
}
