import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Open311 reads are public, so cases about people (welfare checks, disputes) stay out of them.
@Suite struct Open311PrivacyTests {
    @Test func welfareChecksAreNeitherListedNorFoundPublicly() async throws {
        try await withDemoApp { app in
            // setup: a 关爱探访 case filed by a community worker
            let community = try await app.node("YT-GT-01")
            let compound = try #require(try await OrgNode.query(on: app.db).within(DataScope(rootPath: community.path))
                .filter(\.$kindRaw == NodeKind.compound.rawValue).first())
            let res = try await app.api(.POST, "/api/v1/cases", token: try await app.token("gt01_community"),
                                        json: #"{"categoryCode":"guanai","nodeId":"\#(compound.id!)","description":"独居老人王大爷两天没开门"}"#)
            let number = try #require(try res.json()["number"] as? String)
            // act
            let list = try await app.api(.GET, "/open311/v2/requests.json", token: nil)
            let one = try await app.api(.GET, "/open311/v2/requests/\(number).json", token: nil)
            // check
            #expect(list.status == .ok)
            #expect(!list.text.contains(number) && !list.text.contains("王大爷"))
            #expect(one.status == .notFound)
        }
    }
}
