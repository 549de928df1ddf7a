import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Runs `body` against a fresh, migrated app: a new SQLite file, or — when `JINGZHI_TEST_DATABASE_URL`
/// is set — a new schema on that PostgreSQL server, dropped afterwards. Tests can run in parallel.
func withTestApp(_ body: (Application) async throws -> Void) async throws {
    let pgURL = ProcessInfo.processInfo.environment["JINGZHI_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    // Each app holds its own PostgreSQL connections; bound how many run at once to stay under max_connections.
    if pgURL != nil { await TestAppGate.shared.enter() }
    do {
        try await withFreshApp(pgURL: pgURL, body)
    } catch {
        if pgURL != nil { await TestAppGate.shared.leave() }
        throw error
    }
    if pgURL != nil { await TestAppGate.shared.leave() }
}

/// A counting semaphore for tests.
actor TestAppGate {
    static let shared = TestAppGate(limit: 12)
    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = limit }

    func enter() async {
        if running < limit { running += 1; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
    }
}

private func withFreshApp(pgURL: String?, _ body: (Application) async throws -> Void) async throws {
    let app = try await Application.make(.testing)
    app.logger.logLevel = .warning
    let unique = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jingzhi-test-\(unique)").path
    let settings = Settings(dataDirectory: dir, databaseURL: pgURL, passwordCost: 4,
                            databaseSchema: pgURL == nil ? nil : String(unique))
    do {
        try await configure(app, settings: settings)
        try await migrate(app)
        try await body(app)
    } catch {
        try? await cleanUp(app, settings: settings)
        try await app.asyncShutdown()
        throw error
    }
    try? await cleanUp(app, settings: settings)
    try await app.asyncShutdown()
}

private func cleanUp(_ app: Application, settings: Settings) async throws {
    if let schema = settings.databaseSchema {
        try await (app.db as! any SQLDatabase).raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
    } else {
        try? FileManager.default.removeItem(atPath: settings.dataDirectory)
    }
}

/// Whether this run is on PostgreSQL (for the few tests that check dialect-specific SQL).
var testsRunOnPostgres: Bool { ProcessInfo.processInfo.environment["JINGZHI_TEST_DATABASE_URL"]?.isEmpty == false }
