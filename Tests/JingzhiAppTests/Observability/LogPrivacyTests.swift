import Fluent
import Foundation
import JingzhiCore
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Every log line is one JSON object with the request's fields, and no name, phone or ID number reaches any line.
@Suite struct LogPrivacyTests {
    /// Captures every line the app's loggers write, as the JSON handler formats them.
    final class Capture: Sendable {
        let lines = NIOLockedValueBox<[String]>([])

        func install(on app: Application) {
            let factory: @Sendable (String) -> any LogHandler = { label in
                JSONLogHandler(label: label, level: .debug) { line in self.lines.withLockedValue { $0.append(line) } }
            }
            app.logHandlerFactory = factory
            app.logger = Logger(label: "jingzhi.app", factory: factory)
        }

        var all: [String] { lines.withLockedValue { $0 } }
    }

    @Test func aCaseFiledWithPersonalDataAndViewedByStaffLeavesNoneOfItInTheLog() async throws {
        try await withDemoApp { app in
            // setup
            let capture = Capture()
            capture.install(on: app)
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
            let me = try #require(try await Resident.find(user.residentID, on: app.db))
            let name = "欧阳测试人", phone = "13987654321", idNumber = "370827199001011234"
            let compound = try await PersonalDataLogTests.homeCompound(app)
            let resident = try await app.token("resident_demo")
            let staffUser = try #require(try await User.query(on: app.db).filter(\.$username == "gt01_community").first())
            // act: a resident files, naming themself with phone and ID number
            let filed = try await app.api(.POST, "/api/v1/cases", token: resident, json: """
                {"categoryCode":"sheshi","nodeId":"\(compound.id!)","description":"我是\(name)，身份证 \(idNumber)，电话 \(phone)，楼道灯坏了",
                 "reporterName":"\(name)","reporterPhone":"\(phone)"}
                """)
            #expect(filed.status == .created)
            let caseID = try #require(try filed.json()["id"] as? String)
            // staff read it through the API and the page, search by the phone, open the resident unmasked
            let staff = try await app.token("gt01_community")
            let read = try await app.api(.GET, "/api/v1/cases/\(caseID)", token: staff)
            #expect(try read.json()["reporterPhone"] as? String == phone)
            _ = try await app.api(.GET, "/api/v1/residents?q=\(phone)", token: staff)
            let shown = try await app.api(.GET, "/api/v1/residents/\(me.id!)", token: staff)
            #expect(try shown.json()["idNumber"] as? String == me.idNumber)
            let browser = Browser(app)
            try await browser.login("gt01_community")
            #expect(try await browser.get("/cases/\(caseID)").text.contains(phone))
            #expect(try await browser.get("/residents/\(me.id!)").status == .ok)
            _ = try await app.api(.GET, "/residents/\(phone)/\(idNumber)", token: nil)
            _ = try await app.api(.POST, "/api/v1/cases", token: resident, json: #"{"categoryCode":"sheshi","nodeId":"\#(compound.id!)","description":"x","reporterPhone":"\#(idNumber)"}"#)
            // check
            let lines = capture.all
            #expect(lines.count >= 8)
            let secrets = [name, phone, idNumber, me.name, me.phone, me.idNumber, user.phone].compactMap { $0 }.filter { $0.count >= 2 }
            for line in lines {
                for s in secrets { #expect(!line.contains(s), "personal data in a log line: \(line)") }
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
                for key in ["time", "level", "request_id", "user_id", "route", "status", "duration_ms", "message"] {
                    #expect(object.keys.contains(key), "no \(key) in \(line)")
                }
            }
            let done = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .filter { $0["message"] as? String == "request completed" }
            #expect(done.count >= 7, "one line per request")
            for d in done {
                #expect(d["status"] is NSNumber && d["duration_ms"] is NSNumber && (d["request_id"] as? String)?.count == 32)
                #expect((d["route"] as? String)?.hasPrefix("/") == true || d["route"] as? String == "(unmatched)")
            }
            #expect(done.contains { $0["user_id"] as? String == staffUser.id!.uuidString && $0["route"] as? String == "/api/v1/cases/:id" })
            #expect(done.contains { $0["route"] as? String == "/api/v1/residents" && $0["status"] as? Int == 200 })
        }
    }

    @Test func aRequestIDIsTakenFromATrustedProxyOnlyWhenItIsASafeToken() async throws {
        try await withTestApp { app in
            // act
            let untrusted = try await app.api(.GET, "/healthz", token: nil, headers: ["X-Request-Id": "abcdef0123456789"])
            app.settings.trustProxy = true
            let trusted = try await app.api(.GET, "/healthz", token: nil, headers: ["X-Request-Id": "abcdef0123456789"])
            let unsafe = try await app.api(.GET, "/healthz", token: nil, headers: ["X-Request-Id": "13812345678 <script>"])
            // check
            #expect(untrusted.headers.first(name: .xRequestId) != "abcdef0123456789")
            #expect(untrusted.headers.first(name: .xRequestId)?.count == 32)
            #expect(trusted.headers.first(name: .xRequestId) == "abcdef0123456789")
            #expect(unsafe.headers.first(name: .xRequestId)?.contains("138") != true)
        }
    }

    @Test func hstsIsSentOnlyWhenTheAnswerTravelsOverTLS() async throws {
        try await withTestApp { app in
            // act
            let plain = try await app.api(.GET, "/healthz", token: nil)
            let claimed = try await app.api(.GET, "/healthz", token: nil, headers: ["X-Forwarded-Proto": "https"])
            app.settings.trustProxy = true
            let proxied = try await app.api(.GET, "/healthz", token: nil, headers: ["X-Forwarded-Proto": "https"])
            let proxiedPlain = try await app.api(.GET, "/healthz", token: nil, headers: ["X-Forwarded-Proto": "http"])
            // check
            #expect(plain.headers.first(name: "Strict-Transport-Security") == nil)
            #expect(claimed.headers.first(name: "Strict-Transport-Security") == nil, "an untrusted caller cannot claim TLS")
            #expect(proxied.headers.first(name: "Strict-Transport-Security") == "max-age=31536000; includeSubDomains")
            #expect(proxiedPlain.headers.first(name: "Strict-Transport-Security") == nil)
        }
    }
}
