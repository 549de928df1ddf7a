import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// What anyone can read without an account: Open311 shows public replies only, never a private category or any
/// of its subcategories, and its token look-up reveals nothing of private cases.
@Suite struct PublicReadTests {
    typealias F = SecurityFixture

    func open311(_ app: Application, _ path: String) async throws -> TestingHTTPResponse {
        try await app.api(.GET, path, token: nil)
    }

    @Test func statusNotesAreTheReplyNeverAStaffNoteOrARatingComment() async throws {
        try await withDemoApp { app in
            // setup: a staff note naming the reporter, then a reply, then a rating comment
            let id = try await F.file(app, "sheshi", at: try await F.compound(app), as: "resident_demo")
            try await F.act(app, id, "accept", as: "gt01_community").checkStatus(.ok)
            try await F.act(app, id, "dispatch", as: "gt01_community", #"{"level":"community"}"#).checkStatus(.ok)
            try await F.act(app, id, "note", as: "gt01_community", #"{"note":"反映人系王某，电话13812345678"}"#).checkStatus(.ok)
            let number = try #require(try await Case.find(UUID(uuidString: id), on: app.db)?.number)
            let beforeReply = try await open311(app, "/open311/v2/requests/\(number).json")
            try await F.act(app, id, "reply", as: "gt01_community", #"{"note":"路灯已更换"}"#).checkStatus(.ok)
            let afterReply = try await open311(app, "/open311/v2/requests/\(number).json")
            try await F.act(app, id, "rate", as: "resident_demo", #"{"rating":"satisfied","note":"谢谢张师傅"}"#).checkStatus(.ok)
            // act
            let afterRating = try await open311(app, "/open311/v2/requests/\(number).json")
            // check
            #expect(try beforeReply.jsonArray().first?["status_notes"] is NSNull)
            #expect(try afterReply.jsonArray().first?["status_notes"] as? String == "路灯已更换")
            #expect(try afterRating.jsonArray().first?["status_notes"] as? String == "路灯已更换")
            for res in [beforeReply, afterReply, afterRating] {
                #expect(!res.text.contains("13812345678") && !res.text.contains("王某") && !res.text.contains("张师傅"))
            }
        }
    }

    @Test func privateCategoriesArePrivateWithTheirWholeSubtree() async throws {
        try await withDemoApp { app in
            // setup: 噪音扰民 (under 矛盾纠纷), a welfare check, and an ordinary case
            let compound = try await F.compound(app)
            let noise = try await F.file(app, "zaoyin", at: compound)
            let welfare = try await F.file(app, "guanai", at: compound)
            let lamp = try await F.file(app, "sheshi", at: compound)
            func number(_ id: String) async throws -> String { try #require(try await Case.find(UUID(uuidString: id), on: app.db)?.number) }
            // act
            let list = try await open311(app, "/open311/v2/requests.json")
            let byID = try await open311(app, "/open311/v2/requests.json?service_request_id=\(try await number(noise)),\(try await number(lamp))")
            let byCode = try await open311(app, "/open311/v2/requests.json?service_code=zaoyin,guanai")
            let one = try await open311(app, "/open311/v2/requests/\(try await number(noise)).xml")
            let token = try await open311(app, "/open311/v2/tokens/\(welfare).json")
            let publicToken = try await open311(app, "/open311/v2/tokens/\(lamp).json")
            // check
            let lampNumber = try await number(lamp), welfareNumber = try await number(welfare)
            let listed = try list.jsonArray().compactMap { $0["service_request_id"] as? String }
            #expect(listed == [lampNumber])
            #expect(try byID.jsonArray().compactMap { $0["service_request_id"] as? String } == [lampNumber])
            #expect(try byCode.jsonArray().isEmpty)
            #expect(one.status == .notFound)
            #expect(token.status == .notFound && !token.text.contains(welfareNumber))
            #expect(publicToken.status == .ok && publicToken.text.contains(lampNumber))
        }
    }

    @Test func whatStaffTypedOnPatrolIsNotPublishedAndTheAddressStopsAtTheCompound() async throws {
        try await withDemoApp { app in
            // setup: a grid worker reports at a building what a visit found
            let compound = try await F.compound(app)
            let building = try #require(try await OrgNode.query(on: app.db).filter(\.$parentID == compound.id).filter(\.$kindRaw == NodeKind.building.rawValue).first())
            let id = try await F.file(app, "huanjing", at: building, as: "gt01_grid", description: "独居老人李某家门口堆放杂物")
            let number = try #require(try await Case.find(UUID(uuidString: id), on: app.db)?.number)
            // act
            let res = try await open311(app, "/open311/v2/requests/\(number).json")
            // check
            let item = try #require(try res.jsonArray().first)
            #expect(!res.text.contains("李某"))
            #expect(item["description"] as? String == "环境卫生")
            #expect((item["address"] as? String)?.hasSuffix(compound.name) == true)
            #expect(item["address_id"] as? String == compound.code)
        }
    }

    @Test func aSubcategoryAddedUnderAPrivateOneIsPrivateToo() async throws {
        try await withDemoApp { app in
            // setup: an admin adds 邻里纠纷 under 矛盾纠纷
            let admin = try await app.token("admin")
            try await app.api(.POST, "/api/v1/case-categories", token: admin,
                              json: #"{"code":"linli","name":"邻里纠纷","parentCode":"maodun","defaultLevel":"grid","responseHours":2,"resolutionHours":48}"#)
                .checkStatus(.created)
            _ = try await F.file(app, "linli", at: try await F.compound(app))
            // act + check
            #expect(try await CaseCatalog.privateCodes(on: app.db).contains("linli"))
            #expect(try await open311(app, "/open311/v2/requests.json").jsonArray().isEmpty)
        }
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        try await withDemoApp { app in
            for path in ["/login", "/api/v1/me", "/open311/v2/services.json", "/no-such-page"] {
                let res = try await app.api(.GET, path, token: nil)
                let csp = res.headers.first(name: "Content-Security-Policy") ?? ""
                #expect(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "\(path)")
                #expect(!csp.contains("script-src 'self' 'unsafe-inline'"), "\(path)")
                #expect(res.headers.first(name: "X-Frame-Options") == "DENY", "\(path)")
                #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(path)")
                #expect(res.headers.first(name: "Referrer-Policy") == "same-origin", "\(path)")
            }
            // no page carries an inline script (the policy would block it)
            let browser = Browser(app)
            try await browser.login("gt01_community")
            for path in ["/", "/cases", "/cases/hotline", "/measures", "/command"] {
                let page = try await browser.get(path)
                #expect(!page.text.contains("<script>") && !page.text.contains("javascript:"), "\(path)")
            }
        }
    }

    @Test func exportsWithPersonalDataAreNeverStored() async throws {
        try await withDemoApp { app in
            let res = try await app.api(.GET, "/api/v1/residents/export", token: try await app.token("gt01_community"))
            #expect(res.status == .ok)
            #expect(res.headers.first(name: .cacheControl) == "no-store")
        }
    }

    @Test func anOverlongURLIsAnswered414() async throws {
        try await withDemoApp { app in
            let long = String(repeating: "a", count: 100 * 1024)
            let api = try await app.api(.GET, "/api/v1/cases?q=\(long)", token: nil)
            let page = try await app.api(.GET, "/cases?q=\(long)", token: nil)
            #expect(api.status == .uriTooLong && api.errorCode == "uri_too_long")
            #expect(page.status == .uriTooLong)
        }
    }
}
