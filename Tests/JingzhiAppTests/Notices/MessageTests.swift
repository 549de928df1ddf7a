import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Text messages of urgent notices: queued in the publishing transaction, held through quiet hours, never sent to
/// someone who opted out, retried with a growing wait while the gateway is down, the failure visible to staff.
@Suite struct NoticesMessageTests {
    /// 2026-12-01 at `hour`:00 in Shanghai.
    static func at(_ hour: Int) -> Date { ShanghaiTime.dayStart("2026-12-01").addingTimeInterval(TimeInterval(hour * 3600)) }

    @Test func quietHoursHoldMessagesUntilMorning() async throws {
        try await withDemoApp { app in
            // setup
            let gateway = TestSMSGateway()
            app.smsGateway = gateway
            app.clock.set(Self.at(22))
            // act
            let id = try await NoticeFixture.notice(app, to: ["YT-GT-01-G01"], urgent: true)
            let queued = try await OutboundMessage.query(on: app.db).filter(\.$refID == id).all()
            let night = await NoticeScheduler.tick(app)
            app.clock.set(Self.at(24 + 7))
            let dawn = await NoticeScheduler.tick(app)
            let sentInTheNight = gateway.sent.count
            app.clock.set(Self.at(24 + 8).addingTimeInterval(60))
            let morning = await NoticeScheduler.tick(app)
            // check
            #expect(!queued.isEmpty && queued.allSatisfy { $0.state == "queued" && $0.nextAttemptAt == Self.at(24 + 8) })
            #expect(night.sent == 0 && dawn.sent == 0 && sentInTheNight == 0)
            #expect(morning.sent == min(queued.count, 600) && gateway.sent.count == morning.sent)
            #expect(gateway.sent.allSatisfy { $0.text.hasPrefix("【燃气管道检修通知】") })
        }
    }

    @Test func anOptedOutResidentGetsNoTextButStillTheNotice() async throws {
        try await withDemoApp { app in
            // setup: resident_demo has a phone in the register and opts out on the notices page
            let gateway = TestSMSGateway()
            app.smsGateway = gateway
            app.clock.set(Self.at(10))
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
            let resident = try #require(try await Resident.find(user.residentID, on: app.db))
            resident.phone = "13800001111"
            try await resident.save(on: app.db)
            let web = try await WebSession.login(app, "resident_demo")
            _ = try await web.get("/notices")
            let optOut = try await web.post("/notices/sms", [("optOut", "1")])
            // act
            let id = try await NoticeFixture.notice(app, to: ["YT-GT-01-G01"], urgent: true)
            _ = await NoticeScheduler.tick(app)
            // check
            #expect(optOut.status == .seeOther)
            let mine = try #require(try await OutboundMessage.query(on: app.db).filter(\.$refID == id).filter(\.$residentID == resident.id!).first())
            #expect(mine.state == "skipped" && mine.lastError == "opted_out")
            #expect(!gateway.sent.contains { $0.phone == "13800001111" })
            #expect(try await app.api(.GET, "/api/v1/me/notices", token: try await app.token("resident_demo")).jsonArray().count == 1)
        }
    }

    @Test func aGatewayThatIsDownIsRetriedWithBackoffAndTheFailureShowsToStaff() async throws {
        try await withDemoApp { app in
            // setup
            let gateway = TestSMSGateway()
            gateway.failing = true
            app.smsGateway = gateway
            app.messageSettings = MessageSettings(quietFrom: 23, quietUntil: 6, maxAttempts: 3, firstRetry: 60)
            app.clock.set(Self.at(10))
            let id = try await NoticeFixture.notice(app, to: ["YT-GT-01-G01"], urgent: true)
            let total = try await OutboundMessage.query(on: app.db).filter(\.$refID == id).count()
            // act
            _ = await NoticeScheduler.tick(app)
            let afterOne = try await OutboundMessage.query(on: app.db).filter(\.$refID == id).all()
            _ = await NoticeScheduler.tick(app)
            let tooSoon = try await OutboundMessage.query(on: app.db).filter(\.$refID == id).all()
            app.clock.advance(61)
            _ = await NoticeScheduler.tick(app)
            app.clock.advance(121)
            _ = await NoticeScheduler.tick(app)
            let failed = try await OutboundMessage.query(on: app.db).filter(\.$refID == id).all()
            let page = try await (try await WebSession.login(app, "gt01_community")).get("/notices/\(id)")
            // check
            #expect(total > 0 && total <= 600)
            #expect(afterOne.allSatisfy { $0.state == "queued" && $0.attempts == 1 && $0.lastError?.contains("down") == true })
            #expect(afterOne.allSatisfy { $0.nextAttemptAt == Self.at(10).addingTimeInterval(60) })
            #expect(tooSoon.allSatisfy { $0.attempts == 1 }, "nothing is retried before its wait is over")
            #expect(failed.allSatisfy { $0.state == "failed" && $0.attempts == 3 })
            #expect(gateway.sent.isEmpty)
            #expect(page.text.contains("发送失败 \(total)") && page.text.contains("有短信多次发送失败"))
        }
    }

