import NIOConcurrencyHelpers
import Vapor

/// Work a feature wants done every minute while the server runs (sweepers, scheduled sends). The server's scheduler
/// loop calls each in turn; a task claims its rows in the database, so several servers never do the same work twice.
package final class MinuteTasks: Sendable {
    package typealias Task = @Sendable (Application) async -> Void
    private let tasks = NIOLockedValueBox<[(name: String, run: Task)]>([])

    package init() {}

    package func add(_ name: String, _ run: @escaping Task) {
        tasks.withLockedValue { $0.append((name, run)) }
    }

    package var all: [(name: String, run: Task)] { tasks.withLockedValue { $0 } }
}

extension Application {
    private struct MinuteTasksKey: StorageKey { typealias Value = MinuteTasks }

    /// Made when the features register (before any request), so it is never made twice.
    package var minuteTasks: MinuteTasks {
        if let have = storage[MinuteTasksKey.self] { return have }
        let made = MinuteTasks()
        storage[MinuteTasksKey.self] = made
        return made
    }
}
