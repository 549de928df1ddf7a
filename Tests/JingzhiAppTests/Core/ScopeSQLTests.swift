import Fluent
import JingzhiCore
import SQLKit
import Testing
import VaporTesting
@testable import JingzhiApp

/// A scope becomes SQL in one place, and a union of subtrees reads exactly the rows under any of them.
@Suite struct ScopeSQLTests {
    @Test func aUnionScopeReadsTheRowsOfEverySubtreeAndNoOther() async throws {
        try await withTestApp { app in
            // setup: three sibling subtrees
            let inserted = ["0001", "00010001", "0002", "00020003", "0003"]
            for path in inserted {
                try await app.db.sql.raw("INSERT INTO \(ident: AuditEntry.schema) (id, at, actor_name, action, entity, node_path, ip, summary) VALUES (\(bind: UUID()), \(bind: app.clock.now()), 't', 't', 't', \(bind: path), 'local', 't')").run()
            }
            let scope = DataScope.union(["0001", "0003"])
            // act
            let rows = try await app.db.sql.raw("SELECT node_path FROM \(ident: AuditEntry.schema) WHERE \(scope.sqlCondition())").all()
            // check
            let paths = try rows.map { try $0.decode(column: "node_path", as: String.self) }.filter(inserted.contains).sorted()
            #expect(paths == ["0001", "00010001", "0003"])
            // the same scope on an aliased table's column
            let aliased = try await app.db.sql.raw("SELECT a.node_path FROM \(ident: AuditEntry.schema) a WHERE \(scope.sqlCondition(column: "a.node_path"))").all()
            #expect(try aliased.map { try $0.decode(column: "node_path", as: String.self) }.filter(inserted.contains).sorted() == paths)
        }
    }
}
