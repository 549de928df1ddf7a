import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Shared steps of the partner tests, on the tiny demo (古亭社区 YT-GT-01; partner_demo's account sits there; resident_demo
/// lives in its 第一网格 G01).
enum PartnerFixture {
    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")!
    static let person = "王小明"

    static func id(_ res: TestingHTTPResponse) throws -> UUID {
        try #require((try res.json()["id"] as? String).flatMap(UUID.init(uuidString:)), "\(res.text)")
    }

    /// A partner added by `staff` at `code` (approved unless `approve` is false), linked to `account` when given.
    @discardableResult
    static func partner(_ app: Application, staff: String = "gt01_community", at code: String = "YT-GT-01", categories: [String] = ["goods", "service"],
                        account: String? = "partner_demo", approve: Bool = true, name: String = "孝贤大食堂", credit: String = "91370827MA3C4D5E6F",
                        from: String = "2020-01-01", to: String = "2099-12-31") async throws -> UUID {
        let token = try await app.token(staff)
        let node = try await app.node(code)
        let cats = categories.map { "\"\($0)\"" }.joined(separator: ",")
        let res = try await app.api(.POST, "/api/v1/partners", token: token, json: """
            {"name":"\(name)","kind":"service","creditCode":"\(credit)","offers":"老年助餐","contactName":"李明","contactPhone":"13905370001",
             "partyBranch":"食堂党支部","nodeId":"\(node.id!)","categories":[\(cats)],"agreementFrom":"\(from)","agreementTo":"\(to)"}
            """)
        #expect(res.status == .created, "\(res.text)")
        let id = try id(res)
        if approve {
            let a = try await app.api(.POST, "/api/v1/partners/\(id)/approve", token: token)
            #expect(a.status == .ok, "\(a.text)")
        }
        if let account {
            let l = try await app.api(.POST, "/api/v1/partners/\(id)/account", token: token, json: #"{"username":"\#(account)"}"#)
            #expect(l.status == .ok, "\(l.text)")
        }
        return id
    }

    /// A wish posted by gt01_community for a person named `person`.
    static func wish(_ app: Application, at code: String = "YT-GT-01-G01", staff: String = "gt01_community", category: String = "goods") async throws -> UUID {
        let node = try await app.node(code)
        let res = try await app.api(.POST, "/api/v1/wishes", token: try await app.token(staff), json: """
            {"title":"一套新书包","story":"困难家庭的小学生想要一套新书包","category":"\(category)","value":"80","beneficiaryName":"\(person)",
             "beneficiaryNote":"住幸福家园三号楼二单元","nodeId":"\(node.id!)"}
            """)
        #expect(res.status == .created, "\(res.text)")
        return try id(res)
    }

    /// resident_demo registers as an in-service party member to 古亭社区.
    static func registerMember(_ app: Application, username: String = "resident_demo") async throws {
        let node = try await app.node("YT-GT-01")
        let res = try await app.api(.POST, "/api/v1/party-members", token: try await app.token(username),
                                    json: #"{"nodeId":"\#(node.id!)","unit":"县财政局机关党支部"}"#)
        #expect(res.status == .created, "\(res.text)")
    }

    static func claim(_ app: Application, _ wish: UUID, as username: String = "partner_demo") async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/wishes/\(wish)/claim", token: try await app.token(username))
    }

    static func handOver(_ app: Application, _ wish: UUID, as username: String = "partner_demo", data: Data = png, query: String = "") async throws -> TestingHTTPResponse {
        var captured: TestingHTTPResponse?
        let token = try await app.token(username)
        try await app.testing().test(.POST, "/api/v1/wishes/\(wish)/handover\(query)", beforeRequest: { req in
            req.headers.bearerAuthorization = BearerAuthorization(token: token)
            req.headers.contentType = .png
            req.body = ByteBuffer(data: data)
        }, afterResponse: { captured = $0 })
        return captured!
    }
}
