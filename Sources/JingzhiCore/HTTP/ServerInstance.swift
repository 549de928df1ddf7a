import Vapor

/// Names the server that answered in `X-Jingzhi-Server`, so an operator (and the cluster test) behind a round-robin
/// proxy can tell which of several servers served a request. Errors carry it too.
package struct ServerInstanceMiddleware: AsyncMiddleware {
    package static let header = "X-Jingzhi-Server"
    let name: String

    package init(name: String) { self.name = name }

    /// `raw` when it is a short plain name (letters, digits, `-`, `_`; 1–32 characters), else nil.
    package static func validName(_ raw: String) -> String? {
        guard (1...32).contains(raw.count), raw.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return nil
        }
        return raw
    }

    package func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: Self.header, value: name)
        return response
    }
}
