import Foundation
import Vapor

/// Row count and checksum of one table at the backup's moment.
public struct TableSum: Codable, Sendable, Equatable {
    public var name: String
    public var rows: Int
    /// Order-free: the sum (mod 2⁶⁴) of each row's MD5 prefix, so the same rows give the same value however they are read.
    public var checksum: String
}

/// What a backup holds, written at its head so a restore can check it before touching anything.
public struct BackupManifest: Codable, Sendable {
    public static let currentFormat = 1
    public var format: Int
    public var app: String
    /// `sqlite` or `postgresql`; a backup restores only into the same kind.
    public var database: String
    public var createdAt: Date
    /// The app migrations the database had, by name.
    public var migrations: [String]
    public var tables: [TableSum]
    public var payloadBytes: Int64
    public var payloadSHA256: String
    /// PostgreSQL: the schema dumped (the dump restores into that schema).
    public var postgresSchema: String?

    public var totalRows: Int { tables.reduce(0) { $0 + $1.rows } }
}

/// A refusal or failure in words, for the command line (exit code 2).
public struct BackupError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
    init(_ zh: String, _ en: String) { message = "\(zh) (\(en))" }
}

/// The file layout: a magic line, the manifest as one JSON line, then the payload (an SQLite file or a `pg_dump` archive).
enum BackupFile {
    static let magic = "JINGZHI-BACKUP"
    private static let chunk = 1 << 20

    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .iso8601
        return e
    }

    /// SHA-256 (hex) and size of a file, read in chunks.
    static func digest(of path: String) throws -> (sha: String, bytes: Int64) {
        guard let h = FileHandle(forReadingAtPath: path) else { throw BackupError("无法读取 \(path)", "cannot read \(path)") }
        defer { try? h.close() }
        var hasher = SHA256()
        var bytes: Int64 = 0
        while let data = try h.read(upToCount: chunk), !data.isEmpty {
            hasher.update(data: data)
            bytes += Int64(data.count)
        }
        return (hasher.finalize().map { String(format: "%02x", $0) }.joined(), bytes)
    }

    /// Writes header and payload to `path` through a temporary file and a rename, so a half-written backup never carries the name.
    static func write(manifest: BackupManifest, payload: String, to path: String) throws {
        let tmp = path + ".partial"
        try? FileManager.default.removeItem(atPath: tmp)
        guard FileManager.default.createFile(atPath: tmp, contents: nil), let out = FileHandle(forWritingAtPath: tmp),
              let input = FileHandle(forReadingAtPath: payload) else {
            throw BackupError("无法写入 \(path)", "cannot write \(path)")
        }
        do {
            defer { try? input.close() }
            var head = Data("\(magic) \(manifest.format)\n".utf8)
            head.append(try encoder().encode(manifest))
            head.append(0x0A)
            try out.write(contentsOf: head)
            while let data = try input.read(upToCount: chunk), !data.isEmpty { try out.write(contentsOf: data) }
            try out.synchronize()
            try out.close()
            try FileManager.default.moveItem(atPath: tmp, toPath: path)
        } catch {
            try? out.close()
            try? FileManager.default.removeItem(atPath: tmp)
            throw error
        }
    }

    /// Reads the manifest and checks the payload's size and SHA-256; returns the manifest and the payload's offset.
    static func open(_ path: String) throws -> (manifest: BackupManifest, offset: UInt64) {
        guard let h = FileHandle(forReadingAtPath: path) else { throw BackupError("找不到或无法读取备份文件 \(path)", "cannot read backup file \(path)") }
        defer { try? h.close() }
        let foreign = BackupError("\(path) 不是精治备份文件", "\(path) is not a Jingzhi backup")
        var head = Data()
        var newlines: [Int] = []
        while newlines.count < 2, head.count < 8 << 20, let data = try h.read(upToCount: 64 << 10), !data.isEmpty {
            let start = head.count
            head.append(data)
            for i in start..<head.count where head[i] == 0x0A {
                newlines.append(i)
                if newlines.count == 2 { break }
            }
        }
        guard newlines.count == 2, let first = String(data: head[0..<newlines[0]], encoding: .utf8), first.hasPrefix(magic + " ") else { throw foreign }
        guard Int(first.dropFirst(magic.count + 1)) == BackupManifest.currentFormat else {
            throw BackupError("备份格式版本 \(first.dropFirst(magic.count + 1)) 不受此版本支持", "backup format \(first.dropFirst(magic.count + 1)) is not supported by this version")
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let manifest = try? decoder.decode(BackupManifest.self, from: head[(newlines[0] + 1)..<newlines[1]]), manifest.app == "jingzhi" else {
            throw foreign
        }
        let offset = UInt64(newlines[1] + 1)
        try h.seek(toOffset: offset)
        var hasher = SHA256()
        var bytes: Int64 = 0
        while let data = try h.read(upToCount: chunk), !data.isEmpty {
            hasher.update(data: data)
            bytes += Int64(data.count)
        }
        let sha = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        guard bytes == manifest.payloadBytes, sha == manifest.payloadSHA256 else {
            throw BackupError("备份文件已损坏（内容与清单的校验和不符），不能恢复", "the backup file is corrupted (its content does not match the manifest's checksum); nothing restored")
        }
        return (manifest, offset)
    }

    /// Copies the payload out to `dest`.
    static func extract(_ path: String, offset: UInt64, to dest: String) throws {
        guard let h = FileHandle(forReadingAtPath: path) else { throw BackupError("无法读取 \(path)", "cannot read \(path)") }
        defer { try? h.close() }
        try? FileManager.default.removeItem(atPath: dest)
        guard FileManager.default.createFile(atPath: dest, contents: nil), let out = FileHandle(forWritingAtPath: dest) else {
            throw BackupError("无法写入 \(dest)", "cannot write \(dest)")
        }
        defer { try? out.close() }
        try h.seek(toOffset: offset)
        while let data = try h.read(upToCount: chunk), !data.isEmpty { try out.write(contentsOf: data) }
        try out.synchronize()
    }
}
