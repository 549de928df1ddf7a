import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Similar open topics of the same community are offered while raising, and reviewers can merge into one of them.
@Suite struct TopicSimilarTests {
    @Test func titlesShareWordsAsPairsOfCharactersAndCommonWordsCountForNothing() {
        // act
        let benches = TopicSimilarity.terms("3号楼前加装休息座椅")
        let again = TopicSimilarity.terms("3号楼 休息座椅太少")
        let lamps = TopicSimilarity.terms("小区路灯坏了")
        // check: hand-listed pairs
        #expect(benches == ["号楼", "楼前", "前加", "加装", "装休", "休息", "息座", "座椅"])
        #expect(TopicSimilarity.terms("Wi-Fi 坏了") == ["wi", "fi"])
        #expect(TopicSimilarity.score(benches, again) == 4) // 号楼, 休息, 息座, 座椅
        #expect(TopicSimilarity.score(benches, lamps) == 0)
        #expect(TopicSimilarity.score(["座椅"], ["座椅", "加装"]) == 1) // one word is enough for short titles
        #expect(TopicSimilarity.score(["座椅", "a1", "b1", "c1"], ["座椅", "x1", "y1", "z1"]) == 0)
    }

    @Test func theApiOffersOpenTopicsOfTheSameCommunityOnly() async throws {
        try await withDemoApp { app in
            // setup
            let home = try await DeliberationFixture.home(app)
            let benches = try await DeliberationFixture.topic(app, title: "2号楼旁健身器材维修")
            let closed = try await DeliberationFixture.topic(app, title: "2号楼旁健身器材刷漆")
            try await Topic.query(on: app.db).filter(\.$id == closed).set(\.$stageRaw, to: TopicStage.declined.rawValue).update()
            _ = try await DeliberationFixture.topic(app, title: "楼道里装个快递柜")
            let token = try await app.token("resident_demo")
            func similar(_ title: String, _ node: UUID, token: String) async throws -> TestingHTTPResponse {
                let q = title.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                return try await app.api(.GET, "/api/v1/topics/similar?title=\(q)&nodeId=\(node)", token: token)
            }
            // act
            let found = try await similar("想给2号楼健身器材换新", home.id!, token: token)
            let none = try await similar("垃圾分类亭太远", home.id!, token: token)
            let outside = try await similar("健身器材", home.id!, token: try await app.token("bh01_community"))
            let noTitle = try await app.api(.GET, "/api/v1/topics/similar?nodeId=\(home.id!)", token: token)
            // check
            let items = try #require(try found.json()["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["id"] as? String } == [benches.uuidString])
            #expect(items.first?["stage"] as? String == "collect")
            #expect((try none.json()["items"] as? [Any])?.isEmpty == true)
            #expect(outside.status == .notFound)
            #expect(noTitle.status == .unprocessableEntity || noTitle.status == .badRequest)
            #expect(noTitle.errorField == "title")
        }
    }

    @Test func aResidentChecksBeforeRaisingAndAReviewerMergesFromTheSimilarList() async throws {
        try await withDemoApp { app in
            // setup
            let home = try await DeliberationFixture.home(app)
            let first = try await DeliberationFixture.topic(app, title: "2号楼旁健身器材维修")
            let web = try await WebSession.login(app, "resident_demo")
            _ = try await web.get("/topics/new")
            // act: the no-script check step keeps what was typed and lists the similar topic
            let checked = try await web.post("/topics/new", [("title", "2号楼健身器材该换了"), ("description", "老人走累了没地方坐"),
                                                             ("nodeId", home.id!.uuidString), ("step", "check")])
            let nothing = try await web.post("/topics/new", [("title", "垃圾分类亭太远"), ("description", ""), ("nodeId", home.id!.uuidString), ("step", "check")])
            let raised = try await web.post("/topics/new", [("title", "2号楼健身器材该换了"), ("description", "老人走累了没地方坐"), ("nodeId", home.id!.uuidString)])
            let second = try #require(try await Topic.query(on: app.db).filter(\.$title == "2号楼健身器材该换了").first())
            let raiserPage = try await web.get(raised.headers.first(name: .location) ?? "/")
            let staff = try await WebSession.login(app, "gt01_community")
            let page = try await staff.get("/topics/\(second.id!)")
            let merged = try await staff.post("/topics/\(second.id!)/act/merge", [("version", String(second.version)), ("mergeInto", first.uuidString)])
            // check
            #expect(checked.status == .ok && checked.text.contains("已有相似的议题") && checked.text.contains("/topics/\(first)"))
            #expect(checked.text.contains("2号楼健身器材该换了") && checked.text.contains("老人走累了没地方坐"))
            #expect(raised.status == .seeOther)
            #expect(nothing.text.contains("没有找到相似的议题"))
            #expect(raiserPage.text.contains("相似的议题") && raiserPage.text.contains("/topics/\(first)") && !raiserPage.text.contains("并入此议题"))
            #expect(page.text.contains("并入此议题") && page.text.contains("name=\"mergeInto\" value=\"\(first)\""))
            #expect(merged.status == .seeOther)
            let after = try #require(try await Topic.find(second.id, on: app.db))
            #expect(after.stage == .merged && after.mergedIntoID == first)
        }
    }
}
