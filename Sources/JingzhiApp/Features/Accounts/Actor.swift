import Fluent
import SQLKit
import JingzhiCore
import Vapor

/// The signed-in user of a request, with what they may do and where.
struct Actor: Sendable {
    let user: User
    let scope: DataScope
    /// Path of the user's own node ("" for an admin of the whole tree).
    let nodePath: String
    /// Where what this user is shown unmasked is noted for the PIPL access log (set when the request signs in).
    var recorder: PersonalDataRecorder?

    var role: Role { user.role }
    /// The department a department-staff account works for.
    var departmentID: UUID? { user.role == .departmentStaff ? user.departmentID : nil }
    var userID: UUID { user.id! }

    func can(_ permission: Permission) -> Bool { role.permissions.contains(permission) }

    /// Notes that this user was shown a subject's `fields` unmasked (nothing when `fields` is empty).
    func revealed(_ kind: String, id: UUID?, path: String, _ fields: [PersonalField], count: Int = 1) {
        recorder?.saw(kind, id: id, path: path, fields: fields,
                      by: .init(id: user.id, name: "\(user.displayName)(\(user.username))", role: role.rawValue), count: count)
    }

    /// The fields that are shown unmasked to this user and not masked anyway: only a value that exists and is not
    /// the viewer's own counts.
    func unmasked(idNumber: String?, phone: String?, own: Bool) -> [PersonalField] {
        guard !own else { return [] }
        var out: [PersonalField] = []
        if role.seesFullIDNumber, idNumber?.isEmpty == false { out.append(.idNumber) }
        if role.seesFullPhone, phone?.isEmpty == false { out.append(.phone) }
        return out
    }

    func require(_ permission: Permission) throws {
        guard can(permission) else { throw APIError.forbidden }
    }

    /// An account with no node and no admin role (a resident) sees no part of the tree.
    static func scope(for user: User, nodePath: String?) -> DataScope {
        if let nodePath { return DataScope(rootPath: nodePath) }
        return user.role == .admin ? .everything : .nothing
    }

    static func load(_ user: User, on db: any Database, now: Date) async throws -> Actor {
        var path: String?
        if let nodeID = user.nodeID {
            path = try await db.sql.select().column("path").from(OrgNode.schema).where("id", .equal, SQLBind(nodeID)).first()?
                .decode(column: "path", as: String.self)
        }
        var scope = scope(for: user, nodePath: path)
        // Property staff see the compounds of their company's contracts, wherever they lie in the tree; an account not
        // (yet) linked to a company sees none, whatever node it was made at.
        if user.role == .propertyStaff { scope = try await PropertyScope.staffScope(of: user, on: db, now: now) ?? .nothing }
        return Actor(user: user, scope: scope, nodePath: path ?? "")
    }
}

extension DataScope {
    /// A scope no path falls in: paths are made of `[0-9a-z]`, which sort before `~`.
    static let nothing = DataScope(rootPath: "~")
}

extension Request {
    private struct ActorKey: StorageKey { typealias Value = Actor }

    var actor: Actor? {
        get { storage[ActorKey.self] }
        set {
            var actor = newValue
            actor?.recorder = personalDataRecorder
            storage[ActorKey.self] = actor
            noteUser(newValue?.user.id)
        }
    }

    func requireActor() throws -> Actor {
        guard let actor else { throw APIError.unauthenticated }
        return actor
    }

    var auditSource: AuditSource {
        AuditSource(actorID: actor?.user.id, actorName: actor.map { "\($0.user.displayName)(\($0.user.username))" } ?? "匿名", ip: clientIP)
    }
}
