import Fluent
import JingzhiCore
import Vapor

struct UserDTO: Content {
    let id: UUID
    let username: String
    let displayName: String
    let role: String
    let nodeId: UUID?
    let phone: String?
    let residentId: UUID?
    let active: Bool

    init(_ u: User, viewer: Actor?) {
        id = u.id!
        username = u.username
        displayName = u.displayName
        role = u.roleRaw
        nodeId = u.nodeID
        phone = viewer?.user.id == u.id || viewer?.role.seesFullPhone == true ? u.phone : Mask.phone(u.phone)
        viewer?.revealed("user", id: u.id, path: viewer?.nodePath ?? "", viewer?.unmasked(idNumber: nil, phone: u.phone, own: viewer?.user.id == u.id) ?? [])
        residentId = u.residentID
        active = u.active
    }
}

/// `/api/v1/auth/*` and `/api/v1/me`: tokens, password change, resident self-registration.
enum AuthAPI {
    struct Credentials: Content { var username: String; var password: String }
    struct TokenResponse: Content { let token: String; let expiresIn: Int; let user: UserDTO }
    struct PasswordChange: Content { var currentPassword: String; var newPassword: String }
    struct Registration: Content {
        var phone: String
        var password: String
        var name: String
        var nodeId: UUID
        var room: String
    }

    static func register(api: any RoutesBuilder, authed: any RoutesBuilder) {
        api.post("auth", "token") { req async throws -> TokenResponse in
            let body = try req.decodeJSON(Credentials.self)
            let service = AccountService(req: req)
            let user = try await service.authenticate(username: body.username, password: body.password, ip: req.clientIP)
            let token = try await service.issueToken(for: user)
            return TokenResponse(token: token, expiresIn: 30 * 86400, user: UserDTO(user, viewer: nil))
        }
        api.post("auth", "register") { req async throws -> Response in
            let body = try req.decodeJSON(Registration.self)
            let link = try await Registrations(req: req).register(phone: body.phone, password: body.password, name: body.name,
                                                                  nodeID: body.nodeId, room: body.room)
            return try await LinkRequestDTO(link).encodeResponse(status: .created, for: req)
        }
        authed.delete("auth", "token") { req async throws -> HTTPStatus in
            if let token = req.headers.bearerAuthorization?.token { try await AccountService(req: req).revoke(token: token) }
            return .noContent
        }
        authed.post("auth", "password") { req async throws -> HTTPStatus in
            let actor = try req.requireActor()
            let body = try req.decodeJSON(PasswordChange.self)
            try await AccountService(req: req).changePassword(actor.user, current: body.currentPassword, new: body.newPassword,
                                                              source: req.auditSource)
            return .noContent
        }
        authed.get("me") { req async throws -> UserDTO in
            let actor = try req.requireActor()
            return UserDTO(actor.user, viewer: actor)
        }
    }
}
