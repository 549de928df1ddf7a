import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers

/// What other features do when a case moves; they register at start-up and Cases names none of them.
/// In-transaction hooks write with the move (they commit or roll back with it); after-commit hooks run once the move
/// has committed, and their failure is logged without undoing it. A name registers once: a second app replaces it.
final class CaseHooks: Sendable {
    typealias Hook = @Sendable (_ c: Case, _ action: CaseAction, _ to: CaseState, _ db: any Database, _ now: Date) async throws -> Void

    static let shared = CaseHooks()
    private let inTx = NIOLockedValueBox<[(name: String, run: Hook)]>([])
    private let after = NIOLockedValueBox<[(name: String, run: Hook)]>([])
    private let logger = Logger(label: "jingzhi.cases.hooks")

    func inTransaction(_ name: String, _ hook: @escaping Hook) { Self.put(name, hook, in: inTx) }
    func afterCommit(_ name: String, _ hook: @escaping Hook) { Self.put(name, hook, in: after) }

    func runInTransaction(_ c: Case, action: CaseAction, to: CaseState, on db: any Database, now: Date) async throws {
        for h in inTx.withLockedValue({ $0 }) { try await h.run(c, action, to, db, now) }
    }

    func runAfterCommit(_ c: Case, action: CaseAction, to: CaseState, on db: any Database, now: Date) async {
        for h in after.withLockedValue({ $0 }) {
            do { try await h.run(c, action, to, db, now) } catch {
                logger.reportSafely(error, "case hook \(h.name) failed after \(action.rawValue) of \(c.number)")
            }
        }
    }

    private static func put(_ name: String, _ hook: @escaping Hook, in box: NIOLockedValueBox<[(name: String, run: Hook)]>) {
        box.withLockedValue { list in
            if let i = list.firstIndex(where: { $0.name == name }) { list[i].run = hook } else { list.append((name, hook)) }
        }
    }
}
