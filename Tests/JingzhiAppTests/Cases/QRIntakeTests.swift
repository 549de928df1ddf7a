import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// 扫码即办: the compound's QR link, an anonymous submission with a phone, its limits, and following the case.
@Suite struct QRIntakeTests {
    func compound(_ app: Application) async throws -> OrgNode {
        let community = try await app.node("YT-GT-01")
        return try #require(try await OrgNode.query(on: app.db).within(DataScope(rootPath: community.path))
            .filter(\.$kindRaw == NodeKind.compound.rawValue).sort(\.$path).first())
    }

    @Test func aResidentScansSubmitsWithAPhoneAndFollowsTheCase() async throws {
        try await withDemoApp { app in
            // setup
            let place = try await compound(app)
            let browser = Browser(app)
            let form = try await browser.get("/c/\(place.code)")
            #expect(form.status == .ok)
            #expect(form.text.contains(place.name))
            // act
            let res = try await browser.post("/c/\(place.code)", [("categoryCode", "huanjing"), ("description", "垃圾桶满了没人清"),
                                                                  ("phone", "13712345678"), ("idempotencyKey", "scan-1")])
            // check
            #expect(res.status == .seeOther)
            let c = try #require(try await Case.query(on: app.db).first())
            #expect(c.channel == "qr" && c.nodeID == place.id && c.reporterPhone == "13712345678")
            // the browser that filed it follows it by number; the phone never goes into a URL
            #expect(res.headers.first(name: .location) == "/track?number=\(c.number)")
            let track = try await browser.get("/track?number=\(c.number)")
            #expect(track.text.contains(c.number) && track.text.contains("已提交"))
            let stranger = Browser(app)
            let guess = try await stranger.get("/track?number=\(c.number)&phone=13712345678")
            #expect(!guess.text.contains("垃圾桶满了"))
            _ = try await stranger.get("/track")
            let wrong = try await stranger.post("/track", [("number", c.number), ("phone", "13700000000")])
            #expect(wrong.status == .notFound && !wrong.text.contains("垃圾桶满了"))
            let right = try await stranger.post("/track", [("number", c.number), ("phone", "13712345678")])
            #expect(right.status == .ok && right.text.contains("垃圾桶满了"))
            // The same form sent twice still makes one case.
            _ = try await browser.post("/c/\(place.code)", [("categoryCode", "huanjing"), ("description", "垃圾桶满了没人清"),
                                                            ("phone", "13712345678"), ("idempotencyKey", "scan-1")])
            #expect(try await Case.query(on: app.db).count() == 1)
        }
    }

    @Test func onePhoneCannotFloodTheLine() async throws {
        try await withDemoApp { app in
            // setup
            let place = try await compound(app)
            let browser = Browser(app)
            _ = try await browser.get("/c/\(place.code)")
            // act
            var statuses: [HTTPStatus] = []
            for i in 0..<(QRIntake.perPhonePerHour + 1) {
                statuses.append(try await browser.post("/c/\(place.code)", [("categoryCode", "huanjing"), ("description", "第\(i)次"),
                                                                            ("phone", "13812345678"), ("idempotencyKey", "k\(i)")]).status)
            }
            // check
            #expect(statuses.dropLast().allSatisfy { $0 == .seeOther })
            #expect(statuses.last == .tooManyRequests)
            #expect(try await Case.query(on: app.db).count() == QRIntake.perPhonePerHour)
            // An hour later the phone may report again.
            app.clock.advance(3601)
            #expect(try await browser.post("/c/\(place.code)", [("categoryCode", "huanjing"), ("description", "又满了"),
                                                               ("phone", "13812345678"), ("idempotencyKey", "later")]).status == .seeOther)
        }
    }

    @Test func badAnonymousInputIsRefusedAndKept() async throws {
        try await withDemoApp { app in
            let place = try await compound(app)
            let browser = Browser(app)
            _ = try await browser.get("/c/\(place.code)")
            let noPhone = try await browser.post("/c/\(place.code)", [("categoryCode", "huanjing"), ("description", "说明文字"), ("phone", "123")])
            #expect(noPhone.status == .unprocessableEntity)
            #expect(noPhone.text.contains("说明文字"))
            #expect(try await browser.get("/c/NOPE").status == .notFound)
            #expect(try await Case.query(on: app.db).count() == 0)
        }
    }

    @Test func staffPrintAQRSheetOfTheirCompounds() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let community = try await app.node("YT-GT-01")
            let sheet = try await browser.get("/org/\(community.id!)/qr")
            #expect(sheet.status == .ok)
            let name = try await compound(app).name
            #expect(sheet.text.contains("<svg") && sheet.text.contains(name))
            let foreign = try await app.node("YT-BH-01")
            #expect(try await browser.get("/org/\(foreign.id!)/qr").status == .notFound)
        }
    }
}
