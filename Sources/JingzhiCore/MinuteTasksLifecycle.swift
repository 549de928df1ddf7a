import Vapor

/// Runs every feature's minute task, in the order they registered, once a minute while the server is up.
package struct MinuteTasksLifecycle: LifecycleHandler {
    final class Box: @unchecked Sendable { var task: Task<Void, Never>? }
    let box = Box()

    package init() {}

    package func didBootAsync(_ app: Application) async throws {
        box.task = Task {
            while !Task.isCancelled {
                for task in app.minuteTasks.all where !Task.isCancelled { await task.run(app) }
                try? await Task.sleep(for: .seconds(60))
            }
        }
    }

    /// Waits for the task running now to finish: one still at work while the app shuts down would touch a gone app
    /// (the process crashed on SIGTERM with "Core not configured").
    package func shutdownAsync(_ app: Application) async {
        box.task?.cancel()
        await box.task?.value
    }
}
