import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// Deadline supervision (限时督办), run every minute inside the server. Each mark is claimed with a conditional
/// UPDATE, so when several app servers share one database every case is warned, marked and escalated exactly once.
struct CaseScheduler {
    let db: any Database
    let now: Date

    /// A reply is "due soon" in the last quarter of its time, and at most 4 hours before the deadline.
    static func dueSoonAt(created: Date, due: Date) -> Date {
        max(due.addingTimeInterval(-4 * 3600), due.addingTimeInterval(-due.timeIntervalSince(created) / 4))
    }

    struct Report: Equatable, Sendable {
        var dueSoon = 0
        var responseOverdue = 0
        var resolutionOverdue = 0
        var escalated = 0
    }

    static let waiting: [String] = [CaseState.submitted.rawValue]
    static let unanswered: [String] = [CaseState.submitted, .accepted, .dispatched, .inProgress, .returned, .escalated, .reopened].map(\.rawValue)

    func tick() async throws -> Report {
        var report = Report()
        // Overdue on response: nobody accepted it in time.
        for c in try await Case.query(on: db).filter(\.$stateRaw ~~ Self.waiting).filter(\.$responseDueAt < now)
            .filter(\.$responseOverdueAt == nil).limit(500).all()
        where try await claimAndNotify(c, column: "response_overdue_at", { try await supervise(c, text: "诉求 \(c.number) 超时未响应", on: $0) }) {
            report.responseOverdue += 1
        }
        // Overdue on resolution: no reply by the deadline; escalate one rung where the category says so.
        for c in try await Case.query(on: db).filter(\.$stateRaw ~~ Self.unanswered).filter(\.$resolutionDueAt < now)
            .filter(\.$resolutionOverdueAt == nil).limit(500).all()
        where try await claimAndNotify(c, column: "resolution_overdue_at", { try await supervise(c, text: "诉求 \(c.number) 超期未办结", on: $0) }) {
            report.resolutionOverdue += 1
            if try await CaseCategory.find(c.categoryID, on: db)?.autoEscalate == true, try await escalate(c) { report.escalated += 1 }
        }
        // Due soon: warn the handler once.
        let horizon = now.addingTimeInterval(4 * 3600 * 6)
        for c in try await Case.query(on: db).filter(\.$stateRaw ~~ Self.unanswered).filter(\.$resolutionDueAt >= now)
            .filter(\.$resolutionDueAt < horizon).filter(\.$dueSoonNoticedAt == nil).limit(500).all() {
            guard let due = c.resolutionDueAt, let created = c.createdAt, Self.dueSoonAt(created: created, due: due) <= now else { continue }
            let now = now
            let warned = try await claimAndNotify(c, column: "due_soon_noticed_at") { tx in
                let notifier = CaseNotifier(db: tx, now: now)
                try await notifier.send(try await notifier.handlerUsers(of: c), case: c, kind: "due_soon", text: "诉求 \(c.number) 即将到期，请抓紧办理")
            }
            if warned { report.dueSoon += 1 }
        }
        return report
    }

    /// Sets `column` to now only if nobody did before and, in the same transaction, sends what goes with the mark; true
    /// when this server won. A crash in between leaves neither the mark nor the notices, so the next tick tries again.
    private func claimAndNotify(_ c: Case, column: String, _ notify: @escaping @Sendable (any Database) async throws -> Void) async throws -> Bool {
        let now = now, id = c.id!
        return try await db.writeTransaction { tx in
            let rows = try await tx.sql.update(Case.schema).set(SQLIdentifier(column), to: SQLBind(now))
                .where("id", .equal, SQLBind(id)).where(SQLIdentifier(column), .is, SQLLiteral.null).returning("id").all()
            guard !rows.isEmpty else { return false }
            try await notify(tx)
            return true
        }
    }

    /// A supervision notice (督办): to the handler and its superiors, and into the case's history.
    private func supervise(_ c: Case, text: String, on tx: any Database) async throws {
        let notifier = CaseNotifier(db: tx, now: now)
        try await notifier.send(try await notifier.handlerUsers(of: c), case: c, kind: "overdue", text: text)
        try await notifier.send(try await notifier.supervisors(of: c), case: c, kind: "supervision", text: "督办：" + text)
        try await CaseService(db: tx, now: now).event(c, action: "supervise", from: c.stateRaw, to: c.state, actorID: nil,
                                                     actorName: "系统督办", note: text, on: tx)
    }

    /// Moves an overdue case one rung up the ladder as the system; false at the top.
    private func escalate(_ c: Case) async throws -> Bool {
        guard let fresh = try await Case.find(c.id, on: db), fresh.state.isOpen, fresh.state != .replied,
              fresh.handlerLevel.up != nil else { return false }
        return try await CaseService(db: db, now: now).escalateBySystem(fresh, note: "超期自动上报")
    }
}

/// The deadline supervision's minute task (the first registered, so deadlines move before other features' sweepers).
enum CaseDeadlineTask {
    /// The cases it marked (warned, overdue on response or resolution).
    @discardableResult
    static func tick(_ app: Application) async -> Int {
        do {
            let report = try await CaseScheduler(db: app.db, now: app.clock.now()).tick()
            if report != .init() { app.logger.info("deadline supervision: \(report)") }
            return report.dueSoon + report.responseOverdue + report.resolutionOverdue
        } catch {
            app.logger.reportSafely(error, "CaseScheduler")
            return 0
        }
    }
}
