import JingzhiCore

/// A resident's request to link their account to a household: waiting, then approved or rejected once.
enum LinkState: String, LifecycleState {
    case pending, approved, rejected

    var zh: String {
        switch self {
        case .pending: "待审核"
        case .approved: "已通过"
        case .rejected: "已驳回"
        }
    }

    var en: String { rawValue }
}

enum LinkAction: String, LifecycleAction { case approve, reject }

enum LinkLifecycle {
    /// Who decides: the roles that may approve links, each within their scope (checked before the move).
    static let deciders = Set(Role.allCases.filter { $0.permissions.contains(.approveLinks) })

    static let table = Lifecycle<LinkState, LinkAction, Role>(entity: "link_request", zh: "住户认证申请", en: "link request") { action in
        .init(from: [.pending], to: action == .approve ? .approved : .rejected, roles: deciders)
    }
}

extension LinkRequest: LifecycleRecord {
    var lifecycleState: String {
        get { status }
        set { status = newValue }
    }
    var state: LinkState { LinkState(rawValue: status) ?? .pending }
}
