import Fluent
import FluentSQL
import JingzhiCore
import SQLKit
import Vapor

/// Who may read a case and who may move it. The one place this is decided; lists, pages, notifications and the
/// state machine all ask here.
///
/// - Tree staff (admin, street, community, grid) read every case whose place lies in their scope.
/// - A department reads the cases dispatched to it, now or before; a property company those dispatched to one of
///   its compounds (never complaints about property companies); a partner and a resident what they reported.
/// - Handler actions belong to the handling unit and the units above it on the ladder; dispatcher actions to the
///   dispatchers whose area holds the case, unless a unit above them has taken it over.
enum CaseAccess {
    /// The actions whose note is written to the resident and may be shown outside (Open311, the tracking page).
    static let publicNoteActions: [CaseAction] = [.reply, .reject]

    /// Roles whose reading follows the tree scope.
    static let treeRoles: Set<Role> = [.admin, .streetStaff, .communityStaff, .gridWorker]

    static func canRead(_ c: Case, _ actor: Actor, handledBy units: [CaseHandlings.Unit]) -> Bool {
        switch actor.role {
        case .resident, .partner: return c.reporterID != nil && c.reporterID == actor.userID
        case .departmentStaff:
            guard let d = actor.departmentID else { return false }
            return units.contains { $0.departmentID == d }
        case .propertyStaff:
            guard c.categoryCode != PropertyCatalog.complaintCategory else { return false }
            return units.contains { $0.level == .property && $0.nodePath.map(actor.scope.contains) == true }
        case .admin, .streetStaff, .communityStaff, .gridWorker:
            return actor.scope.contains(c.nodePath)
        }
    }

    /// The case with this id if `actor` may read it; 404 otherwise, the same answer as for an id that does not exist.
    static func load(_ id: UUID, for actor: Actor, on db: any Database) async throws -> Case {
        guard let c = try await Case.find(id, on: db), try await canRead(c, actor, on: db) else { throw APIError.notFound }
        return c
    }

    static func canRead(_ c: Case, _ actor: Actor, on db: any Database) async throws -> Bool {
        if treeRoles.contains(actor.role) || actor.role == .resident || actor.role == .partner {
            return canRead(c, actor, handledBy: [])
        }
        return canRead(c, actor, handledBy: try await CaseHandlings.units(of: c.id!, on: db))
    }

    /// Whether `actor` works for the unit handling `c` or one above it on the ladder (grid → community → street;
    /// property → community). `handlerPath` is the path of the handling node, if a node handles it.
    static func inHandlingChain(_ c: Case, _ actor: Actor, handlerPath: String?) -> Bool {
        switch actor.role {
        case .admin: return true
        case .departmentStaff:
            return actor.departmentID != nil && c.handlerDepartmentID == actor.departmentID
        case .propertyStaff:
            return c.handlerLevel == .property && handlerPath.map(actor.scope.contains) == true
                && c.categoryCode != PropertyCatalog.complaintCategory
        case .streetStaff, .communityStaff, .gridWorker:
            guard c.handlerDepartmentID == nil, let handlerPath, !actor.nodePath.isEmpty, handlerPath.hasPrefix(actor.nodePath) else { return false }
            // A grid worker is not above the property company, even when the compound lies in the grid.
            return !(c.handlerLevel == .property && actor.role == .gridWorker)
        case .partner, .resident: return false
        }
    }

    /// Dispatchers act on cases in their area, except those a unit above them has taken over (a case escalated to
    /// the street is the street's to dispatch, not the community's).
    static func dispatchesHere(_ c: Case, _ actor: Actor, handlerPath: String?) -> Bool {
        guard CaseMachine.dispatchers.contains(actor.role), actor.scope.contains(c.nodePath) else { return false }
        if actor.role == .admin || c.handlerDepartmentID != nil || c.handlerLevel == .property { return true }
        return handlerPath.map { $0.hasPrefix(actor.nodePath) } ?? true
    }

    /// Why `actor` may not take `action` on `c` because of who handles it, or nil when they may.
    static func refusal(_ action: CaseAction, on c: Case, by actor: Actor, handlerPath: String?) -> String? {
        let allowed: Bool
        switch action {
        case .rate:
            allowed = c.reporterID != nil && c.reporterID == actor.userID
        case .note:
            allowed = (c.reporterID != nil && c.reporterID == actor.userID)
                || inHandlingChain(c, actor, handlerPath: handlerPath) || dispatchesHere(c, actor, handlerPath: handlerPath)
        case .accept:
            allowed = actor.role == .gridWorker ? inHandlingChain(c, actor, handlerPath: handlerPath) : dispatchesHere(c, actor, handlerPath: handlerPath)
        case .reject, .dispatch, .close, .merge:
            allowed = dispatchesHere(c, actor, handlerPath: handlerPath)
        case .start, .returnCase, .escalate, .reply, .handBack:
            allowed = inHandlingChain(c, actor, handlerPath: handlerPath)
        }
        return allowed ? nil : "该诉求不由您的单位办理，不能执行此操作 (this case is not handled by your unit)"
    }

    /// Photos come from the reporter and from those who may write a note on the case.
    static func canAddPhotos(_ c: Case, _ actor: Actor, handlerPath: String?) -> Bool {
        c.state.isOpen && refusal(.note, on: c, by: actor, handlerPath: handlerPath) == nil
    }

    /// The path of the node handling `c`, if a node handles it.
    static func handlerPath(of c: Case, on db: any Database) async throws -> String? {
        guard let id = c.handlerNodeID else { return nil }
        return try await OrgNode.find(id, on: db)?.path
    }

    /// The actions `actor` may take on `c` now: the state allows them, the role has them, and the unit is theirs.
    static func actions(on c: Case, by actor: Actor, handlerPath: String?) -> [CaseAction] {
        CaseAction.allCases.filter {
            CaseMachine.refusal($0, from: c.state, role: actor.role) == nil && refusal($0, on: c, by: actor, handlerPath: handlerPath) == nil
        }.filter {
            // Nothing above the top of the ladder to escalate to, nothing below the bottom to hand back to.
            switch $0 {
            case .escalate: c.handlerLevel.up != nil
            case .handBack: CaseService.rank(c.handlerLevel) > 0
            default: true
            }
        }
    }
}

extension QueryBuilder where Model == Case {
    /// The cases `actor` may read, as `CaseAccess.canRead` decides for one case.
    func visible(to actor: Actor) -> Self {
        switch actor.role {
        case .resident, .partner:
            return filter(\.$reporterID == actor.userID)
        case .departmentStaff:
            guard let d = actor.departmentID else { return filter(.sql(unsafeRaw: "1 = 0")) }
            return filter(.sql(embed: "\(ident: Case.schema).\(ident: "id") IN (SELECT \(ident: "case_id") FROM \(ident: CaseHandlings.table) WHERE \(ident: "department_id") = \(bind: d))"))
        case .propertyStaff:
            return filter(\.$categoryCode != PropertyCatalog.complaintCategory).filter(.sql(embed: """
                \(ident: Case.schema).\(ident: "id") IN (SELECT \(ident: "case_id") FROM \(ident: CaseHandlings.table) \
                WHERE \(ident: "level") = \(bind: HandlerLevel.property.rawValue) AND \(actor.scope.sqlCondition()))
                """))
        case .admin, .streetStaff, .communityStaff, .gridWorker:
            return within(actor.scope)
        }
    }
}
