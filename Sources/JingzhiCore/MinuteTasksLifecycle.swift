import Vapor

/// Runs every feature's minute task, in the order they registered, once a minute while the server is up.
package struct MinuteTasksLifecycle: LifecycleHandler {
    final class Box: @unchecked Sendable { var task: Task<Void, Never>? }
    let box = Box()

    package init() {}

    package func didBootAsync(_ app: Application) async throws {
        box.task = Task {
            app.minuteTasks.setDue(Date())
            while !Task.isCancelled {
                await app.minuteTasks.runAll(app)
                // The next tick falls due a minute after this one finished; the lag metric counts from then.
                app.minuteTasks.setDue(Date().addingTimeInterval(60))
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
