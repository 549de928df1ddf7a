import Fluent
import Foundation
import JingzhiCore
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor
@testable import JingzhiApp

/// `jingzhi backup` and `jingzhi restore` on the database the run uses (SQLite, or PostgreSQL with JINGZHI_TEST_DATABASE_URL).
@Suite struct BackupTests {
    func tempDir() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jingzhi-backup-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// One write: an audit entry and a throttle row in one transaction, so a torn copy would show in either table.
    static func write(_ n: Int, on db: any Database) async throws {
        try await db.writeTransaction { tx in
            try await AuditLog.record(on: tx, by: .system("bk"), at: Date(), action: "bk", entity: "bk", entityID: nil, nodePath: "",
                                      summary: String(format: "bk-write %06d", n))
            try await LoginThrottle(key: String(format: "bk-%06d", n), failures: n, lastFailureAt: Date()).create(on: tx)
        }
    }

    @Test func aBackupTakenUnderWritesRestoresEveryTableAsTheSourceWasAtItsMoment() async throws {
        try await withDemoApp { app in
            let dir = tempDir()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let file = dir + "/b.jzbackup"
            // arrange: a writer that keeps going through the backup
            let stop = NIOLockedValueBox(false)
            let writer = Task { () -> Int in
                var n = 0
                while !stop.withLockedValue({ $0 }) {
                    n += 1
                    try await Self.write(n, on: app.db)
                }
                return n
            }
            for n in 0..<5 { try await Self.write(100_000 + n, on: app.db) }
            // act
            let manifest = try await Backup.take(app, to: file)
            stop.withLockedValue { $0 = true }
            let written = try await writer.value
            // assert: the backup holds the first k writes, whole; the source filtered to them is what the manifest says
            let audit = try #require(manifest.tables.first { $0.name == "audit_log" })
            let throttles = try #require(manifest.tables.first { $0.name == "login_throttles" })
            #expect(manifest.tables.contains { $0.name == "case_photos" })
            #expect(manifest.tables.contains { $0.name == "residents" && $0.rows > 0 })
            let heldBefore = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM login_throttles WHERE key LIKE 'bk-%'").first()!.decode(column: "n", as: Int.self)
            #expect(heldBefore == written + 5)
            let k = try await heldWrites(manifest, app)
            #expect(k <= written)
            let late = (k + 1...max(k + 1, written)).filter { $0 <= written }
            let lateSummaries = late.map { String(format: "'bk-write %06d'", $0) }.joined(separator: ",")
            let lateKeys = late.map { String(format: "'bk-%06d'", $0) }.joined(separator: ",")
            let filters = [
                "audit_log": "action <> 'backup'" + (late.isEmpty ? "" : " AND summary NOT IN (\(lateSummaries))"),
                "login_throttles": late.isEmpty ? "1 = 1" : "key NOT IN (\(lateKeys))",
            ]
            let source = try await TableChecksums.compute(app.db.sql, filters: filters)
            #expect(TableChecksums.differences(expected: manifest.tables, actual: source) == [])
            #expect(audit.rows > 0 && throttles.rows >= 5)

            // a restore into a database holding data is refused without --force, in words
            let refusal = try await #require(throws: BackupError.self) {
                try await Restore.run(from: file, into: app.settings, postgres: app.db, force: false)
            }
            #expect(refusal.message.contains("--force"))

            let restored: [TableSum]
            if app.settings.usesPostgres {
                let report = try await Restore.run(from: file, into: app.settings, postgres: app.db, force: true)
                #expect(report.restored)
                restored = try await TableChecksums.compute(app.db.sql)
            } else {
                let target = Settings(dataDirectory: dir + "/restored")
                let report = try await Restore.run(from: file, into: target, postgres: nil, force: false)
                #expect(report.restored && report.keptOldFile == nil)
                restored = try await Backup.withSQLite(target.sqlitePath) { try await TableChecksums.compute($0) }
                // again into the now-used copy: refused, then replaced with --force, the old file kept
                await #expect(throws: BackupError.self) { try await Restore.run(from: file, into: target, postgres: nil, force: false) }
                let forced = try await Restore.run(from: file, into: target, postgres: nil, force: true)
                #expect(forced.keptOldFile.map { FileManager.default.fileExists(atPath: $0) } == true)
            }
            #expect(TableChecksums.differences(expected: manifest.tables, actual: restored) == [])
            #expect(TableChecksums.differences(expected: source, actual: restored) == [])
        }
    }

    /// How many of the numbered writes the backup holds (they run one after another, so it holds 1…k).
    func heldWrites(_ manifest: BackupManifest, _ app: Application) async throws -> Int {
        let total = try #require(manifest.tables.first { $0.name == "login_throttles" }).rows
        let before = try await app.db.sql.raw("SELECT COUNT(*) AS n FROM login_throttles WHERE key NOT LIKE 'bk-%'").first()!.decode(column: "n", as: Int.self)
        let k = total - before - 5
        #expect(k >= 0)
        return k
    }

    @Test func aCorruptedOrForeignFileIsRefusedAndNothingIsTouched() async throws {
        try await withTestApp { app in
            let dir = tempDir()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let file = dir + "/b.jzbackup"
            try await Self.write(1, on: app.db)
            try await Backup.take(app, to: file)
            // a second backup to the same name is refused rather than overwriting it
            await #expect(throws: BackupError.self) { try await Backup.take(app, to: file) }
            var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            bytes[bytes.count - 10] ^= 0xFF
            let corrupted = dir + "/corrupted.jzbackup"
            try bytes.write(to: URL(fileURLWithPath: corrupted))
            let target = app.settings.usesPostgres ? app.settings : Settings(dataDirectory: dir + "/target")
            let e1 = try await #require(throws: BackupError.self) {
                try await Restore.run(from: corrupted, into: target, postgres: app.db, force: true)
            }
            #expect(e1.message.contains("corrupted"))
            let foreign = dir + "/foreign.jzbackup"
            try Data("SQLite format 3\0 not ours".utf8).write(to: URL(fileURLWithPath: foreign))
            let e2 = try await #require(throws: BackupError.self) {
                try await Restore.run(from: foreign, into: target, postgres: app.db, force: true)
            }
            #expect(e2.message.contains("not a Jingzhi backup"))
            // nothing was touched: the source still has its row, and the SQLite target was never created
            #expect(try await LoginThrottle.query(on: app.db).filter(\.$key == "bk-000001").count() == 1)
            if !app.settings.usesPostgres { #expect(!FileManager.default.fileExists(atPath: target.sqlitePath)) }
            // a backup from a newer version (a migration this one lacks) is refused
            let (manifest, offset) = try BackupFile.open(file)
            var future = manifest
            future.migrations.append("JingzhiApp.M999FromTheFuture")
            try BackupFile.extract(file, offset: offset, to: dir + "/payload")
            try BackupFile.write(manifest: future, payload: dir + "/payload", to: dir + "/future.jzbackup")
            let e3 = try await #require(throws: BackupError.self) {
                try await Restore.run(from: dir + "/future.jzbackup", into: target, postgres: app.db, force: true)
            }
            #expect(e3.message.contains("newer Jingzhi version"))
            // the intact file checks out
            let check = try await Restore.run(from: file, into: target, postgres: app.db, force: false, checkOnly: true)
            #expect(!check.restored && check.manifest.tables.contains { $0.name == "login_throttles" && $0.rows == 1 })
        }
    }

    @Test(.enabled(if: !testsRunOnPostgres, "the server lock guards SQLite data directories"))
    func aRestoreRefusesADataDirectoryAServerRunsOn() async throws {
        try await withTestApp { app in
            let dir = tempDir()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try await Backup.take(app, to: dir + "/b.jzbackup")
            let target = Settings(dataDirectory: dir + "/served")
            let lock = try ServerLock.holdForServer(target)
            let e = try await #require(throws: BackupError.self) {
                try await Restore.run(from: dir + "/b.jzbackup", into: target, postgres: nil, force: true)
            }
            #expect(e.message.contains("stop it first"))
            withExtendedLifetime(lock) {}
            // once the server is gone the restore goes through
            #expect(try await Restore.run(from: dir + "/b.jzbackup", into: Settings(dataDirectory: dir + "/served2"), postgres: nil, force: false).restored)
        }
    }

    @Test func backupsInADirectoryAreNamedByTimeAndOldOnesPruned() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for day in 1...5 {
            let name = Backup.name(in: dir, at: Date(timeIntervalSince1970: 1_780_000_000 + Double(day) * 86_400))
            FileManager.default.createFile(atPath: name, contents: Data())
        }
        FileManager.default.createFile(atPath: dir + "/other.txt", contents: Data())
        let removed = try Backup.prune(dir, keep: 3)
        #expect(removed.count == 2)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(left.count == 4 && left.contains("other.txt"))
        #expect(!left.contains(removed[0]))
    }
}
