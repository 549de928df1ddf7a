import NIOConcurrencyHelpers
import Prometheus
import Vapor

/// The server's Prometheus metrics: one registry per app (tests run many apps in one process), the HTTP and database
/// figures Core measures itself, and the collectors features register to set their gauges when `/metrics` is scraped.
package final class AppMetrics: Sendable {
    /// Runs at scrape time and sets the feature's gauges (one cheap grouped query each, please).
    package typealias Collect = @Sendable (Application, AppMetrics) async throws -> Void

    package let registry = PrometheusCollectorRegistry()
    private let collectors = NIOLockedValueBox<[(name: String, collect: Collect)]>([])
    /// Latency buckets in seconds: a page should answer in well under one.
    package static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    package let inFlight: Gauge
    package let poolTimeouts: Counter

    package init() {
        inFlight = registry.makeGauge(descriptor: Self.name("jingzhi_http_requests_in_flight", "Requests being answered right now"), labels: [])
        poolTimeouts = registry.makeCounter(descriptor: Self.name("jingzhi_db_pool_timeouts_total",
                                                                  "Requests answered 503 because no database connection became free in time"), labels: [])
    }

    package static func name(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// A feature's scrape-time collector; `name` labels its failures.
    package func addCollector(_ name: String, _ collect: @escaping Collect) {
        collectors.withLockedValue { $0.append((name, collect)) }
    }

    package func counter(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Counter {
        registry.makeCounter(descriptor: Self.name(name, help), labels: labels)
    }

    package func gauge(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Gauge {
        registry.makeGauge(descriptor: Self.name(name, help), labels: labels)
    }

    /// One answered request: `route` is the route's pattern (`/cases/:id`), never the path a caller typed.
    package func requestFinished(method: String, route: String, status: Int, seconds: Double) {
        let key = "\(method) \(route) \(status)"
        let series = requestSeries.withLockedValue { $0[key] } ?? {
            let labels = [("method", method), ("route", route), ("status", String(status))]
            let made = (counter("jingzhi_http_requests_total", "HTTP requests answered, by method, route pattern and status", labels),
                        registry.makeValueHistogram(descriptor: Self.name("jingzhi_http_request_duration_seconds", "Time to answer a request, by method and route pattern"),
                                                    labels: [("method", method), ("route", route)], buckets: Self.latencyBuckets))
            requestSeries.withLockedValue { $0[key] = made }
            return made
        }()
        series.0.increment()
        series.1.record(seconds)
    }

    /// The request counter and histogram of each method, route and status, found once.
    private let requestSeries = NIOLockedValueBox<[String: (Counter, ValueHistogram)]>([:])

    /// Runs every collector, then the registry's text. A failing collector is counted, never fatal to the scrape.
    package func render(_ app: Application) async -> String {
        for c in collectors.withLockedValue({ $0 }) {
            do { try await c.collect(app, self) } catch {
                counter("jingzhi_metrics_collector_errors_total", "Scrape-time collectors that failed", [("collector", c.name)]).increment()
                app.logger.warning("metrics collector \(c.name) failed: \(type(of: error))")
            }
        }
        return registry.emitToString()
    }
}

extension Application {
    private struct MetricsKey: StorageKey { typealias Value = AppMetrics }

    /// Made when the app is configured (before any request), so it is never made twice.
    package var metrics: AppMetrics {
        if let have = storage[MetricsKey.self] { return have }
        let made = AppMetrics()
        storage[MetricsKey.self] = made
        return made
    }
}
