import Fluent
import JingzhiCore

/// Keys of Open311 clients; only each key's SHA-256 is kept.
struct M020CreateAPIKeys: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(APIKey.schema)
            .id()
            .field("name", .string, .required)
            .field("key_hash", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .unique(on: "key_hash")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(APIKey.schema).delete() }
}

/// The area an api_key serves, where its requests that match no place are put for a dispatcher to place.
struct M055AddAPIKeyArea: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(APIKey.schema).field("node_id", .uuid).update()
    }
    func revert(on db: any Database) async throws { try await db.schema(APIKey.schema).deleteField("node_id").update() }
}
