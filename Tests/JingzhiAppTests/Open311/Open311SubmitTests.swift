import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// `POST requests`: keys, locations (a point in a grid, a node code), attributes, idempotency, refusals, rate limit.
@Suite struct Open311SubmitTests {
    @Test func postingWithoutAValidKeyIs403AndFilesNothing() async throws {
        try await withDemoApp { app in
            // setup
            let body = "service_code=sheshi&address_id=YT-GT-01-G01&description=%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE"
            // act
            let none = try await app.open311(.POST, "/open311/v2/requests.json", form: body)
            let wrong = try await app.open311(.POST, "/open311/v2/requests.xml", form: body + "&api_key=not-a-key")
            // check
            #expect(none.status == .forbidden)
            let jsonError = try none.open311JSONError()
            #expect(jsonError.code == 403 && jsonError.description.contains("api_key"))
            #expect(wrong.status == .forbidden)
            #expect(try wrong.open311XMLError().code == 403)
            #expect(try await Case.query(on: app.db).count() == 0)
        }
    }

    @Test func aPointInsideADemoGridFilesACaseThereThatCommunityStaffSee() async throws {
        try await withDemoApp { app in
            // setup
            let key = try await app.open311Key()
            let grid = try await app.node("YT-GT-01-G01")
            let point = try await app.pointInside(grid: "YT-GT-01-G01")
            let body = [
                "api_key=\(o311Query(key))", "service_code=sheshi", "lat=\(point.lat)", "long=\(point.lon)",
                "description=\(o311Query("小区门口路灯不亮 <已经一周> & 更久"))",
                "first_name=\(o311Query("三"))", "last_name=\(o311Query("张"))", "phone=138+0013+8000", "email=zhang%40example.cn",
            ].joined(separator: "&")
            // act
            let res = try await app.open311(.POST, "/open311/v2/requests.json", form: body)
            // check: the answer
            #expect(res.status == .created, "\(res.text)")
            let answer = try #require(try res.jsonArray().first)
            let number = try #require(answer["service_request_id"] as? String)
            #expect(number.hasPrefix("YT"))
            #expect(UUID(uuidString: answer["token"] as? String ?? "") != nil)
            #expect((answer["service_notice"] as? String)?.contains(number) == true)
            #expect(answer.keys.contains("account_id"))
            // check: the case
            let c = try #require(try await Case.query(on: app.db).filter(\.$number == number).first())
            #expect(c.nodeID == grid.id)
            #expect(c.channel == "open311")
            #expect(c.reporterID == nil)
            #expect(c.reporterName == "张三")
            #expect(c.reporterPhone == "13800138000")
            #expect(c.latitude == point.lat && c.longitude == point.lon)
            #expect(c.description == "小区门口路灯不亮 <已经一周> & 更久")
            // check: staff of that community see it in /api/v1/cases, staff elsewhere do not
            let list = try await app.api(.GET, "/api/v1/cases", token: try await app.token("gt01_community")).json()
            #expect(list["total"] as? Int == 1)
            let item = try #require((list["items"] as? [[String: Any]])?.first)
            #expect(item["number"] as? String == number)
            #expect(item["channel"] as? String == "open311")
            #expect(item["state"] as? String == "submitted")
            let foreign = try await app.api(.GET, "/api/v1/cases", token: try await app.token("bh01_community")).json()
            #expect(foreign["total"] as? Int == 0)
        }
    }

    @Test func anAddressIdInJSONWithAttributesAndAnIdempotencyKeyMakesOneCase() async throws {
        try await withDemoApp { app in
            // setup
            let key = try await app.open311Key()
            let compound = try await app.node("YT-GT-01-G01-C01")
            let body = #"{"api_key":"\#(key)","service_code":"dianti","address_id":"YT-GT-01-G01-C01","description":"电梯卡在三楼","attribute":{"stopped":"yes","location":"2号楼东侧电梯"},"address_string":"幸福家园2号楼"}"#
            // act
            let first = try await app.open311(.POST, "/open311/v2/requests.xml", json: body, headers: ["Idempotency-Key": "lift-1"])
            let retry = try await app.open311(.POST, "/open311/v2/requests.xml", json: body, headers: ["Idempotency-Key": "lift-1"])
            // check
            #expect(first.status == .created, "\(first.text)")
            #expect(retry.status == .ok)
            let root = try XMLTree.parse(first.text)
            #expect(root.name == "service_requests")
            let request = try #require(root.all("request").first)
            let number = try #require(request["service_request_id"])
            #expect(try XMLTree.parse(retry.text).child("request")?["service_request_id"] == number)
            #expect(try await Case.query(on: app.db).count() == 1)
            let c = try #require(try await Case.query(on: app.db).filter(\.$number == number).first())
            #expect(c.nodeID == compound.id)
            #expect(c.latitude == nil)
            #expect(c.description.hasPrefix("电梯卡在三楼"))
            #expect(c.description.contains("【电梯是否已停运】已停运"))
            #expect(c.description.contains("【楼栋、单元及电梯编号】2号楼东侧电梯"))
            #expect(c.description.contains("【地址】幸福家园2号楼"))
            // property cases go to the compound
            #expect(c.handlerNodeID == compound.id)
        }
    }

