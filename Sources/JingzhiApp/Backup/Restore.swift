import Fluent
import FluentSQLiteDriver
import Foundation
import JingzhiCore
import SQLKit

/// What a restore did, for the person who ran it.
public struct RestoreReport: Sendable {
    public var manifest: BackupManifest
    /// Migrations this version has that the backup lacks; they run when the server next starts.
    public var pendingMigrations: [String]
    /// SQLite: where the replaced database file was kept.
    public var keptOldFile: String?
    /// False for `--check`: the file was verified, nothing was written.
    public var restored: Bool

    public var summary: String {
        var lines = ["备份时间 (taken) \(ISO8601DateFormatter().string(from: manifest.createdAt))，\(manifest.database)，\(manifest.tables.count) 张表 (tables)，\(manifest.totalRows) 行 (rows)"]
        for t in manifest.tables where t.rows > 0 { lines.append("  \(t.name): \(t.rows)") }
        if let keptOldFile { lines.append("原数据库已另存为 (the replaced database is kept as) \(keptOldFile)") }
        if !pendingMigrations.isEmpty { lines.append("启动服务时将执行 \(pendingMigrations.count) 个新迁移 (\(pendingMigrations.count) newer migrations run at the next start)") }
        lines.append(restored ? "已恢复，每张表的行数和校验和均与备份一致。(restored; every table's row count and checksum match the backup)"
                              : "备份文件完好，可以恢复。(the backup is intact and can be restored; nothing was written)")
        return lines.joined(separator: "\n")
    }
}

