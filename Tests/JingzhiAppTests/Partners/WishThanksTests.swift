import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The thanks of a fulfilled wish: the resident types their own when the wish is linked to their account; otherwise
/// staff write it down on their behalf, and the wall says so.
@Suite struct WishThanksTests {
    /// A wish for `resident` (linked by id, or none), claimed by partner_demo, handed over and confirmed.
    static func fulfilled(_ app: Application, for resident: UUID?) async throws -> UUID {
        try await PartnerFixture.partner(app)
        let node = try await app.node("YT-GT-01-G01")
        let link = resident.map { #","beneficiaryResidentId":"\#($0)""# } ?? ""
        let res = try await app.api(.POST, "/api/v1/wishes", token: try await app.token("gt01_community"), json: """
            {"title":"一副老花镜","story":"独居老人想要一副老花镜","value":"60","beneficiaryName":"\(PartnerFixture.person)","nodeId":"\(node.id!)"\(link)}
            """)
        #expect(res.status == .created, "\(res.text)")
        let wish = try PartnerFixture.id(res)
        #expect(try await PartnerFixture.claim(app, wish).status == .ok)
        #expect(try await PartnerFixture.handOver(app, wish).status == .ok)
        let c = try await app.api(.POST, "/api/v1/wishes/\(wish)/confirm", token: try await app.token("gt01_community"))
        #expect(c.status == .ok, "\(c.text)")
        return wish
    }

    static func residentDemo(_ app: Application) async throws -> UUID {
        try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first()?.residentID)
    }

    @Test func theResidentWritesTheirOwnThanksAndStaffCannotOverwriteThem() async throws {
        try await withDemoApp { app in
            // setup
            let wish = try await Self.fulfilled(app, for: try await Self.residentDemo(app))
            let page = try await WebSession.login(app, "resident_demo").get("/wishes/\(wish)")
            // act
            let stranger = try await app.api(.POST, "/api/v1/wishes/\(wish)/thank", token: try await app.token("partner_demo"), json: #"{"thanks":"假的感谢"}"#)
            let empty = try await app.api(.POST, "/api/v1/wishes/\(wish)/thank", token: try await app.token("resident_demo"), json: #"{"thanks":""}"#)
            let own = try await app.api(.POST, "/api/v1/wishes/\(wish)/thank", token: try await app.token("resident_demo"),
                                        json: #"{"thanks":"谢谢孝贤大食堂，眼镜很合适！"}"#)
            let overwrite = try await app.api(.POST, "/api/v1/wishes/\(wish)/thank", token: try await app.token("gt01_community"), json: #"{"thanks":"代写"}"#)
            let wall = try await app.api(.GET, "/wish-wall", token: nil)
            // check
            #expect(page.text.contains("写下您的感谢"), "the resident is offered the thanks form")
            #expect(stranger.status == .forbidden)
            #expect(empty.status == .unprocessableEntity)
            #expect(try own.status == .ok && (try own.json()["thanksBy"] as? String) == "resident")
            #expect(overwrite.status == .conflict && overwrite.errorCode == "already_thanked")
            #expect(wall.text.contains("眼镜很合适") && wall.text.contains("（本人）"))
            #expect(!wall.text.contains(PartnerFixture.person))
        }
    }

    @Test func withoutALinkedAccountStaffWriteTheThanksMarkedSo() async throws {
        try await withDemoApp { app in
            // setup
            let wish = try await Self.fulfilled(app, for: nil)
            // act
            let byResident = try await app.api(.POST, "/api/v1/wishes/\(wish)/thank", token: try await app.token("resident_demo"), json: #"{"thanks":"谢谢"}"#)
            let byStaff = try await app.api(.POST, "/api/v1/wishes/\(wish)/thank", token: try await app.token("gt01_community"),
                                            json: #"{"thanks":"老人说：谢谢你们惦记我"}"#)
            let wall = try await app.api(.GET, "/wish-wall", token: nil)
            let api = try await app.api(.GET, "/api/v1/wishes/\(wish)", token: nil)
            // check
            #expect(byResident.status == .forbidden, "a resident the wish is not linked to cannot thank")
            #expect(try byStaff.status == .ok && (try byStaff.json()["thanksBy"] as? String) == "staff")
            #expect(wall.text.contains("谢谢你们惦记我") && wall.text.contains("社区代录"))
            #expect(try api.json()["thanksBy"] as? String == "staff")
        }
    }
}
