import Fluent
import Foundation
import Vapor

extension Request {
    /// The site's address as residents reach it: `JINGZHI_PUBLIC_URL` when set, else this request's scheme
    /// (the proxy's `X-Forwarded-Proto` when trusted) and host. No trailing slash.
    package var publicBase: String {
        if let url = application.settings.environment["JINGZHI_PUBLIC_URL"], !url.isEmpty {
            return url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        let forwarded = application.settings.trustProxy ? headers.first(name: "X-Forwarded-Proto") : nil
        let scheme = forwarded.flatMap { ["http", "https"].contains($0) ? $0 : nil } ?? (application.settings.secureCookies ? "https" : "http")
        return "\(scheme)://\(headers.first(name: .host) ?? "localhost")"
    }

    /// A UUID path parameter; anything that is not a UUID is answered like a missing record.
    package func idParameter(_ name: String = "id") throws -> UUID {
        guard let id = parameters.get(name, as: UUID.self) else { throw APIError.notFound }
        return id
    }

    /// Decodes a JSON body, naming the field at fault when it does not fit.
    package func decodeJSON<T: Decodable>(_ type: T.Type) throws -> T {
        guard let buffer = body.data, buffer.readableBytes > 0 else {
            throw APIError(.badRequest, code: "empty_body", "请求体为空 (empty request body)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let e as DecodingError {
            throw JingzhiErrorMiddleware.describe(e)
        }
    }

    /// The client's address, for throttling and the audit log; a trusted proxy's `X-Forwarded-For` wins.
    package var clientIP: String {
        // The proxy appends the address it saw: the last entry. Earlier ones are the client's own word.
        if application.settings.trustProxy,
           let last = headers[.xForwardedFor].joined(separator: ",").split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty {
            return last
        }
        return remoteAddress?.ipAddress ?? "unknown"
    }

    /// The app clock's now: tests move it, code never reads `Date()` itself.
    package var now: Date { application.clock.now() }
}
