import Fluent
import JingzhiCore
import SQLKit

/// The org tree's version, one row in the database, bumped in the same transaction as every change to the tree (a
/// node created, renamed, moved, deleted or given a boundary, or a demo seeded). Caches of figures drawn from the tree
/// — the command centre's grids, outlines, households per grid and past days on the map — put it in their keys, and
/// every server reads it (one primary-key lookup) on each request: a change through any server redraws every server's
/// command centre on its next request.
enum OrgTreeVersion {
    static let schema = "org_tree_version"

    /// The current version (0 until the tree first changes).
    static func current(on db: any Database) async throws -> Int {
        try await db.sql.select().column("version").from(schema).where("id", .equal, SQLBind(1)).first()?
            .decode(column: "version", as: Int.self) ?? 0
    }

    /// Moves the version on; call it inside the transaction that changes the tree, so it commits (or not) with it.
    static func bump(on db: any Database) async throws {
        try await db.sql.update(schema).set("version", to: SQLRaw("version + 1")).where("id", .equal, SQLBind(1)).run()
    }
}
