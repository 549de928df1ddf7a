import Foundation

/// Everything the server reads from flags and the environment, resolved once at start-up.
public struct Settings: Sendable {
    /// Where the SQLite file (and later uploads and backups) live. `JINGZHI_DATA_DIR`, default `./data`.
    public var dataDirectory: String
    /// PostgreSQL URL; when nil the embedded SQLite file is used. `DATABASE_URL`.
    public var databaseURL: String?
    /// Bcrypt cost. Tests lower it to keep runs quick.
    public var passwordCost: Int
    /// Log every SQL statement (debugging only).
    public var logSQL: Bool
    /// Behind a reverse proxy: take the client address from `X-Forwarded-For`. `JINGZHI_TRUST_PROXY=1`.
    public var trustProxy: Bool = false
    /// Mark the session cookie Secure on every response (the site is only reached over HTTPS). `JINGZHI_SECURE_COOKIES=1`.
    public var secureCookies: Bool = false
    /// Every `JINGZHI_*` variable as the process started with it, for the features' own settings.
    public var environment: [String: String] = [:]
    /// This server's name among several behind one proxy, sent in `X-Jingzhi-Server` on every response (letters,
    /// digits, `-` and `_`, at most 32). `JINGZHI_INSTANCE`; unset: no header.
    public var instance: String?
    /// PostgreSQL schema to work in (tests give each run its own); nil uses the server's default.
    public var databaseSchema: String?
    /// PostgreSQL connections per event loop (one loop per core). `JINGZHI_DB_CONNECTIONS`, 1–32, default 1: a
    /// server under load queues its queries for these, so a city's servers want more (docs/deployment.md).
    public var databaseConnectionsPerLoop: Int = 1

    public init(dataDirectory: String, databaseURL: String? = nil, passwordCost: Int = 10, logSQL: Bool = false,
                databaseSchema: String? = nil) {
        self.dataDirectory = dataDirectory
        self.databaseSchema = databaseSchema
        self.databaseURL = databaseURL
        self.passwordCost = passwordCost
        self.logSQL = logSQL
    }

    /// Settings from the process environment, with flags applied on top by the CLI.
    public static func fromEnvironment(dataDirectory: String? = nil, databaseURL: String? = nil) -> Settings {
        let env = ProcessInfo.processInfo.environment
        let dir = dataDirectory ?? env["JINGZHI_DATA_DIR"] ?? "./data"
        let url = databaseURL ?? env["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        var settings = Settings(dataDirectory: dir, databaseURL: url)
        settings.environment = env.filter { $0.key.hasPrefix("JINGZHI_") }
        settings.trustProxy = ["1", "true", "yes"].contains(env["JINGZHI_TRUST_PROXY"]?.lowercased() ?? "")
        settings.secureCookies = ["1", "true", "yes"].contains(env["JINGZHI_SECURE_COOKIES"]?.lowercased() ?? "")
        settings.instance = env["JINGZHI_INSTANCE"].flatMap { ServerInstanceMiddleware.validName($0) }
        if let n = env["JINGZHI_DB_CONNECTIONS"].flatMap(Int.init), (1...32).contains(n) { settings.databaseConnectionsPerLoop = n }
        return settings
    }

    public var sqlitePath: String { (dataDirectory as NSString).appendingPathComponent("jingzhi.sqlite") }
    public var usesPostgres: Bool { databaseURL != nil }
}
