import Fluent
import JingzhiCore
import SQLKit
import Vapor

extension CaseService {
    /// Moves a case by `action`, in one transaction that also writes the event. `expectedVersion` (from the page or
    /// client that showed the case) makes a second writer fail with 409 instead of overwriting.
    @discardableResult
    func perform(_ action: CaseAction, on c: Case, by actor: Actor, expectedVersion: Int?, input: CaseTransitionInput) async throws -> Case {
        guard try await CaseAccess.canRead(c, actor, on: db) else { throw APIError.notFound }
        try CaseMachine.lifecycle.check(action, from: c.state, role: actor.role)
        if let refusal = CaseAccess.refusal(action, on: c, by: actor, handlerPath: try await CaseAccess.handlerPath(of: c, on: db)) {
            throw APIError(.forbidden, code: "not_your_case", refusal)
        }
        try CaseMachine.lifecycle.checkVersion(expected: expectedVersion, actual: c.version)
        let from = c.state
        var to = CaseMachine.lifecycle.target(action, from: from)
        let note = try Validate.text(input.note, field: "note", max: 2000, required: [.reject, .returnCase, .escalate, .reply, .note].contains(action))
        switch action {
        case .accept:
            if c.respondedAt == nil { c.respondedAt = now }
        case .dispatch:
            if let unit = input.handlerNodeID {
                try await assign(c, toUnit: unit, scope: actor.scope)
            } else {
                guard let level = input.level else { throw APIError.missing("level") }
                try await assign(c, to: level, departmentCode: input.departmentCode)
            }
            try shorten(c, to: input.resolutionDueAt)
            if c.respondedAt == nil { c.respondedAt = now }
        case .escalate:
            guard let up = c.handlerLevel.up else {
                throw APIError.conflict("已是最高一级，不能再上报 (already at the top of the ladder)", code: "illegal_transition")
            }
            try await assign(c, to: up, departmentCode: input.departmentCode)
        case .handBack:
            let from = c.handlerLevel
            if let unit = input.handlerNodeID {
                try await assign(c, toUnit: unit, scope: actor.scope)
            } else {
                guard let level = input.level else { throw APIError.missing("level") }
                guard Self.rank(level) < Self.rank(from) else { throw APIError.invalid("level", "只能交回下级单位 (hand back to a lower level)") }
                try await assign(c, to: level, departmentCode: nil)
            }
            guard Self.rank(c.handlerLevel) < Self.rank(from) else {
                throw APIError.invalid("level", "只能交回下级单位 (hand back to a lower level)")
            }
        case .reply:
            c.repliedAt = now
        case .rate:
            guard let rating = input.rating else { throw APIError.missing("rating") }
            c.rating = rating.rawValue
            c.ratingComment = note
            to = CaseMachine.afterRating(rating, reopenedBefore: c.reopenedCount)
            if to == .reopened { c.reopenedCount += 1 }
        case .merge:
            guard let targetID = input.mergeInto, targetID != c.id else { throw APIError.missing("mergeInto") }
            guard let target = try await Case.query(on: db).filter(\.$id == targetID).within(actor.scope).first(), target.state.isOpen else {
                throw APIError(.notFound, code: "unknown_case", "要合并到的诉求不存在或已结束 (no open case to merge into)", field: "mergeInto")
            }
            c.mergedIntoID = target.id
        case .reject, .start, .returnCase, .close, .note:
            break
        }
        if to == .closed || to == .rejected || to == .merged { c.closedAt = now }
        let by = AuditSource(actorID: actor.userID, actorName: actor.user.displayName, ip: source.ip)
        var claimed = try await commit(c, action: action, from: from, to: to, by: by, note: note ?? input.rating.map(\.zh))
        // A note changes nothing another writer could have changed: without a version it claims the latest one.
        var attempts = 0
        while !claimed, action == .note, expectedVersion == nil, attempts < 20 {
            attempts += 1
            guard let fresh = try await Case.find(c.id, on: db), fresh.state.isOpen else { break }
            claimed = try await commit(fresh, action: action, from: fresh.state, to: fresh.state, by: by, note: note)
            if claimed { return fresh }
        }
        guard claimed else { throw CaseMachine.lifecycle.changed }
        await CaseHooks.shared.runAfterCommit(c, action: action, to: to, on: db, now: now)
        return c
    }

