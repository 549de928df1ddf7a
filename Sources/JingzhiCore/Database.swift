import Fluent
import SQLKit

extension Database {
    package var sql: any SQLDatabase { self as! any SQLDatabase }
    package var isPostgres: Bool { sql.dialect.name == "postgresql" }
}

extension DatabaseSchema.DataType {
    /// Materialised paths compare byte by byte on both databases (PostgreSQL's locale collation would not).
    package static func path(on db: any Database) -> Self {
        db.isPostgres ? .custom(SQLRaw("TEXT COLLATE \"C\"")) : .string
    }
}

/// Creates a plain (non-unique) index; Fluent's schema builder only makes unique constraints.
package func createIndex(_ name: String, on table: String, _ columns: [String], db: any Database) async throws {
    var builder = db.sql.create(index: name).on(table)
    for c in columns { builder = builder.column(c) }
    try await builder.run()
}
