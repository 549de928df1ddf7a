import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Retention folds old readings into hours exactly; the month's figures count alarms and welfare checks in scope.
@Suite struct DeviceMonthlyTests {
    @Test func oldReadingsFoldIntoHourlyRowsAndTheRawOnesGo() async throws {
        try await withDemoApp { app in
            app.clock.set(deviceNoon)
            let id = try await app.registerDevice("WM-R-0001", kind: "water_meter", node: "YT-GT-01")
            // setup: six readings 40 days ago over two hours, one 20 days ago
            let old = deviceNoon.addingTimeInterval(-40 * 86_400)
            let hour = Date(timeIntervalSince1970: (old.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
            let times = [0.0, 600, 1200, 3600, 4200, 4800].map { hour.addingTimeInterval($0) } + [deviceNoon.addingTimeInterval(-20 * 86_400)]
            for (i, t) in times.enumerated() {
                try await app.db.sql.insert(into: DeviceReadings.raw).columns("device_id", "metric", "ts", "value", "backwards", "received_at")
                    .values(SQLBind(id), SQLBind("water_total_l"), SQLBind(t), SQLBind(Double(10 + i)), SQLBind(false), SQLBind(t)).run()
            }
            // act
            let folded = try await DeviceRetention(db: app.db, now: deviceNoon).run(rawDays: 30)
            // check: two hours of three readings each; the recent one stays raw
            #expect(folded == 6)
            let rows = try await app.db.sql.select().columns("n", "min_value", "max_value", "sum_value", "last_value").from(DeviceReadings.hourly)
                .orderBy("hour").all()
            let values = try rows.map { [Double(try $0.decode(column: "n", as: Int.self)), try $0.decode(column: "min_value", as: Double.self),
                                         try $0.decode(column: "max_value", as: Double.self), try $0.decode(column: "sum_value", as: Double.self),
                                         try $0.decode(column: "last_value", as: Double.self)] }
            #expect(values == [[3, 10, 12, 33, 12], [3, 13, 15, 42, 15]])
            let raw = try await app.db.sql.select().column("value").from(DeviceReadings.raw).all()
            #expect(raw.count == 1)
            #expect(try await DeviceRetention(db: app.db, now: deviceNoon).run(rawDays: 30) == 0)
        }
    }

    @Test func theMonthCountsAlarmsByKindAndWelfareChecksAnsweredInTime() async throws {
        try await withDemoApp { app in
            app.clock.set(deviceNoon)
            let h = try await app.elderlyHousehold()
            try await app.registerDevice("WM-M-0001", kind: "water_meter", node: "YT-GT-01", household: h.id!)
            try await app.registerDevice("SM-M-0001", kind: "smoke_sensor", node: "YT-GT-01", household: h.id!)
            let key = try await app.deviceKey("网关")
            _ = try await app.postReadings(key, [("WM-M-0001", 26 * 3600, "water_total_l", 1), ("WM-M-0001", 60, "water_total_l", 1),
                                                 ("SM-M-0001", 60, "smoke", 1)])
            #expect(try await app.sweep().welfare == 1)
            // the grid worker answers the welfare check within its deadline
            let welfare = try #require(try await app.deviceCases().first { $0.categoryCode == "guanai" })
            let grid = try await app.token("gt01_grid")
            let community = try await app.token("gt01_community")
            for (action, token, body) in [("accept", grid, "{}"), ("dispatch", community, #"{"level":"grid"}"#), ("reply", grid, #"{"note":"已上门，老人安好"}"#)] {
                let r = try await app.api(.POST, "/api/v1/cases/\(welfare.id!)/actions/\(action)", token: token, json: body)
                #expect(r.status == .ok, "\(action): \(r.text)")
            }
            // check
            let m = try await app.api(.GET, "/api/v1/devices/monthly?month=2026-12", token: try await app.token("gt01_community")).json()
            let w = try #require(m["welfare"] as? [String: Any])
            #expect(w["raised"] as? Int == 1 && w["answered"] as? Int == 1 && w["answeredInTime"] as? Int == 1)
            let alarms = try #require(m["alarms"] as? [[String: Any]])
            #expect(Set(alarms.compactMap { $0["kind"] as? String }) == ["water_meter", "smoke_sensor"])
            // another community sees none of it; a bad month is refused
            let other = try await app.api(.GET, "/api/v1/devices/monthly?month=2026-12", token: try await app.token("bh01_community")).json()
            #expect((other["alarms"] as? [Any])?.isEmpty == true)
            #expect(try await app.api(.GET, "/api/v1/devices/monthly?month=2026-13", token: grid).status == .unprocessableEntity)
        }
    }
}
