import ArgumentParser
import Foundation
import JingzhiApp
import JingzhiCore

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup",
        abstract: "Back up the whole database while servers run (SQLite: VACUUM INTO; PostgreSQL: pg_dump), with a manifest of every table's rows and checksum.")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "The backup file to write (must not exist), or a directory to write jingzhi-YYYYMMDD-HHMMSS.jzbackup into.") var to: String
    @Option(help: "With a directory: keep only the newest N backups there.") var keep: Int?

    func validate() throws {
        if let keep, keep < 1 { throw ValidationError("--keep must be at least 1") }
    }

    func run() async throws {
        do {
            print(try await BackupCommands.backup(db.settings, to: to, keep: keep))
        } catch let e as BackupError {
            FileHandle.standardError.write(Data(("jingzhi backup: " + e.message + "\n").utf8))
            throw ExitCode(2)
        }
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore",
        abstract: "Restore a backup made by `jingzhi backup`. Stop the servers first. Refuses a database that holds data unless --force.")
    @OptionGroup var db: DatabaseOptions
    @Option(help: "The backup file.") var from: String
    @Flag(help: "Replace a database that holds data (SQLite keeps the old file beside it).") var force = false
    @Flag(help: "Only check the file (manifest, checksums, version); write nothing.") var check = false

    func run() async throws {
        do {
            print(try await BackupCommands.restore(db.settings, from: from, force: force, check: check))
        } catch let e as BackupError {
            FileHandle.standardError.write(Data(("jingzhi restore: " + e.message + "\n").utf8))
            throw ExitCode(2)
        }
    }
}
