import Foundation
import JingzhiCore
#if canImport(Glibc)
import Glibc
#endif

/// A lock file beside the SQLite database: every running server holds it shared, a restore takes it exclusive. The
/// kernel drops it when a process ends, even by `kill -9`, so it never goes stale.
public final class ServerLock: Sendable {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }

    static func path(_ settings: Settings) -> String { settings.sqlitePath + ".lock" }

    private static func take(_ settings: Settings, _ operation: Int32) throws -> ServerLock? {
        try FileManager.default.createDirectory(atPath: settings.dataDirectory, withIntermediateDirectories: true)
        let fd = open(path(settings), O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw BackupError("无法打开锁文件 \(path(settings))", "cannot open the lock file \(path(settings))") }
        if flock(fd, operation | LOCK_NB) != 0 {
            close(fd)
            return nil
        }
        return ServerLock(fd: fd)
    }

    /// Held by `jingzhi serve` on SQLite for as long as it runs.
    public static func holdForServer(_ settings: Settings) throws -> ServerLock {
        guard let lock = try take(settings, LOCK_SH) else {
            throw BackupError("数据目录 \(settings.dataDirectory) 正在恢复备份，请等待恢复完成后再启动",
                              "a restore is running on \(settings.dataDirectory); start the server when it has finished")
        }
        return lock
    }

    /// Taken by a restore; nil while any server runs on the directory.
    static func forRestore(_ settings: Settings) throws -> ServerLock? { try take(settings, LOCK_EX) }
}
