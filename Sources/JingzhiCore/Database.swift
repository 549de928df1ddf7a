import Fluent
import SQLKit

extension Database {
    package var sql: any SQLDatabase { self as! any SQLDatabase }
    package var isPostgres: Bool { sql.dialect.name == "postgresql" }

    /// Runs `body` with at least `kibibytes` of SQLite page cache on this connection (a large insert into tables with
    /// random-key indexes thrashes the default 2 MB), then restores the connection's own setting. PostgreSQL: no-op.
    package func withSQLitePageCache<T>(kibibytes: Int, _ body: () async throws -> T) async throws -> T {
        guard !isPostgres else { return try await body() }
        let old = try await sql.raw("PRAGMA cache_size").first()?.decode(column: "cache_size", as: Int.self) ?? -2000
        guard old > -kibibytes else { return try await body() }
        try await sql.raw("PRAGMA cache_size = \(unsafeRaw: String(-kibibytes))").run()
        do {
            let result = try await body()
            try await sql.raw("PRAGMA cache_size = \(unsafeRaw: String(old))").run()
            return result
        } catch {
            try? await sql.raw("PRAGMA cache_size = \(unsafeRaw: String(old))").run()
            throw error
        }
    }
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
