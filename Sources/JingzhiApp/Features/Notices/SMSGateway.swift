import Foundation
import JingzhiCore
import Vapor

/// One text message as a gateway is given it.
struct SMSMessage: Sendable, Equatable {
    /// The message's id: a gateway may use it to drop a duplicate of a retried send.
    let id: UUID
    let phone: String
    let text: String
}

/// Where text messages leave the system. Throwing means "not sent": the message is retried later.
protocol SMSGateway: Sendable {
    var name: String { get }
    func send(_ message: SMSMessage) async throws
}

/// A configurable HTTP gateway: `POST JINGZHI_SMS_URL` with `Authorization: Bearer JINGZHI_SMS_KEY` and the JSON body
/// `{"id": "<uuid>", "to": "13800000000", "text": "…"}`; any 2xx is sent (the request format is in docs/notices.md).
struct HTTPSMSGateway: SMSGateway {
    let url: String
    let key: String
    let client: any Client
    var name: String { "http" }

    struct Body: Content {
        let id: UUID
        let to: String
        let text: String
    }

    func send(_ message: SMSMessage) async throws {
        let res = try await client.post(URI(string: url)) { req in
            req.headers.bearerAuthorization = BearerAuthorization(token: key)
            try req.content.encode(Body(id: message.id, to: message.phone, text: message.text))
        }
        guard (200..<300).contains(res.status.code) else { throw SMSGatewayError.refused(Int(res.status.code)) }
    }
}

enum SMSGatewayError: Error, CustomStringConvertible {
    case refused(Int)
    case unavailable(String)

    var description: String {
        switch self {
        case .refused(let status): "gateway answered HTTP \(status)"
        case .unavailable(let why): why
        }
    }
}

/// The demo's gateway: appends each message as a JSON line to `sms-outbox.jsonl` in the data directory, the phone
/// number masked, so the demo shows what would be sent without keeping a file of numbers.
struct OutboxFileGateway: SMSGateway {
    let path: String
    var name: String { "outbox" }
    private static let lock = NSLock()

    func send(_ message: SMSMessage) async throws {
        let line: [String: String] = ["id": message.id.uuidString, "to": Mask.phone(message.phone) ?? "", "text": message.text]
        var data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys])
        data.append(0x0A)
        try Self.append(data, to: path)
    }

    /// One writer at a time, so lines never interleave.
    private static func append(_ data: Data, to path: String) throws {
        lock.lock()
        defer { lock.unlock() }
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
    }
}

/// When text messages may go out and how they are retried. `JINGZHI_SMS_QUIET` (e.g. `21-8`, Asia/Shanghai hours) sets the
/// quiet hours, default 21:00–08:00; urgent notices wait for them too.
struct MessageSettings: Sendable {
    var quietFrom = 21
    var quietUntil = 8
    /// Attempts before a message is marked failed; the wait doubles from `firstRetry` each time.
    var maxAttempts = 6
    var firstRetry: TimeInterval = 60

    static func from(_ settings: Settings) -> MessageSettings {
        var s = MessageSettings()
        if let raw = settings.environment["JINGZHI_SMS_QUIET"] {
            let parts = raw.split(separator: "-").compactMap { Int($0) }
            if parts.count == 2, (0...23).contains(parts[0]), (0...23).contains(parts[1]) { (s.quietFrom, s.quietUntil) = (parts[0], parts[1]) }
        }
        return s
    }

    /// The gateway the environment asks for: the HTTP one when `JINGZHI_SMS_URL` is set (with `JINGZHI_SMS_KEY`), else the
    /// outbox file.
    static func gateway(_ app: Application) -> any SMSGateway {
        let env = app.settings.environment
        if let url = env["JINGZHI_SMS_URL"], !url.isEmpty {
            return HTTPSMSGateway(url: url, key: env["JINGZHI_SMS_KEY"] ?? "", client: app.client)
        }
        return OutboxFileGateway(path: (app.settings.dataDirectory as NSString).appendingPathComponent("sms-outbox.jsonl"))
    }

    /// Whether `at` falls in the quiet hours, and when they end.
    func quietEnd(after at: Date) -> Date? {
        let hour = Int(ShanghaiTime.format(at, "H")) ?? 12
        let quiet = quietFrom > quietUntil ? (hour >= quietFrom || hour < quietUntil) : (hour >= quietFrom && hour < quietUntil)
        guard quiet else { return nil }
        let today = ShanghaiTime.today(at)
        let day = hour >= quietUntil && quietFrom > quietUntil ? ShanghaiTime.add(1, to: today) : today
        return ShanghaiTime.dayStart(day).addingTimeInterval(TimeInterval(quietUntil * 3600))
    }
}

extension Application {
    private struct MessageSettingsKey: StorageKey { typealias Value = MessageSettings }
    private struct GatewayKey: StorageKey { typealias Value = any SMSGateway }

    var messageSettings: MessageSettings {
        get { storage[MessageSettingsKey.self] ?? .from(settings) }
        set { storage[MessageSettingsKey.self] = newValue }
    }

    /// Tests set their own gateway here.
    var smsGateway: any SMSGateway {
        get { storage[GatewayKey.self] ?? MessageSettings.gateway(self) }
        set { storage[GatewayKey.self] = newValue }
    }
}
