import NIOConcurrencyHelpers
import Vapor

/// Work a feature wants done every minute while the server runs (sweepers, scheduled sends). The server's scheduler
/// loop calls each in turn; a task claims its rows in the database, so several servers never do the same work twice.
package final class MinuteTasks: Sendable {
    package typealias Task = @Sendable (Application) async -> Void
    /// A task that says how many rows it claimed and worked on (nil: it does not count).
    package typealias CountingTask = @Sendable (Application) async -> Int?
    private let tasks = NIOLockedValueBox<[(name: String, run: CountingTask)]>([])
    /// When the tick being worked on (or the next one) falls due; nil until the scheduler loop starts.
    private let due = NIOLockedValueBox<Date?>(nil)

    package init() {}

    package func add(_ name: String, _ run: @escaping Task) {
        tasks.withLockedValue { $0.append((name, { app in await run(app); return nil })) }
    }

    /// A task that returns the rows it claimed, for the `jingzhi_scheduler_claims_total` metric.
    package func addCounting(_ name: String, _ run: @escaping @Sendable (Application) async -> Int) {
        tasks.withLockedValue { $0.append((name, { app in await run(app) })) }
    }

    package var all: [(name: String, run: CountingTask)] { tasks.withLockedValue { $0 } }

    /// Runs every task once, in order, counting runs and claims in the app's metrics.
    package func runAll(_ app: Application) async {
        // A server shutting down stops between tasks, not in the middle of one.
        for task in all where !_Concurrency.Task.isCancelled {
            let claimed = await task.run(app)
            let labels = [("task", task.name)]
            app.metrics.counter("jingzhi_scheduler_runs_total", "Minute-task runs on this server", labels).increment()
            if let claimed {
                app.metrics.counter("jingzhi_scheduler_claims_total", "Rows a minute task claimed and worked on, on this server", labels)
                    .increment(by: Int64(claimed))
            }
        }
    }

    package func setDue(_ date: Date) { due.withLockedValue { $0 = date } }

    /// Seconds since the current tick fell due while it has not finished; 0 while waiting for the next. Nil: no loop runs.
    package func lag(now: Date) -> Double? {
        due.withLockedValue { $0 }.map { max(0, now.timeIntervalSince($0)) }
    }
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
