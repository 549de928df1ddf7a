import Fluent
import JingzhiCore
import Vapor

/// An account's choices for its home; care mode (长辈模式 / 关怀模式): larger text and buttons, higher contrast, fewer tiles.
final class HomePreference: Model, @unchecked Sendable {
    static let schema = "home_preferences"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @Field(key: "care_mode") var careMode: Bool
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

extension SiteURL {
    /// The home's own pages beyond `/`.
    enum Home {
        case careMode
        case manifest, serviceWorker, offline, icon, register

        enum Pattern {
            static let careMode = RoutePattern("/home/care-mode", .POST)
            static let manifest = RoutePattern("/manifest.webmanifest")
            static let serviceWorker = RoutePattern("/sw.js")
            static let offline = RoutePattern("/offline")
            static let icon = RoutePattern("/static/icon.svg")
            static let register = RoutePattern("/static/pwa.js")
            static let all = [careMode, manifest, serviceWorker, offline, icon, register]
        }

        var path: String {
            switch self {
            case .careMode: Pattern.careMode.path()
            case .manifest: Pattern.manifest.path()
            case .serviceWorker: Pattern.serviceWorker.path()
            case .offline: Pattern.offline.path()
            case .icon: Pattern.icon.path()
            case .register: Pattern.register.path()
            }
        }
    }
}

/// Care mode is remembered per account and copied into the session on the first page (with the account's id, so
/// another account signing in on the same browser does not inherit it); each page reads it from there.
enum CareMode {
    static let sessionKey = "care"

    static func isOn(_ req: Request) -> Bool {
        guard let actor = req.actor, req.hasSession else { return false }
        return req.session.data[sessionKey] == value(true, actor.userID)
    }

    static func value(_ on: Bool, _ userID: UUID) -> String { userID.uuidString + (on ? ":1" : ":0") }

    static func stored(_ userID: UUID, on db: any Database) async throws -> Bool {
        try await HomePreference.query(on: db).filter(\.$userID == userID).first()?.careMode ?? false
    }

    static func set(_ on: Bool, for userID: UUID, at now: Date, on db: any Database) async throws {
        let p = try await HomePreference.query(on: db).filter(\.$userID == userID).first() ?? HomePreference()
        p.userID = userID
        p.careMode = on
        p.updatedAt = now
        try await p.save(on: db)
    }

    struct Loader: AsyncMiddleware {
        func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
            if let actor = req.actor, req.hasSession, req.session.data[sessionKey]?.hasPrefix(actor.userID.uuidString) != true {
                req.session.data[sessionKey] = value(try await stored(actor.userID, on: req.db), actor.userID)
            }
            return try await next.respond(to: req)
        }
    }

    struct ToggleForm: Content { var on: String? }

    /// Switches care mode on or off for the signed-in account and goes back home.
    @Sendable static func toggle(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let on = try req.content.decode(ToggleForm.self).on == "1"
        try await set(on, for: actor.userID, at: req.now, on: req.db)
        req.session.data[sessionKey] = value(on, actor.userID)
        req.flash(on ? req.t("已开启长辈模式：字更大，按钮更少。", "Care mode is on: larger text, fewer buttons.")
                     : req.t("已关闭长辈模式。", "Care mode is off."))
        return req.redirect(to: SiteURL.home.path)
    }
}
