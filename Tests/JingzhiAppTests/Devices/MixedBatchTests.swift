import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// One batch that does everything at once: stored and in-batch duplicates, refusals, a reading placed in time that
/// runs backwards, use that clears alarms, a smoke alarm and a battery level, all in one transaction.
@Suite struct MixedBatchTests {
    @Test func aBatchMixingDuplicatesRefusalsLateReadingsAndAlarmsIsCountedAndStoredItemByItem() async throws {
        try await withDemoApp { app in
            app.clock.set(deviceNoon)
            let h = try await app.elderlyHousehold()
            let meter = try await app.registerDevice("WM-M-0001", kind: "water_meter", node: "YT-GT-01", household: h.id!, vendor: "水务")
            let smoke = try await app.registerDevice("SM-M-0001", kind: "smoke_sensor", node: "YT-GT-01", household: h.id!)
            try await app.registerDevice("WM-M-0002", kind: "water_meter", node: "YT-GT-01", household: h.id!, vendor: "别家")
            let key = try await app.deviceKey("水务")
            #expect(try await app.postReadings(key, [("WM-M-0001", 7200, "water_total_l", 100), ("WM-M-0001", 3600, "water_total_l", 130),
                                                     ("SM-M-0001", 3600, "smoke", 0)]).status == .ok)
            // a day and more of silence and no water: the sweeper raises silence and a welfare check
            app.clock.advance(25 * 3600)
            _ = try await app.sweep()
            let raised = try await DeviceAlarm.query(on: app.db).filter(\.$activeKey != nil).all()
            #expect(raised.contains { $0.deviceID == meter && $0.ruleType == "silence" })
            #expect(raised.contains { $0.deviceID == meter && $0.ruleType == "inactivity" })
            #expect(raised.contains { $0.deviceID == smoke && $0.ruleType == "silence" })
            let day = 25.0 * 3600
            let batch: [(String, TimeInterval, String, Double)] = [
                ("WM-M-0001", day + 3600, "water_total_l", 130),  // stored before: a duplicate
                ("WM-M-0001", day + 5400, "water_total_l", 90),   // placed between 100 and 130: runs backwards
                ("NOPE-9", 60, "water_total_l", 1),               // unknown
                ("WM-M-0002", 60, "water_total_l", 1),            // another gateway's
                ("WM-M-0001", 60, "water_total_l", 150),          // use again
                ("WM-M-0001", 60, "water_total_l", 150),          // twice in the batch
                ("SM-M-0001", 30, "smoke", 1),
                ("SM-M-0001", 30, "battery_pct", 80),
            ]
            // act
            let first = try await app.postReadings(key, batch)
            let retry = try await app.postReadings(key, batch)
            // check: counts and refusals by index
            let a = try first.json()
            #expect(a["accepted"] as? Int == 4 && a["duplicates"] as? Int == 2)
            let rejected = try #require(a["rejected"] as? [[String: Any]])
            #expect(rejected.compactMap { $0["index"] as? Int } == [2, 3])
            #expect((rejected.last?["reason"] as? String)?.contains("不属于此网关") == true)
            let b = try retry.json()
            #expect(b["accepted"] as? Int == 0 && b["duplicates"] as? Int == 6 && (b["rejected"] as? [Any])?.count == 2)
            // the late reading is flagged, the new one is use; the meter's state moved to the newest
            let rows = try await app.db.sql.select().columns("value", "backwards").from(DeviceReadings.raw)
                .where("device_id", .equal, SQLBind(meter)).orderBy("ts").all()
            let stored = try rows.map { (try $0.decode(column: "value", as: Double.self), try $0.decode(column: "backwards", as: Bool.self)) }
            #expect(stored.map(\.0) == [100, 90, 130, 150])
            #expect(stored.map(\.1) == [false, true, false, false])
            let state = try #require(try await DeviceMetricState.query(on: app.db).filter(\.$deviceID == meter).first())
            #expect(state.lastValue == 150)
            #expect(abs(state.lastActiveAt.timeIntervalSince(app.clock.now().addingTimeInterval(-60))) < 1)
            let status = try #require(try await DeviceStatus.query(on: app.db).filter(\.$deviceID == smoke).first())
            #expect(status.battery == 80)
            // the silence and welfare alarms cleared; the smoke alarm is active with one case
            let ours = try await DeviceAlarm.query(on: app.db).filter(\.$deviceID ~~ [meter, smoke]).all()
            #expect(ours.filter { $0.activeKey != nil }.map(\.ruleType) == ["threshold"])
            #expect(ours.filter { $0.ruleType != "threshold" }.allSatisfy { $0.state == "cleared" })
            let alarm = try #require(ours.first { $0.ruleType == "threshold" })
            #expect(alarm.deviceID == smoke && ours.filter { $0.ruleType == "threshold" }.count == 1)
            let smokeCase = try #require(try await Case.find(alarm.caseID, on: app.db))
            #expect(smokeCase.categoryCode == "yangan")
        }
    }

    @Test func aBatchOfOnlyRefusedItemsStoresNothing() async throws {
        try await withDemoApp { app in
            app.clock.set(deviceNoon)
            let id = try await app.registerDevice("WM-M-0003", kind: "water_meter", node: "YT-GT-01", vendor: "别家")
            let key = try await app.deviceKey("水务")
            let res = try await app.postReadings(key, [("WM-M-0003", 60, "water_total_l", 1), ("NOPE-1", 60, "water_total_l", 1)])
            let a = try res.json()
            #expect(a["accepted"] as? Int == 0 && (a["rejected"] as? [Any])?.count == 2)
            #expect(try await app.db.sql.select().column(SQLFunction("count", args: SQLLiteral.all), as: "n").from(DeviceReadings.raw)
                .where("device_id", .equal, SQLBind(id)).first()?.decode(column: "n", as: Int.self) == 0)
            #expect(try await DeviceStatus.query(on: app.db).filter(\.$deviceID == id).count() == 0)
            #expect(try await Device.query(on: app.db).filter(\.$serial == "WM-M-0003").first()?.keyID == nil, "a refused device is not claimed")
        }
    }
}
