import Foundation
import JingzhiCore
import NIOConcurrencyHelpers
import Vapor

/// `jingzhi bench --part observability`: what the metrics and logging middleware cost, as `GET /healthz` answered
/// per second through the app's responder with it and without it, in alternating rounds of the same run.
enum ObservabilityBench {
    static let part = BenchPart(name: "observability", help: "GET /healthz per second with and without the metrics+logging middleware (fresh database)",
                                run: .alone { settings, options in try await run(settings, options) })

    static func run(_ settings: Settings, _ options: BenchOptions) async throws -> [String] {
        try await JingzhiCommands.run(settings) { app in
            // Log lines are formatted as in production and written to /dev/null, so their cost counts, not a terminal's.
            let sink = FileHandle(forWritingAtPath: "/dev/null")
            let lock = NIOLock()
            app.logHandlerFactory = { label in
                JSONLogHandler(label: label, level: .info) { line in lock.withLock { sink?.write(Data((line + "\n").utf8)) } }
            }
            app.middleware = .init()
            app.middleware.use(ObservabilityMiddleware())
            app.middleware.use(SecurityHeadersMiddleware())
            app.middleware.use(JingzhiErrorMiddleware())
            let with = app.responder.current
            app.middleware = .init()
            app.middleware.use(SecurityHeadersMiddleware())
            app.middleware.use(JingzhiErrorMiddleware())
            let without = app.responder.current
            let rounds = max(3, min(options.repeats, 7))
            _ = try await rate(app, with, seconds: 0.5)
            _ = try await rate(app, without, seconds: 0.5)
            var a: [Double] = [], b: [Double] = []
            for _ in 0..<rounds {
                a.append(try await rate(app, with, seconds: 2))
                b.append(try await rate(app, without, seconds: 2))
            }
            let withRate = a.sorted()[a.count / 2], withoutRate = b.sorted()[b.count / 2]
            let db = settings.usesPostgres ? "PostgreSQL" : "SQLite"
            return ["metrics and logging middleware (\(db), 8 requests in flight, median of \(rounds) alternating 2 s rounds):",
                    "| GET /healthz through the responder | requests/s | × without |", "|---|---:|---:|",
                    String(format: "| without the middleware (baseline) | %.0f | 1.00 |", withoutRate),
                    String(format: "| with it (metrics, request id, JSON log line) | %.0f | %.2f |", withRate, withRate / withoutRate)]
        }
    }

    /// Requests answered per second by `responder`, eight at a time, for `seconds`.
    static func rate(_ app: Application, _ responder: any Responder, seconds: Double) async throws -> Double {
        let end = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        let started = DispatchTime.now().uptimeNanoseconds
        let done = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var n = 0
                    while DispatchTime.now().uptimeNanoseconds < end {
                        let req = Request(application: app, method: .GET, url: URI(path: "/healthz"), on: app.eventLoopGroup.next())
                        let res = try await responder.respond(to: req).get()
                        guard res.status == .ok else { throw APIError(.internalServerError, code: "bench", "healthz answered \(res.status.code)") }
                        n += 1
                    }
                    return n
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(done) / (Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
    }
}
