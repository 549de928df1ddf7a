import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Earning rules and monthly caps per community, applied on every path: activities, donations, closed cases.
@Suite struct PointsRulesTests {
    static func rule(_ app: Application, _ source: String, points: Int? = nil, cap: Int? = nil, as user: String = "gt01_community") async throws -> TestingHTTPResponse {
        let fields = [#""community":"YT-GT-01""#, #""source":"\#(source)""#] + [points.map { #""points":\#($0)"# }, cap.map { #""monthlyCap":\#($0)"# }].compactMap { $0 }
        return try await app.api(.PUT, "/api/v1/points/rules", token: try await app.token(user), json: "{\(fields.joined(separator: ","))}")
    }

    @Test func capsClipEarnedPointsRefuseTypedOnesAndOpenAgainNextMonth() async throws {
        try await withDemoApp { app in
            // setup: 15 a month from activities, 40 a month in all; a 2-hour activity at 10 an hour attended in full
            app.clock.set(ActivityFixture.start.addingTimeInterval(-3_600))
            #expect(try await Self.rule(app, "activity", cap: 15).status == .ok)
            #expect(try await Self.rule(app, "all", cap: 40).status == .ok)
            let a = try await ActivityFixture.activity(app)
            let me = try await PointsFixture.demoResident(app)
            let row = try await ActivityFixture.service(app).signUp(a, resident: me)
            app.clock.set(ActivityFixture.start.addingTimeInterval(3 * 3_600))
            let staff = try await PointsFixture.actor(app, "gt01_community")
            _ = try await ActivityFixture.attendance(app).markPresent(a, attendance: row.id, by: staff)
            let token = try await app.token("gt01_community")
            let award = { (points: Int) in
                try await app.api(.POST, "/api/v1/points/awards", token: token, json: #"{"residentId":"\#(me.id!)","points":\#(points),"reason":"测试"}"#)
            }
            // act
            let (verified, _) = try await ActivityFixture.attendance(app).verify(a, attendance: row.id, minutes: nil, by: staff)
            let over = try await award(30)
            let fits = try await award(25)
            let full = try await award(1)
            app.clock.set(ActivityFixture.start.addingTimeInterval(31 * 86_400))
            let nextMonth = try await app.api(.POST, "/api/v1/points/awards", token: try await app.token("gt01_community"),
                                              json: #"{"residentId":"\#(me.id!)","points":30,"reason":"测试"}"#)
            // check
            #expect(verified.state == .verified && verified.minutes == 120 && verified.points == 15)
            #expect(over.status == .conflict && over.errorCode == "monthly_cap" && over.text.contains("还可获得 25 分"))
            #expect(fits.status == .created && full.status == .conflict)
            #expect(nextMonth.status == .created)
            #expect(try await PointsFixture.balance(app, me) == 15 + 25 + 30)
            #expect(try await PointsVerify.run(on: app.db).ok)
        }
    }

    @Test func aDailyCapRefusesTheDaysRestAndOpensAgainTheNextDay() async throws {
        try await withDemoApp { app in
            // setup: typed awards ("other") at most 20 a day and 50 a month
            app.clock.set(ActivityFixture.start)
            let token = try await app.token("gt01_community")
            let set = try await app.api(.PUT, "/api/v1/points/rules", token: token,
                                        json: #"{"community":"YT-GT-01","source":"other","monthlyCap":50,"dailyCap":20}"#)
            #expect(try set.status == .ok && set.json()["dailyCap"] as? Int == 20)
            let me = try await PointsFixture.demoResident(app)
            let award = { (points: Int) in
                try await app.api(.POST, "/api/v1/points/awards", token: token, json: #"{"residentId":"\#(me.id!)","points":\#(points),"reason":"测试"}"#)
            }
            // act
            let first = try await award(15)
            let over = try await award(10)
            app.clock.advance(86_400)
            let nextDay = try await award(10)
            // check: the day's cap speaks in its own words; the month's still counts every day
            #expect(first.status == .created)
            #expect(over.status == .conflict && over.errorCode == "daily_cap" && over.text.contains("今天还可获得 5 分"))
            #expect(nextDay.status == .created)
            // a daily cap above the monthly one is refused
            let wrong = try await app.api(.PUT, "/api/v1/points/rules", token: token,
                                          json: #"{"community":"YT-GT-01","source":"other","monthlyCap":10,"dailyCap":20}"#)
            #expect(wrong.status == .unprocessableEntity && wrong.errorField == "dailyCap")
            #expect(try await PointsVerify.run(on: app.db).ok)
        }
    }

    @Test func onlyStaffInScopeSetRulesAndWrongRulesAreRefused() async throws {
        try await withDemoApp { app in
            // act
            let byResident = try await Self.rule(app, "donation", points: 5, as: "resident_demo")
            let byGrid = try await app.api(.GET, "/api/v1/points/rules?node=YT-GT-01", token: try await app.token("gt01_grid"))
            let byForeign = try await Self.rule(app, "donation", points: 5, as: "bh01_community")
            let unknown = try await Self.rule(app, "lottery", points: 5)
            let zero = try await Self.rule(app, "donation", points: 0)
            let fractional = try await app.api(.PUT, "/api/v1/points/rules", token: try await app.token("gt01_community"),
                                               json: #"{"community":"YT-GT-01","source":"donation","points":2.5}"#)
            let activityPoints = try await Self.rule(app, "activity", points: 5)
            let set = try await Self.rule(app, "donation", points: 12, cap: 24)
            let read = try await app.api(.GET, "/api/v1/points/rules?node=YT-GT-01", token: try await app.token("gt01_community")).jsonArray()
            let notCommunity = try await app.api(.GET, "/api/v1/points/rules?node=YT", token: try await app.token("admin"))
            // check
            #expect(byResident.status == .forbidden && byGrid.status == .forbidden && byForeign.status == .notFound)
            #expect(unknown.status == .unprocessableEntity && unknown.errorField == "source")
            #expect(zero.status == .badRequest && fractional.status == .badRequest)
            #expect(activityPoints.status == .unprocessableEntity && activityPoints.errorField == "points")
            let setJSON = try set.json()
            #expect(setJSON["points"] as? Int == 12 && setJSON["monthlyCap"] as? Int == 24)
            let donation = try #require(read.first { $0["source"] as? String == "donation" })
            let mediation = try #require(read.first { $0["source"] as? String == "mediation" })
            #expect(donation["points"] as? Int == 12 && donation["set"] as? Bool == true)
            #expect(mediation["points"] as? Int == 30 && mediation["set"] as? Bool == false && mediation["monthlyCap"] == nil)
            #expect(notCommunity.status == .unprocessableEntity)
        }
    }

    @Test func aDonationRecordedByStaffPaysTheRuleOnceAndOnlyInScope() async throws {
        try await withDemoApp { app in
            // setup
            _ = try await Self.rule(app, "donation", points: 12, cap: 24)
            let me = try await PointsFixture.demoResident(app)
            let token = try await app.token("gt01_community")
            let give = { (key: String) in
                try await app.api(.POST, "/api/v1/points/donations", token: token, json: #"{"residentId":"\#(me.id!)","description":"旧衣物 10 件"}"#,
                                  headers: ["Idempotency-Key": key])
            }
            // act
            let first = try await give("d-1")
            let retry = try await give("d-1")
            let second = try await give("d-2")
            let third = try await give("d-3")
            let noWords = try await app.api(.POST, "/api/v1/points/donations", token: token, json: #"{"residentId":"\#(me.id!)"}"#)
            let foreign = try await app.api(.POST, "/api/v1/points/donations", token: try await app.token("bh01_community"),
                                            json: #"{"residentId":"\#(me.id!)","description":"x"}"#)
            let byResident = try await app.api(.POST, "/api/v1/points/donations", token: try await app.token("resident_demo"),
                                               json: #"{"residentId":"\#(me.id!)","description":"x"}"#)
            // check
            let (firstJSON, retryJSON) = (try first.json(), try retry.json())
            #expect(first.status == .created && firstJSON["points"] as? Int == 12)
            #expect(retry.status == .ok && retryJSON["id"] as? String == firstJSON["id"] as? String)
            #expect(second.status == .created && third.status == .conflict && third.errorCode == "monthly_cap")
            #expect(noWords.status == .unprocessableEntity && noWords.errorField == "description")
            #expect(foreign.status == .notFound && byResident.status == .forbidden)
            #expect(try await PointsFixture.balance(app, me) == 24)
        }
    }

    @Test func aClosedDisputePaysItsReporterOnceByTheMediationRule() async throws {
        try await withDemoApp { app in
            // setup: the demo resident reports a noise dispute (噪音扰民, under 矛盾纠纷) and a broken lamp
            _ = try await Self.rule(app, "mediation", points: 40)
            let me = try await PointsFixture.demoResident(app)
            let token = try await app.token("resident_demo")
            let node = try await app.node("YT-GT-01")
            var ids: [String] = []
            for category in ["zaoyin", "sheshi"] {
                let made = try await app.api(.POST, "/api/v1/cases", token: token,
                                             json: #"{"categoryCode":"\#(category)","nodeId":"\#(node.id!)","description":"楼上每晚很吵，请帮忙调解"}"#).json()
                ids.append(try #require(made["id"] as? String))
            }
            // act: each case runs to closed with the resident's satisfied rating
            for id in ids {
                for (action, user, json) in [("accept", "gt01_community", "{}"), ("dispatch", "gt01_community", #"{"level":"community"}"#),
                                             ("start", "gt01_community", "{}"), ("reply", "gt01_community", #"{"note":"已调解，双方达成一致"}"#),
                                             ("rate", "resident_demo", #"{"rating":"satisfied"}"#)] {
                    let res = try await app.api(.POST, "/api/v1/cases/\(id)/actions/\(action)", token: try await app.token(user), json: json)
                    #expect(res.status == .ok, "\(action): \(res.text)")
                }
            }
            // check: 40 for the dispute, the default 5 for the reported problem, each once
            let entries = try await PointsEntry.query(on: app.db).filter(\.$sourceRef ~~ ["mediation:\(ids[0].uppercased())", "report:\(ids[1].uppercased())"]).all()
            #expect(entries.map(\.points).sorted() == [5, 40])
            #expect(try await PointsFixture.balance(app, me) == 45)
            let passbook = try await app.api(.GET, "/api/v1/points/accounts/me", token: token).json()
            let reasons = (passbook["entries"] as? [[String: Any]])?.compactMap { $0["reason"] as? String } ?? []
            #expect(reasons.contains { $0.hasPrefix("纠纷调解") } && reasons.contains { $0.hasPrefix("随手拍") })
        }
    }
}
