import Foundation

/// Runs Debian's `pg_dump` and `pg_restore` (env `JINGZHI_PG_BIN` names their directory). The password travels in
/// `PGPASSWORD`, never on the command line.
enum PGTools {
    static func tool(_ name: String, _ env: [String: String]) throws -> String {
        var dirs: [String] = []
        if let bin = env["JINGZHI_PG_BIN"], !bin.isEmpty { dirs.append(bin) }
        dirs += (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for d in dirs {
            let p = (d as NSString).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        throw BackupError("找不到 \(name)；请安装 postgresql-client（apt-get install postgresql-client）或设置 JINGZHI_PG_BIN",
                          "\(name) not found; install postgresql-client or set JINGZHI_PG_BIN")
    }

    /// The URL without its password, and the password.
    static func split(_ url: String) -> (url: String, password: String?) {
        guard var c = URLComponents(string: url), let pw = c.password else { return (url, nil) }
        c.password = nil
        return (c.string ?? url, pw.removingPercentEncoding ?? pw)
    }

    static func dump(url: String, schema: String, snapshot: String?, to file: String, env: [String: String]) async throws {
        var args = ["--format=custom", "--schema=\(schema)", "--file=\(file)"]
        if let snapshot { args.append("--snapshot=\(snapshot)") }
        try await run(try tool("pg_dump", env), args, url: url)
    }

    /// Restores in one transaction: either every object comes back or none does.
    static func restore(url: String, from file: String, env: [String: String]) async throws {
        try await run(try tool("pg_restore", env), ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", file], url: url)
    }

    static func run(_ executable: String, _ args: [String], url: String) async throws {
        let (plain, password) = split(url)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args + ["--dbname=\(plain)"]
        var environment = ProcessInfo.processInfo.environment
        if let password { environment["PGPASSWORD"] = password }
        process.environment = environment
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("jingzhi-pg-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        process.standardError = try FileHandle(forWritingTo: errFile)
        process.standardOutput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { cont in
            process.terminationHandler = { p in cont.resume(returning: p.terminationStatus) }
            do { try process.run() } catch { cont.resume(throwing: error) }
        }
        guard status == 0 else {
            let err = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
            let name = (executable as NSString).lastPathComponent
            throw BackupError("\(name) 失败（退出码 \(status)）：\(err.prefix(2000))", "\(name) failed with exit code \(status)")
        }
    }
}
