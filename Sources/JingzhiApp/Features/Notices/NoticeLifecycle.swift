import Foundation
import JingzhiCore

/// Where a notice stands. A withdrawn notice stays in the record; recipients no longer see it.
enum NoticeState: String, LifecycleState {
    case scheduled, published, withdrawn

    var zh: String {
        switch self {
        case .scheduled: "待发布"
        case .published: "已发布"
        case .withdrawn: "已撤回"
        }
    }

    var en: String {
        switch self {
        case .scheduled: "scheduled"
        case .published: "published"
        case .withdrawn: "withdrawn"
        }
    }
}

enum NoticeAction: String, LifecycleAction {
    case publish, withdraw, pin, unpin

    var zh: String {
        switch self {
        case .publish: "立即发布"
        case .withdraw: "撤回"
        case .pin: "置顶"
        case .unpin: "取消置顶"
        }
    }

    var en: String {
        switch self {
        case .publish: "publish now"
        case .withdraw: "withdraw"
        case .pin: "pin"
        case .unpin: "unpin"
        }
    }
}

/// Who may move a notice: street and community staff and admins send them; the scheduler publishes at the set time.
enum NoticeRole: Hashable, Sendable {
    case sender, system, other

    init(_ actor: Actor) {
        switch actor.role {
        case .admin, .streetStaff, .communityStaff: self = .sender
        default: self = .other
        }
    }
}

enum NoticeLifecycle {
    static let table = Lifecycle<NoticeState, NoticeAction, NoticeRole>(entity: "notice", zh: "通知", en: "notice") { action in
        switch action {
        case .publish: .init(from: [.scheduled], to: .published, roles: [.sender, .system])
        case .withdraw: .init(from: [.scheduled, .published], to: .withdrawn, roles: [.sender])
        case .pin: .init(from: [.published], to: nil, roles: [.sender])
        case .unpin: .init(from: [.published], to: nil, roles: [.sender])
        }
    }
}

extension Notice: LifecycleRecord {
    var lifecycleState: String {
        get { stateRaw }
        set { stateRaw = newValue }
    }
}
