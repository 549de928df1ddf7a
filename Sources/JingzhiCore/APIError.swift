import Vapor

/// An error a user is meant to read: a stable code for clients, a message for people, and the field at fault.
public struct APIError: AbortError, Sendable {
    public let status: HTTPResponseStatus
    public let code: String
    public let message: String
    public let field: String?
    public var headers: HTTPHeaders = [:]

    public var reason: String { message }

    /// Messages are written "中文 (English)"; a page shows the half in its own language.
    package func text(_ lang: Lang) -> String {
        guard message.hasSuffix(")"), let open = message.range(of: " (", options: .backwards) else { return message }
        return lang == .zh ? String(message[..<open.lowerBound]) : String(message[open.upperBound...].dropLast())
    }

    public init(_ status: HTTPResponseStatus, code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    public static func invalid(_ field: String, _ message: String) -> APIError {
        APIError(.unprocessableEntity, code: "invalid_field", message, field: field)
    }
    public static func missing(_ field: String) -> APIError {
        APIError(.unprocessableEntity, code: "missing_field", "字段 \(field) 必填 (field \(field) is required)", field: field)
    }
    public static let notFound = APIError(.notFound, code: "not_found", "未找到该记录 (not found)")
    public static let unauthenticated = APIError(.unauthorized, code: "unauthenticated", "请先登录 (login required)")
    public static let forbidden = APIError(.forbidden, code: "forbidden", "无权执行此操作 (not allowed for your role)")
    public static func conflict(_ message: String, code: String = "conflict") -> APIError {
        APIError(.conflict, code: code, message)
    }
}

/// The JSON body of every API error.
package struct ErrorBody: Content {
    package struct Detail: Content {
        package let code: String
        package let message: String
        package let field: String?
    }
    package let error: Detail

    package init(error: Detail) {
        self.error = error
    }
}