    @Test func quietHoursAcrossMidnightEndAtTheRightMorning() {
        let s = MessageSettings()
        #expect(s.quietEnd(after: Self.at(12)) == nil)
        #expect(s.quietEnd(after: Self.at(21)) == Self.at(24 + 8))
        #expect(s.quietEnd(after: Self.at(3)) == Self.at(8))
        #expect(s.quietEnd(after: Self.at(8)) == nil)
    }
}

/// The HTTP gateway sends the documented request: the key as a bearer token, `{"id", "to", "text"}` as JSON.
@Suite struct NoticesHTTPGatewayTests {
    final class Recorder: Client, @unchecked Sendable {
        let eventLoop: any EventLoop
        let status: HTTPResponseStatus
        private let lock = NSLock()
        private var _requests: [ClientRequest] = []

        init(eventLoop: any EventLoop, status: HTTPResponseStatus) {
            self.eventLoop = eventLoop
            self.status = status
        }

        var requests: [ClientRequest] {
            lock.lock()
            defer { lock.unlock() }
            return _requests
        }

        func delegating(to eventLoop: any EventLoop) -> any Client { self }

        func send(_ request: ClientRequest) -> EventLoopFuture<ClientResponse> {
            lock.lock()
            _requests.append(request)
            lock.unlock()
            return eventLoop.makeSucceededFuture(ClientResponse(status: status))
        }
    }

    @Test func theRequestCarriesTheKeyAndTheDocumentedBodyAndAFailureThrows() async throws {
        try await withTestApp { app in
            // setup
            let ok = Recorder(eventLoop: app.eventLoopGroup.any(), status: .accepted)
            let down = Recorder(eventLoop: app.eventLoopGroup.any(), status: .serviceUnavailable)
            let message = SMSMessage(id: UUID(), phone: "13800001111", text: "【停水通知】明天停水")
            // act
            try await HTTPSMSGateway(url: "https://sms.example.cn/send", key: "k-123", client: ok).send(message)
            let failed = await #expect(throws: SMSGatewayError.self) {
                try await HTTPSMSGateway(url: "https://sms.example.cn/send", key: "k-123", client: down).send(message)
            }
            // check
            let req = try #require(ok.requests.first)
            #expect(req.method == .POST && req.url.string == "https://sms.example.cn/send")
            #expect(req.headers.bearerAuthorization?.token == "k-123")
            let body = try #require(req.body.flatMap { try? JSONSerialization.jsonObject(with: Data(buffer: $0)) as? [String: String] })
            #expect(body == ["id": message.id.uuidString, "to": "13800001111", "text": "【停水通知】明天停水"])
            #expect(failed.map { "\($0)" } == "gateway answered HTTP 503")
        }
    }
}

/// The case loop's answer reaches the reporter by text message through the same channel.
@Suite struct NoticesCaseMessageTests {
    @Test func aRepliedCaseTextsItsReporterOnceAndTheGatewaySendsIt() async throws {
        try await withDemoApp { app in
            // setup
            let gateway = TestSMSGateway()
            app.smsGateway = gateway
            app.clock.set(NoticesMessageTests.at(10))
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
            let resident = try #require(try await Resident.find(user.residentID, on: app.db))
            resident.phone = "13800002222"
            try await resident.save(on: app.db)
            let compound = try await PropertyFixture.residentHome(app).1
            let created = try await app.api(.POST, "/api/v1/cases", token: try await app.token("resident_demo"),
                                            json: #"{"categoryCode":"sheshi","nodeId":"\#(compound.id!)","description":"楼道灯坏了，晚上看不见"}"#)
            let id = try #require(try created.json()["id"] as? String)
            let staff = try await app.token("gt01_community")
            // act
            for (action, body) in [("accept", "{}"), ("dispatch", #"{"level":"community"}"#), ("start", "{}"), ("reply", #"{"note":"已更换灯具"}"#)] {
                let res = try await app.api(.POST, "/api/v1/cases/\(id)/actions/\(action)", token: staff, json: body)
                #expect(res.status == .ok, "\(action): \(res.text)")
            }
            let queued = try await OutboundMessage.query(on: app.db).filter(\.$kind == "case").all()
            _ = await NoticeScheduler.tick(app)
            // check
            #expect(queued.count == 1 && queued.first?.refID?.uuidString == id)
            let sent = try #require(gateway.sent.first)
            #expect(gateway.sent.count == 1 && sent.text.contains("已有答复"))
            #expect(sent.phone == (try #require(queued.first?.phone)))
        }
    }
}
