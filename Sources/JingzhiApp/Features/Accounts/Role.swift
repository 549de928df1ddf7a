import JingzhiCore
/// What a user is in Jingzhi; decides what they may do. Where they may do it is their data scope.
public enum Role: String, Codable, CaseIterable, Sendable {
    case admin
    case streetStaff = "street_staff"
    case communityStaff = "community_staff"
    case gridWorker = "grid_worker"
    case departmentStaff = "department_staff"
    case propertyStaff = "property_staff"
    case partner
    case resident

    var zh: String {
        switch self {
        case .admin: "县级管理员"
        case .streetStaff: "街道工作人员"
        case .communityStaff: "社区工作者"
        case .gridWorker: "网格员"
        case .departmentStaff: "职能部门"
        case .propertyStaff: "物业企业"
        case .partner: "红色合伙人"
        case .resident: "居民"
        }
    }

    var en: String {
        switch self {
        case .admin: "County admin"
        case .streetStaff: "Street staff"
        case .communityStaff: "Community staff"
        case .gridWorker: "Grid worker"
        case .departmentStaff: "Department staff"
        case .propertyStaff: "Property staff"
        case .partner: "Partner"
        case .resident: "Resident"
        }
    }

    func label(_ lang: Lang) -> String { lang.t(zh, en) }

    var isStaff: Bool { self != .resident }

    /// The permissions of each role. Scope narrows each of them to the user's subtree.
    var permissions: Set<Permission> {
        switch self {
        case .admin: Set(Permission.allCases)
        case .streetStaff: [.viewOrg, .manageOrg, .viewResidents, .editResidents, .exportResidents, .logVisits,
                            .manageUsers, .viewAudit, .approveLinks]
        case .communityStaff: [.viewOrg, .manageOrg, .viewResidents, .editResidents, .deleteResidents,
                               .importResidents, .exportResidents, .logVisits, .manageUsers, .viewAudit, .approveLinks]
        case .gridWorker: [.viewOrg, .viewResidents, .editResidents, .logVisits]
        case .departmentStaff, .propertyStaff, .partner: [.viewOrg]
        case .resident: []
        }
    }

    /// Roles that need a resident's full ID number (they keep the register and issue certificates).
    var seesFullIDNumber: Bool { self == .admin || self == .communityStaff }
    /// Roles that need to phone residents (visits, follow-up).
    var seesFullPhone: Bool { [.admin, .streetStaff, .communityStaff, .gridWorker].contains(self) }

    /// Roles this role may give to new accounts inside its scope.
    var assignableRoles: [Role] {
        switch self {
        case .admin: Role.allCases
        case .streetStaff: [.communityStaff, .gridWorker, .propertyStaff, .partner]
        case .communityStaff: [.gridWorker, .propertyStaff, .partner]
        default: []
        }
    }
}

/// Things a role may be allowed to do.
public enum Permission: String, CaseIterable, Sendable {
    case viewOrg, manageOrg
    case viewResidents, editResidents, deleteResidents, importResidents, exportResidents, logVisits
    case manageUsers, viewAudit, approveLinks
}