    @Test func theSameIdempotencyKeyFromAnotherClientIsANewCase() async throws {
        try await withDemoApp { app in
            // setup
            let a = try await app.open311Key("A"), b = try await app.open311Key("B")
            func body(_ key: String) -> String { "api_key=\(o311Query(key))&service_code=huanjing&address_id=YT-GT-01-G02&description=trash" }
            // act
            let first = try await app.open311(.POST, "/open311/v2/requests.json", form: body(a), headers: ["Idempotency-Key": "same"])
            let second = try await app.open311(.POST, "/open311/v2/requests.json", form: body(b), headers: ["Idempotency-Key": "same"])
            // check
            #expect(first.status == .created && second.status == .created)
            #expect(try await Case.query(on: app.db).count() == 2)
        }
    }

    @Test func badSubmissionsAre400Or404InTheSpecErrorShapeAndFileNothing() async throws {
        try await withDemoApp { app in
            // setup
            let key = o311Query(try await app.open311Key())
            let base = "api_key=\(key)&description=test"
            let cases: [(String, HTTPResponseStatus, String)] = [
                ("service_code=sheshi&lat=0&long=0", .badRequest, "address_id"),                    // outside every grid
                ("service_code=sheshi", .badRequest, "lat"),                                        // no location at all
                ("service_code=sheshi&lat=35.0", .badRequest, "long"),                              // half a point
                ("service_code=sheshi&lat=95&long=116.6", .badRequest, "lat"),
                ("service_code=sheshi&address_id=YT-NOPE", .badRequest, "YT-NOPE"),
                ("service_code=sheshi&address_id=YT-GT", .badRequest, "street"),                    // a street is too coarse
                ("service_code=nope&address_id=YT-GT-01-G01", .notFound, "nope"),
                ("address_id=YT-GT-01-G01", .badRequest, "service_code"),
                ("service_code=sheshi&address_id=YT-GT-01-G01&phone=12345", .badRequest, "phone"),
                ("service_code=sheshi&address_id=YT-GT-01-G01&email=nobody", .badRequest, "email"),
                ("service_code=sheshi&address_id=YT-GT-01-G01&media_url=javascript:alert(1)", .badRequest, "media_url"),
                ("service_code=dianti&address_id=YT-GT-01-G01-C01", .badRequest, "attribute[stopped]"),   // required attribute
                ("service_code=dianti&address_id=YT-GT-01-G01-C01&attribute[stopped]=maybe", .badRequest, "maybe"),
                ("service_code=dianti&address_id=YT-GT-01-G01-C01&attribute[stopped]=yes&attribute[stopped]=no", .badRequest, "attribute[stopped]"),
            ]
            for (fields, status, mentions) in cases {
                // act
                let res = try await app.open311(.POST, "/open311/v2/requests.json", form: base + "&" + fields)
                // check
                #expect(res.status == status, "\(fields): \(res.text)")
                let error = try res.open311JSONError()
                #expect(error.code == Int(status.code), "\(fields)")
                #expect(error.description.contains(mentions), "\(fields): \(error.description)")
            }
            let missing = try await app.open311(.POST, "/open311/v2/requests.xml", form: "api_key=\(key)&address_id=YT-GT-01-G01")
            #expect(missing.status == .badRequest)
            #expect(try missing.open311XMLError().description.contains("service_code"))
            let unsupported = try await app.open311(.POST, "/open311/v2/requests.json", form: "api_key=\(key)", headers: ["Content-Type": "text/plain"])
            #expect(unsupported.status == .unsupportedMediaType)
            #expect(try unsupported.open311JSONError().code == 415)
            #expect(try await Case.query(on: app.db).count() == 0)
        }
    }

    @Test func postsAreRateLimitedPerKeyOnTheAppClock() async throws {
        try await withDemoApp { app in
            // setup: time stands still; 60 quick (invalid, so cheap) posts use up the minute
            app.clock.set(Date())
            let key = o311Query(try await app.open311Key("busy")), other = o311Query(try await app.open311Key("quiet"))
            for _ in 0..<60 {
                let res = try await app.open311(.POST, "/open311/v2/requests.json", form: "api_key=\(key)")
                #expect(res.status == .badRequest)
            }
            // act
            let limited = try await app.open311(.POST, "/open311/v2/requests.xml", form: "api_key=\(key)")
            let otherKey = try await app.open311(.POST, "/open311/v2/requests.json", form: "api_key=\(other)")
            app.clock.advance(60)
            let later = try await app.open311(.POST, "/open311/v2/requests.json", form: "api_key=\(key)")
            // check
            #expect(limited.status == .tooManyRequests)
            #expect(try limited.open311XMLError().code == 429)
            #expect(limited.headers.first(name: .retryAfter) == "60")
            #expect(otherKey.status == .badRequest)
            #expect(later.status == .badRequest)
        }
    }
}