public enum Restore {
    /// Restores `path` into the database `settings` name. `postgres` is a connection to that database (PostgreSQL only).
    /// Refuses, in words, a foreign or corrupted file, a backup of another kind or a newer version, a database that holds
    /// data (unless `force`), and (SQLite) a data directory a server is running on.
    public static func run(from path: String, into settings: Settings, postgres: (any Database)?, force: Bool,
                           checkOnly: Bool = false) async throws -> RestoreReport {
        let (manifest, offset) = try BackupFile.open(path)
        let kind = settings.usesPostgres ? "postgresql" : "sqlite"
        guard manifest.database == kind else {
            throw BackupError("这是 \(manifest.database) 数据库的备份，不能恢复到 \(kind)", "this is a backup of a \(manifest.database) database; it cannot be restored into \(kind)")
        }
        let known = Set(Migrations.all.map { $0.name })
        let unknown = manifest.migrations.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw BackupError("备份来自更新的精治版本（本版本没有迁移 \(unknown.prefix(3).joined(separator: ", "))），请先升级",
                              "the backup comes from a newer Jingzhi version (unknown migrations); upgrade first")
        }
        let pending = Migrations.all.map { $0.name }.filter { !manifest.migrations.contains($0) }
        var report = RestoreReport(manifest: manifest, pendingMigrations: pending, keptOldFile: nil, restored: false)
        if settings.usesPostgres {
            guard let db = postgres, let url = settings.databaseURL else { throw BackupError("缺少数据库连接", "no database connection") }
            let schema = settings.databaseSchema ?? "public"
            guard manifest.postgresSchema == schema else {
                throw BackupError("备份的模式是 \(manifest.postgresSchema ?? "?")，此服务器使用 \(schema)", "the backup holds schema \(manifest.postgresSchema ?? "?"); this server uses \(schema)")
            }
            if checkOnly { return report }
            try await refuseIfInUse(db.sql, force: force)
            try await restorePostgres(path, offset: offset, db: db, url: url, schema: schema, env: settings.environment)
            try await verify(manifest, db.sql)
        } else {
            report.keptOldFile = try await restoreSQLite(path, offset: offset, manifest: manifest, settings: settings, force: force, checkOnly: checkOnly)
            if checkOnly { return report }
        }
        report.restored = true
        return report
    }

    static func refuseIfInUse(_ sql: any SQLDatabase, force: Bool) async throws {
        let counts = try await TableChecksums.dataRows(sql)
        guard !force, counts.values.contains(where: { $0 > 0 }) else { return }
        let said = counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        throw BackupError("目标数据库中已有数据（\(said)）；恢复会替换全部数据，确认无误请加 --force",
                          "the target database holds data (\(said)); a restore replaces all of it: pass --force to do so")
    }

    static func verify(_ manifest: BackupManifest, _ sql: any SQLDatabase) async throws {
        let diffs = TableChecksums.differences(expected: manifest.tables, actual: try await TableChecksums.compute(sql))
        guard diffs.isEmpty else {
            throw BackupError("恢复后的数据与备份清单不符：\(diffs.prefix(5).joined(separator: "; "))", "the restored data does not match the manifest")
        }
    }

    /// Moves the current schema aside, restores into a fresh one in one transaction, then drops the old one; if the restore
    /// fails the old schema comes back.
    private static func restorePostgres(_ path: String, offset: UInt64, db: any Database, url: String, schema: String, env: [String: String]) async throws {
        let dump = FileManager.default.temporaryDirectory.appendingPathComponent("jingzhi-restore-\(UUID().uuidString).dump").path
        defer { try? FileManager.default.removeItem(atPath: dump) }
        try BackupFile.extract(path, offset: offset, to: dump)
        let aside = "\(schema)_replaced_\(Int(Date().timeIntervalSince1970))"
        let exists = try await db.sql.raw("SELECT 1 AS x FROM information_schema.schemata WHERE schema_name = \(bind: schema)").first() != nil
        if exists { try await db.sql.raw("ALTER SCHEMA \(ident: schema) RENAME TO \(ident: aside)").run() }
        do {
            try await PGTools.restore(url: url, from: dump, env: env)
        } catch {
            if exists { try? await db.sql.raw("ALTER SCHEMA \(ident: aside) RENAME TO \(ident: schema)").run() }
            throw error
        }
        if exists { try await db.sql.raw("DROP SCHEMA \(ident: aside) CASCADE").run() }
    }

    /// Writes the copy beside the database, checks it, then renames it over the old file (kept under another name).
    private static func restoreSQLite(_ path: String, offset: UInt64, manifest: BackupManifest, settings: Settings, force: Bool,
                                      checkOnly: Bool) async throws -> String? {
        let fm = FileManager.default
        let dir = checkOnly ? fm.temporaryDirectory.path : settings.dataDirectory
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let temp = (dir as NSString).appendingPathComponent(".jingzhi-restore-\(UUID().uuidString).sqlite")
        defer { try? fm.removeItem(atPath: temp) }
        try BackupFile.extract(path, offset: offset, to: temp)
        try await Backup.withSQLite(temp) { sql in try await verify(manifest, sql) }
        if checkOnly { return nil }
        guard let lock = try ServerLock.forRestore(settings) else {
            throw BackupError("有精治服务器正在使用 \(settings.dataDirectory)；请先停止它（如 systemctl stop jingzhi）再恢复",
                              "a Jingzhi server is running on \(settings.dataDirectory); stop it first (e.g. systemctl stop jingzhi)")
        }
        defer { withExtendedLifetime(lock) {} }
        let target = settings.sqlitePath
        var kept: String?
        if fm.fileExists(atPath: target) {
            // Closing the last connection folds the WAL into the file, so the kept copy is whole.
            try await Backup.withSQLite(target) { sql in
                try await refuseIfInUse(sql, force: force)
                _ = try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").all()
            }
            let stamp = Backup.name(in: "", at: Date()).replacingOccurrences(of: "jingzhi-", with: "").replacingOccurrences(of: ".\(Backup.fileExtension)", with: "")
            kept = target + ".replaced-" + stamp
            try fm.moveItem(atPath: target, toPath: kept!)
        }
        for suffix in ["-wal", "-shm"] { try? fm.removeItem(atPath: target + suffix) }
        try fm.moveItem(atPath: temp, toPath: target)
        return kept
    }
}
