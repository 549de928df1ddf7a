import ArgumentParser
import Foundation
import JingzhiApp
import JingzhiCore

/// Where the data lives; every subcommand takes these.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Directory of the embedded SQLite database (env JINGZHI_DATA_DIR, default ./data).")
    var dataDir: String?

    @Option(name: .customLong("database-url"), help: "PostgreSQL URL, e.g. postgres://user:pass@host:5432/db (env DATABASE_URL). Without it, SQLite is used.")
    var databaseURL: String?

    var settings: Settings { Settings.fromEnvironment(dataDirectory: dataDir, databaseURL: databaseURL) }
}

@main
struct Jingzhi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jingzhi",
        abstract: "精治 Jingzhi — community governance platform.",
        subcommands: [Serve.self, Migrate.self, Seed.self, Import.self, Export.self, UserCommand.self, BenchCommand.self, APIKeyCommand.self,
                      PointsCommand.self, DeviceCommand.self, BackupCommand.self, RestoreCommand.self]
    )
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the web server (creates and migrates the database on first start).")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "Address to listen on.") var hostname = "127.0.0.1"
    @Option(help: "Port to listen on (env PORT, default 8080).") var port: Int?
    @Flag(help: "Load the demo county (鱼台县) first, if it is not there yet, and print the demo logins.") var demo = false
    @Option(name: .customLong("as-of"), help: "With --demo: the day (YYYY-MM-DD) the demo's history ends; default today (Asia/Shanghai).")
    var asOf: String?

    func validate() throws {
        try checkAsOf(asOf)
    }

    func run() async throws {
        let port = port ?? ProcessInfo.processInfo.environment["PORT"].flatMap(Int.init) ?? 8080
        try await JingzhiCommands.serve(db.settings, hostname: hostname, port: port, demo: demo, asOf: asOf)
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema.")
    @OptionGroup var db: DatabaseOptions
    func run() async throws {
        try await JingzhiCommands.migrateOnly(db.settings)
        print("database is up to date")
    }
}

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load the deterministic demo data set (running it twice changes nothing).")
    @OptionGroup var db: DatabaseOptions
    @Flag(help: "Load the demo county.") var demo = false
    @Option(help: "county: Yutai-sized demo (~115k residents); city: Baoji-sized data set for benchmarks (~1.9M residents); tiny: for tests.")
    var scale: String = "county"
    @Option(name: .customLong("as-of"), help: "The day (YYYY-MM-DD) the demo's history ends; default today (Asia/Shanghai). The same day makes the same rows.")
    var asOf: String?

    func validate() throws {
        guard demo else { throw ValidationError("say what to seed: --demo") }
        guard DemoScale(rawValue: scale) != nil else { throw ValidationError("--scale must be tiny, county or city") }
        try checkAsOf(asOf)
    }

    func run() async throws {
        let started = Date()
        let summary = try await JingzhiCommands.seed(db.settings, scale: DemoScale(rawValue: scale)!, asOf: asOf)
        print(summary.created ? "seeded" : "already seeded; nothing changed",
              "— nodes \(summary.nodes), households \(summary.households), residents \(summary.residents)",
              String(format: "(%.1f s)", Date().timeIntervalSince(started)))
        if !summary.accounts.isEmpty {
            print("Demo logins (password \(DemoSeeder.password)):")
            for a in summary.accounts { print("  \(a.username)  \(a.role)  \(a.nodeName)") }
        }
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Import data from files.", subcommands: [ImportResidents.self, ImportBoundaries.self])
}

struct ImportResidents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "residents",
        abstract: "Import residents from CSV (UTF-8, with or without BOM, or GB18030). All rows are checked first; nothing is written if any is bad.")
    @OptionGroup var db: DatabaseOptions
    @Argument(help: "The CSV file.") var file: String
    @Option(help: "Only resolve addresses under this node (code or id).") var node: String?
    @Flag(help: "Import the valid rows and skip the bad ones.") var skipInvalid = false
    @Flag(help: "Check the file without writing anything.") var dryRun = false

    func run() async throws {
        do {
            print(try await JingzhiCommands.importResidents(db.settings, file: file, node: node, skipInvalid: skipInvalid, dryRun: dryRun))
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data((failure.message + "\n").utf8))
            throw ExitCode(2)
        }
    }
}

struct ImportBoundaries: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "boundaries",
        abstract: "Set node boundaries from a GeoJSON FeatureCollection of Polygons whose properties.code names the node.")
    @OptionGroup var db: DatabaseOptions
    @Argument(help: "The GeoJSON file.") var file: String
    func run() async throws { print(try await JingzhiCommands.importBoundaries(db.settings, file: file)) }
}

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export data to files.", subcommands: [ExportResidents.self])
}

