import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The gateway's side: batches, idempotency, refusals item by item, thresholds, ownership and roles.
@Suite struct ReadingIngestTests {
    @Test func aRetriedBatchStoresNothingTwiceAndBadItemsAreRefusedOneByOne() async throws {
        try await withDemoApp { app in
            app.clock.set(deviceNoon)
            let h = try await app.elderlyHousehold()
            try await app.registerDevice("WM-I-0001", kind: "water_meter", node: "YT-GT-01", household: h.id!, vendor: "水务")
            try await app.registerDevice("WM-I-0002", kind: "water_meter", node: "YT-GT-01", household: h.id!, vendor: "别家")
            let key = try await app.deviceKey("水务")
            let now = app.clock.now()
            func ts(_ ago: TimeInterval) -> String { ISOTime.format(now.addingTimeInterval(-ago)) }
            let body = """
            {"readings":[
              {"device":"WM-I-0001","ts":"\(ts(7200))","metric":"water_total_l","value":10},
              {"device":"WM-I-0001","ts":"\(ts(3600))","metric":"water_total_l","value":12},
              {"device":"WM-I-0001","ts":"\(ts(5400))","metric":"water_total_l","value":11},
              {"device":"WM-I-0001","ts":"\(ts(1800))","metric":"water_total_l","value":9},
              {"device":"NOPE-1","ts":"\(ts(60))","metric":"water_total_l","value":1},
              {"device":"WM-I-0002","ts":"\(ts(60))","metric":"water_total_l","value":1},
              {"device":"WM-I-0001","ts":"\(ts(60))","metric":"water_total_l","value":"NaN"},
              {"device":"WM-I-0001","ts":"\(ts(60))","metric":"water_total_l","value":"12"},
              {"device":"WM-I-0001","ts":"\(ts(-3600))","metric":"water_total_l","value":1},
              {"device":"WM-I-0001","ts":"\(ts(8 * 86400))","metric":"water_total_l","value":1},
              {"device":"WM-I-0001","ts":"yesterday","metric":"water_total_l","value":1},
              {"device":"WM-I-0001","ts":"\(ts(6 * 86400))","metric":"Water Total","value":1},
              42,
              {"device":"WM-I-0001","ts":"\(ts(3600))","metric":"water_total_l","value":12}
            ]}
            """
            // act
            let first = try await app.api(.POST, "/api/v1/devices/readings", token: nil, json: body, headers: ["X-Device-Key": key])
            let retry = try await app.api(.POST, "/api/v1/devices/readings", token: nil, json: body, headers: ["X-Device-Key": key])
            // check: four stored (one out of order), the repeat inside the batch a duplicate, nine refused with their index
            #expect(first.status == .ok)
            let a = try first.json()
            #expect(a["accepted"] as? Int == 4)
            #expect(a["duplicates"] as? Int == 1)
            let rejected = try #require(a["rejected"] as? [[String: Any]])
            #expect(rejected.compactMap { $0["index"] as? Int } == [4, 5, 6, 7, 8, 9, 10, 11, 12])
            let reasons = rejected.compactMap { $0["reason"] as? String }
            #expect(reasons[0].contains("未知设备") && reasons[1].contains("不属于此网关") && reasons[2].contains("数字") && reasons[4].contains("未来"))
            #expect(reasons[5].contains("7 天") && reasons[6].contains("ISO 8601") && reasons[7].contains("metric") && reasons[8].contains("对象"))
            let b = try retry.json()
            #expect(b["accepted"] as? Int == 0 && b["duplicates"] as? Int == 5)
            // the meter running backwards (12 → 9) is flagged, not use
            let rows = try await app.db.sql.select().columns("value", "backwards").from(DeviceReadings.raw).orderBy("ts").all()
            #expect(rows.count == 4)
            let flags = try rows.map { (try $0.decode(column: "value", as: Double.self), try $0.decode(column: "backwards", as: Bool.self)) }
            #expect(flags.map(\.0) == [10, 11, 12, 9])
            #expect(flags.map(\.1) == [false, false, false, true])
            let state = try #require(try await DeviceMetricState.query(on: app.db).first())
            #expect(state.lastValue == 9)
            #expect(abs(state.lastActiveAt.timeIntervalSince(now.addingTimeInterval(-3600))) < 1, "the last use was the rise to 12")
        }
    }

