import ArgumentParser
import Foundation
import JingzhiApp
import JingzhiCore

struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "device", abstract: "Smart devices: the registry and gateway keys.",
                                                    subcommands: [DeviceRegisterCommand.self, DeviceImportCommand.self, DeviceKeyCommand.self, DeviceSimulateCommand.self], aliases: ["devices"])
}

struct DeviceRegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "register", abstract: "Register a device on a node (compound, building or unit).")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "The device's serial number.") var serial: String
    @Option(help: "water_meter, electricity_meter, smoke_sensor, gas_sensor, door_sensor, access_gate, ebike_blocker, charging_pile, smart_bin, water_vending.")
    var kind: String
    @Option(help: "Node code or id where it is installed.") var node: String
    @Option(help: "Household id, for meters and home sensors.") var household: String?
    @Option(help: "Vendor; a gateway key of this name may write its readings.") var vendor: String?
    @Option(help: "Model.") var model: String?

    func run() async throws {
        print(try await JingzhiCommands.registerDevice(db.settings, serial: serial, kind: kind, node: node, household: household,
                                                       vendor: vendor, model: model))
    }
}

struct DeviceImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import",
        abstract: "Register devices from a CSV or .xlsx file whose first row names the columns: 设备编号, 设备类型, 位置编码, 住户, 厂商, 型号, 安装日期.")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "The CSV (UTF-8 or GB18030) or .xlsx file.") var file: String
    @Flag(name: .customLong("dry-run"), help: "Check every row; write nothing.") var dryRun = false
    @Flag(name: .customLong("skip-invalid"), help: "Import the good rows and skip the bad ones (default: all or nothing).") var skipInvalid = false

    func run() async throws {
        print(try await JingzhiCommands.importDevices(db.settings, file: file, skipInvalid: skipInvalid, dryRun: dryRun))
    }
}

struct DeviceKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "key", abstract: "Gateway keys (X-Device-Key).", subcommands: [DeviceKeyCreateCommand.self])
}

struct DeviceKeyCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create",
        abstract: "Issue a key for a vendor gateway; it is printed once. It writes readings for devices of its vendor, or unclaimed ones it reports first.")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "The vendor or gateway the key is for.") var name: String

    func run() async throws {
        let key = try await JingzhiCommands.createDeviceKey(db.settings, name: name)
        FileHandle.standardError.write(Data("device key for \(name) (shown once; keep it safe):\n".utf8))
        print(key)
    }
}

struct DeviceSimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "simulate",
        abstract: "Feed realistic readings of the registered devices straight into the service, or raise a smoke alarm now.")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "Hours of readings to feed, up to now (quarter-hourly; a period fed twice stores nothing twice).") var hours: Double = 1
    @Option(name: .customLong("smoke-under"), help: "Instead: a smoke alarm now at the first smoke sensor under this node code.") var smokeUnder: String?

    func validate() throws {
        guard hours > 0, hours <= 168 else { throw ValidationError("--hours must be between 0 and 168 (readings older than 7 days are refused)") }
    }

    func run() async throws {
        print(try await JingzhiCommands.simulateDevices(db.settings, hours: hours, smokeUnder: smokeUnder))
    }
}
