import Fluent
import JingzhiCore
import SQLKit

/// A larger SQLite page cache while one statement writes a city's recipient rows: the default 2 MB makes every index page
/// of a large insert go to disk and back. The connection's own setting is restored afterwards. PostgreSQL: nothing to do.
enum NoticeBulkCache {
    static let kibibytes = 262_144

    static func around<T>(on db: any Database, _ body: () async throws -> T) async throws -> T {
        guard !db.isPostgres else { return try await body() }
        let old = try await db.sql.raw("PRAGMA cache_size").first()?.decode(column: "cache_size", as: Int.self) ?? -2000
        guard old > -kibibytes else { return try await body() }
        try await db.sql.raw("PRAGMA cache_size = \(unsafeRaw: String(-kibibytes))").run()
        do {
            let result = try await body()
            try await db.sql.raw("PRAGMA cache_size = \(unsafeRaw: String(old))").run()
            return result
        } catch {
            try? await db.sql.raw("PRAGMA cache_size = \(unsafeRaw: String(old))").run()
            throw error
        }
    }
}
