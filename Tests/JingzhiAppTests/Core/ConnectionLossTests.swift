import Fluent
import Foundation
import JingzhiCore
import NIOCore
import SQLKit
import Testing
import Vapor
@testable import JingzhiApp

/// A PostgreSQL connection that dies inside a transaction must not take its event loop's pool with it
/// (after a database crash-restart a server used to answer 503 until restarted).
@Suite("Connection loss", .enabled(if: testsRunOnPostgres))
struct ConnectionLossTests {
    struct TimedOut: Error {}

    /// `op`'s result, or TimedOut after `seconds` even when `op` never returns.
    func within<T: Sendable>(_ seconds: Int64, on app: Application, _ op: @escaping @Sendable () async throws -> T) async throws -> T {
        let loop = app.eventLoopGroup.next()
        let promise = loop.makePromise(of: T.self)
        Task { do { promise.succeed(try await op()) } catch { promise.fail(error) } }
        let timer = loop.scheduleTask(in: .seconds(seconds)) { promise.fail(TimedOut()) }
        defer { timer.cancel() }
        return try await promise.futureResult.get()
    }

    /// Every event loop's pool still serves transactions (more rounds than loops, so each loop is hit).
    func poolsServe(_ app: Application) async throws {
        for round in 0..<12 {
            let n = try await within(15, on: app) {
                try await app.db.writeTransaction { tx in
                    try await tx.sql.raw("SELECT \(literal: round) AS n").first()?.decode(column: "n", as: Int.self)
                }
            }
            #expect(n == round, "transaction \(round) answered")
        }
    }

    @Test("the connection killed by a query in the transaction: the transaction fails, the pools recover")
    func killedDuringQuery() async throws {
        try await withTestApp { app in
            for _ in 0..<3 {
                await #expect(throws: (any Error).self) {
                    try await within(15, on: app) {
                        try await app.db.writeTransaction { tx in
                            try await tx.sql.raw("SELECT pg_terminate_backend(pg_backend_pid())").run()
                        }
                    }
                }
            }
            try await poolsServe(app)
        }
    }

    @Test("the connection killed between two queries of the transaction: the second fails fast, nothing is committed")
    func killedBetweenQueries() async throws {
        try await withTestApp { app in
            try await app.db.sql.raw("CREATE TABLE loss_probe (n INTEGER)").run()
            let error = await #expect(throws: (any Error).self) {
                try await within(15, on: app) {
                    try await app.db.writeTransaction { tx in
                        try await tx.sql.raw("INSERT INTO loss_probe (n) VALUES (1)").run()
                        let pid = try #require(try await tx.sql.raw("SELECT pg_backend_pid() AS p").first()?
                            .decode(column: "p", as: Int32.self))
                        // another event loop's connection cuts this one off
                        let other = app.eventLoopGroup.makeIterator().first { $0 !== tx.eventLoop } ?? tx.eventLoop
                        let killer = app.databases.database(.psql, logger: app.logger, on: other)!
                        try await (killer as! any SQLDatabase).raw("SELECT pg_terminate_backend(\(literal: pid))").run()
                        try await Task.sleep(for: .milliseconds(300))
                        try await tx.sql.raw("INSERT INTO loss_probe (n) VALUES (2)").run()
                    }
                }
            }
            #expect(!(error is TimedOut), "the transaction failed instead of hanging")
            let rows = try await app.db.sql.raw("SELECT count(*) AS c FROM loss_probe").first()?.decode(column: "c", as: Int.self)
            #expect(rows == 0)
            try await poolsServe(app)
        }
    }
}
