import Foundation

/// A state a record moves through, named in both languages.
package protocol LifecycleState: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String {
    var zh: String { get }
    var en: String { get }
}

extension LifecycleState {
    package func label(_ lang: Lang) -> String { lang.t(zh, en) }
}

/// Something someone can do to a record.
package protocol LifecycleAction: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String {}

/// A feature's lifecycle as one table: for each action, the states it starts from, where it leads and the roles that
/// may take it. Nothing else decides whether a move is legal; `commit` writes it (see LifecycleCommit.swift).
package struct Lifecycle<State: LifecycleState, Action: LifecycleAction, Role: Hashable & Sendable>: Sendable {
    package struct Rule: Sendable {
        package let from: Set<State>
        /// nil: the action decides where it leads (a rating), or the state stays (a note).
        package let to: State?
        package let roles: Set<Role>

        package init(from: Set<State>, to: State?, roles: Set<Role>) {
            self.from = from
            self.to = to
            self.roles = roles
        }
    }

    /// The audit log's entity name, e.g. "case".
    package let entity: String
    /// What the record is called in messages: 诉求 / case.
    package let zh: String
    package let en: String
    /// Whether a move's note (a reason) is copied into the audit summary; off where notes may carry personal data.
    package let auditsNotes: Bool
    private let rules: [Action: Rule]

    /// `rules` must name every action: a lifecycle with a hole in its table is a programming error.
    package init(entity: String, zh: String, en: String, auditsNotes: Bool = true, rules: (Action) -> Rule) {
        self.entity = entity
        self.zh = zh
        self.en = en
        self.auditsNotes = auditsNotes
        self.rules = Dictionary(uniqueKeysWithValues: Action.allCases.map { ($0, rules($0)) })
    }

    package func rule(_ action: Action) -> Rule { rules[action]! }

    /// Why `action` is refused from `state` for `role`, or nil when it is allowed.
    package func refusal(_ action: Action, from state: State, role: Role) -> Refusal? {
        let r = rule(action)
        guard r.roles.contains(role) else {
            return .role("您的角色不能执行此操作 (your role cannot \(action.rawValue) a \(en))")
        }
        guard r.from.contains(state) else {
            return .state("\(zh)当前为「\(state.zh)」，不能执行此操作 (cannot \(action.rawValue) a \(en) that is \(state.rawValue))")
        }
        return nil
    }

    /// Throws 403 when the role may never take `action`, 409 `illegal_transition` when the state does not allow it now.
    package func check(_ action: Action, from state: State, role: Role) throws {
        switch refusal(action, from: state, role: role) {
        case .role(let why): throw APIError(.forbidden, code: "forbidden", why)
        case .state(let why): throw APIError.conflict(why, code: "illegal_transition")
        case nil: return
        }
    }

    /// The actions `role` may take from `state`, in declaration order (the buttons a page offers).
    package func actions(from state: State, role: Role) -> [Action] {
        Action.allCases.filter { refusal($0, from: state, role: role) == nil }
    }

    /// Where `action` leads from `state` when the table says (`to`), else the state itself.
    package func target(_ action: Action, from state: State) -> State { rule(action).to ?? state }

    /// The answer when another writer moved the record first.
    package var changed: APIError {
        APIError.conflict("该\(zh)已被他人更新，请刷新后再操作 (the \(en) changed since you loaded it; reload)", code: "\(entity)_changed")
    }

    /// 409 when the caller saw another version than the record's.
    package func checkVersion(expected: Int?, actual: Int) throws {
        if let expected, expected != actual { throw changed }
    }

    package enum Refusal: Equatable, Sendable, CustomStringConvertible {
        case role(String)
        case state(String)

        package var description: String {
            switch self {
            case .role(let s), .state(let s): s
            }
        }
    }
}
