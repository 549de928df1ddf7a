import Fluent
import SQLKit
import Foundation
import JingzhiCore
import Testing
import Vapor
@testable import JingzhiApp

/// A service called inside a write transaction joins it: when the outer work fails, nothing of the inner is kept.
/// On PostgreSQL this rests on the guarded transaction handing its body a connection Fluent marks as in a transaction.
@Suite struct NestedTransactionTests {
    struct Refused: Error {}

    @Test func anInnerTransactionRollsBackWithTheOuterOne() async throws {
        try await withTestApp { app in
            let mark = "nested-\(UUID().uuidString)"
            await #expect(throws: Refused.self) {
                try await app.db.writeTransaction { tx in
                    try await AuditLog.record(on: tx, by: .system("test"), at: Date(), action: "outer", entity: "test", entityID: nil,
                                              nodePath: "", summary: mark)
                    try await tx.writeTransaction { inner in
                        try await AuditLog.record(on: inner, by: .system("test"), at: Date(), action: "inner", entity: "test", entityID: nil,
                                                  nodePath: "", summary: mark)
                    }
                    throw Refused()
                }
            }
            #expect(try await AuditEntry.query(on: app.db).filter(\.$summary == mark).count() == 0)
            // And when it succeeds, both are kept.
            try await app.db.writeTransaction { tx in
                try await AuditLog.record(on: tx, by: .system("test"), at: Date(), action: "outer", entity: "test", entityID: nil,
                                          nodePath: "", summary: mark)
                try await tx.writeTransaction { inner in
                    #expect(inner.inTransaction)
                    try await AuditLog.record(on: inner, by: .system("test"), at: Date(), action: "inner", entity: "test", entityID: nil,
                                              nodePath: "", summary: mark)
                }
            }
            #expect(try await AuditEntry.query(on: app.db).filter(\.$summary == mark).count() == 2)
        }
    }

    @Test func aDatabaseFailureIsLoggedWithItsCodeNeverItsMessage() async throws {
        try await withTestApp { app in
            do {
                try await (app.db as! any SQLDatabase).raw("SELECT * FROM no_such_table_13800000000").run()
                Issue.record("the query should fail")
            } catch {
                let code = try #require(SafeErrorCode.of(error))
                #expect((code.hasPrefix("sqlite ") || code.hasPrefix("sqlstate ")) && !code.contains("1380"), "\(code)")
            }
        }
    }
}
