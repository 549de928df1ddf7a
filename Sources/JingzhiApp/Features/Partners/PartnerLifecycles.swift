import Foundation
import JingzhiCore

/// Where a partner stands. Retired partners stay in the record with the reason.
enum PartnerState: String, LifecycleState {
    case applied, approved, warned, retired, rejected

    var zh: String {
        switch self {
        case .applied: "待审核"
        case .approved: "已认定"
        case .warned: "已警示"
        case .retired: "已退出"
        case .rejected: "未通过"
        }
    }

    var en: String {
        switch self {
        case .applied: "applied"
        case .approved: "approved"
        case .warned: "warned"
        case .retired: "retired"
        case .rejected: "rejected"
        }
    }
}

enum PartnerAction: String, LifecycleAction {
    /// `renew`: a new term (续签) or changed categories of the agreement; the old one stays in the history.
    case approve, reject, warn, clear, retire, renew

    var zh: String {
        switch self {
        case .renew: "续签或变更协议"
        case .approve: "审核通过"
        case .reject: "不予通过"
        case .warn: "警示"
        case .clear: "解除警示"
        case .retire: "退出"
        }
    }

    var en: String { rawValue }
}

/// Reviewers: the community's staff for a community's partner, the street's for a unit serving several communities.
enum PartnerRole: Hashable, Sendable { case reviewer, other }

enum PartnerLifecycle {
    static let table = Lifecycle<PartnerState, PartnerAction, PartnerRole>(entity: "partner", zh: "合伙人", en: "partner") { action in
        switch action {
        case .approve: .init(from: [.applied], to: .approved, roles: [.reviewer])
        case .reject: .init(from: [.applied], to: .rejected, roles: [.reviewer])
        case .warn: .init(from: [.approved], to: .warned, roles: [.reviewer])
        case .clear: .init(from: [.warned], to: .approved, roles: [.reviewer])
        case .retire: .init(from: [.approved, .warned], to: .retired, roles: [.reviewer])
        case .renew: .init(from: [.approved, .warned], to: nil, roles: [.reviewer])
        }
    }
}

extension Partner: LifecycleRecord {
    var lifecycleState: String {
        get { stateRaw }
        set { stateRaw = newValue }
    }
}

/// A need's status follows from its matches' deliveries; staff may cancel it. A resident's need waits for the
/// community's review (`proposed`) before it is on the list; a declined one stays in the record with the reason.
enum NeedState: String, LifecycleState {
    case open, partlyMet = "partly_met", met, cancelled, proposed, declined

    var zh: String {
        switch self {
        case .open: "待满足"
        case .partlyMet: "部分满足"
        case .met: "已满足"
        case .cancelled: "已取消"
        case .proposed: "待审核"
        case .declined: "未采纳"
        }
    }

    var en: String {
        switch self {
        case .open: "open"
        case .partlyMet: "partly met"
        case .met: "met"
        case .cancelled: "cancelled"
        case .proposed: "awaiting review"
        case .declined: "declined"
        }
    }

    /// What the deliveries say.
    static func from(delivered: Int, of quantity: Int) -> NeedState {
        delivered >= quantity ? .met : delivered > 0 ? .partlyMet : .open
    }
}

/// `fulfil`: the partner or party member who claimed a small request (三领) did it.
/// `accept` / `decline`: the community reviews a need a resident raised.
enum NeedAction: String, LifecycleAction { case deliver, cancel, fulfil, accept, decline }

enum ListRole: Hashable, Sendable { case staff, partner, other }

enum NeedLifecycle {
    static let table = Lifecycle<NeedState, NeedAction, ListRole>(entity: "need", zh: "需求", en: "need") { action in
        switch action {
        case .deliver: .init(from: [.open, .partlyMet], to: nil, roles: [.staff, .partner])
        case .cancel: .init(from: [.open, .partlyMet], to: .cancelled, roles: [.staff])
        case .fulfil: .init(from: [.open, .partlyMet], to: .met, roles: [.partner])
        case .accept: .init(from: [.proposed], to: .open, roles: [.staff])
        case .decline: .init(from: [.proposed], to: .declined, roles: [.staff])
        }
    }
}

