import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The resident's home: the call button of their grid worker, the service tiles, and the installable web app.
@Suite struct HomeAppTests {
    @Test func theHomeCallsTheGridWorkerAndShowsTheServiceTiles() async throws {
        try await withDemoApp { app in
            // setup
            let worker = try #require(try await GridWorker.query(on: app.db).filter(\.$gridID == (try await app.node("YT-GT-01-G01")).id!).first())
            // act
            let home = try await WebSession.login(app, "resident_demo").get("/")
            // check
            #expect(home.text.contains("href=\"tel:\(worker.phone)\""))
            #expect(home.text.contains(Mask.phone(worker.phone)!) && !home.text.contains(">\(worker.phone)<"), "the number is shown masked")
            #expect(home.text.contains("办事申请") && home.text.contains("附近服务"))
            #expect(home.text.contains("rel=\"manifest\""))
        }
    }

    @Test func theWebAppHasAManifestAServiceWorkerAndAnOfflinePageWithNothingPersonal() async throws {
        try await withDemoApp { app in
            // act
            let manifest = try await app.api(.GET, "/manifest.webmanifest", token: nil)
            let worker = try await app.api(.GET, "/sw.js", token: nil)
            let offline = try await WebSession.login(app, "resident_demo").get("/offline")
            let icon = try await app.api(.GET, "/static/icon.svg", token: nil)
            // check
            let m = try manifest.json()
            #expect(m["start_url"] as? String == "/" && m["display"] as? String == "standalone")
            #expect(((m["icons"] as? [[String: Any]]) ?? []).first?["src"] as? String == "/static/icon.svg")
            #expect(worker.headers.contentType?.description.hasPrefix("text/javascript") == true)
            #expect(worker.text.contains("'/offline'") && worker.text.contains("'/static/app.css'"))
            #expect(offline.status == .ok && offline.text.contains("网络未连接"))
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
            #expect(!offline.text.contains(user.displayName), "the kept page names nobody")
            #expect(icon.text.contains("<svg"))
        }
    }
}
