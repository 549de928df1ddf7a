import Fluent
import Foundation
import JingzhiCore

extension JingzhiCommands {
    /// `jingzhi device register`: a device on a node (by code or id), optionally in a household; answers a line to print.
    public static func registerDevice(_ settings: Settings, serial: String, kind: String, node: String, household: String?,
                                      vendor: String?, model: String?) async throws -> String {
        try await run(settings) { app in
            var householdID: UUID?
            if let household {
                guard let id = UUID(uuidString: household) else { throw APIError.invalid("household", "住户须为 id (household must be an id)") }
                householdID = id
            }
            let d = try await DeviceRegistry(db: app.db, now: app.clock.now(), source: .cli("device register"))
                .register(.init(serial: serial, kind: kind, node: node, householdID: householdID, vendor: vendor, model: model), scope: .everything)
            return "registered \(d.kind) \(d.serial) (\(d.id!.uuidString))"
        }
    }

    /// `jingzhi device import --file F`: registers the devices listed in a CSV or .xlsx file; the report in words, and
    /// a failure when rows were refused and nothing was written.
    public static func importDevices(_ settings: Settings, file: String, skipInvalid: Bool, dryRun: Bool) async throws -> String {
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure(message: "cannot read \(file)") }
        return try await run(settings) { app in
            let r = try await DeviceImporter(db: app.db, now: app.clock.now(), scope: .everything, source: .cli("device import"))
                .run(data: data, skipInvalid: skipInvalid, dryRun: dryRun)
            let problems = r.errors.map { "  line \($0.line)\($0.field.map { " [\($0)]" } ?? ""): \($0.message)" }
            let head = r.committed ? "imported \(r.created) devices, skipped \(r.skipped) rows"
                : r.errors.isEmpty ? "checked \(r.rows) rows: all valid (nothing written: dry run)" : "\(r.errors.count) problems in \(r.rows) rows; nothing imported"
            if !r.committed, !r.errors.isEmpty { throw CommandFailure(message: ([head] + problems).joined(separator: "\n")) }
            return ([head] + problems).joined(separator: "\n")
        }
    }

    /// `jingzhi device key create`: a gateway key, returned once.
    public static func createDeviceKey(_ settings: Settings, name: String) async throws -> String {
        try await run(settings) { app in
            try await DeviceRegistry(db: app.db, now: app.clock.now(), source: .cli("device key create")).createKey(name: name).key
        }
    }
}

extension JingzhiCommands {
    /// `jingzhi device simulate`: feeds the last `hours` of readings of every device straight into the service (the
    /// sweeper running each hour), or with `smokeUnder` raises a smoke alarm now at the first smoke sensor under that node.
    public static func simulateDevices(_ settings: Settings, hours: Double, smokeUnder: String?) async throws -> String {
        try await run(settings) { app in
            let now = app.clock.now()
            if let code = smokeUnder {
                guard let node = try await OrgService(db: app.db, now: now).find(codeOrID: code) else {
                    throw APIError.invalid("node", "no node with code or id \(code)")
                }
                let sensors = try await Device.query(on: app.db).filter(\Device.$kind == DeviceKind.smokeSensor.rawValue)
                    .within(DataScope(rootPath: node.path)).sort(\Device.$serial).all()
                let keys = try await DeviceKey.query(on: app.db).filter(\DeviceKey.$active == true).all()
                guard let d = sensors.first(where: { $0.active }),
                      let key = keys.first(where: { $0.id == d.keyID }) ?? keys.first(where: { $0.name == d.vendor }) else {
                    throw CommandFailure(message: "no smoke sensor with a gateway key under \(node.name)")
                }
                let r = try await DeviceIngest(db: app.db, now: now)
                    .ingest([ReadingInput(device: d.serial, ts: ISOTime.format(now), metric: "smoke", value: 1)], key: key)
                return "smoke alarm sent by \(d.serial): accepted \(r.accepted)"
            }
            let n = try await DeviceSimulator.feed(app.db, from: now.addingTimeInterval(-hours * 3600), to: now)
            return "readings accepted: \(n)"
        }
    }
}