struct ExportResidents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "residents",
        abstract: "Export residents as CSV for Excel (UTF-8 with BOM), or as an .xlsx workbook when the output file ends in .xlsx.")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "Only this node's subtree (code or id).") var node: String?
    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?
    @Flag(help: "Include full ID numbers and phones (otherwise masked).") var full = false

    func run() async throws {
        if let output, output.lowercased().hasSuffix(".xlsx") {
            let data = try await JingzhiCommands.exportResidentsWorkbook(db.settings, node: node, full: full)
            try data.write(to: URL(fileURLWithPath: output))
            return
        }
        let csv = try await JingzhiCommands.exportResidents(db.settings, node: node, full: full)
        if let output { try csv.write(toFile: output, atomically: true, encoding: .utf8) } else { print(csv, terminator: "") }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage accounts.", subcommands: [UserCreate.self, UserResetPassword.self])
}

struct UserCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an account bound to a node of the tree.")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "Login name (3–32 letters, digits, _.-).") var username: String
    @Option(help: "Password (8+ characters with letters and digits).") var password: String
    @Option(help: "admin, street_staff, community_staff, grid_worker, department_staff, property_staff, partner or resident.") var role: String
    @Option(help: "The node (code or id) whose subtree the account may see; admins may omit it.") var node: String?
    @Option(help: "Name shown in the UI.") var displayName: String?
    @Option(help: "For department_staff: the department's code (e.g. zhujian); the account acts on the cases dispatched to it.") var department: String?
    func run() async throws {
        print(try await JingzhiCommands.createUser(db.settings, username: username, password: password, role: role, node: node, displayName: displayName,
                                                   department: department))
    }
}

struct UserResetPassword: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reset-password", abstract: "Set a new password (and sign the account out everywhere).")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "Login name.") var username: String
    @Option(help: "The new password.") var password: String
    func run() async throws {
        try await JingzhiCommands.resetPassword(db.settings, username: username, password: password)
        print("password reset for \(username)")
    }
}

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench",
        abstract: "Seed a data set (if needed) and time the register's queries against a same-run baseline; prints a Markdown table.")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "tiny, county or city.") var scale = "city"
    @Option(help: "Timed runs per query.") var repeats = 30
    @Option(help: ArgumentHelp(Bench.partsHelp)) var part = "all"
    @Option(help: "Cases a day when the year of cases is seeded (2740 ≈ one million a year).") var casesPerDay = 2740.0

    func run() async throws {
        guard let s = DemoScale(rawValue: scale) else { throw ValidationError("--scale must be tiny, county or city") }
        guard Bench.partNames.contains(part) else { throw ValidationError("--part must be one of \(Bench.partNames.joined(separator: ", "))") }
        guard casesPerDay > 0 else { throw ValidationError("--cases-per-day must be positive") }
        let lines = try await Bench.run(db.settings, scale: s, repeats: repeats, part: part, casesPerDay: casesPerDay) { print($0) }
        print(lines.joined(separator: "\n"))
    }
}

struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apikey", abstract: "Manage Open311 API keys.", subcommands: [APIKeyCreate.self])
}

struct APIKeyCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create",
        abstract: "Issue an Open311 api_key; it is printed once (only its SHA-256 is stored).")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "Who the key is for, e.g. the client app or partner.") var name: String
    @Option(help: "Code of the area it serves (a street or community); requests whose address matches no place land there.") var area: String?

    func run() async throws {
        let key = try await JingzhiCommands.createAPIKey(db.settings, name: name, area: area)
        FileHandle.standardError.write(Data("api_key for \(name) (shown once; keep it safe):\n".utf8))
        print(key)
    }
}

struct PointsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "points", abstract: "The points ledger.",
                                                    subcommands: [PointsVerifyCommand.self, PointsExpireCommand.self, PointsExpireYearCommand.self])
}

struct PointsVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify",
        abstract: "Prove the points ledger balances: each stored balance equals its entries, debits equal credits (exit 1 otherwise).")
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let (ok, report) = try await JingzhiCommands.verifyPoints(db.settings)
        print(report)
        if !ok { throw ExitCode(1) }
    }
}

struct PointsExpireCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "expire",
        abstract: "Void pending redemptions not collected within --days days: their points and stock return.")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "Days a redemption waits to be collected.") var days: Int = 14

    func run() async throws {
        let n = try await JingzhiCommands.expireRedemptions(db.settings, days: days)
        print("已过期 \(n) 笔兑换 (\(n) redemptions expired)")
    }
}

struct PointsExpireYearCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "expire-year",
        abstract: "Expire what is left of the points earned in --year once --years full years have passed after it (running it again changes nothing).")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "The year whose points expire.") var year: Int
    @Option(help: "Full years points live after the year they were earned in.") var years: Int = 1

    func run() async throws {
        let (accounts, points) = try await JingzhiCommands.expirePoints(db.settings, year: year, years: years)
        print("\(year) 年积分到期：\(accounts) 个账户，共 \(points) 分 (\(points) points of \(year) expired in \(accounts) accounts)")
    }
}

/// Refuses a `--as-of` that is not a real `YYYY-MM-DD` day, before anything opens the database.
func checkAsOf(_ raw: String?) throws {
    guard let raw else { return }
    do { _ = try DemoSeeder.asOfDay(raw, now: Date()) } catch let e as DemoDateError { throw ValidationError(e.description) }
}
