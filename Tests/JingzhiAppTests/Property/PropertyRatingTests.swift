import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The monthly scoring, stars and red/black list: a hand-computed example, then a month published end to end.
@Suite struct PropertyRatingTests {
    static let example = RatingInputs(
        households: 200, response: .init(num: 8, den: 10), resolution: .init(num: 9, den: 10), satisfaction: .init(num: 3, den: 4),
        onTime: .init(num: 6, den: 9), propertyCases: 10, complaints: 1, billedFen: 10_000, collectedFen: 9_000,
        inspectionPoints: 80, inspectionMax: 100, ratings: 4, ratingStars: 16)

    @Test func theScoreOfTheDocumentedExample() {
        // 10×0.8 + 15×0.9 + 20×0.75 + 10×(6/9) + 10×(1 − 0.5/2) + 10×0.9 + 15×0.8 + 10×((4−1)/4) = 79.1667 of 100
        let config = ScoringConfig.standard
        #expect(Self.example.scoreTenths(config) == 792)
        #expect(RatingRules.stars(792, config) == 3)
        // without cases and bills those inputs drop out: (7.5 + 12 + 7.5) / 35 = 77.14 %
        var quiet = Self.example
        quiet.response = .init(num: 0, den: 0); quiet.resolution = quiet.response; quiet.satisfaction = quiet.response; quiet.onTime = quiet.response
        quiet.billedFen = 0; quiet.collectedFen = 0
        #expect(quiet.scoreTenths(config) == 771)
        // three complaints per 100 households is past the ceiling: that input is 0, not negative
        var noisy = Self.example
        noisy.complaints = 6
        #expect(noisy.values(config)["complaints"] == 0)
        #expect(RatingInputs().scoreTenths(config) == nil)
    }

    @Test func starsAndTheRedAndBlackLists() {
        let config = ScoringConfig.standard
        #expect([900, 899, 800, 700, 600, 599].map { RatingRules.stars($0, config) } == [5, 4, 4, 3, 2, 1])
        let ids = (0..<6).map { _ in UUID() }
        let rows = [(ids[0], "甲", 950, 5), (ids[1], "乙", 850, 4), (ids[2], "丙", 720, 3), (ids[3], "丁", 550, 1), (ids[4], "戊", 650, 2), (ids[5], "己", 850, 4)]
        let (red, black) = RatingRules.lists(rows.map { ($0.0, $0.1, $0.2, $0.3) }, config)
        #expect(red == [ids[0], ids[1], ids[5]])  // equal scores go by name: 乙 before 己
        #expect(black == [ids[3], ids[4]])        // only two at 2 stars or fewer
        var short = config
        short.listSize = 1
        #expect(RatingRules.lists(rows.map { ($0.0, $0.1, $0.2, $0.3) }, short).red == [ids[0]])
    }

