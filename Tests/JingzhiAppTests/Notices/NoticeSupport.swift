import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Shared steps of the notice tests, on the tiny demo (古亭社区 YT-GT-01; resident_demo lives in its 第一网格 G01).
enum NoticeFixture {
    /// The JSON body of a notice to these node codes.
    static func body(_ app: Application, to codes: [String], tags: [String] = [], title: String = "燃气管道检修通知", urgent: Bool = false,
                     extra: String = "") async throws -> String {
        var targets: [String] = []
        for code in codes {
            let tagList = tags.map { "\"\($0)\"" }.joined(separator: ",")
            targets.append(#"{"nodeId":"\#(try await app.node(code).id!)","tags":[\#(tagList)]}"#)
        }
        return #"{"title":"\#(title)","body":"明天 9:00–15:00 停气，请关好阀门。","targets":[\#(targets.joined(separator: ","))],"urgent":\#(urgent)\#(extra)}"#
    }

    /// Sends a notice through the API as `sender`; returns the response.
    @discardableResult
    static func send(_ app: Application, as sender: String = "gt01_community", to codes: [String], tags: [String] = [], urgent: Bool = false,
                     extra: String = "") async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/notices", token: try await app.token(sender),
                          json: try await body(app, to: codes, tags: tags, urgent: urgent, extra: extra))
    }

    /// Sends a notice and returns its id.
    static func notice(_ app: Application, to codes: [String] = ["YT-GT-01-G01"], tags: [String] = [], urgent: Bool = false,
                       extra: String = "") async throws -> UUID {
        let res = try await send(app, to: codes, tags: tags, urgent: urgent, extra: extra)
        #expect(res.status == .created, "\(res.text)")
        return try #require((try res.json()["id"] as? String).flatMap(UUID.init(uuidString:)))
    }

    static func rows(_ app: Application, _ id: UUID) async throws -> Int {
        try await NoticeRecipient.query(on: app.db).filter(\.$noticeID == id).count()
    }

    static func actor(_ app: Application, _ username: String) async throws -> Actor {
        let user = try #require(try await User.query(on: app.db).filter(\.$username == username).first())
        return try await Actor.load(user, on: app.db, now: app.clock.now())
    }

    /// Residents (not removed) under the node, counted straight from the register.
    static func residents(_ app: Application, under code: String, tag: String? = nil) async throws -> Int {
        let node = try await app.node(code)
        guard let tag else { return try await Resident.query(on: app.db).within(DataScope(rootPath: node.path)).count() }
        let tagged = try await ResidentTag.query(on: app.db).within(DataScope(rootPath: node.path)).filter(\.$tag == tag).all()
        return Set(tagged.map(\.residentID)).count
    }
}

/// A gateway that records what it was given and fails while `failing` is set.
final class TestSMSGateway: SMSGateway, @unchecked Sendable {
    private let lock = NSLock()
    private var _sent: [SMSMessage] = []
    private var _failing = false
    var name: String { "test" }

    var sent: [SMSMessage] {
        lock.lock()
        defer { lock.unlock() }
        return _sent
    }

    var failing: Bool {
        get { lock.lock(); defer { lock.unlock() }; return _failing }
        set { lock.lock(); defer { lock.unlock() }; _failing = newValue }
    }

    func send(_ message: SMSMessage) async throws { try record(message) }

    private func record(_ message: SMSMessage) throws {
        lock.lock()
        defer { lock.unlock() }
        if _failing { throw SMSGatewayError.unavailable("test gateway down") }
        _sent.append(message)
    }
}