extension Need: LifecycleRecord {
    var lifecycleState: String {
        get { stateRaw }
        set { stateRaw = newValue }
    }
}

/// A wish: open on the wall, claimed (a reservation with a deadline), with the community (the claimer gave the gift to
/// the grid worker or the community, who pass it on), handed over with a photo, fulfilled once the community confirms it.
enum WishState: String, LifecycleState {
    case open, claimed, handedOver = "handed_over", fulfilled, cancelled, received

    var zh: String {
        switch self {
        case .open: "待认领"
        case .claimed: "已认领"
        case .received: "社区转交中"
        case .handedOver: "待确认"
        case .fulfilled: "已实现"
        case .cancelled: "已撤下"
        }
    }

    var en: String {
        switch self {
        case .open: "open"
        case .claimed: "claimed"
        case .received: "with the community"
        case .handedOver: "handed over"
        case .fulfilled: "fulfilled"
        case .cancelled: "cancelled"
        }
    }
}

enum WishAction: String, LifecycleAction {
    /// `receive`: the grid worker or community staff took the gift from the claimer to pass it on.
    case claim, release, lapse, handOver = "hand_over", confirm, reject, thank, cancel, receive

    var zh: String {
        switch self {
        case .claim: "认领"
        case .release: "放弃认领"
        case .lapse: "认领过期"
        case .handOver: "上传交付照片"
        case .receive: "社区收到礼物"
        case .confirm: "确认实现"
        case .reject: "退回照片"
        case .thank: "记录感谢"
        case .cancel: "撤下心愿"
        }
    }

    var en: String {
        switch self {
        case .handOver: "hand over"
        default: rawValue
        }
    }
}

/// `beneficiary`: the resident the wish is for, signed in with their own account.
/// `courier`: a grid worker of the wish's area who passes the gift on.
enum WishRole: Hashable, Sendable { case staff, claimer, beneficiary, courier, system, other }

enum WishLifecycle {
    static let table = Lifecycle<WishState, WishAction, WishRole>(entity: "wish", zh: "微心愿", en: "wish", auditsNotes: false) { action in
        switch action {
        case .claim: .init(from: [.open], to: .claimed, roles: [.claimer])
        case .release: .init(from: [.claimed], to: .open, roles: [.claimer, .staff])
        case .lapse: .init(from: [.claimed], to: .open, roles: [.system])
        case .handOver: .init(from: [.claimed, .received], to: .handedOver, roles: [.claimer, .staff, .courier])
        case .receive: .init(from: [.claimed], to: .received, roles: [.staff, .courier])
        case .confirm: .init(from: [.handedOver], to: .fulfilled, roles: [.staff])
        case .reject: .init(from: [.handedOver], to: .claimed, roles: [.staff])
        case .thank: .init(from: [.fulfilled], to: nil, roles: [.staff, .beneficiary])
        case .cancel: .init(from: [.open], to: .cancelled, roles: [.staff])
        }
    }
}

extension Wish: LifecycleRecord {
    var lifecycleState: String {
        get { stateRaw }
        set { stateRaw = newValue }
    }
}

enum ServiceLogState: String, LifecycleState {
    case logged, confirmed, rejected

    var zh: String {
        switch self {
        case .logged: "待确认"
        case .confirmed: "已确认"
        case .rejected: "未确认"
        }
    }

    var en: String { rawValue }
}

enum ServiceLogAction: String, LifecycleAction { case confirm, reject }

enum ServiceLogLifecycle {
    static let table = Lifecycle<ServiceLogState, ServiceLogAction, ListRole>(entity: "service_log", zh: "服务记录", en: "service log") { action in
        switch action {
        case .confirm: .init(from: [.logged], to: .confirmed, roles: [.staff])
        case .reject: .init(from: [.logged], to: .rejected, roles: [.staff])
        }
    }
}

extension ServiceLog: LifecycleRecord {
    var lifecycleState: String {
        get { stateRaw }
        set { stateRaw = newValue }
    }
}
