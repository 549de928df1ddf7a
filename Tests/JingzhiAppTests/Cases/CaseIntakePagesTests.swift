import Fluent
import Foundation
import JingzhiCore
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

@Suite struct CaseBulkDispatchTests {
    @Test func tickedAcceptedCasesAreDispatchedTogetherAndTheRestExplained() async throws {
        try await withDemoApp { app in
            // setup: three cases, two of them accepted
            let community = try await app.node("YT-GT-01")
            let compound = try #require(try await OrgNode.query(on: app.db).within(DataScope(rootPath: community.path))
                .filter(\.$kindRaw == NodeKind.compound.rawValue).first())
            let token = try await app.token("gt01_community")
            var ids: [String] = []
            for i in 0..<3 {
                let res = try await app.api(.POST, "/api/v1/cases", token: token,
                                            json: #"{"categoryCode":"huanjing","nodeId":"\#(compound.id!)","description":"第\#(i)处垃圾"}"#)
                ids.append(try #require(try res.json()["id"] as? String))
            }
            for id in ids.prefix(2) { #expect(try await app.api(.POST, "/api/v1/cases/\(id)/actions/accept", token: token, json: "{}").status == .ok) }
            let desk = Browser(app)
            try await desk.login("gt01_community")
            let queue = try await desk.get("/cases?state=")
            #expect(queue.text.contains("批量交办"))
            // act
            let res = try await desk.post("/cases/bulk", ids.map { ("ids[]", $0) } + [("level", "grid")])
            // check
            #expect(res.status == .seeOther)
            let states = try await Case.query(on: app.db).all().map(\.state)
            #expect(states.filter { $0 == .dispatched }.count == 2)
            #expect(states.filter { $0 == .submitted }.count == 1)
            let page = try await desk.get("/cases?state=accepted")
            #expect(page.text.contains("已交办 2 件"))
        }
    }
}
