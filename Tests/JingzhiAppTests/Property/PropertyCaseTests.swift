import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Repairs go to the company's queue; complaints about the company go to the community.
@Suite struct PropertyCaseTests {
    @Test func aRepairReachesTheCompanysQueueAndAComplaintGoesToTheCommunity() async throws {
        try await withDemoApp { app in
            // setup
            let company = try await PropertyFixture.homeCompany(app)
            let compound = try #require(try await PropertyFixture.compounds(of: company, app).last)
            let admin = try await app.token("admin")
            func file(_ category: String, _ text: String) async throws -> [String: Any] {
                try await app.api(.POST, "/api/v1/cases", token: admin,
                                  json: #"{"categoryCode":"\#(category)","nodeId":"\#(compound.id!)","description":"\#(text)"}"#).json()
            }
            // act
            let repair = try await file("dianti", "电梯停在三楼不动了")
            let complaint = try await file(PropertyCatalog.complaintCategory, "物业乱收停车费")
            let browser = Browser(app)
            try await browser.login("property_demo")
            let queue = try await browser.get("/property/cases")
            let id = try #require(repair["id"] as? String)
            let token = try await app.token("property_demo")
            _ = try await app.api(.POST, "/api/v1/cases/\(id)/actions/accept", token: admin, json: "{}")
            _ = try await app.api(.POST, "/api/v1/cases/\(id)/actions/dispatch", token: admin, json: #"{"level":"property"}"#)
            let started = try await app.api(.POST, "/api/v1/cases/\(id)/actions/start", token: token, json: "{}")
            let replied = try await app.api(.POST, "/api/v1/cases/\(id)/actions/reply", token: token, json: #"{"note":"已联系维保单位修复"}"#)
            // check
            #expect(repair["handlerLevel"] as? String == "property" && repair["handlerNodeId"] as? String == compound.id!.uuidString)
            #expect(complaint["handlerLevel"] as? String == "community")
            #expect(complaint["handlerNodeId"] as? String != compound.id!.uuidString)
            #expect(queue.text.contains(repair["number"] as! String))
            #expect(!queue.text.contains(complaint["number"] as! String))
            #expect(try started.status == .ok && replied.status == .ok && replied.json()["state"] as? String == "replied")
            // the company never sees the complaint about it, in any list or by its id; the community does
            let complaintID = try #require(complaint["id"] as? String)
            #expect(try await app.api(.GET, "/api/v1/cases/\(complaintID)", token: token).status == .notFound)
            #expect(!(try await app.api(.GET, "/api/v1/cases?per=100", token: token).text.contains(complaintID)))
            #expect(!(try await browser.get("/cases").text.contains(complaint["number"] as! String)))
            #expect(try await browser.get("/cases/\(complaintID)").status == .notFound)
            #expect(try await app.api(.GET, "/api/v1/cases/\(complaintID)", token: admin).status == .ok)
        }
    }
}
