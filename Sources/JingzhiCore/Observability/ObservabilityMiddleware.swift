import Foundation
import Vapor

/// The outermost middleware: gives each request an id (returned as `X-Request-Id`), counts and times it by route
/// pattern and status, and logs one "request completed" line. Labels and log lines carry the route's pattern
/// (`/cases/:id`), never the path or query the caller sent, so no id, name or number reaches them.
package struct ObservabilityMiddleware: AsyncMiddleware {
    package init() {}

    package static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    package func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let app = request.application
        let id = Self.requestID(request)
        let route = request.routePattern
        let method = Self.methods.contains(request.method.rawValue) ? request.method.rawValue : "OTHER"
        if let factory = app.logHandlerFactory {
            request.logger = Logger(label: "jingzhi.request", factory: factory)
        }
        // Vapor's own id comes from the caller's header unchecked: ours replaces it.
        request.logger[metadataKey: "request-id"] = nil
        request.logger[metadataKey: "request_id"] = .string(id)
        request.logger[metadataKey: "route"] = .string(route)
        request.storage[RequestIDKey.self] = id
        app.metrics.inFlight.increment()
        var response: Response
        do {
            response = try await next.respond(to: request)
            // The PIPL access log is written before anything unmasked leaves: no entry, no answer.
            if request.hasPersonalDataToRecord, response.status.code < 400 { try await request.personalDataRecorder.flush(request) }
        } catch {
            response = JingzhiErrorMiddleware.response(for: error, request: request)
        }
        app.metrics.inFlight.decrement()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        response.headers.replaceOrAdd(name: .xRequestId, value: id)
        app.metrics.requestFinished(method: method, route: route, status: Int(response.status.code), seconds: seconds)
        request.logger.info("request completed", metadata: [
            "method": .string(method), "status": .stringConvertible(response.status.code),
            "duration_ms": .stringConvertible((seconds * 10_000).rounded() / 10),
        ])
        return response
    }

    /// The proxy's id when the proxy is trusted and it is a short safe token; otherwise a new one.
    static func requestID(_ request: Request) -> String {
        if request.application.settings.trustProxy, let sent = request.headers.first(name: .xRequestId), isSafe(sent) { return sent }
        return (0..<2).map { _ in
            let hex = String(UInt64.random(in: 0...UInt64.max), radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// 8–64 characters of `[A-Za-z0-9._-]`: nothing a log reader could mistake for data.
    package static func isSafe(_ id: String) -> Bool {
        (8...64).contains(id.utf8.count) && id.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 46 || c == 95
        }
    }
}

private struct RequestIDKey: StorageKey { typealias Value = String }

extension Request {
    /// This request's id, as returned in `X-Request-Id` and written on its log lines.
    package var requestID: String? { storage[RequestIDKey.self] }

    /// The route's pattern (`/cases/:id`), or `(unmatched)` when no route answers the path.
    package var routePattern: String {
        guard let route else { return "(unmatched)" }
        return "/" + route.path.map(\.description).joined(separator: "/")
    }

    /// Puts the signed-in user's internal id on this request's log lines (the sign-in middleware calls it).
    package func noteUser(_ id: UUID?) {
        logger[metadataKey: "user_id"] = id.map { .string($0.uuidString) }
    }
}

extension Application {
    private struct LogHandlerFactoryKey: StorageKey { typealias Value = @Sendable (String) -> any LogHandler }

    /// When set (tests capturing log lines), every request's logger is made from it instead of the process' logging system.
    package var logHandlerFactory: (@Sendable (String) -> any LogHandler)? {
        get { storage[LogHandlerFactoryKey.self] }
        set { storage[LogHandlerFactoryKey.self] = newValue }
    }
}
