import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Needs, resources and the projects that match them: a promise is not a delivery.
@Suite struct ListMatchTests {
    struct Setup {
        let staff: String
        let need: UUID
        let resource: UUID
        let project: UUID
    }

    static func setup(_ app: Application, needQuantity: Int = 5, resourceQuantity: Int = 10) async throws -> Setup {
        app.clock.set(ISOTime.parse("2026-12-01T10:00:00+08:00")!)
        try await PartnerFixture.partner(app)
        let staff = try await app.token("gt01_community")
        let partner = try await app.token("partner_demo")
        let grid = try await app.node("YT-GT-01-G01")
        let need = try await app.api(.POST, "/api/v1/needs", token: staff, json: """
            {"title":"冬季棉被","category":"goods","quantity":\(needQuantity),"unit":"床","forWhom":"独居老人","nodeId":"\(grid.id!)","dueDay":"2026-12-20"}
            """)
        #expect(need.status == .created, "\(need.text)")
        let resource = try await app.api(.POST, "/api/v1/resources", token: partner, json: """
            {"title":"棉被","category":"goods","quantity":\(resourceQuantity),"unit":"床","availableFrom":"2026-12-01","availableTo":"2027-01-31","place":"食堂仓库"}
            """)
        #expect(resource.status == .created, "\(resource.text)")
        let community = try await app.node("YT-GT-01")
        let project = try await app.api(.POST, "/api/v1/projects", token: staff, json: """
            {"title":"暖冬行动","owner":"张丽","nodeId":"\(community.id!)","startDay":"2026-12-01","endDay":"2027-02-28"}
            """)
        #expect(project.status == .created, "\(project.text)")
        return Setup(staff: staff, need: try PartnerFixture.id(need), resource: try PartnerFixture.id(resource), project: try PartnerFixture.id(project))
    }

    static func match(_ app: Application, _ s: Setup, committed: Int, token: String? = nil, need: UUID? = nil) async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/projects/\(s.project)/matches", token: token ?? s.staff,
                          json: #"{"needId":"\#(need ?? s.need)","resourceId":"\#(s.resource)","committed":\#(committed)}"#)
    }

    static func need(_ app: Application, _ s: Setup) async throws -> [String: Any] {
        try await app.api(.GET, "/api/v1/needs?state=", token: s.staff).json()["items"].flatMap { ($0 as? [[String: Any]])?.first } ?? [:]
    }

    @Test func aPromiseIsNotADeliveryAndDeliveringMoreThanCommittedIsRefused() async throws {
        try await withDemoApp { app in
            let s = try await Self.setup(app)
            // act
            let first = try await Self.match(app, s, committed: 3)
            let afterPromise = try await Self.need(app, s)
            let matchID = try PartnerFixture.id(first)
            let over = try await app.api(.POST, "/api/v1/matches/\(matchID)/deliver", token: s.staff, json: #"{"quantity":4}"#)
            let part = try await app.api(.POST, "/api/v1/matches/\(matchID)/deliver", token: s.staff, json: #"{"quantity":3}"#)
            let again = try await app.api(.POST, "/api/v1/matches/\(matchID)/deliver", token: s.staff, json: #"{"quantity":1}"#)
            let second = try await Self.match(app, s, committed: 2)
            let byPartner = try await app.api(.POST, "/api/v1/matches/\(try PartnerFixture.id(second))/deliver", token: try await app.token("partner_demo"),
                                              json: #"{"quantity":2}"#)
            let afterAll = try await Self.need(app, s)
            // check
            #expect(first.status == .created)
            #expect(afterPromise["state"] as? String == "open" && afterPromise["committed"] as? Int == 3 && afterPromise["delivered"] as? Int == 0)
            #expect(over.status == .badRequest && over.errorCode == "over_delivery")
            #expect(try part.status == .ok && ((part.json()["need"] as? [String: Any])?["state"] as? String) == "partly_met")
            #expect(again.status == .badRequest && again.errorCode == "over_delivery")
            #expect(byPartner.status == .ok, "the partner that promised records its own delivery")
            #expect(afterAll["state"] as? String == "met" && afterAll["delivered"] as? Int == 5)
            let history = try await LifecycleEvent.history("need", s.need, on: app.db).map(\.toState)
            #expect(history == ["partly_met", "met"])
        }
    }

    @Test func committingMoreThanTheResourceHasLeftIsRefusedEvenInParallel() async throws {
        try await withDemoApp { app in
            let s = try await Self.setup(app, needQuantity: 100, resourceQuantity: 10)
            // act
            let tooMuch = try await Self.match(app, s, committed: 11)
            let zero = try await Self.match(app, s, committed: 0)
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<6 { group.addTask { try await Self.match(app, s, committed: 4).status } }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            // check
            #expect(tooMuch.status == .badRequest && tooMuch.errorCode == "exceeds_offer")
            #expect(zero.status == .badRequest)
            let r = try #require(try await PartnerResource.find(s.resource, on: app.db))
            #expect(r.committed <= r.quantity, "never overcommitted: \(r.committed)")
            let matched = try await PartnerMatch.query(on: app.db).all().reduce(0) { $0 + $1.committed }
            #expect(matched == r.committed)
            #expect(statuses.filter { $0 == .created }.count == r.committed / 4)
        }
    }

    @Test func matchingANeedOutsideTheScopeAnswers404AndSuggestionsFitCategoryPlaceAndTime() async throws {
        try await withDemoApp { app in
            let s = try await Self.setup(app)
            let bh = try await app.node("YT-BH-01")
            let foreign = try await app.api(.POST, "/api/v1/needs", token: try await app.token("bh01_community"), json: """
                {"title":"助餐食材","category":"goods","quantity":5,"forWhom":"独居老人","nodeId":"\(bh.id!)","dueDay":"2026-12-20"}
                """)
            let venue = try await app.api(.POST, "/api/v1/needs", token: s.staff, json: """
                {"title":"活动场地","category":"venue","quantity":1,"forWhom":"老年大学","dueDay":"2026-12-20"}
                """)
            // act
            let outside = try await Self.match(app, s, committed: 1, need: try PartnerFixture.id(foreign))
            let bhProject = try await app.api(.GET, "/api/v1/projects/\(s.project)", token: try await app.token("bh01_community"))
            let suggested = try await app.api(.GET, "/api/v1/needs/\(s.need)/suggestions", token: s.staff)
            let noVenue = try await app.api(.GET, "/api/v1/needs/\(try PartnerFixture.id(venue))/suggestions", token: s.staff)
            let foreignSuggestions = try await app.api(.GET, "/api/v1/needs/\(try PartnerFixture.id(foreign))/suggestions", token: s.staff)
            // check
            #expect(outside.status == .notFound && outside.errorCode == "unknown_need")
            #expect(bhProject.status == .notFound)
            let lines = try suggested.jsonArray()
            #expect(lines.count == 1 && lines[0]["resourceId"] as? String == s.resource.uuidString && lines[0]["left"] as? Int == 10)
            #expect(try noVenue.jsonArray().isEmpty, "the partner offers no venue")
            #expect(foreignSuggestions.status == .notFound)
        }
    }
}
