import JingzhiCore

/// A contract runs until its end day, or is ended early with a reason.
enum ContractState: String, LifecycleState {
    case active, ended
    var zh: String { self == .active ? "有效" : "已终止" }
    var en: String { self == .active ? "active" : "ended" }
}

enum ContractAction: String, LifecycleAction { case end }

/// A bill is open until it is cancelled (nothing paid on it); paying changes what is owed, not the state.
enum BillState: String, LifecycleState {
    case open, cancelled
    var zh: String { self == .open ? "有效" : "已作废" }
    var en: String { self == .open ? "open" : "cancelled" }
}

enum BillAction: String, LifecycleAction { case cancel }

/// An improvement task is open until someone ticks it off.
enum TaskState: String, LifecycleState {
    case open, done
    var zh: String { self == .open ? "进行中" : "已完成" }
    var en: String { self == .open ? "open" : "done" }
}

enum TaskAction: String, LifecycleAction { case complete = "done" }

/// The property lifecycles' tables. Where (scope, company) is checked by `PropertyPolicy` before a move.
enum PropertyLifecycles {
    static let contract = Lifecycle<ContractState, ContractAction, Role>(entity: "property_contract", zh: "合同", en: "contract") { _ in
        .init(from: [.active], to: .ended, roles: [.admin, .streetStaff, .communityStaff])
    }
    static let bill = Lifecycle<BillState, BillAction, Role>(entity: "property_bill", zh: "账单", en: "bill") { _ in
        .init(from: [.open], to: .cancelled, roles: [.admin, .propertyStaff])
    }
    /// The company carries out tasks too: its staff may tick off tasks of their compounds.
    static let task = Lifecycle<TaskState, TaskAction, Role>(entity: "improvement_task", zh: "提升任务", en: "task") { _ in
        .init(from: [.open], to: .done, roles: [.admin, .streetStaff, .communityStaff, .propertyStaff])
    }
}

extension PropertyContract: LifecycleRecord {
    var lifecycleState: String {
        get { status }
        set { status = newValue }
    }
    var state: ContractState { ContractState(rawValue: status) ?? .active }
}

extension PropertyBill: LifecycleRecord {
    var lifecycleState: String {
        get { status }
        set { status = newValue }
    }
    var state: BillState { BillState(rawValue: status) ?? .open }
}

extension ImprovementTask: LifecycleRecord {
    var lifecycleState: String {
        get { status }
        set { status = newValue }
    }
    var state: TaskState { TaskState(rawValue: status) ?? .open }
}
