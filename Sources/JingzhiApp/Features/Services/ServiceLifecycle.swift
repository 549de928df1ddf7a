import Foundation
import JingzhiCore

/// Where an application stands (办理状态).
enum ServiceState: String, LifecycleState {
    case submitted, accepted, needsMore = "needs_more", approved, rejected, withdrawn

    var zh: String {
        switch self {
        case .submitted: "待受理"
        case .accepted: "办理中"
        case .needsMore: "待补正"
        case .approved: "已办结"
        case .rejected: "不予办理"
        case .withdrawn: "已撤回"
        }
    }

    var en: String {
        switch self {
        case .submitted: "submitted"
        case .accepted: "in progress"
        case .needsMore: "waiting for materials"
        case .approved: "approved"
        case .rejected: "rejected"
        case .withdrawn: "withdrawn"
        }
    }

    /// Waiting for staff: the deadline runs (it pauses while staff wait for the resident).
    static let running: [ServiceState] = [.submitted, .accepted]
    static let open: [ServiceState] = [.submitted, .accepted, .needsMore]
    var isOpen: Bool { Self.open.contains(self) }
}

enum ServiceAction: String, LifecycleAction {
    case accept, requestMore = "request_more", supplement, approve, reject, withdraw

    var zh: String {
        switch self {
        case .accept: "受理"
        case .requestMore: "要求补充材料"
        case .supplement: "补充材料"
        case .approve: "办结通过"
        case .reject: "不予办理"
        case .withdraw: "撤回申请"
        }
    }

    var en: String {
        switch self {
        case .accept: "accept"
        case .requestMore: "ask for more"
        case .supplement: "add materials"
        case .approve: "approve"
        case .reject: "reject"
        case .withdraw: "withdraw"
        }
    }
}

/// Who moves an application: the resident it is for or the grid worker who filed it; street and community staff of
/// its area; the scheduler marks it overdue.
enum ServiceRole: Hashable, Sendable {
    case applicant, handler, other
}

enum ServiceLifecycle {
    /// Notes may name a resident's circumstances, so they stay out of the audit summary.
    static let table = Lifecycle<ServiceState, ServiceAction, ServiceRole>(entity: "service_application", zh: "办事申请",
                                                                           en: "application", auditsNotes: false) { action in
        switch action {
        case .accept: .init(from: [.submitted], to: .accepted, roles: [.handler])
        case .requestMore: .init(from: [.submitted, .accepted], to: .needsMore, roles: [.handler])
        case .supplement: .init(from: [.needsMore], to: .accepted, roles: [.applicant])
        case .approve: .init(from: [.accepted], to: .approved, roles: [.handler])
        case .reject: .init(from: [.submitted, .accepted, .needsMore], to: .rejected, roles: [.handler])
        case .withdraw: .init(from: [.submitted, .accepted, .needsMore], to: .withdrawn, roles: [.applicant])
        }
    }
}

extension ServiceApplication: LifecycleRecord {
    var lifecycleState: String {
        get { stateRaw }
        set { stateRaw = newValue }
    }
}
