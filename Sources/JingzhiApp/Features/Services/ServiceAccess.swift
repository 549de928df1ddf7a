import Foundation
import Fluent
import JingzhiCore
import Vapor

/// Who sees and moves an application. Out-of-scope applications answer 404, as if they did not exist.
enum ServiceAccess {
    static let handlerRoles: Set<Role> = [.admin, .streetStaff, .communityStaff]
    /// Roles that file an application for a resident of their area (代办).
    static let proxyRoles: Set<Role> = [.admin, .streetStaff, .communityStaff, .gridWorker]

    static func role(_ a: ServiceApplication, _ actor: Actor) -> ServiceRole { roles(a, actor).first ?? .other }

    /// Every role the actor holds on the application: community staff who filed one at the window are its applicant
    /// (they add what is missing) and its handler.
    static func roles(_ a: ServiceApplication, _ actor: Actor) -> [ServiceRole] {
        var out: [ServiceRole] = []
        if handlerRoles.contains(actor.role), actor.scope.contains(a.nodePath) { out.append(.handler) }
        if isApplicant(a, actor) { out.append(.applicant) }
        return out
    }

    /// The role under which the actor may take `action` now (the first they hold, for the refusal's words otherwise).
    static func role(for action: ServiceAction, _ a: ServiceApplication, _ actor: Actor) -> ServiceRole {
        let held = roles(a, actor)
        return held.first { ServiceLifecycle.table.refusal(action, from: a.state, role: $0) == nil } ?? held.first ?? .other
    }

    /// The actions the actor may take now, in the table's order.
    static func actions(_ a: ServiceApplication, _ actor: Actor) -> [ServiceAction] {
        let held = roles(a, actor)
        return ServiceAction.allCases.filter { action in held.contains { ServiceLifecycle.table.refusal(action, from: a.state, role: $0) == nil } }
    }

    /// The resident the application is for, or whoever filed it for them.
    static func isApplicant(_ a: ServiceApplication, _ actor: Actor) -> Bool {
        (actor.role == .resident && actor.user.residentID == a.residentID) || actor.userID == a.applicantUserID
    }

    /// Handlers, the applicant, and grid workers of the resident's grid (who follow what they filed and what is asked).
    static func canSee(_ a: ServiceApplication, _ actor: Actor) -> Bool {
        role(a, actor) != .other || (actor.role == .gridWorker && actor.scope.contains(a.nodePath))
    }

    /// The applicant, handlers, and grid workers of the resident's grid (who keep the register there) read the full name.
    static func seesName(_ a: ServiceApplication, _ actor: Actor) -> Bool {
        role(a, actor) != .other || (actor.can(.viewResidents) && actor.scope.contains(a.nodePath))
    }

    /// Staff and grid workers follow the applications of their area; residents only their own.
    static func followsArea(_ actor: Actor) -> Bool { proxyRoles.contains(actor.role) }

    static func load(_ id: UUID, for actor: Actor, on db: any Database) async throws -> ServiceApplication {
        guard let a = try await ServiceApplication.find(id, on: db), canSee(a, actor) else { throw APIError.notFound }
        return a
    }
}
