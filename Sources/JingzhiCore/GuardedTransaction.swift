import Fluent
import NIOConcurrencyHelpers
import NIOCore

/// Tells whether one leased connection has died. The app sets it for PostgreSQL; Core names no driver.
package enum ConnectionHealth {
    private static let box = NIOLockedValueBox<(@Sendable (any Database) async -> (@Sendable () -> Bool)?)?>(nil)

    /// `probe(conn)` answers a cheap "is it closed now?" check for the connection `conn` holds, or nil.
    package static func use(_ probe: @escaping @Sendable (any Database) async -> (@Sendable () -> Bool)?) {
        box.withLockedValue { $0 = probe }
    }

    static func closedCheck(for conn: any Database) async -> (@Sendable () -> Bool)? {
        guard let probe = box.withLockedValue({ $0 }) else { return nil }
        return await probe(conn)
    }
}

/// The transaction lost its connection (the database restarted or cut it off); nothing of it was committed
/// unless the error came after COMMIT was sent, which idempotency keys make safe to retry.
package struct ConnectionLostError: Error, CustomStringConvertible {
    package var description: String { "the database connection was lost during a transaction" }
}

extension Database {
    /// BEGIN, body, COMMIT on one leased connection, watched: when the connection dies, the transaction fails within
    /// about a second instead of waiting for an answer that will never come, and the dead connection goes back to
    /// its pool, which drops it. (postgres-nio drops a query written after its channel closed without failing it, so
    /// Fluent's own ROLLBACK on a dead connection would hold that connection — and the event loop's pool — forever.)
    func guardedTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await withConnection { conn in
            guard let control = conn as? any TransactionControlDatabase,
                  let closed = await ConnectionHealth.closedCheck(for: conn) else {
                return try await conn.transaction(body)
            }
            if closed() { throw ConnectionLostError() }
            let eventLoop = conn.eventLoop
            let promise = eventLoop.makePromise(of: T.self)
            let work = Task {
                do {
                    try await control.beginTransaction().get()
                    do {
                        let result = try await body(conn)
                        try await control.commitTransaction().get()
                        promise.succeed(result)
                    } catch {
                        if !closed() { _ = try? await control.rollbackTransaction().get() }
                        promise.fail(error)
                    }
                } catch {
                    promise.fail(error)
                }
            }
            _ = work
            let watch = eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(500), delay: .milliseconds(500)) { task in
                if closed() {
                    promise.fail(ConnectionLostError())
                    task.cancel()
                }
            }
            defer { watch.cancel() }
            return try await promise.futureResult.get()
        }
    }
}
