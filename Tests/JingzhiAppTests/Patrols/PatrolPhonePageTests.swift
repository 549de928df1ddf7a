import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The patrol page on a phone: one language at a time, four figures in one row, the end button near the top.
@Suite struct PatrolPhonePageTests {
    @Test(arguments: [Lang.zh, .en])
    func thePageAndItsScriptSpeakThePagesLanguageOnly(_ lang: Lang) async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(PatrolScene.startTime)
            let b = Browser(app)
            try await b.login("gt01_grid")
            if lang == .en { try await b.get("/lang/en?back=/patrol") }
            #expect(try await b.post("/patrol/start", []).status == .seeOther)
            // act
            let page = try await b.get("/patrol")
            let script = try await b.get("/static/patrol.js")
            // check
            let text = page.text
            #expect(text.contains("<div class=\"stats compact\">") && text.contains("<select name=\"buildingId\" data-nearest>"))
            let end = try #require(text.range(of: "id=\"end-form\""))
            let checkin = try #require(text.range(of: "id=\"checkin-form\""))
            #expect(end.lowerBound < checkin.lowerBound, "结束巡查 comes before the long forms")
            if lang == .zh {
                #expect(text.contains("data-say-pending=\"{n} 个定位点待发送（联网后自动补传）\""))
                #expect(!text.contains("fixes waiting") && !text.contains("Tracking"))
            } else {
                #expect(text.contains("data-say-pending=\"{n} fixes waiting to be sent\""))
                #expect(!text.contains("定位点待发送"))
            }
            #expect(!script.text.contains("定位") && !script.text.contains("fixes waiting"), "the script carries no words of its own")
        }
    }
}
