import Fluent
import Foundation
import SQLKit
import Vapor

/// `GET /metrics` in Prometheus' text format, for a scraper on this machine or one holding
/// `JINGZHI_METRICS_TOKEN` (sent as `Authorization: Bearer …`). Anyone else gets 404, as if there were no such page.
package enum MetricsEndpoint {
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    package static func register(_ app: Application) {
        addCoreCollectors(app)
        app.get("metrics") { req async throws -> Response in
            guard allowed(req) else { throw APIError.notFound }
            let text = await req.application.metrics.render(req.application)
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: contentType)
            return Response(status: .ok, headers: headers, body: .init(string: text))
        }
    }

    /// The token matches, or the client is this machine. A request that came through a proxy (it carries
    /// `X-Forwarded-For`) is judged by the forwarded client address, and only when the proxy is trusted: the proxy
    /// itself always connects from loopback.
    package static func allowed(_ req: Request) -> Bool {
        if let token = req.application.settings.environment["JINGZHI_METRICS_TOKEN"], !token.isEmpty,
           let sent = req.headers.bearerAuthorization?.token, sameSecret(sent, token) {
            return true
        }
        let proxied = !req.headers[.xForwardedFor].isEmpty || req.headers.first(name: "Forwarded") != nil
            || req.headers.first(name: "X-Real-IP") != nil
        if proxied {
            return req.application.settings.trustProxy && isLoopback(req.clientIP)
        }
        return isLoopback(req.remoteAddress?.ipAddress)
    }

    package static func isLoopback(_ ip: String?) -> Bool {
        guard let ip else { return false }
        return ip == "::1" || ip.hasPrefix("127.") || ip.hasPrefix("::ffff:127.")
    }

    /// Compares digests, so the time taken says nothing about how much of the token was right.
    static func sameSecret(_ a: String, _ b: String) -> Bool {
        let x = Array(SHA256.hash(data: Data(a.utf8))), y = Array(SHA256.hash(data: Data(b.utf8)))
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// What Core measures at scrape time: the scheduler's lag and how long a database connection takes to get.
    static func addCoreCollectors(_ app: Application) {
        app.metrics.addCollector("scheduler") { app, m in
            if let lag = app.minuteTasks.lag(now: Date()) {
                m.gauge("jingzhi_scheduler_lag_seconds", "Seconds since the scheduler's current minute tick fell due while it has not finished (0 while waiting)")
                    .set(lag)
            }
        }
        // AsyncKit keeps its pool counts private; a probe measures what callers feel instead: the time to get a
        // connection from the pool and run SELECT 1. It grows when every connection is busy.
        app.metrics.addCollector("database") { app, m in
            let t0 = DispatchTime.now().uptimeNanoseconds
            try await (app.db as! any SQLDatabase).raw("SELECT 1").run()
            m.gauge("jingzhi_db_probe_seconds", "Time to get a pooled database connection and run SELECT 1, at scrape time")
                .set(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        }
    }
}
