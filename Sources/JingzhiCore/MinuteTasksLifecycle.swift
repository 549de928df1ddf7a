import Vapor

/// Runs every feature's minute task, in the order they registered, once a minute while the server is up.
package struct MinuteTasksLifecycle: LifecycleHandler {
    final class Box: @unchecked Sendable { var task: Task<Void, Never>? }
    let box = Box()

    package init() {}

    package func didBootAsync(_ app: Application) async throws {
        box.task = Task {
            while !Task.isCancelled {
                for task in app.minuteTasks.all { await task.run(app) }
                try? await Task.sleep(for: .seconds(60))
            }
        }
    }

    package func shutdownAsync(_ app: Application) async {
        box.task?.cancel()
    }
}
