import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Devices registered from a CSV file: every row checked first, all or nothing, the bad rows named by line.
@Suite struct DeviceImportTests {
    static let header = "设备编号,设备类型,位置编码,住户,厂商,型号,安装日期"

    func devices(_ app: Application, prefix: String) async throws -> [String] {
        try await Device.query(on: app.db).filter(\.$serial, .custom("LIKE"), prefix + "%").sort(\.$serial).all().map(\.serial)
    }

    @Test func aCheckedFileImportsAllItsDevicesAndABadOneNothing() async throws {
        try await withDemoApp { app in
            app.clock.set(deviceNoon)
            let h = try await app.elderlyHousehold()
            let token = try await app.token("gt01_community")
            let good = [Self.header, "IM-0001,water_meter,YT-GT-01-G01,\(h.address),宁水,LXS-20,2026-03-01",
                        "IM-0002,烟感报警器,YT-GT-01-G01,\(h.id!.uuidString),,,", "IM-0003,Smart bin,YT-GT-01-G01,,,,"].joined(separator: "\n")
            // a dry run checks and writes nothing
            let dry = try await app.api(.POST, "/api/v1/devices/import?dryRun=true", token: token, json: good).json()
            #expect(dry["valid"] as? Int == 3 && dry["committed"] as? Bool == false)
            #expect(try await devices(app, prefix: "IM-").isEmpty)
            // the import registers all three, at the household for the first two
            let done = try await app.api(.POST, "/api/v1/devices/import", token: token, json: good).json()
            #expect(done["created"] as? Int == 3 && done["committed"] as? Bool == true)
            let rows = try await Device.query(on: app.db).filter(\.$serial ~~ ["IM-0001", "IM-0002"]).all()
            #expect(rows.allSatisfy { $0.householdID == h.id })
            #expect(rows.first { $0.serial == "IM-0002" }?.kind == "smoke_sensor")
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "device").filter(\.$action == "import").count() == 1)

            // a file with bad rows writes nothing and names each line
            let bad = [Self.header, "IM-0010,water_meter,YT-GT-01-G01,,,,", "IM-0011,toaster,YT-GT-01-G01,,,,",
                       "IM-0012,water_meter,YT-BH-01-G01,,,,", "IM-0010,smart_bin,YT-GT-01-G01,,,,", "IM-0001,smart_bin,YT-GT-01-G01,,,,",
                       "IM-0013,water_meter,YT-GT-01-G01,,,,2026-02-30"].joined(separator: "\n")
            let refused = try await app.api(.POST, "/api/v1/devices/import", token: token, json: bad)
            #expect(refused.status == .unprocessableEntity)
            let errors = try #require(try refused.json()["errors"] as? [[String: Any]])
            #expect(errors.compactMap { $0["line"] as? Int } == [3, 4, 5, 6, 7])
            #expect(errors.map { $0["field"] as? String } == ["kind", "node", "serial", "serial", "installedOn"])
            #expect(try await devices(app, prefix: "IM-001").isEmpty)
            // skipping the bad rows imports the one good row
            let skipped = try await app.api(.POST, "/api/v1/devices/import?skipInvalid=true", token: token, json: bad).json()
            #expect(skipped["created"] as? Int == 1 && skipped["skipped"] as? Int == 5)
            #expect(try await devices(app, prefix: "IM-001") == ["IM-0010"])
        }
    }

    @Test func aFileWithoutTheColumnsOrFromTheWrongRoleIsRefused() async throws {
        try await withDemoApp { app in
            let token = try await app.token("gt01_community")
            let noHeader = try await app.api(.POST, "/api/v1/devices/import", token: token, json: "IM-1,water_meter,YT-GT-01-G01")
            #expect(noHeader.status == .unprocessableEntity && noHeader.errorField == "file")
            let empty = try await app.api(.POST, "/api/v1/devices/import", token: token)
            #expect(empty.status == .badRequest)
            let file = Self.header + "\nIM-0100,water_meter,YT-GT-01-G01,,,,"
            for user in ["gt01_grid", "property_demo", "resident_demo"] {
                #expect(try await app.api(.POST, "/api/v1/devices/import", token: try await app.token(user), json: file).status == .forbidden, "\(user)")
            }
            #expect(try await devices(app, prefix: "IM-0100").isEmpty)
        }
    }

    @Test func theUploadPageChecksThenImports() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let list = try await browser.get("/devices")
            #expect(list.text.contains("/devices/import") && !list.text.contains("/devices/keys"))
            #expect(try await browser.get("/devices/import").status == .ok)
            let file = Data((Self.header + "\nIM-0200,door_sensor,YT-GT-01-G01,,,,\nIM-0201,门磁,YT-GT-01-G01,,,,").utf8)
            let checked = try await browser.postFile("/devices/import", file: file, filename: "设备.csv", fields: [("dryRun", "true")])
            #expect(checked.status == .ok && checked.text.contains("检查通过：共 2 行"))
            let imported = try await browser.postFile("/devices/import", file: file, filename: "设备.csv")
            #expect(imported.text.contains("已导入 2 台设备"))
            #expect(try await devices(app, prefix: "IM-020") == ["IM-0200", "IM-0201"])
            let again = try await browser.postFile("/devices/import", file: file, filename: "设备.csv")
            #expect(again.status == .unprocessableEntity && again.text.contains("已登记"))
        }
    }
}