    /// The scheduler's escalation of an overdue case: one rung up, as the system, with the same bookkeeping.
    /// False when there is no rung above, or no department is known for the category.
    @discardableResult
    func escalateBySystem(_ c: Case, note: String) async throws -> Bool {
        guard let up = c.handlerLevel.up else { return false }
        let from = c.state
        do { try await assign(c, to: up, departmentCode: nil) } catch is APIError { return false }
        return try await commit(c, action: .escalate, from: from, to: .escalated, by: .system("系统督办"), note: note)
    }

    /// Writes a move through the case lifecycle (version claim, record, event, audit in one transaction), with the case's
    /// own bookkeeping: handling record, tallies and notices. False when another writer won.
    private func commit(_ c: Case, action: CaseAction, from: CaseState, to: CaseState, by source: AuditSource, note: String?) async throws -> Bool {
        let now = now
        return try await CaseMachine.lifecycle.commit(c, action, from: from, to: to, subject: c.number, note: note, by: source, at: now, on: db,
            write: { tx in
                let before = try await CaseTallies.facts(of: c.id!, on: tx)
                try await c.save(on: tx)
                try await CaseHandlings.record(c, nodePath: try await CaseAccess.handlerPath(of: c, on: tx), on: tx, at: now)
                try await CaseTallies.apply(old: before, new: try await CaseTallies.refreshedFacts(of: c.id!, on: tx), on: tx)
            },
            history: { tx in
                try await CaseService(db: tx, now: now).event(c, action: action.rawValue, from: from.rawValue, to: to, actorID: source.actorID,
                                                            actorName: source.actorName, note: note, on: tx)
                try await CaseNotifier(db: tx, now: now).afterTransition(c, action: action)
                try await CaseHooks.shared.runInTransaction(c, action: action, to: to, on: tx, now: now)
            })
    }

    static func rank(_ level: HandlerLevel) -> Int {
        switch level {
        case .grid, .property: 0
        case .community: 1
        case .street: 2
        case .department: 3
        }
    }

    /// Points the case at the unit of `level` responsible for its place (or a department).
    private func assign(_ c: Case, to level: HandlerLevel, departmentCode: String?) async throws {
        c.handlerLevelRaw = level.rawValue
        if level == .department {
            let category = try await CaseCategory.find(c.categoryID, on: db)
            let department: Department?
            if let code = departmentCode, !code.isEmpty {
                department = try await Department.query(on: db).filter(\.$code == code).filter(\.$active == true).first()
                guard department != nil else { throw APIError.invalid("departmentCode", "未知部门 \(code) (unknown department)") }
            } else if let id = category?.defaultDepartmentID {
                department = try await Department.find(id, on: db)
            } else {
                throw APIError.missing("departmentCode")
            }
            c.handlerDepartmentID = department?.id
            c.handlerNodeID = nil
            return
        }
        let kind: NodeKind = switch level {
        case .grid: .grid
        case .street: .street
        case .property: .compound
        default: .community
        }
        guard let node = try await OrgNode.find(c.nodeID, on: db) else { throw APIError.notFound }
        let chain = try await OrgService(db: db, now: now).ancestors(of: node)
        guard let unit = chain.last(where: { $0.kind == kind }) else {
            throw APIError.invalid("level", "该地点没有对应的\(level.zh) (no \(level.rawValue) for this place)")
        }
        c.handlerNodeID = unit.id
        c.handlerDepartmentID = nil
    }
}

