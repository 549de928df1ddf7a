import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Admins keep the category tree; everyone else may only read it.
@Suite struct CaseCategoryAdminTests {
    @Test func anAdminAddsAndRetunesACategoryAndNewCasesFollowIt() async throws {
        try await withDemoApp { app in
            // setup
            let admin = try await app.token("admin")
            // act: a new category under 公共设施, handled by the street, 2 h / 48 h on the calendar
            let created = try await app.api(.POST, "/api/v1/case-categories", token: admin, json: """
                {"code":"jinggai","name":"井盖缺失","parentCode":"sheshi","defaultLevel":"street","responseHours":2,"resolutionHours":48,"workingHours":false}
                """)
            #expect(created.status == .created)
            let patched = try await app.api(.PATCH, "/api/v1/case-categories/jinggai", token: admin, json: #"{"resolutionHours":24,"autoEscalate":true}"#)
            #expect(patched.status == .ok)
            // check: a case filed now gets the new rules
            let compound = try #require(try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.compound.rawValue).first())
            app.clock.set(Date(timeIntervalSince1970: 1_790_000_000))
            let res = try await app.api(.POST, "/api/v1/cases", token: try await app.token("gt_street"),
                                        json: #"{"categoryCode":"jinggai","nodeId":"\#(compound.id!)","description":"路口井盖丢了"}"#)
            let due = try #require((try res.json()["deadlines"] as? [String: Any])?["resolutionDueAt"] as? String)
            #expect(due == "2026-09-22T14:13:20Z")
            #expect(try await res.json()["handlerLevel"] as? String == "street")
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "case_category").count() == 2)
        }
    }

    @Test func onlyAdminsChangeCategoriesAndBadValuesAreNamed() async throws {
        try await withDemoApp { app in
            let admin = try await app.token("admin")
            #expect(try await app.api(.PATCH, "/api/v1/case-categories/wuye", token: try await app.token("gt01_community"), json: #"{"responseHours":1}"#).status == .forbidden)
            let backwards = try await app.api(.PATCH, "/api/v1/case-categories/wuye", token: admin, json: #"{"responseHours":100,"resolutionHours":10}"#)
            #expect(backwards.status == .unprocessableEntity && backwards.errorField == "responseHours")
            let level = try await app.api(.PATCH, "/api/v1/case-categories/wuye", token: admin, json: #"{"defaultLevel":"moon"}"#)
            #expect(level.status == .unprocessableEntity && level.errorField == "defaultLevel")
            #expect(try await app.api(.PATCH, "/api/v1/case-categories/nope", token: admin, json: "{}").status == .notFound)
            let taken = try await app.api(.POST, "/api/v1/case-categories", token: admin, json: #"{"code":"wuye","name":"重复"}"#)
            #expect(taken.status == .conflict)
            let wuye = try #require(try await CaseCategory.query(on: app.db).filter(\.$code == "wuye").first())
            #expect(wuye.responseHours == 4 && wuye.resolutionHours == 72)
        }
    }

    @Test func theAdminPageSavesAForm() async throws {
        try await withDemoApp { app in
            let desk = Browser(app)
            try await desk.login("admin")
            #expect(try await desk.get("/case-categories").text.contains("物业管理"))
            let res = try await desk.post("/case-categories/wuye", [("name", "物业服务"), ("defaultLevel", "property"), ("departmentCode", "zhujian"),
                                                                   ("responseHours", "2"), ("resolutionHours", "48"), ("workingHours", "false"),
                                                                   ("autoEscalate", "true"), ("active", "true")])
            #expect(res.status == .seeOther)
            let wuye = try #require(try await CaseCategory.query(on: app.db).filter(\.$code == "wuye").first())
            #expect(wuye.name == "物业服务" && wuye.responseHours == 2 && !wuye.workingHours)
            let other = Browser(app)
            try await other.login("gt01_community")
            #expect(try await other.get("/case-categories").status == .forbidden)
        }
    }
}
