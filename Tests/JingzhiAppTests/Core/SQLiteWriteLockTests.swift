import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
@testable import JingzhiApp

/// A write transaction that reads before it writes must not fail when another connection writes in between
/// (SQLite's deferred BEGIN would answer SQLITE_BUSY_SNAPSHOT: the 500 seen under load).
@Suite struct SQLiteWriteLockTests {
    @Test func aWriteTransactionThatReadsFirstSurvivesAnotherConnectionsWrite() async throws {
        try await withTestApp { app in
            let loops = Array(app.eventLoopGroup.makeIterator())
            try #require(loops.count >= 2)
            let first = loops[0], second = loops[1]
            // Two event loops hold two different connections.
            let a = try #require(app.databases.database(logger: app.logger, on: first))
            let b = try #require(app.databases.database(logger: app.logger, on: second))
            let mark = "lock-\(UUID().uuidString)"
            let (read, readSignal) = AsyncStream<Void>.makeStream()
            let writer = Task {
                try await a.writeTransaction { tx in
                    _ = try await AuditEntry.query(on: tx).filter(\.$summary == mark).count()
                    readSignal.yield()
                    // Meanwhile the other connection writes outside the writers' queue.
                    try await Task.sleep(for: .milliseconds(300))
                    try await AuditLog.record(on: tx, by: .system("test"), at: Date(), action: "in-transaction", entity: "test",
                                              entityID: nil, nodePath: "", summary: mark)
                }
            }
            for await _ in read { break }
            try await AuditLog.record(on: b, by: .system("test"), at: Date(), action: "autocommit", entity: "test",
                                      entityID: nil, nodePath: "", summary: mark)
            try await writer.value
            let actions = try await AuditEntry.query(on: app.db).filter(\.$summary == mark).all().map(\.action)
            #expect(Set(actions) == ["in-transaction", "autocommit"])
        }
    }
}
