import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// 街呼县应: county departments as units, measured on the cases passed to them, self-assessed by their own staff,
/// reviewed and published by the county, ranked; other departments, streets and residents kept out.
@Suite struct AssessmentDepartmentTests {
    @Test func departmentsAreMeasuredOnTheirCasesAssessedByTheCountyAndRanked() async throws {
        try await withDemoApp { app in
            // setup: two cases 古亭社区 passed to 住建局, one of them answered by it
            let departments = try await CaseDepartments.active(on: app.db)
            let zhujian = try #require(departments.first { $0.code == "zhujian" })
            let gongan = try #require(try await Department.query(on: app.db).filter(\.$code == "gongan").first())
            try #require(try await Case.query(on: app.db).filter(\.$handlerDepartmentID == zhujian.id).count() == 0)
            let first = try await SecurityFixture.dispatchedToDepartment(app, "zhujian")
            _ = try await SecurityFixture.dispatchedToDepartment(app, "zhujian")
            try await SecurityFixture.act(app, first, "reply", as: "dept_zhujian", #"{"note":"已修复"}"#).checkStatus(.ok)
            _ = try await AccountService(app: app).createUser(username: "dept_gongan", password: DemoSeeder.password, role: .departmentStaff,
                                                              node: try await app.node("YT"), displayName: "县公安局", phone: nil, department: gongan,
                                                              creator: nil, source: .cli("test"))
            let service = AssessmentService(app: app, now: app.clock.now())
            let system = try #require(try await AssessmentTemplates.install(service, root: try await app.node("YT")).first { $0.code == AssessmentTemplates.departmentCode })
            // act: the county opens the month over the county through the API
            let admin = try await app.token("admin")
            let yt = try await app.node("YT").id!, month = ShanghaiTime.currentMonth(app.clock.now())
            let opened = try await app.api(.POST, "/api/v1/assessment/rounds", token: admin,
                                           json: #"{"systemId":"\#(system.id!)","periodKind":"month","period":"\#(month)","nodeId":"\#(yt)"}"#)
            #expect(opened.status == .created || opened.status == .ok, "\(opened.text)")
            let r = try #require(try await AssessmentRound.query(on: app.db).filter(\.$systemCode == system.code).first())
            let results = try await AssessmentResult.query(on: app.db).filter(\.$roundID == r.id!).all()
            let mine = try #require(results.first { $0.unitID == zhujian.id })
            let theirs = try #require(results.first { $0.unitID == gongan.id })
            let entries = try await service.entries(of: mine)
            // check: a result per active department; 住建局 responded to 2 of 2 in time, answered 1 of 1 (one not due), on time;
            // 公安局 had no cases: missing, not zero
            #expect(Set(results.map(\.unitID)) == Set(departments.map(\.id)))
            #expect(entries["xy_response"]?.numerator == 2 && entries["xy_response"]?.denominator == 2)
            #expect(entries["bm_resolution"]?.numerator == 1 && entries["bm_resolution"]?.denominator == 1)
            #expect(entries["bm_on_time"]?.numerator == 1 && entries["bm_on_time"]?.denominator == 1)
            #expect((try await service.entries(of: theirs))["xy_response"]?.denominator ?? 0 == 0)

            // the department scores itself; another department, a street and a resident are kept out; a bad score is refused
            let dept = try await app.token("dept_zhujian"), other = try await app.token("dept_gongan")
            func step(_ res: AssessmentResult, _ step: String, _ token: String, _ json: String) async throws -> TestingHTTPResponse {
                try await app.api(.POST, "/api/v1/assessment/results/\(res.id!)/\(step)", token: token, json: json)
            }
            #expect(try await step(mine, "score", dept, #"{"indicator":"xy_report","score":180}"#).status == .unprocessableEntity)
            #expect(try await step(mine, "score", other, #"{"indicator":"xy_report","score":80}"#).status == .notFound)
            #expect(try await step(mine, "score", try await app.token("gt_street"), #"{"indicator":"xy_report","score":80}"#).status == .notFound)
            #expect(try await app.api(.GET, "/api/v1/assessment/results/\(mine.id!)", token: try await app.token("resident_demo")).status != .ok)
            #expect(try await step(mine, "score", dept, #"{"indicator":"xy_report","score":80}"#).status == .ok)
            #expect(try await step(mine, "score", dept, #"{"indicator":"bm_quality","score":70}"#).status == .ok)
            #expect(try await step(mine, "score", dept, #"{"indicator":"bm_deduct_buck","score":0}"#).status == .ok)
            #expect(try await step(mine, "score", dept, #"{"indicator":"bm_veto","score":0}"#).status == .ok)
            #expect(try await step(mine, "submit", dept, "{}").status == .ok)
            // the department cannot review itself; the county accepts
            #expect(try await step(mine, "accept", dept, "{}").status == .forbidden)
            #expect(try await step(mine, "accept", admin, "{}").status == .ok)
            let pages = try await WebSession.login(app, "dept_zhujian").get("/assessment/results/\(mine.id!)")
            #expect(pages.status == .ok && pages.text.contains("住建"))
            #expect(try await WebSession.login(app, "dept_zhujian").get("/assessment/results/\(theirs.id!)").status == .notFound)

            // every other department scored and accepted by the system, then the county publishes and ranks them
            for res in results where res.unitID != zhujian.id {
                for (ind, score) in [("xy_report", 90.0), ("bm_quality", 90), ("bm_deduct_buck", 0), ("bm_veto", 0)] {
                    try await service.selfScore(r, res, role: .unit, indicator: ind, score: score, note: nil)
                }
                try await service.submit(r, res, role: .unit)
                try await service.accept(r, res, role: .system)
            }
            let round = try #require(try await AssessmentRound.find(r.id, on: app.db))
            #expect(try await app.api(.POST, "/api/v1/assessment/rounds/\(r.id!)/publish", token: dept, json: #"{"version":\#(round.version)}"#).status != .ok)
            let published = try await app.api(.POST, "/api/v1/assessment/rounds/\(r.id!)/publish", token: admin, json: #"{"version":\#(round.version)}"#)
            #expect(published.status == .ok, "\(published.text)")
            let again = try await app.api(.POST, "/api/v1/assessment/rounds/\(r.id!)/publish", token: admin, json: "{}")
            #expect(again.status == .conflict)
            let ranking = try await app.api(.GET, "/api/v1/assessment/rankings?system=\(system.code)", token: admin)
            let items = (try ranking.json()["items"] as? [[String: Any]]) ?? []
            #expect(items.count == departments.count)
            #expect(items.first?["rank"] as? Int == 1)
            let own = try await app.api(.GET, "/api/v1/assessment/rankings?system=\(system.code)", token: dept)
            let ownItems = (try own.json()["items"] as? [[String: Any]]) ?? []
            #expect(ownItems.count == 1 && ownItems.first?["nodeId"] as? String == zhujian.id.uuidString)
            // the command centre's panel stays with areas: no department round there
            let command = try await WebSession.login(app, "admin").get("/command")
            #expect(!command.text.contains(system.name))
        }
    }

    /// A case counts for the department that held it when the period ended, not for the one holding it now: one handed
    /// from 住建局 to 公安局 after the month stays 住建局's; one handed over within the month is 公安局's; one handed to
    /// 公安局 and back to 住建局 within the month is 住建局's again.
    @Test func departmentsAreMeasuredOnTheCasesTheyHeldInThePeriod() async throws {
        try await withDemoApp { app in
            let start = app.clock.now(), month = ShanghaiTime.currentMonth(start)
            let zhujian = try #require(try await Department.query(on: app.db).filter(\.$code == "zhujian").first())
            let gongan = try #require(try await Department.query(on: app.db).filter(\.$code == "gongan").first())
            func handOver(_ id: String) async throws {
                try await SecurityFixture.act(app, id, "return", as: "dept_zhujian", #"{"note":"不属本部门职责"}"#).checkStatus(.ok)
                try await SecurityFixture.act(app, id, "dispatch", as: "gt01_community", #"{"level":"department","departmentCode":"gongan"}"#).checkStatus(.ok)
            }
            // setup: both filed this month and passed to 住建局; the second handed to 公安局 a minute later, the first next month
            let later = try await SecurityFixture.dispatchedToDepartment(app, "zhujian")
            let within = try await SecurityFixture.dispatchedToDepartment(app, "zhujian")
            let back = try await SecurityFixture.dispatchedToDepartment(app, "zhujian")
            // The clock runs until set: the hand-overs come a minute after the dispatches, however long those took.
            let dispatched = app.clock.now()
            app.clock.set(dispatched.addingTimeInterval(60))
            try await handOver(within)
            try await handOver(back)
            _ = try await AccountService(app: app).createUser(username: "dept_gongan", password: DemoSeeder.password, role: .departmentStaff,
                                                              node: try await app.node("YT"), displayName: "县公安局", phone: nil, department: gongan,
                                                              creator: nil, source: .cli("test"))
            app.clock.set(dispatched.addingTimeInterval(120))
            try await SecurityFixture.act(app, back, "return", as: "dept_gongan", #"{"note":"应由住建局办理"}"#).checkStatus(.ok)
            try await SecurityFixture.act(app, back, "dispatch", as: "gt01_community", #"{"level":"department","departmentCode":"zhujian"}"#).checkStatus(.ok)
            app.clock.set(ShanghaiTime.dayStart(ShanghaiTime.month(month, plus: 1) + "-01").addingTimeInterval(12 * 3600))
            try await handOver(later)
            #expect(try await Case.query(on: app.db).filter(\.$handlerDepartmentID == gongan.id).count() == 2)
            #expect(try await Case.query(on: app.db).filter(\.$handlerDepartmentID == zhujian.id).count() == 1)
            // act: the county opens last month's round of 街呼县应 now
            let service = AssessmentService(app: app, now: app.clock.now())
            let system = try #require(try await AssessmentTemplates.install(service, root: try await app.node("YT")).first { $0.code == AssessmentTemplates.departmentCode })
            let r = try await service.openRound(system: system, periodKind: .month, period: month, node: try await app.node("YT"))
            let results = try await AssessmentResult.query(on: app.db).filter(\.$roundID == r.id!).all()
            let mine = try await service.entries(of: try #require(results.first { $0.unitID == zhujian.id }))
            let theirs = try await service.entries(of: try #require(results.first { $0.unitID == gongan.id }))
            // check: two cases for 住建局 and one for 公安局 (by the holder now, 住建局 would have one and 公安局 two)
            #expect(mine["xy_response"]?.denominator == 2)
            #expect(theirs["xy_response"]?.denominator == 1)
            // the case measures page still filters by the department holding a case now
            let now = try await CaseMeasuresService(db: app.db, now: app.clock.now(), useTallies: false)
                .measures(CaseMeasuresQuery(node: try await app.node("YT"), from: month + "-01", to: ShanghaiTime.lastDay(of: month), department: zhujian))
            #expect(now.basis.response.denominator == 1, "住建局 holds only the case handed back to it now")
        }
    }
}
