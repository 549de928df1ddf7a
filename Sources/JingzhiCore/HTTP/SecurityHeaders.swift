import Vapor

/// Headers every response carries: a Content-Security-Policy that allows only our own scripts (no inline ones),
/// no framing, no MIME sniffing, no Referer to other sites, and no caching of anything dynamic. Overlong URLs are
/// answered 414 before any route sees them.
package struct SecurityHeadersMiddleware: AsyncMiddleware {
    package init() {}

    package static let maxURILength = 8 * 1024
    package static let hsts = "max-age=31536000; includeSubDomains"
    package static let policy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
        "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    package func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response: Response
        if request.url.string.utf8.count > Self.maxURILength {
            let error = APIError(.uriTooLong, code: "uri_too_long",
                                 "请求地址过长（最多 \(Self.maxURILength) 字节）(the URL is longer than \(Self.maxURILength) bytes)")
            response = JingzhiErrorMiddleware.response(for: error, request: request)
        } else {
            response = try await next.respond(to: request)
        }
        let h = response.headers
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.policy)
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        let attachment = h.first(name: .contentDisposition)?.lowercased().contains("attachment") == true
        if attachment || h.first(name: .cacheControl) == nil { response.headers.replaceOrAdd(name: .cacheControl, value: "no-store") }
        if request.servedOverTLS {
            // Browsers ignore HSTS heard over plain HTTP; it is sent only where this answer really travels over TLS.
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: Self.hsts)
        }
        if request.isSecure {
            // The session cookie was made without knowing the request; over HTTPS it is marked Secure here.
            if var cookie = response.cookies["jingzhi_session"] {
                cookie.isSecure = true
                response.cookies["jingzhi_session"] = cookie
            }
        }
        return response
    }
}

extension Request {
    /// This answer travels over TLS: TLS on this server, or a trusted proxy saying `X-Forwarded-Proto: https`.
    /// (`JINGZHI_SECURE_COOKIES` and `JINGZHI_PUBLIC_URL` say how people should reach the site, not how this request came.)
    package var servedOverTLS: Bool {
        if application.http.server.configuration.tlsConfiguration != nil { return true }
        return application.settings.trustProxy && headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https"
    }

    /// Served over HTTPS: configured so, TLS on this server, or a trusted proxy saying `X-Forwarded-Proto: https`.
    package var isSecure: Bool {
        if application.settings.secureCookies || application.http.server.configuration.tlsConfiguration != nil { return true }
        return application.settings.trustProxy && headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https"
    }
}
