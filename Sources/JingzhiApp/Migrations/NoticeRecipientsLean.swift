import Fluent
import JingzhiCore
import SQLKit

/// Recipient rows without the unique (notice, person key) constraint: its index took a random-order insert per row when a
/// notice was published to a city. Each person is written once by construction (one row per resident and per account of the
/// reach query, inside the publishing transaction, which writes nothing when the notice already has rows). SQLite cannot
/// drop a table constraint, so there the table is rebuilt with the same columns and rows. The (notice, path) index also
/// carries read, acknowledged and delivered, so receipts are counted from the index alone; the resident and account
/// indexes hold only the rows that have one (a resident row no longer adds a NULL account entry, nor the reverse).
struct M132DropNoticeRecipientUnique: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let table = NoticeRecipient.schema
        if db.isPostgres {
            // Fluent names the constraint by a hash of its columns: find it by kind (the table's only unique constraint).
            let names = try await db.sql.raw("SELECT conname FROM pg_constraint WHERE conrelid = CAST(\(bind: table) AS regclass) AND contype = 'u'").all()
            for row in names {
                try await db.sql.raw("ALTER TABLE \(ident: table) DROP CONSTRAINT \(ident: try row.decode(column: "conname", as: String.self))").run()
            }
            for index in ["notice_recipients_path", "notice_recipients_resident", "notice_recipients_user"] {
                try await db.sql.raw("DROP INDEX IF EXISTS \(ident: index)").run()
            }
            try await Self.indexes(on: db)
            return
        }
        let new = table + "_lean"
        try await db.sql.raw("""
            CREATE TABLE \(ident: new) ("id" UUID PRIMARY KEY, "notice_id" UUID NOT NULL REFERENCES "notices" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, \
            "person_key" TEXT NOT NULL, "resident_id" UUID, "user_id" UUID, "node_path" TEXT NOT NULL, "audience" TEXT NOT NULL, \
            "read_at" REAL, "acked_at" REAL, "delivered_at" REAL, "delivered_by" UUID)
            """).run()
        try await db.sql.raw("""
            INSERT INTO \(ident: new) (id, notice_id, person_key, resident_id, user_id, node_path, audience, read_at, acked_at, delivered_at, delivered_by) \
            SELECT id, notice_id, person_key, resident_id, user_id, node_path, audience, read_at, acked_at, delivered_at, delivered_by \
            FROM \(ident: table) ORDER BY notice_id, node_path
            """).run()
        try await db.sql.raw("DROP TABLE \(ident: table)").run()
        try await db.sql.raw("ALTER TABLE \(ident: new) RENAME TO \(ident: table)").run()
        try await Self.indexes(on: db)
    }

    static func indexes(on db: any Database) async throws {
        let t = NoticeRecipient.schema
        try await db.sql.raw("CREATE INDEX \(ident: "notice_recipients_path") ON \(ident: t) (notice_id, node_path, read_at, delivered_at, acked_at)").run()
        try await db.sql.raw("CREATE INDEX \(ident: "notice_recipients_resident") ON \(ident: t) (resident_id) WHERE resident_id IS NOT NULL").run()
        try await db.sql.raw("CREATE INDEX \(ident: "notice_recipients_user") ON \(ident: t) (user_id) WHERE user_id IS NOT NULL").run()
    }

    func revert(on db: any Database) async throws {
        try await db.sql.raw("CREATE UNIQUE INDEX \(ident: "notice_recipients_person") ON \(ident: NoticeRecipient.schema) (notice_id, person_key)").run()
    }
}
