import Fluent
import JingzhiCore
import Vapor

/// Who may open the command centre, and for which subtree.
enum CommandCentreAccess {
    static let roles: Set<Role> = [.admin, .streetStaff, .communityStaff, .gridWorker]

    static let notForYou = APIError(.forbidden, code: "forbidden",
                                    "指挥中心仅供管理员、街道和社区工作人员及网格员使用 (the command centre is for county, street and community staff and grid workers)")

    /// The subtree asked for with `node` (id or code), which must lie inside the viewer's scope (404 otherwise, the
    /// same answer as for a node that does not exist); without `node`, the viewer's own scope. nil is the whole tree.
    static func node(_ req: Request, raw: String?) async throws -> OrgNode? {
        let actor = try req.requireActor()
        guard roles.contains(actor.role) else { throw notForYou }
        if let raw, !raw.isEmpty {
            return try await OrgService(req: req).node(raw, within: actor.scope, field: "node")
        }
        guard !actor.scope.rootPath.isEmpty else { return nil }
        guard let root = try await OrgNode.query(on: req.db).filter(\.$path == actor.scope.rootPath).first() else {
            throw APIError(.forbidden, code: "forbidden", "您的账号未绑定管辖范围 (your account has no area)")
        }
        return root
    }

    static func period(_ raw: String?) throws -> CommandCentrePeriod {
        guard let raw, !raw.isEmpty else { return .standard }
        guard let p = CommandCentrePeriod(rawValue: raw) else {
            throw APIError.invalid("period", "时段须为 \(CommandCentrePeriod.allCases.map(\.rawValue).joined(separator: "、")) (unknown period)")
        }
        return p
    }

    static func category(_ raw: String?, on db: any Database) async throws -> CaseCategory? {
        guard let raw, !raw.isEmpty else { return nil }
        guard let c = try await CaseCategory.query(on: db).filter(\.$code == raw).first() else {
            throw APIError.invalid("category", "未知诉求类别 \(raw) (unknown category)")
        }
        return c
    }
}

/// One-click supervision (督办) from the command centre: the handling unit gets a supervision notice, the case's
/// history gets a `supervise` step, and the audit log records who pressed it. Only unanswered cases can be supervised.
struct CaseSupervision {
    let db: any Database
    let now: Date

    /// The same person supervising the same case again within this time is a double click, not a second notice.
    static let repeatWindow: TimeInterval = 10 * 60

    struct Outcome: Content {
        var caseId: UUID
        var number: String
        var supervisedAt: Date
        /// How many accounts were sent the notice.
        var notified: Int
    }

    func supervise(caseID: UUID?, note: String?, by actor: Actor, source: AuditSource) async throws -> Outcome {
        guard CaseMachine.dispatchers.contains(actor.role) else {
            throw APIError(.forbidden, code: "forbidden", "只有管理员、街道和社区工作人员可以督办 (only county, street and community staff can supervise)")
        }
        let c = try await Case.find(caseID, within: actor.scope, on: db)
        guard CommandCentreSQL.unanswered.contains(c.stateRaw) else {
            throw APIError.conflict("诉求「\(c.state.zh)」，无需督办 (the case is already answered or closed)", code: "not_open")
        }
        let text = try Validate.text(note, field: "note", max: 200, required: false)
        if let last = try await CaseEvent.query(on: db).filter(\.$caseID == c.id!).filter(\.$action == "supervise")
            .filter(\.$actorID == actor.userID).sort(\.$at, .descending).first(), now.timeIntervalSince(last.at) < Self.repeatWindow {
            throw APIError.conflict("您刚刚已督办过此诉求 (you supervised this case a moment ago)", code: "already_supervised")
        }
        let who = actor.user.displayName
        let message = "督办：诉求 \(c.number) 请抓紧办理（\(who)）" + (text.map { "：\($0)" } ?? "")
        let notified = try await db.writeTransaction { tx in
            let notifier = CaseNotifier(db: tx, now: now)
            let users = try await notifier.handlerUsers(of: c)
            try await notifier.send(users, case: c, kind: "supervision", text: message)
            try await CaseService(db: tx, now: now).event(c, action: "supervise", from: c.stateRaw, to: c.state, actorID: actor.userID,
                                                        actorName: who, note: text ?? "指挥中心督办", on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "supervise", entity: "case", entityID: c.id,
                                      nodePath: c.nodePath, summary: "督办诉求 \(c.number)" + (text.map { "：\($0)" } ?? ""))
            return Set(users).count
        }
        return Outcome(caseId: c.id!, number: c.number, supervisedAt: now, notified: notified)
    }
}
