import Fluent
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
        let notifier = CaseNotifier(db: db, now: now)
        // Overdue on response: nobody accepted it in time.
        for c in try await Case.query(on: db).filter(\.$stateRaw ~~ Self.waiting).filter(\.$responseDueAt < now)
            .filter(\.$responseOverdueAt == nil).limit(500).all() where try await claim(c, column: "response_overdue_at") {
            report.responseOverdue += 1
            try await supervise(c, text: "诉求 \(c.number) 超时未响应", notifier: notifier)
        }
        // Overdue on resolution: no reply by the deadline; escalate one rung where the category says so.
        for c in try await Case.query(on: db).filter(\.$stateRaw ~~ Self.unanswered).filter(\.$resolutionDueAt < now)
            .filter(\.$resolutionOverdueAt == nil).limit(500).all() where try await claim(c, column: "resolution_overdue_at") {
            report.resolutionOverdue += 1
            try await supervise(c, text: "诉求 \(c.number) 超期未办结", notifier: notifier)
            if try await CaseCategory.find(c.categoryID, on: db)?.autoEscalate == true, try await escalate(c) { report.escalated += 1 }
        }
        // Due soon: warn the handler once.
        let horizon = now.addingTimeInterval(4 * 3600 * 6)
        for c in try await Case.query(on: db).filter(\.$stateRaw ~~ Self.unanswered).filter(\.$resolutionDueAt >= now)
            .filter(\.$resolutionDueAt < horizon).filter(\.$dueSoonNoticedAt == nil).limit(500).all() {
            guard let due = c.resolutionDueAt, let created = c.createdAt, Self.dueSoonAt(created: created, due: due) <= now,
                  try await claim(c, column: "due_soon_noticed_at") else { continue }
            report.dueSoon += 1
            try await notifier.send(try await notifier.handlerUsers(of: c), case: c, kind: "due_soon", text: "诉求 \(c.number) 即将到期，请抓紧办理")
        }
        return report
    }

    /// Sets `column` to now only if nobody did before; true when this server won.
    private func claim(_ c: Case, column: String) async throws -> Bool {
        let rows = try await db.sql.update(Case.schema).set(SQLIdentifier(column), to: SQLBind(now))
            .where("id", .equal, SQLBind(c.id!)).where(SQLIdentifier(column), .is, SQLLiteral.null).returning("id").all()
        return !rows.isEmpty
    }

    /// A supervision notice (督办): to the handler and its superiors, and into the case's history.
    private func supervise(_ c: Case, text: String, notifier: CaseNotifier) async throws {
        try await notifier.send(try await notifier.handlerUsers(of: c), case: c, kind: "overdue", text: text)
        try await notifier.send(try await notifier.supervisors(of: c), case: c, kind: "supervision", text: "督办：" + text)
        try await CaseService(db: db, now: now).event(c, action: "supervise", from: c.stateRaw, to: c.state, actorID: nil,
                                                     actorName: "系统督办", note: text, on: db)
    }

    /// Moves an overdue case one rung up the ladder as the system; false at the top.
    private func escalate(_ c: Case) async throws -> Bool {
        guard let fresh = try await Case.find(c.id, on: db), fresh.state.isOpen, fresh.state != .replied,
              fresh.handlerLevel.up != nil else { return false }
        return try await CaseService(db: db, now: now).escalateBySystem(fresh, note: "超期自动上报")
    }
}

/// Runs the scheduler every minute while the server is up.
struct CaseSchedulerLifecycle: LifecycleHandler {
    final class Box: @unchecked Sendable { var task: Task<Void, Never>? }
    let box = Box()

    func didBootAsync(_ app: Application) async throws {
        box.task = Task {
            while !Task.isCancelled {
                do {
                    let report = try await CaseScheduler(db: app.db, now: app.clock.now()).tick()
                    if report != .init() { app.logger.info("deadline supervision: \(report)") }
                } catch {
                    app.logger.report(error: error)
                }
                await PatrolScheduler.tick(app)
                try? await Task.sleep(for: .seconds(60))
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        box.task?.cancel()
    }
}