    @Test func aPublishedMonthIsASnapshotAndIsPublishedOnce() async throws {
        try await withDemoApp { app in
            // setup: October 2026 with bills, a payment, an inspection and a resident's stars
            app.clock.set(ShanghaiTime.instant("2026-10-10 10:00"))
            let (_, home) = try await PropertyFixture.residentHome(app)
            let contract = try #require(try await PropertyScope.contract(of: home.id!, on: app.db, now: app.clock.now()))
            let company = try #require(try await PropertyCompany.find(contract.companyID, on: app.db))
            let admin = try await app.token("admin")
            _ = try await PropertyFixture.generate(app, token: admin, compound: home, item: try await PropertyFixture.serviceFee(app, of: company), period: "2026-10")
            let bills = try await PropertyBill.query(on: app.db).filter(\.$compoundID == home.id!).sort(\.$nodePath).all()
            _ = try await PropertyFixture.pay(app, token: admin, bill: bills[0].id!, #"{"amountFen":\#(bills[0].amountFen),"method":"cash"}"#)
            let scores = #"{"month":"2026-10","scores":{"cleaning":18,"greening":12,"security":20,"facilities":15,"fire":15,"publicity":8}}"#
            let inspected = try await app.api(.POST, "/api/v1/property/compounds/\(home.id!)/inspections", token: try await app.token("gt01_community"), json: scores)
            let rated = try await app.api(.POST, "/api/v1/property/me/rating", token: try await app.token("resident_demo"), json: #"{"stars":4}"#)
            #expect(inspected.status == .created && rated.status == .created, "\(inspected.text) \(rated.text)")
            app.clock.set(ShanghaiTime.instant("2026-11-02 09:00"))
            // act
            let live = try await app.api(.GET, "/api/v1/property/ratings/2026-10", token: admin).json()
            let byCommunity = try await app.api(.POST, "/api/v1/property/ratings/2026-10/publish", token: try await app.token("gt01_community"), json: "{}")
            let current = try await app.api(.POST, "/api/v1/property/ratings/2026-11/publish", token: admin, json: "{}")
            let published = try await app.api(.POST, "/api/v1/property/ratings/2026-10/publish", token: admin, json: "{}")
            let twice = try await app.api(.POST, "/api/v1/property/ratings/2026-10/publish", token: admin, json: "{}")
            _ = try await PropertyFixture.pay(app, token: admin, bill: bills[1].id!, #"{"amountFen":\#(bills[1].amountFen),"method":"cash"}"#)
            let again = try await app.api(.GET, "/api/v1/property/ratings/2026-10", token: try await app.token("resident_demo")).json()
            // check: the inputs are what was entered, the score is the documented formula of them
            let line = try #require((live["compounds"] as? [[String: Any]])?.first { $0["compoundId"] as? String == home.id!.uuidString })
            let inputs = try JSONDecoder().decode(RatingInputs.self, from: JSONSerialization.data(withJSONObject: line["inputs"]!))
            #expect(inputs.billedFen == bills.reduce(0) { $0 + $1.amountFen } && inputs.collectedFen == bills[0].amountFen)
            #expect(inputs.inspectionPoints == 88 && inputs.inspectionMax == 100 && inputs.ratings == 1 && inputs.ratingStars == 4)
            #expect(inputs.households == bills.count)
            let tenths = try #require(inputs.scoreTenths(.standard))
            #expect(line["score"] as? Double == Double(tenths) / 10 && line["stars"] as? Int == RatingRules.stars(tenths, .standard))
            #expect(live["published"] as? Bool == false)
            #expect(byCommunity.status == .forbidden)
            #expect(current.status == .unprocessableEntity)
            #expect(published.status == .created && twice.status == .conflict && twice.errorCode == "already_published")
            // recomputing the published month gives the snapshot, not the new payment
            #expect(again["published"] as? Bool == true)
            let snap = try #require((again["compounds"] as? [[String: Any]])?.first { $0["compoundId"] as? String == home.id!.uuidString })
            #expect((snap["inputs"] as? [String: Any])?["collectedFen"] as? Int == bills[0].amountFen)
            #expect(snap["score"] as? Double == line["score"] as? Double)
            let companies = try #require(again["companies"] as? [[String: Any]])
            #expect(companies.contains { $0["name"] as? String == company.name })
            #expect(try await PropertyFixture.audit(app, entity: "property_rating", action: "publish").count == 1)
        }
    }

    @Test func scoringRulesAreConfigurableByTheCountyOnly() async throws {
        try await withDemoApp { app in
            let admin = try await app.token("admin")
            var config = ScoringConfig.standard
            config.starThresholds = [95, 85, 75, 65]
            let body = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
            // act
            let saved = try await app.api(.PUT, "/api/v1/property/scoring", token: admin, json: body)
            let read = try await app.api(.GET, "/api/v1/property/scoring", token: try await app.token("gt01_community")).json()
            let bad = try await app.api(.PUT, "/api/v1/property/scoring", token: admin, json: body.replacingOccurrences(of: "[95,85,75,65]", with: "[60,70,80,90]"))
            let notAllowed = try await app.api(.PUT, "/api/v1/property/scoring", token: try await app.token("gt_street"), json: body)
            // check
            #expect(saved.status == .ok)
            #expect(read["starThresholds"] as? [Int] == [95, 85, 75, 65])
            #expect(bad.status == .unprocessableEntity && bad.errorField == "starThresholds")
            #expect(notAllowed.status == .forbidden)
        }
    }
}
