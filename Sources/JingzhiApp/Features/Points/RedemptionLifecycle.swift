import JingzhiCore

/// A redemption is pending (points and stock held) until it is collected (posted), cancelled or expired (voided).
enum RedemptionState: String, LifecycleState {
    case pending, collected, cancelled, expired

    var zh: String {
        switch self {
        case .pending: "待领取"
        case .collected: "已领取"
        case .cancelled: "已取消"
        case .expired: "已过期"
        }
    }
    var en: String {
        switch self {
        case .pending: "pending"
        case .collected: "collected"
        case .cancelled: "cancelled"
        case .expired: "expired"
        }
    }
    /// Voided: the points and the stock went back.
    var isVoided: Bool { self == .cancelled || self == .expired }
}

enum RedemptionAction: String, LifecycleAction { case collect, cancel, expire }

/// Who moves a redemption: the resident who made it, community staff, the merchant handing out the goods (a
/// partner), or the system expiring it.
enum RedemptionParty: Hashable, Sendable {
    case resident, staff, merchant, system

    /// nil for roles that have no part in the supermarket (grid workers, departments, property companies).
    init?(_ role: Role) {
        switch role {
        case .resident: self = .resident
        case .partner: self = .merchant
        case .admin, .streetStaff, .communityStaff: self = .staff
        case .gridWorker, .departmentStaff, .propertyStaff: return nil
        }
    }
}

enum RedemptionLifecycle {
    static let table = Lifecycle<RedemptionState, RedemptionAction, RedemptionParty>(
        entity: "points_redemption", zh: "兑换", en: "redemption"
    ) { action in
        switch action {
        case .collect: .init(from: [.pending], to: .collected, roles: [.staff, .merchant])
        case .cancel: .init(from: [.pending], to: .cancelled, roles: [.resident, .staff])
        case .expire: .init(from: [.pending], to: .expired, roles: [.system])
        }
    }
}

extension PointsRedemption: LifecycleRecord {
    var lifecycleState: String {
        get { state }
        set { state = newValue }
    }
    var redemptionState: RedemptionState { RedemptionState(rawValue: state) ?? .pending }
}
