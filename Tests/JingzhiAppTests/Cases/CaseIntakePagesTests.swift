import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The hotline operator's entry and the merge offer for a problem reported twice.
@Suite struct CaseIntakePagesTests {
    func compound(_ app: Application) async throws -> OrgNode {
        let community = try await app.node("YT-GT-01")
        return try #require(try await OrgNode.query(on: app.db).within(DataScope(rootPath: community.path))
            .filter(\.$kindRaw == NodeKind.compound.rawValue).sort(\.$path).first())
    }

    @Test func anOperatorFilesACallersCaseAndADuplicateIsOfferedForMerging() async throws {
        try await withDemoApp { app in
            // setup
            let place = try await compound(app)
            let operatorDesk = Browser(app)
            try await operatorDesk.login("gt01_community")
            _ = try await operatorDesk.get("/cases/new")
            // act: two calls about the same broken lamp
            for (key, phone) in [("call-1", "13911112222"), ("call-2", "13933334444")] {
                let res = try await operatorDesk.post("/cases/new", [("categoryCode", "sheshi"), ("nodeId", place.id!.uuidString),
                                                                     ("description", "小区路灯不亮"), ("reporterName", "王先生"),
                                                                     ("reporterPhone", phone), ("idempotencyKey", key)])
                #expect(res.status == .seeOther)
                _ = try await operatorDesk.get("/cases/new")
            }
            // check: hotline cases belong to the callers, not the operator
            let cases = try await Case.query(on: app.db).sort(\.$createdAt).sort(\.$number).all()
            #expect(cases.count == 2)
            #expect(cases.allSatisfy { $0.channel == "hotline" && $0.reporterID == nil && $0.reporterName == "王先生" })
            // the second one's page offers merging into the first
            let page = try await operatorDesk.get("/cases/\(cases[1].id!)")
            #expect(page.text.contains("相似诉求") && page.text.contains(cases[0].number))
            let merged = try await operatorDesk.post("/cases/\(cases[1].id!)/act/merge", [("version", "\(cases[1].version)"),
                                                                                          ("mergeInto", cases[0].id!.uuidString)])
            #expect(merged.status == .seeOther)
            let after = try #require(try await Case.find(cases[1].id, on: app.db))
            #expect(after.state == .merged && after.mergedIntoID == cases[0].id)
        }
    }
}
