import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Administrators issue and revoke gateway keys; the command centre's map shows each grid's devices and alarms.
@Suite struct DeviceKeysAndMapTests {
    @Test func aKeyIsShownOnceAndARevokedKeyWritesNothing() async throws {
        try await withDemoApp { app in
            app.clock.set(deviceNoon)
            try await app.registerDevice("WM-K-0001", kind: "water_meter", node: "YT-GT-01-G01", vendor: "宁水")
            let admin = try await app.token("admin")
            let issued = try await app.api(.POST, "/api/v1/devices/keys", token: admin, json: #"{"name":"宁水"}"#)
            #expect(issued.status == .created && issued.headers.first(name: .cacheControl) == "no-store")
            let key = try #require(try issued.json()["key"] as? String)
            let id = try #require(try issued.json()["id"] as? String)
            // the list never shows a key's text
            let listed = try await app.api(.GET, "/api/v1/devices/keys", token: admin)
            #expect(!listed.text.contains(key) && listed.text.contains("宁水"))
            #expect(try await app.postReadings(key, [("WM-K-0001", 60, "water_total_l", 5)]).json()["accepted"] as? Int == 1)
            // revoked: readings with it are refused
            let revoked = try await app.api(.POST, "/api/v1/devices/keys/\(id)/revoke", token: admin).json()
            #expect(revoked["active"] as? Bool == false && revoked["devices"] as? Int == 1)
            #expect(try await app.postReadings(key, [("WM-K-0001", 30, "water_total_l", 6)]).status == .unauthorized)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "device_key").count() == 2)
            // nobody but an administrator issues keys
            for user in ["gt_street", "gt01_community", "gt01_grid"] {
                let t = try await app.token(user)
                #expect(try await app.api(.POST, "/api/v1/devices/keys", token: t, json: #"{"name":"x"}"#).status == .forbidden)
                #expect(try await app.api(.GET, "/api/v1/devices/keys", token: t).status == .forbidden)
            }
            #expect(try await app.api(.POST, "/api/v1/devices/keys", token: admin, json: #"{"name":""}"#).status == .unprocessableEntity)
        }
    }

    @Test func theKeysPageIssuesAKeyOnItsAnswerOnly() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            try await browser.login("admin")
            #expect(try await browser.get("/devices/keys").status == .ok)
            let made = try await browser.post("/devices/keys", [("name", "测试网关")])
            #expect(made.status == .created && made.text.contains("它只显示这一次"))
            let key = try #require(made.text.firstMatch(of: /dk_[A-Za-z0-9_\-]+/).map { String($0.0) })
            #expect(try await DeviceRegistry.verify(key, on: app.db)?.name == "测试网关")
            #expect(try await !browser.get("/devices/keys").text.contains(key))
            let staff = Browser(app)
            try await staff.login("gt01_community")
            #expect(try await staff.get("/devices/keys").status == .forbidden)
        }
    }

    @Test func theMapCountsEachGridsDevicesOfflineAndAlarmed() async throws {
        try await withDemoApp { app in
            app.clock.set(deviceNoon)
            let token = try await app.token("gt01_community")
            let grid = try await app.node("YT-GT-01-G01")
            func counts(_ t: String) async throws -> [String: Any]? {
                let map = try await app.api(.GET, "/api/v1/command-centre/map", token: t).json()
                return (map["devices"] as? [[String: Any]])?.first { $0["gridId"] as? String == grid.id!.uuidString }
            }
            let before = try await counts(token)
            let n = { (key: String) in before?[key] as? Int ?? 0 }
            let (devices, offline, alarmed) = (n("devices"), n("offline"), n("alarmed"))
            // a smoke sensor that reports an alarm, and a meter that never reported
            try await app.registerDevice("SM-MAP-1", kind: "smoke_sensor", node: "YT-GT-01-G01")
            try await app.registerDevice("WM-MAP-1", kind: "water_meter", node: "YT-GT-01-G01")
            _ = try await app.postReadings(try await app.deviceKey("地图网关"), [("SM-MAP-1", 60, "smoke", 1)])
            let after = try #require(try await counts(token))
            #expect(after["devices"] as? Int == devices + 2)
            #expect(after["offline"] as? Int == offline + 1)
            #expect(after["alarmed"] as? Int == alarmed + 1)
            // the desk page draws the grid's devices red; another community's map has no such grid
            let browser = Browser(app)
            try await browser.login("gt01_community")
            #expect(try await browser.get("/command").text.contains("marker diamond alert"))
            #expect(try await counts(try await app.token("bh01_community")) == nil)
        }
    }
}
