import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Inactivity and silence: what did not happen raises one case, for the right unit, once, and clears with a note.
@Suite struct WelfareRuleTests {
    @Test func aQuietMeterAtAnElderlyHouseholdRaisesOneWelfareCaseForItsGridWorker() async throws {
        try await withDemoApp { app in
            // setup: a water meter at a household of grid G01 where someone lives alone
            app.clock.set(deviceNoon)
            let h = try await app.elderlyHousehold()
            try await app.registerDevice("WM-T-0001", kind: "water_meter", node: "YT-GT-01", household: h.id!)
            let key = try await app.deviceKey("水务网关")
            // water was last used 25 hours ago; the meter still reports every hour
            let sent = try await app.postReadings(key, [("WM-T-0001", 30 * 3600, "water_total_l", 100), ("WM-T-0001", 25 * 3600, "water_total_l", 112.5),
                                                       ("WM-T-0001", 60, "water_total_l", 112.5)])
            #expect(sent.status == .ok)
            #expect(try sent.json()["accepted"] as? Int == 3)
            // act: two servers' sweepers at once, then another minute
            async let a = DeviceSweeper(db: app.db, now: app.clock.now()).tick()
            async let b = DeviceSweeper(db: app.db, now: app.clock.now()).tick()
            let (ra, rb) = try await (a, b)
            #expect(ra.welfare + rb.welfare == 1)
            app.clock.advance(60)
            #expect(try await app.sweep().welfare == 0)
            // check: one case, 关爱探访, handled by the household's grid, listed for its worker with the device and household
            let cases = try await app.deviceCases()
            #expect(cases.count == 1)
            let c = try #require(cases.first)
            #expect(c.categoryCode == "guanai")
            #expect(c.handlerNodeID == (try await app.node("YT-GT-01-G01")).id)
            #expect(c.description.contains("25 小时无用水") && c.description.contains("112.5"))
            let grid = try await app.token("gt01_grid")
            let list = try await app.api(.GET, "/api/v1/cases?channel=device", token: grid).json()
            let item = try #require((list["items"] as? [[String: Any]])?.first)
            #expect(item["deviceSerial"] as? String == "WM-T-0001")
            #expect(item["householdId"] as? String == h.id!.uuidString)
            // the public Open311 list does not show a welfare check
            let public311 = try await app.api(.GET, "/open311/v2/requests.json", token: nil).text
            #expect(!public311.contains(c.number))
            // act: water used again
            app.clock.advance(3600)
            #expect(try await app.postReadings(key, [("WM-T-0001", 0, "water_total_l", 113)]).status == .ok)
            // check: the alarm cleared, with a note on its case; the case stays for the worker to answer
            let alarm = try #require(try await DeviceAlarm.query(on: app.db).first())
            #expect(alarm.state == "cleared" && alarm.activeKey == nil && alarm.clearedAt != nil)
            let notes = try await CaseEvent.query(on: app.db).filter(\.$caseID == c.id!).filter(\.$action == "device_note").all()
            #expect(notes.count == 1 && notes[0].note?.contains("恢复用水") == true)
            #expect(try await app.sweep().welfare == 0)
        }
    }

