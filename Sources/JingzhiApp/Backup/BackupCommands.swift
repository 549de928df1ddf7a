import Foundation
import JingzhiCore
import Vapor

/// What `jingzhi backup` and `jingzhi restore` run.
public enum BackupCommands {
    /// An app on the database without migrating it: a backup must not change the schema under running servers.
    static func withApp<T>(_ settings: Settings, _ work: (Application) async throws -> T) async throws -> T {
        let app = try await Application.make(Environment(name: "production", arguments: ["jingzhi"]))
        do {
            try await configure(app, settings: settings)
            let result = try await work(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// Backs up into `to` (a file, or a directory to get a time-stamped name); with `keep`, prunes older backups there.
    public static func backup(_ settings: Settings, to: String, keep: Int?) async throws -> String {
        if !settings.usesPostgres, !FileManager.default.fileExists(atPath: settings.sqlitePath) {
            throw BackupError("没有数据库：\(settings.sqlitePath) 不存在", "no database: \(settings.sqlitePath) does not exist")
        }
        var isDir: ObjCBool = false
        let intoDir = FileManager.default.fileExists(atPath: to, isDirectory: &isDir) && isDir.boolValue
        if keep != nil, !intoDir {
            throw BackupError("--keep 需要 --to 是一个目录", "--keep needs --to to name a directory")
        }
        let started = Date()
        let path = intoDir ? Backup.name(in: to, at: started) : to
        let manifest = try await withApp(settings) { app in try await Backup.take(app, to: path) }
        var lines = ["已备份到 (backed up to) \(path)",
                     "\(manifest.database)，\(manifest.tables.count) 张表 (tables)，\(manifest.totalRows) 行 (rows)，\(manifest.payloadBytes) 字节 (bytes)，"
                     + String(format: "%.1f s", Date().timeIntervalSince(started))]
        if let keep {
            let removed = try Backup.prune(to, keep: keep)
            lines.append("保留最近 \(keep) 份，删除了 \(removed.count) 份旧备份 (kept the newest \(keep), removed \(removed.count))")
        }
        return lines.joined(separator: "\n")
    }

    public static func restore(_ settings: Settings, from: String, force: Bool, check: Bool) async throws -> String {
        let report: RestoreReport
        if settings.usesPostgres {
            report = try await withApp(settings) { app in try await Restore.run(from: from, into: settings, postgres: app.db, force: force, checkOnly: check) }
        } else {
            report = try await Restore.run(from: from, into: settings, postgres: nil, force: force, checkOnly: check)
        }
        if report.restored {
            // Newer migrations run now, and the restore goes on the audit trail of the restored database.
            try await JingzhiCommands.run(settings) { app in
                try await AuditLog.record(on: app.db, by: .cli("restore"), at: app.clock.now(), action: "restore", entity: "database", entityID: nil,
                                          nodePath: "", summary: "从备份恢复数据库：\((from as NSString).lastPathComponent)，\(report.manifest.totalRows) 行")
            }
        }
        return report.summary
    }
}
