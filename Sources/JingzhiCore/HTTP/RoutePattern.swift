import Foundation
import Vapor

/// A page's path template, such as "/cases/:id/edit", and the methods it answers.
/// The route is registered from it and links are filled from it, so the two cannot drift apart.
package struct RoutePattern: Sendable, CustomStringConvertible {
    package let template: String
    package let methods: [HTTPMethod]

    /// `methods` defaults to GET alone.
    package init(_ template: String, _ methods: HTTPMethod...) {
        self.template = template
        self.methods = methods.isEmpty ? [.GET] : methods
    }

    package var description: String { template }

    /// The segments Vapor registers (`:name` becomes a parameter).
    package var components: [PathComponent] {
        template.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
    }

    /// The path with each `:name` segment replaced, in order, by the next value, percent-escaped.
    package func path(_ values: any CustomStringConvertible...) -> String {
        var rest = values.makeIterator()
        let segments = template.split(separator: "/").map { s -> String in
            guard s.hasPrefix(":") else { return String(s) }
            guard let value = rest.next() else { preconditionFailure("\(template): no value for \(s)") }
            return SiteURL.escape(value.description)
        }
        precondition(rest.next() == nil, "\(template): too many values")
        return "/" + segments.joined(separator: "/")
    }
}

extension RoutesBuilder {
    /// Registers `method` on a SiteURL pattern; the pattern must declare the method.
    @discardableResult
    package func on<Response: VaporSendableMetatype & AsyncResponseEncodable>(
        _ method: HTTPMethod, _ pattern: RoutePattern, body: HTTPBodyStreamStrategy = .collect,
        use handler: @Sendable @escaping (Request) async throws -> Response
    ) -> Route {
        precondition(pattern.methods.contains(method), "\(method) \(pattern) is not declared in SiteURL")
        return on(method, pattern.components, body: body, use: handler)
    }

    @discardableResult
    package func get<Response: VaporSendableMetatype & AsyncResponseEncodable>(
        _ pattern: RoutePattern, use handler: @Sendable @escaping (Request) async throws -> Response
    ) -> Route {
        on(.GET, pattern, use: handler)
    }

    @discardableResult
    package func post<Response: VaporSendableMetatype & AsyncResponseEncodable>(
        _ pattern: RoutePattern, use handler: @Sendable @escaping (Request) async throws -> Response
    ) -> Route {
        on(.POST, pattern, use: handler)
    }
}