    @Test func noWelfareCaseInQuietHoursNorWithoutATaggedResidentNorForAMeterInUse() async throws {
        try await withDemoApp { app in
            // setup: 23:30 in Shanghai
            app.clock.set(ISO8601DateFormatter().date(from: "2026-12-09T15:30:00Z")!)
            let h = try await app.elderlyHousehold(tag: "空巢老人")
            try await app.registerDevice("WM-T-0002", kind: "water_meter", node: "YT-GT-01", household: h.id!)
            let key = try await app.deviceKey("水务网关")
            #expect(try await app.postReadings(key, [("WM-T-0002", 26 * 3600, "water_total_l", 5)]).status == .ok)
            // quiet hours: nothing
            #expect(try await app.sweep().welfare == 0)
            // 07:30 the next morning: the case goes out
            app.clock.advance(8 * 3600)
            #expect(try await app.sweep().welfare == 1)
            // a household with nobody tagged never gets one
            let other = try #require(try await Household.query(on: app.db).filter(\.$id != h.id!)
                .within(DataScope(rootPath: (try await app.node("YT-GT-01")).path)).sort(\.$nodePath, .descending).first())
            let tagged = try await ResidentTag.query(on: app.db).join(Resident.self, on: \ResidentTag.$residentID == \Resident.$id)
                .filter(Resident.self, \.$householdID == other.id!).filter(\.$tag ~~ ["独居老人", "空巢老人"]).count()
            try #require(tagged == 0)
            try await app.registerDevice("WM-T-0003", kind: "water_meter", node: "YT-GT-01", household: other.id!)
            #expect(try await app.postReadings(key, [("WM-T-0003", 30 * 3600, "water_total_l", 5)]).status == .ok)
            #expect(try await app.sweep().welfare == 0)
        }
    }

    @Test func aSilentDeviceRaisesOneMaintenanceCaseAndIsShownOffline() async throws {
        try await withDemoApp { app in
            app.clock.set(deviceNoon)
            let id = try await app.registerDevice("BIN-T-0001", kind: "smart_bin", node: "YT-GT-01")
            let key = try await app.deviceKey("环卫网关")
            #expect(try await app.postReadings(key, [("BIN-T-0001", 3600, "fill_pct", 40)]).status == .ok)
            let staff = try await app.token("gt01_community")
            #expect(try await app.api(.GET, "/api/v1/devices/\(id)", token: staff).json()["online"] as? Bool == true)
            // act: a day and a half of silence
            app.clock.advance(36 * 3600)
            let first = try await app.sweep(), second = try await app.sweep()
            // check
            #expect(first.silent == 1 && second.silent == 0)
            let c = try #require(try await app.deviceCases().first)
            #expect(c.categoryCode == "wuye" && c.description.contains("BIN-T-0001"))
            #expect(try await app.api(.GET, "/api/v1/devices/\(id)", token: staff).json()["online"] as? Bool == false)
            let offline = try await app.api(.GET, "/api/v1/devices?status=offline", token: staff).json()
            #expect((offline["items"] as? [[String: Any]])?.contains { $0["serial"] as? String == "BIN-T-0001" } == true)
            // the device speaks again: the alarm clears
            #expect(try await app.postReadings(key, [("BIN-T-0001", 0, "fill_pct", 45)]).status == .ok)
            let alarms = try await app.api(.GET, "/api/v1/devices/alarms?state=active", token: staff).json()
            #expect(alarms["total"] as? Int == 0)
        }
    }

    @Test func devicesUnderAnAreasOwnRuleDoNotCrowdOutTheRestOfTheCounty() async throws {
        try await withDemoApp { app in
            app.clock.set(deviceNoon)
            // 古亭社区 gives its devices 48 hours of silence instead of the county's 24
            let community = try await app.token("gt01_community")
            let silence = try #require(try await app.api(.GET, "/api/v1/devices/rules", token: community).jsonArray()
                .first { $0["type"] as? String == "silence" })
            let made = try await app.api(.POST, "/api/v1/devices/rules", token: community,
                                         json: #"{"baseRuleId":"\#(silence["id"] as! String)","node":"YT-GT-01","hours":48}"#)
            #expect(made.status == .created, "\(made.text)")
            // three quiet devices there sort first; one elsewhere sorts last
            let registry = DeviceRegistry(db: app.db, now: app.clock.now(), source: .system())
            for (serial, node) in [("A-SIL-1", "YT-GT-01"), ("A-SIL-2", "YT-GT-01"), ("A-SIL-3", "YT-GT-01"), ("Z-SIL-1", "YT-BH-01")] {
                _ = try await registry.register(.init(serial: serial, kind: "smart_bin", node: node), scope: .everything)
            }
            // act: 30 hours of silence, a sweep that raises at most two alarms per rule
            app.clock.advance(30 * 3600)
            let report = try await DeviceSweeper(db: app.db, now: app.clock.now(), limit: 2).tick()
            // check: the device outside 古亭社区 is raised; those inside are still within their 48 hours
            let raised = try await DeviceAlarm.query(on: app.db).filter(\.$activeKey != nil).all()
            let serials = try await Device.query(on: app.db).filter(\.$id ~~ raised.map(\.deviceID)).all().map(\.serial)
            #expect(serials.contains("Z-SIL-1"))
            #expect(!serials.contains { $0.hasPrefix("A-SIL") })
            #expect(report.silent >= 1)
        }
    }

    @Test func aGatewaysDevicesFallingSilentTogetherAreOneCase() async throws {
        try await withDemoApp { app in
            app.clock.set(deviceNoon)
            // three bins of one gateway at 古亭社区 and one of another gateway there
            for serial in ["BIN-O-1", "BIN-O-2", "BIN-O-3", "BIN-P-1"] { try await app.registerDevice(serial, kind: "smart_bin", node: "YT-GT-01") }
            let first = try await app.deviceKey("环卫网关甲"), second = try await app.deviceKey("环卫网关乙")
            #expect(try await app.postReadings(first, [("BIN-O-1", 600, "fill_pct", 40), ("BIN-O-2", 300, "fill_pct", 40),
                                                       ("BIN-O-3", 60, "fill_pct", 40)]).json()["accepted"] as? Int == 3)
            #expect(try await app.postReadings(second, [("BIN-P-1", 60, "fill_pct", 40)]).json()["accepted"] as? Int == 1)
            // act: both gateways go quiet for a day and a half
            app.clock.advance(36 * 3600)
            let report = try await app.sweep()
            // check: four alarms, two cases; the gateway's outage is one case with notes for the devices that joined it
            #expect(report.silent == 4)
            let alarms = try await DeviceAlarm.query(on: app.db).filter(\.$activeKey != nil).all()
            let devices = Dictionary(try await Device.query(on: app.db).filter(\.$id ~~ alarms.map(\.deviceID)).all().map { ($0.id!, $0.serial) }) { a, _ in a }
            let caseOf = Dictionary(alarms.map { (devices[$0.deviceID]!, $0.caseID!) }) { a, _ in a }
            #expect(Set(["BIN-O-1", "BIN-O-2", "BIN-O-3"].map { caseOf[$0]! }).count == 1)
            #expect(caseOf["BIN-P-1"] != caseOf["BIN-O-1"])
            #expect(try await app.deviceCases().count == 2)
            let notes = try await CaseEvent.query(on: app.db).filter(\.$caseID == caseOf["BIN-O-1"]!).filter(\.$action == "device_note").count()
            #expect(notes == 2)
            // one bin speaks again: its alarm clears, the outage case stays open for the others
            #expect(try await app.postReadings(first, [("BIN-O-2", 0, "fill_pct", 45)]).status == .ok)
            #expect(try await DeviceAlarm.query(on: app.db).filter(\.$activeKey != nil).count() == 3)
            #expect(try await Case.find(caseOf["BIN-O-1"]!, on: app.db)?.state.isOpen == true)
        }
    }

    @Test func aRetiredCategoryNeitherRefusesABatchNorStopsTheSweeper() async throws {
        try await withDemoApp { app in
            // setup: the county retires the categories of the smoke and welfare rules
            app.clock.set(deviceNoon)
            let admin = try await app.token("admin")
            for code in ["yangan", "guanai"] {
                #expect(try await app.api(.PATCH, "/api/v1/case-categories/\(code)", token: admin, json: #"{"active":false}"#).status == .ok)
            }
            let h = try await app.elderlyHousehold()
            try await app.registerDevice("SM-X-0001", kind: "smoke_sensor", node: "YT-GT-01", household: h.id!)
            try await app.registerDevice("WM-X-0001", kind: "water_meter", node: "YT-GT-01", household: h.id!)
            try await app.registerDevice("WM-X-0002", kind: "water_meter", node: "YT-GT-01")
            let key = try await app.deviceKey("综合网关")
            // act: smoke, and a meter quiet for 25 hours; a plain meter silent since it was registered
            let sent = try await app.postReadings(key, [("SM-X-0001", 60, "smoke", 1), ("WM-X-0001", 25 * 3600, "water_total_l", 7)])
            // check: the gateway's batch is stored, the alarm stands, and it says why there is no case
            #expect(sent.status == .ok)
            #expect(try sent.json()["accepted"] as? Int == 2)
            let smoke = try #require(try await DeviceAlarm.query(on: app.db).filter(\.$activeKey != nil).first())
            #expect(smoke.caseID == nil)
            let said = try await AuditEntry.query(on: app.db).filter(\.$entityID == smoke.id!).filter(\.$action == "raise").first()
            #expect(said?.summary.contains("诉求类别 yangan 已停用，未生成诉求") == true)
            // the sweeper raises the welfare alarm without a case, and still reaches the silent meter's maintenance case
            app.clock.advance(30 * 3600)
            let report = try await app.sweep()
            #expect(report.welfare == 1)
            #expect(report.silent >= 1)
            let cases = try await app.deviceCases()
            #expect(!cases.isEmpty && cases.allSatisfy { $0.categoryCode != "yangan" && $0.categoryCode != "guanai" })
            // put back: a new smoke alarm files its case again
            #expect(try await app.api(.PATCH, "/api/v1/case-categories/yangan", token: admin, json: #"{"active":true}"#).status == .ok)
            #expect(try await app.postReadings(key, [("SM-X-0001", 0, "smoke", 0)]).status == .ok)
            app.clock.advance(60)
            #expect(try await app.postReadings(key, [("SM-X-0001", 0, "smoke", 1)]).status == .ok)
            #expect(try await app.deviceCases().contains { $0.categoryCode == "yangan" })
        }
    }
}
