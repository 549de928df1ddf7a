import JingzhiCore
/// Where a case (诉求/工单) stands in the closed loop (接诉即办).
public enum CaseState: String, Codable, CaseIterable, Sendable {
    case submitted, accepted, dispatched
    case inProgress = "in_progress"
    case replied, closed, returned, escalated, reopened, merged, rejected

    /// How the resident reads each step.
    package var zh: String {
        switch self {
        case .submitted: "已提交，等待受理"
        case .accepted: "已受理"
        case .dispatched: "已交办"
        case .inProgress: "办理中"
        case .replied: "已答复，请您评价"
        case .closed: "已办结"
        case .returned: "已退回，重新交办中"
        case .escalated: "已上报上级"
        case .reopened: "重新办理（回访中）"
        case .merged: "已合并到相同诉求"
        case .rejected: "不予受理"
        }
    }

    package var en: String {
        switch self {
        case .submitted: "Submitted, waiting to be accepted"
        case .accepted: "Accepted"
        case .dispatched: "Dispatched"
        case .inProgress: "In progress"
        case .replied: "Replied — please rate"
        case .closed: "Closed"
        case .returned: "Returned for re-dispatch"
        case .escalated: "Escalated"
        case .reopened: "Reopened for a return visit"
        case .merged: "Merged into a similar case"
        case .rejected: "Rejected"
        }
    }

    var isOpen: Bool { ![.closed, .merged, .rejected].contains(self) }
}

/// The level of the unit that handles a case: the escalation ladder grid → community → street → department,
/// plus the compound's property company.
public enum HandlerLevel: String, Codable, CaseIterable, Sendable {
    case grid, community, street, department, property

    /// One rung up ("居民吹哨、部门报到", "街呼县应"); nil at the top.
    var up: HandlerLevel? {
        switch self {
        case .grid: .community
        case .community: .street
        case .street: .department
        case .department: nil
        case .property: .community
        }
    }

    var zh: String {
        switch self {
        case .grid: "网格"
        case .community: "社区"
        case .street: "街道"
        case .department: "职能部门"
        case .property: "物业企业"
        }
    }

    var en: String {
        switch self {
        case .grid: "grid"
        case .community: "community"
        case .street: "street"
        case .department: "department"
        case .property: "property company"
        }
    }

    func label(_ lang: Lang) -> String { lang.t(zh, en) }
}

/// What someone can do to a case. Each action names the states it starts from, where it leads,
/// and who may take it; `CaseMachine` is the only place this is decided.
public enum CaseAction: String, Codable, CaseIterable, Sendable {
    case accept, reject, dispatch, start
    case returnCase = "return"
    case escalate
    case handBack = "hand_back"
    case reply, rate, close, merge, note
}

extension CaseState: LifecycleState {}
extension CaseAction: LifecycleAction {}

/// The case's lifecycle table; `CaseService.perform` is the only writer of moves.
enum CaseMachine {
    typealias Rule = Lifecycle<CaseState, CaseAction, Role>.Rule

    static let handlers: Set<Role> = [.admin, .streetStaff, .communityStaff, .gridWorker, .departmentStaff, .propertyStaff]
    static let dispatchers: Set<Role> = [.admin, .streetStaff, .communityStaff]

    static let lifecycle = Lifecycle<CaseState, CaseAction, Role>(entity: "case", zh: "诉求", en: "case", auditsNotes: false) { action in
        switch action {
        case .accept: Rule(from: [.submitted], to: .accepted, roles: dispatchers.union([.gridWorker]))
        case .reject: Rule(from: [.submitted, .accepted], to: .rejected, roles: dispatchers)
        case .dispatch: Rule(from: [.accepted, .returned, .escalated, .reopened], to: .dispatched, roles: dispatchers)
        case .start: Rule(from: [.dispatched, .reopened], to: .inProgress, roles: handlers)
        case .returnCase: Rule(from: [.dispatched], to: .returned, roles: handlers)
        case .escalate: Rule(from: [.accepted, .dispatched, .inProgress, .reopened, .escalated], to: .escalated, roles: handlers)
        case .handBack: Rule(from: [.escalated], to: .dispatched, roles: dispatchers.union([.departmentStaff]))
        case .reply: Rule(from: [.dispatched, .inProgress], to: .replied, roles: handlers)
        case .rate: Rule(from: [.replied], to: nil, roles: [.resident])
        case .close: Rule(from: [.replied], to: .closed, roles: dispatchers)
        case .merge: Rule(from: [.submitted, .accepted], to: .merged, roles: dispatchers)
        case .note: Rule(from: Set(CaseState.allCases).subtracting([.closed, .merged, .rejected]), to: nil, roles: handlers.union([.resident]))
        }
    }

    static func rule(_ action: CaseAction) -> Rule { lifecycle.rule(action) }

    /// Why `action` is not allowed from `state` for `role`, or nil when it is.
    static func refusal(_ action: CaseAction, from state: CaseState, role: Role) -> String? {
        lifecycle.refusal(action, from: state, role: role)?.description
    }

    /// Satisfaction ratings (满意评价); 不满意 reopens a case once for a return visit.
    enum Rating: String, Codable, CaseIterable, Sendable {
        case satisfied, basicallySatisfied = "basically_satisfied", unsatisfied

        var zh: String {
            switch self {
            case .satisfied: "满意"
            case .basicallySatisfied: "基本满意"
            case .unsatisfied: "不满意"
            }
        }

        var en: String {
            switch self {
            case .satisfied: "satisfied"
            case .basicallySatisfied: "basically satisfied"
            case .unsatisfied: "unsatisfied"
            }
        }

        func label(_ lang: Lang) -> String { lang.t(zh, en) }
    }

    /// Where a rating leads: an unsatisfied first rating reopens the case; anything else closes it.
    static func afterRating(_ rating: Rating, reopenedBefore: Int) -> CaseState {
        rating == .unsatisfied && reopenedBefore == 0 ? .reopened : .closed
    }
}
