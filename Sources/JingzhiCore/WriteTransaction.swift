import Fluent
import SQLKit

extension Database {
    /// A transaction that writes. SQLite lets one writer in at a time, and a transaction that reads before it writes
    /// fails with "database is locked" when another got in first; so on SQLite writers queue here (one process serves
    /// a SQLite file). PostgreSQL runs them side by side.
    package func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if inTransaction { return try await transaction(body) }
        if isPostgres { return try await guardedTransaction(body) }
        await SQLiteWriters.shared.enter()
        do {
            let result = try await transaction { tx in
                try await takeSQLiteWriteLock(tx)
                return try await body(tx)
            }
            await SQLiteWriters.shared.leave()
            return result
        } catch {
            await SQLiteWriters.shared.leave()
            throw error
        }
    }
}

/// SQLite's BEGIN is deferred: a transaction that reads first and writes later fails at once with SQLITE_BUSY_SNAPSHOT
/// when another connection (an autocommit write outside the queue) commits in between. A write statement that changes
/// nothing takes the write lock up front, waiting in the busy handler like any writer; readers are not held up (WAL).
private func takeSQLiteWriteLock(_ db: any Database) async throws {
    guard let sql = db as? any SQLDatabase else { return }
    try await sql.raw("UPDATE _fluent_migrations SET batch = batch WHERE 0").run()
}

/// First come, first served: one SQLite write transaction at a time in this process.
package actor SQLiteWriters {
    package static let shared = SQLiteWriters()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    package func enter() async {
        if !busy { busy = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    package func leave() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
