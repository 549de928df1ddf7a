import Fluent
import FluentSQLiteDriver
import Foundation
import JingzhiCore
import SQLKit
import Vapor

/// `jingzhi backup`: a consistent copy of the whole database while servers keep running, with a manifest of every
/// table's row count and checksum at the copy's moment. Photos and attachments live in database tables, so they are in it.
public enum Backup {
    static let fileExtension = "jzbackup"

    /// Takes a backup of `app`'s database into `path` (which must not exist yet).
    @discardableResult
    public static func take(_ app: Application, to path: String) async throws -> BackupManifest {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw BackupError("\(path) 已存在；备份不会覆盖已有文件", "\(path) already exists; a backup never overwrites a file")
        }
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir.isEmpty ? "." : dir, withIntermediateDirectories: true)
        let payload = (dir.isEmpty ? "." : dir) + "/.jingzhi-backup-\(UUID().uuidString).part"
        defer { try? FileManager.default.removeItem(atPath: payload) }
        let settings = app.settings
        let createdAt = app.clock.now()
        let snapshot: (tables: [TableSum], migrations: [String])
        if let url = settings.databaseURL {
            let schema = settings.databaseSchema ?? "public"
            snapshot = try await postgresSnapshot(app.db, url: url, schema: schema, to: payload, env: settings.environment)
        } else {
            // VACUUM INTO reads one snapshot of the live file (WAL lets writers go on) and writes a compact copy.
            try await app.db.sql.raw("VACUUM INTO \(bind: payload)").run()
            snapshot = try await withSQLite(payload) { sql in (try await TableChecksums.compute(sql), try await TableChecksums.migrations(sql)) }
        }
        let (sha, bytes) = try BackupFile.digest(of: payload)
        let manifest = BackupManifest(format: BackupManifest.currentFormat, app: "jingzhi", database: settings.usesPostgres ? "postgresql" : "sqlite",
                                      createdAt: createdAt, migrations: snapshot.migrations, tables: snapshot.tables, payloadBytes: bytes,
                                      payloadSHA256: sha, postgresSchema: settings.usesPostgres ? (settings.databaseSchema ?? "public") : nil)
        try BackupFile.write(manifest: manifest, payload: payload, to: path)
        try await AuditLog.record(on: app.db, by: .cli("backup"), at: app.clock.now(), action: "backup", entity: "database", entityID: nil,
                                  nodePath: "", summary: "备份数据库：\(manifest.tables.count) 张表，\(manifest.totalRows) 行 → \((path as NSString).lastPathComponent)")
        return manifest
    }

    /// Sums and dump from one exported snapshot: the manifest describes exactly what `pg_dump` wrote.
    private static func postgresSnapshot(_ db: any Database, url: String, schema: String, to file: String,
                                         env: [String: String]) async throws -> (tables: [TableSum], migrations: [String]) {
        struct Result: Sendable { let tables: [TableSum]; let migrations: [String] }
        let r = try await db.transaction { tx -> Result in
            try await tx.sql.raw("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").run()
            let snap = try await tx.sql.raw("SELECT pg_export_snapshot() AS s").first()?.decode(column: "s", as: String.self)
            let tables = try await TableChecksums.compute(tx.sql)
            let migrations = try await TableChecksums.migrations(tx.sql)
            try await PGTools.dump(url: url, schema: schema, snapshot: snap, to: file, env: env)
            return Result(tables: tables, migrations: migrations)
        }
        return (r.tables, r.migrations)
    }

    /// Runs `body` on a private connection to an SQLite file.
    static func withSQLite<T: Sendable>(_ path: String, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let conn = try await SQLiteConnection.open(storage: .file(path: path))
        do {
            let result = try await body(conn.sql())
            try await conn.close()
            return result
        } catch {
            try? await conn.close()
            throw error
        }
    }

    /// A file name for a backup taken now into a directory: `jingzhi-20261205-2130.jzbackup` (UTC).
    public static func name(in dir: String, at date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss"
        return (dir as NSString).appendingPathComponent("jingzhi-\(f.string(from: date)).\(fileExtension)")
    }

    /// Keeps the newest `keep` backups named by `name(in:at:)` in `dir`, removes the older ones; returns those removed.
    public static func prune(_ dir: String, keep: Int) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
            .filter { $0.hasPrefix("jingzhi-") && $0.hasSuffix(".\(fileExtension)") }.sorted(by: >)
        let old = Array(names.dropFirst(max(keep, 1)))
        for n in old { try FileManager.default.removeItem(atPath: (dir as NSString).appendingPathComponent(n)) }
        return old
    }
}