    @Test func keysBatchesAndRolesAreChecked() async throws {
        try await withDemoApp { app in
            app.clock.set(deviceNoon)
            let id = try await app.registerDevice("SM-R-0001", kind: "smoke_sensor", node: "YT-GT-01")
            // no key, a wrong key: 401
            #expect(try await app.api(.POST, "/api/v1/devices/readings", token: nil, json: #"{"readings":[]}"#).status == .unauthorized)
            #expect(try await app.api(.POST, "/api/v1/devices/readings", token: nil, json: #"{"readings":[]}"#,
                                      headers: ["X-Device-Key": "dk_wrong"]).status == .unauthorized)
            // over 5,000 items: 413, nothing stored
            let key = try await app.deviceKey("消防网关")
            let item = #"{"device":"SM-R-0001","ts":"\#(ISOTime.format(app.clock.now()))","metric":"smoke","value":0}"#
            let big = #"{"readings":["# + Array(repeating: item, count: 5001).joined(separator: ",") + "]}"
            #expect(try await app.api(.POST, "/api/v1/devices/readings", token: nil, json: big, headers: ["X-Device-Key": key]).status == .payloadTooLarge)
            // the first key to report an unclaimed device owns it; another key is refused for it
            #expect(try await app.postReadings(key, [("SM-R-0001", 60, "smoke", 0)]).status == .ok)
            let other = try await app.deviceKey("另一网关")
            let refused = try await app.postReadings(other, [("SM-R-0001", 30, "smoke", 0)]).json()
            #expect(refused["accepted"] as? Int == 0 && (refused["rejected"] as? [[String: Any]])?.count == 1)
            // residents and partners see no devices; another community's staff cannot find this one
            for user in ["resident_demo", "partner_demo", "dept_zhujian"] {
                #expect(try await app.api(.GET, "/api/v1/devices", token: try await app.token(user)).status == .forbidden, "\(user)")
            }
            // the community's staff see it; a grid worker sees the devices of their grid, not the community's own
            #expect(try await app.api(.GET, "/api/v1/devices/\(id)", token: try await app.token("gt01_community")).status == .ok)
            #expect(try await app.api(.GET, "/api/v1/devices/\(id)", token: try await app.token("gt01_grid")).status == .notFound)
            let elsewhere = try #require(try await User.query(on: app.db).filter(\.$roleRaw == "community_staff").all()
                .first { $0.username != "gt01_community" })
            let token = try await AccountService(app: app).issueToken(for: elsewhere)
            #expect(try await app.api(.GET, "/api/v1/devices/\(id)", token: token).status == .notFound)
            // a grid worker may not register devices; a bad kind and a duplicate serial are refused in words
            #expect(try await app.api(.POST, "/api/v1/devices", token: try await app.token("gt01_grid"),
                                      json: #"{"serial":"X-1","kind":"smart_bin","node":"YT-GT-01"}"#).status == .forbidden)
            let community = try await app.token("gt01_community")
            let badKind = try await app.api(.POST, "/api/v1/devices", token: community, json: #"{"serial":"X-1","kind":"toaster","node":"YT-GT-01"}"#)
            #expect(badKind.status == .unprocessableEntity && badKind.errorField == "kind")
            let dup = try await app.api(.POST, "/api/v1/devices", token: community, json: #"{"serial":"SM-R-0001","kind":"smoke_sensor","node":"YT-GT-01"}"#)
            #expect(dup.status == .conflict)
        }
    }

    @Test func aSmokeAlarmRaisesOneCaseHoweverOftenItRepeatsAndClearsWhenTheSmokeIsGone() async throws {
        try await withDemoApp { app in
            app.clock.set(deviceNoon)
            let h = try await app.elderlyHousehold()
            try await app.registerDevice("SM-A-0001", kind: "smoke_sensor", node: "YT-GT-01", household: h.id!)
            let key = try await app.deviceKey("消防网关")
            // act: a flood of identical alarms, in three batches
            for i in 0..<3 {
                let items = (0..<5).map { ("SM-A-0001", TimeInterval(600 - i * 100 - $0 * 10), "smoke", 1.0) }
                #expect(try await app.postReadings(key, items).status == .ok)
            }
            // check: one case (烟感燃气报警, under 消防安全), one active alarm counting the repeats
            let cases = try await app.deviceCases()
            #expect(cases.count == 1 && cases.first?.categoryCode == "yangan")
            #expect(cases.first?.handlerNodeID == (try await app.node("YT-GT-01-G01")).id, "a smoke alarm at home goes to the grid worker")
            let alarm = try #require(try await DeviceAlarm.query(on: app.db).first())
            #expect(alarm.state == "active" && alarm.repeats == 2)
            // the smoke is gone: the alarm clears, the case gets a note
            #expect(try await app.postReadings(key, [("SM-A-0001", 0, "smoke", 0)]).status == .ok)
            let fresh = try #require(try await DeviceAlarm.find(alarm.id, on: app.db))
            #expect(fresh.state == "cleared")
            #expect(try await CaseEvent.query(on: app.db).filter(\.$caseID == cases[0].id!).filter(\.$action == "device_note").count() == 1)
            // and a new alarm later is a new case
            app.clock.advance(3600)
            #expect(try await app.postReadings(key, [("SM-A-0001", 0, "smoke", 1)]).status == .ok)
            #expect(try await app.deviceCases().count == 2)
        }
    }

    @Test func aCommunitysOwnRuleReplacesTheCountysThereOnly() async throws {
        try await withDemoApp { app in
            app.clock.set(deviceNoon)
            let admin = try await app.token("admin"), community = try await app.token("gt01_community")
            let rules = try await app.api(.GET, "/api/v1/devices/rules", token: community).jsonArray()
            let bin = try #require(rules.first { $0["kind"] as? String == "smart_bin" })
            // the community raises the bin threshold to 95 %
            let made = try await app.api(.POST, "/api/v1/devices/rules", token: community,
                                         json: #"{"baseRuleId":"\#(bin["id"] as! String)","node":"YT-GT-01","value":95}"#)
            #expect(made.status == .created)
            // a grid worker cannot; a community cannot change the county's rule
            #expect(try await app.api(.POST, "/api/v1/devices/rules", token: try await app.token("gt01_grid"),
                                      json: #"{"baseRuleId":"\#(bin["id"] as! String)","node":"YT-GT-01","value":50}"#).status == .forbidden)
            #expect(try await app.api(.PATCH, "/api/v1/devices/rules/\(bin["id"] as! String)", token: community, json: #"{"value":50}"#).status == .notFound)
            #expect(try await app.api(.PATCH, "/api/v1/devices/rules/\(bin["id"] as! String)", token: admin, json: #"{"hours":0}"#).status == .unprocessableEntity)
            try await app.registerDevice("BIN-C-0001", kind: "smart_bin", node: "YT-GT-01")
            let key = try await app.deviceKey("环卫网关")
            // 92 % in 古亭社区: below its own threshold, no case
            #expect(try await app.postReadings(key, [("BIN-C-0001", 60, "fill_pct", 92)]).status == .ok)
            #expect(try await app.deviceCases().isEmpty)
            #expect(try await app.postReadings(key, [("BIN-C-0001", 0, "fill_pct", 97)]).status == .ok)
            #expect(try await app.deviceCases().first?.categoryCode == "huanjing")
        }
    }
}
