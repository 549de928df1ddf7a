import Foundation
import Fluent
import JingzhiCore
import Vapor

/// The applications a person follows: a resident their own (and those filed for them), staff and grid workers those
/// of their area, with filters by state, matter, overdue and number.
struct ServiceQueue {
    struct Filter: Sendable {
        var state: ServiceState?
        var matterID: UUID?
        var overdue = false
        var number = ""

        init() {}

        init(_ req: Request) throws {
            let raw = (try? req.query.get(String?.self, at: "state")) ?? nil
            if let raw, !raw.isEmpty {
                guard let s = ServiceState(rawValue: raw) else {
                    throw APIError.invalid("state", "状态须为 submitted、accepted、needs_more、approved、rejected、withdrawn 之一 (unknown state)")
                }
                state = s
            }
            let matter = (try? req.query.get(String?.self, at: "matter")) ?? nil
            if let matter, !matter.isEmpty {
                guard let id = UUID(uuidString: matter) else { throw APIError.invalid("matter", "事项编号无效 (unknown matter)") }
                matterID = id
            }
            overdue = ((try? req.query.get(String?.self, at: "overdue")) ?? nil).map { ["1", "true", "on"].contains($0) } ?? false
            number = (((try? req.query.get(String?.self, at: "number")) ?? nil) ?? "").trimmingCharacters(in: .whitespaces)
        }

        var query: [(String, String)] {
            [("state", state?.rawValue ?? ""), ("matter", matterID?.uuidString ?? ""), ("overdue", overdue ? "1" : ""), ("number", number)]
        }
    }

    let db: any Database
    let now: Date

    func list(for actor: Actor, _ f: Filter, page: PageRequest) async throws -> ([ServiceApplication], Int) {
        var q = ServiceApplication.query(on: db)
        if actor.role == .resident {
            guard let rid = actor.user.residentID else { return ([], 0) }
            q = q.group(.or) { $0.filter(\.$residentID == rid).filter(\.$applicantUserID == actor.userID) }
        } else if ServiceAccess.followsArea(actor) {
            q = q.within(actor.scope)
        } else {
            throw APIError.forbidden
        }
        if let s = f.state { q = q.filter(\.$stateRaw == s.rawValue) }
        if let m = f.matterID { q = q.filter(\.$matterID == m) }
        if f.overdue {
            // Marked by the scheduler, or past the deadline before its next tick.
            q = q.filter(\.$stateRaw ~~ ServiceState.running.map(\.rawValue)).group(.or) { $0.filter(\.$overdueAt != nil).filter(\.$dueAt < now) }
        }
        if !f.number.isEmpty { q = q.filter(\.$number == f.number.uppercased()) }
        let total = try await q.count()
        // The newest first.
        let rows = try await q.sort(\.$submittedAt, .descending).range(page.range).all()
        return (rows, total)
    }
}
