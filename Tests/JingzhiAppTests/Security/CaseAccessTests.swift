import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Who may move a case and who may read it: the handling unit and those above it act; a department or company sees
/// what was dispatched to it; partners see what they reported; welfare checks and disputes stay in the handling chain.
@Suite struct CaseAccessTests {
    typealias F = SecurityFixture

    @Test func aDepartmentActsOnlyOnCasesDispatchedToIt() async throws {
        try await withDemoApp { app in
            // setup: one case for 县综合行政执法局, one for 县住建局
            let other = try await F.dispatchedToDepartment(app, "chengguan")
            let own = try await F.dispatchedToDepartment(app, "zhujian")
            // act
            let foreignStart = try await F.act(app, other, "start", as: "dept_zhujian")
            let foreignReply = try await F.act(app, other, "reply", as: "dept_zhujian", #"{"note":"已处理"}"#)
            let ownStart = try await F.act(app, own, "start", as: "dept_zhujian")
            // check: the foreign case is not even visible; its own moves
            #expect(foreignStart.status == .notFound)
            #expect(foreignReply.status == .notFound)
            #expect(ownStart.status == .ok)
            #expect(try await Case.find(UUID(uuidString: other), on: app.db)?.state == .dispatched)
        }
    }

    @Test func propertyStaffCannotReplyToCasesOfACommunityOrAStreet() async throws {
        try await withDemoApp { app in
            // setup: a 公共设施 case at the company's own compound, handled by 古亭社区
            let compound = try await F.compound(app)
            let id = try await F.file(app, "sheshi", at: compound)
            try await F.act(app, id, "accept", as: "gt01_community").checkStatus(.ok)
            try await F.act(app, id, "dispatch", as: "gt01_community", #"{"level":"community"}"#).checkStatus(.ok)
            // act
            let reply = try await F.act(app, id, "reply", as: "property_demo", #"{"note":"物业已修好"}"#)
            // check
            #expect(reply.status == .notFound || reply.status == .forbidden)
            #expect(try await Case.find(UUID(uuidString: id), on: app.db)?.state == .dispatched)
            // the community itself may
            try await F.act(app, id, "reply", as: "gt01_community", #"{"note":"已修好"}"#).checkStatus(.ok)
        }
    }

    @Test func aCompanyHandlesWhatIsDispatchedToItsCompound() async throws {
        try await withDemoApp { app in
            // setup: 物业管理 goes to the compound's company by default
            let id = try await F.file(app, "wuye", at: try await F.compound(app))
            try await F.act(app, id, "accept", as: "gt01_community").checkStatus(.ok)
            try await F.act(app, id, "dispatch", as: "gt01_community", #"{"level":"property"}"#).checkStatus(.ok)
            // act + check: the company sees and replies; a grid worker inside is not above the company
            #expect(try await F.listed(app, as: "property_demo").contains(id))
            try await F.act(app, id, "start", as: "property_demo").checkStatus(.ok)
            let grid = try await F.act(app, id, "reply", as: "gt01_grid", #"{"note":"网格员代答"}"#)
            #expect(grid.status == .forbidden && grid.errorCode == "not_your_case")
            try await F.act(app, id, "reply", as: "property_demo", #"{"note":"已疏通"}"#).checkStatus(.ok)
        }
    }

    @Test func aGridWorkerActsOnlyOnItsGridsCasesAndACommunityCannotTakeOverTheStreets() async throws {
        try await withDemoApp { app in
            // setup: a case handled by the community, another escalated to the street
            let compound = try await F.compound(app)
            let community = try await F.file(app, "sheshi", at: compound)
            try await F.act(app, community, "accept", as: "gt01_community").checkStatus(.ok)
            try await F.act(app, community, "dispatch", as: "gt01_community", #"{"level":"community"}"#).checkStatus(.ok)
            let street = try await F.file(app, "qita", at: compound)
            try await F.act(app, street, "accept", as: "gt01_community").checkStatus(.ok)
            try await F.act(app, street, "escalate", as: "gt01_community", #"{"note":"需街道协调"}"#).checkStatus(.ok)
            // act
            let gridReply = try await F.act(app, community, "reply", as: "gt01_grid", #"{"note":"x"}"#)
            let communityDispatch = try await F.act(app, street, "dispatch", as: "gt01_community", #"{"level":"grid"}"#)
            let streetDispatch = try await F.act(app, street, "dispatch", as: "gt_street", #"{"level":"grid"}"#)
            // check
            #expect(gridReply.status == .forbidden && gridReply.errorCode == "not_your_case")
            #expect(communityDispatch.status == .forbidden && communityDispatch.errorCode == "not_your_case")
            #expect(streetDispatch.status == .ok)
        }
    }

    @Test func theCasePageOffersOnlyTheActionsTheViewerMayTake() async throws {
        try await withDemoApp { app in
            // setup: a case handled by the community
            let id = try await F.file(app, "sheshi", at: try await F.compound(app))
            try await F.act(app, id, "accept", as: "gt01_community").checkStatus(.ok)
            try await F.act(app, id, "dispatch", as: "gt01_community", #"{"level":"community"}"#).checkStatus(.ok)
            // act
            let grid = try await WebSession.login(app, "gt01_grid").get("/cases/\(id)")
            let community = try await WebSession.login(app, "gt01_community").get("/cases/\(id)")
            // check
            #expect(grid.status == .ok)
            #expect(!grid.text.contains("/cases/\(id)/act/reply"))
            #expect(community.text.contains("/cases/\(id)/act/reply"))
        }
    }

    @Test func aDepartmentIsNotOfferedAnEscalationAboveTheTop() async throws {
        try await withDemoApp { app in
            let id = try await F.dispatchedToDepartment(app, "zhujian")
            let page = try await WebSession.login(app, "dept_zhujian").get("/cases/\(id)")
            #expect(page.status == .ok)
            #expect(page.text.contains("/cases/\(id)/act/start"))
            #expect(!page.text.contains("/cases/\(id)/act/escalate"))
        }
    }

    @Test func departmentsSeeOnlyTheirCasesAndTheirHistoryOfThem() async throws {
        try await withDemoApp { app in
            // setup: a case for 住建局 that it hands back, one for 执法局, one never dispatched
            let handedBack = try await F.dispatchedToDepartment(app, "zhujian")
            try await F.act(app, handedBack, "return", as: "dept_zhujian", #"{"note":"不属本局职责"}"#).checkStatus(.ok)
            try await F.act(app, handedBack, "dispatch", as: "gt01_community", #"{"level":"community"}"#).checkStatus(.ok)
            let other = try await F.dispatchedToDepartment(app, "chengguan")
            let local = try await F.file(app, "huanjing", at: try await F.compound(app))
            // act
            let listed = try await F.listed(app, as: "dept_zhujian")
            let foreign = try await app.api(.GET, "/api/v1/cases/\(other)", token: try await app.token("dept_zhujian"))
            // check
            #expect(listed == [handedBack])
            #expect(foreign.status == .notFound)
            #expect(!listed.contains(local))
        }
    }

    @Test func welfareAndDisputeCasesStayWithTheHandlingChain() async throws {
        try await withDemoApp { app in
            // setup: a welfare check and a noise complaint (under 矛盾纠纷) at the company's compound
            let compound = try await F.compound(app)
            let welfare = try await F.file(app, "guanai", at: compound, description: "独居老人王某两天未出门")
            let noise = try await F.file(app, "zaoyin", at: compound, description: "楼上噪音")
            // act + check: the grid, community and street see them; a department, the company and a partner do not
            for user in ["gt01_grid", "gt01_community", "gt_street", "admin"] {
                let seen = try await F.listed(app, as: user)
                #expect(seen.contains(welfare) && seen.contains(noise), "\(user)")
            }
            for user in ["dept_zhujian", "property_demo", "partner_demo"] {
                let seen = try await F.listed(app, as: user)
                #expect(!seen.contains(welfare) && !seen.contains(noise), "\(user)")
                let one = try await app.api(.GET, "/api/v1/cases/\(welfare)", token: try await app.token(user))
                #expect(one.status == .notFound, "\(user)")
            }
        }
    }

    @Test func partnersSeeWhatTheyReportedAndAddPhotosOnlyThere() async throws {
        try await withDemoApp { app in
            // setup
            let compound = try await F.compound(app)
            let others = try await F.file(app, "huanjing", at: compound)
            let own = try await F.file(app, "huanjing", at: compound, as: "partner_demo")
            let png = try QRCode.encode("photo").png(moduleSize: 2)
            func upload(_ id: String) async throws -> TestingHTTPResponse {
                var captured: TestingHTTPResponse?
                let token = try await app.token("partner_demo")
                try await app.testing().test(.POST, "/api/v1/cases/\(id)/photos", beforeRequest: { req in
                    req.headers.bearerAuthorization = BearerAuthorization(token: token)
                    req.body = ByteBuffer(data: png)
                }, afterResponse: { captured = $0 })
                return try #require(captured)
            }
            // act
            let listed = try await F.listed(app, as: "partner_demo")
            let foreignPhoto = try await upload(others)
            let ownPhoto = try await upload(own)
            // check
            #expect(listed == [own])
            #expect(foreignPhoto.status == .notFound)
            #expect(ownPhoto.status == .created)
            #expect(try await CasePhoto.query(on: app.db).count() == 1)
        }
    }

    @Test func notificationsGoToTheHandlingUnitNotToPartnersOfTheCommunity() async throws {
        try await withDemoApp { app in
            // setup + act: a community case, then one dispatched to 住建局
            _ = try await F.file(app, "sheshi", at: try await F.compound(app), as: "resident_demo")
            _ = try await F.dispatchedToDepartment(app, "zhujian")
            // check
            func count(_ username: String) async throws -> Int {
                let user = try #require(try await User.query(on: app.db).filter(\.$username == username).first())
                return try await JingzhiApp.Notification.query(on: app.db).filter(\.$userID == user.id!).count()
            }
            #expect(try await count("partner_demo") == 0)
            #expect(try await count("gt01_community") >= 2)
            #expect(try await count("dept_zhujian") == 1)
        }
    }

    @Test func measuresOfADepartmentAreItsOwnAndCompaniesAndPartnersHaveNone() async throws {
        try await withDemoApp { app in
            // setup
            _ = try await F.dispatchedToDepartment(app, "zhujian")
            _ = try await F.dispatchedToDepartment(app, "chengguan")
            // act
            let own = try await app.api(.GET, "/api/v1/measures/cases", token: try await app.token("dept_zhujian"))
            let other = try await app.api(.GET, "/api/v1/measures/cases?department=chengguan", token: try await app.token("dept_zhujian"))
            let company = try await app.api(.GET, "/api/v1/measures/cases", token: try await app.token("property_demo"))
            // check
            #expect(own.status == .ok)
            #expect(((try own.json()["counts"] as? [String: Any])?["total"] as? Int) == 1)
            #expect(other.status == .forbidden)
            #expect(company.status == .forbidden)
        }
    }
}
