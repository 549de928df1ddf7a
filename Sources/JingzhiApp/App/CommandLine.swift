import Fluent
import JingzhiCore
import NIOConcurrencyHelpers
import Vapor

/// What the `jingzhi` executable runs. Each entry opens the app on the configured database, migrates, works, shuts down.
public enum JingzhiCommands {
    private static let loggingReady = NIOLockedValueBox(false)

    /// An app ready for work: configured, migrated. Callers must `asyncShutdown()` it.
    public static func openApp(_ settings: Settings, arguments: [String] = ["jingzhi"]) async throws -> Application {
        var env = Environment(name: "production", arguments: arguments)
        // The logging system may be set up once per process only.
        if loggingReady.withLockedValue({ ready in defer { ready = true }; return !ready }) {
            if settings.environment["JINGZHI_LOG_FORMAT"]?.lowercased() == "json" {
                // One JSON object a line for a log collector; `LOG_LEVEL` as for the text format (default info).
                let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
                LoggingSystem.bootstrap { label in JSONLogHandler.standardOutput(label: label, level: level) }
            } else {
                try LoggingSystem.bootstrap(from: &env)
            }
        }
        let app = try await Application.make(env)
        do {
            try await configure(app, settings: settings)
            try await migrate(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        return app
    }

    static func run<T>(_ settings: Settings, _ work: (Application) async throws -> T) async throws -> T {
        let app = try await openApp(settings)
        do {
            let result = try await work(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// `asOf` (`yyyy-MM-dd`, default today in Asia/Shanghai) is the day a newly seeded demo's history ends.
    public static func serve(_ settings: Settings, hostname: String, port: Int, demo: Bool, asOf: String? = nil) async throws {
        // SQLite: held while serving, so `jingzhi restore` can tell a server is running on this data directory.
        let serverLock = settings.usesPostgres ? nil : try ServerLock.holdForServer(settings)
        defer { withExtendedLifetime(serverLock) {} }
        let app = try await openApp(settings, arguments: ["jingzhi", "serve", "--hostname", hostname, "--port", String(port)])
        do {
            var accounts: [DemoAccount] = []
            if demo {
                print("正在准备演示数据 (preparing the demo county)…")
                let day = try DemoSeeder.asOfDay(asOf, now: app.clock.now())
                let summary = try await DemoSeeder.seed(app, scale: .county, asOf: day) { print("  " + $0) }
                accounts = summary.accounts
                for part in FeatureList.demoParts { part.liveDemo(app) }
            }
            let shown = hostname == "0.0.0.0" ? "127.0.0.1" : hostname
            print("\n精治 Jingzhi serving at http://\(shown):\(port)/  (database: \(settings.usesPostgres ? "PostgreSQL" : settings.sqlitePath))")
            if !accounts.isEmpty {
                print("Demo logins (password \(DemoSeeder.password)):")
                for a in accounts { print("  \(a.username.padding(toLength: 16, withPad: " ", startingAt: 0)) \(a.role.padding(toLength: 17, withPad: " ", startingAt: 0)) \(a.nodeName)") }
            } else if try await User.query(on: app.db).count() == 0 {
                print("No accounts yet. Create one: jingzhi user create --username admin --password '…' --role admin")
            }
            app.lifecycle.use(MinuteTasksLifecycle())
            try await app.execute()
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    public static func migrateOnly(_ settings: Settings) async throws {
        try await run(settings) { _ in }
    }

    public static func seed(_ settings: Settings, scale: DemoScale, asOf: String? = nil) async throws -> DemoSummary {
        try await run(settings) { app in
            let day = try DemoSeeder.asOfDay(asOf, now: app.clock.now())
            return try await DemoSeeder.seed(app, scale: scale, asOf: day) { print($0) }
        }
    }

    public static func createUser(_ settings: Settings, username: String, password: String, role: String, node: String?, displayName: String?,
                                  department: String? = nil) async throws -> String {
        try await run(settings) { app in
            guard let role = Role(rawValue: role) else {
                throw APIError.invalid("role", "unknown role \(role); one of: \(Role.allCases.map(\.rawValue).joined(separator: " "))")
            }
            var target: OrgNode?
            if let node {
                guard let n = try await OrgService(db: app.db, now: app.clock.now()).find(codeOrID: node) else {
                    throw APIError.invalid("node", "no node with code or id \(node)")
                }
                target = n
            }
            let dept = try await AccountService.department(code: department, for: role, on: app.db)
            let user = try await AccountService(app: app).createUser(username: username, password: password, role: role, node: target,
                                                                     displayName: displayName, phone: nil, department: dept, creator: nil, source: .cli("user create"))
            return "created \(user.username) (\(role.rawValue))" + (target.map { " at \($0.name) [\($0.code)]" } ?? "")
        }
    }

    public static func resetPassword(_ settings: Settings, username: String, password: String) async throws {
        try await run(settings) { app in
            try await AccountService(app: app).resetPassword(username: username, to: password, source: .cli("user reset-password"))
        }
    }

    /// Imports residents from a CSV file into the subtree of `node` (the whole tree when nil).
    public static func importResidents(_ settings: Settings, file: String, node: String?, skipInvalid: Bool, dryRun: Bool) async throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        return try await run(settings) { app in
            let scope = try await scopeFor(node, app)
            let report = try await ResidentImporter(db: app.db, now: app.clock.now(), scope: scope, source: .cli("import"))
                .run(data: data, skipInvalid: skipInvalid, dryRun: dryRun)
            var lines = report.errors.map { "line \($0.line)\($0.field.map { " [\($0)]" } ?? ""): \($0.message)" }
            lines.append("rows \(report.rows), valid \(report.valid), created \(report.created), updated \(report.updated), unchanged \(report.unchanged), skipped \(report.skipped), encoding \(report.encoding)")
            lines.append(report.committed ? "imported." : (dryRun ? "dry run: nothing written." : "nothing imported (fix the rows above, or pass --skip-invalid)."))
            if !report.committed && !dryRun && !report.errors.isEmpty { throw CommandFailure(message: lines.joined(separator: "\n")) }
            return lines.joined(separator: "\n")
        }
    }

    /// Sets boundaries from a GeoJSON FeatureCollection whose features carry `properties.code`.
    public static func importBoundaries(_ settings: Settings, file: String) async throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        return try await run(settings) { app in
            let results = try await BoundaryImport.run(data: data, db: app.db, now: app.clock.now(), source: .cli("import boundaries"))
            return "boundaries set: \(results)"
        }
    }

    public static func exportResidents(_ settings: Settings, node: String?, full: Bool) async throws -> String {
        try await run(settings) { app in
            let scope = try await scopeFor(node, app)
            return try await ResidentExporter(db: app.db, now: app.clock.now(), role: full ? nil : .streetStaff).csv(ResidentQuery(), scope: scope)
        }
    }

    /// The same register as an .xlsx workbook.
    public static func exportResidentsWorkbook(_ settings: Settings, node: String?, full: Bool) async throws -> Data {
        try await run(settings) { app in
            let scope = try await scopeFor(node, app)
            return try await ResidentExporter(db: app.db, now: app.clock.now(), role: full ? nil : .streetStaff).xlsx(ResidentQuery(), scope: scope)
        }
    }

    static func scopeFor(_ node: String?, _ app: Application) async throws -> DataScope {
        guard let node else { return .everything }
        guard let n = try await OrgService(db: app.db, now: app.clock.now()).find(codeOrID: node) else {
            throw APIError.invalid("node", "no node with code or id \(node)")
        }
        return DataScope(rootPath: n.path)
    }
}

public struct CommandFailure: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Reads a FeatureCollection and sets the boundary of each node named by `properties.code`, all or nothing.
enum BoundaryImport {
    static func run(data: Data, db: any Database, now: Date, source: AuditSource) async throws -> Int {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw APIError.invalid("file", "not a JSON object")
        }
        let features: [[String: Any]] = root["type"] as? String == "FeatureCollection" ? (root["features"] as? [[String: Any]] ?? []) : [root]
        var pending: [(OrgNode, Boundary)] = []
        for (i, f) in features.enumerated() {
            guard let code = (f["properties"] as? [String: Any])?["code"] as? String else {
                throw APIError.invalid("features[\(i)].properties.code", "feature \(i + 1) has no properties.code")
            }
            guard let node = try await OrgNode.query(on: db).filter(\.$code == code).first() else {
                throw APIError.invalid("features[\(i)].properties.code", "feature \(i + 1): no node with code \(code)")
            }
            do { pending.append((node, try Boundary.parse(f))) } catch let e as APIError {
                throw APIError.invalid("features[\(i)]", "feature \(i + 1) (\(code)): \(e.message)")
            }
        }
        let all = pending
        try await db.writeTransaction { tx in
            let inTx = OrgService(db: tx, now: now)
            for (node, boundary) in all { try await inTx.setBoundary(node, boundary, source: source) }
        }
        return all.count
    }
}
