import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// `GET requests` with each filter, `GET requests/{id}`, `GET tokens/{token}`, in JSON and XML.
@Suite struct Open311RequestTests {
    struct Filed {
        let lamp: String, lift: String, visit: String
        let lampToken: String
        let point: (lat: Double, lon: Double)
    }

    /// Three cases through Open311: a street lamp by coordinates, a lift by compound code, a care visit that is then rejected.
    func fileThree(_ app: Application) async throws -> Filed {
        let key = o311Query(try await app.open311Key())
        let point = try await app.pointInside(grid: "YT-GT-01-G01")
        let lamp = try await app.open311(.POST, "/open311/v2/requests.json",
                                         form: "api_key=\(key)&service_code=sheshi&lat=\(point.lat)&long=\(point.lon)&description=\(o311Query("路灯坏了 <三盏> & 更多"))")
        let lift = try await app.open311(.POST, "/open311/v2/requests.json",
                                         form: "api_key=\(key)&service_code=dianti&address_id=YT-GT-01-G01-C01&attribute[stopped]=no&description=lift")
        let visit = try await app.open311(.POST, "/open311/v2/requests.json",
                                          form: "api_key=\(key)&service_code=huanjing&address_id=YT-GT-01-G02&description=visit")
        for res in [lamp, lift, visit] { #expect(res.status == .created, "\(res.text)") }
        func answer(_ res: TestingHTTPResponse) throws -> [String: Any] { try #require(try res.jsonArray().first) }
        let filed = Filed(lamp: try #require(try answer(lamp)["service_request_id"] as? String),
                          lift: try #require(try answer(lift)["service_request_id"] as? String),
                          visit: try #require(try answer(visit)["service_request_id"] as? String),
                          lampToken: try #require(try answer(lamp)["token"] as? String), point: point)
        let visitCase = try #require(try await Case.query(on: app.db).filter(\.$number == filed.visit).first())
        let rejected = try await app.api(.POST, "/api/v1/cases/\(visitCase.id!)/actions/reject", token: try await app.token("gt01_community"),
                                         json: #"{"note":"网格员已当面处理"}"#)
        #expect(rejected.status == .ok, "\(rejected.text)")
        return filed
    }

    func ids(_ app: Application, _ query: String) async throws -> [String] {
        let res = try await app.open311(.GET, "/open311/v2/requests.json" + (query.isEmpty ? "" : "?" + query))
        #expect(res.status == .ok, "\(query): \(res.text)")
        return try res.jsonArray().compactMap { $0["service_request_id"] as? String }
    }

    @Test func requestsCarryTheMappedFieldsInBothFormats() async throws {
        try await withDemoApp { app in
            // setup
            let filed = try await fileThree(app)
            // act
            let json = try await app.open311(.GET, "/open311/v2/requests.json")
            let xml = try await app.open311(.GET, "/open311/v2/requests.xml")
            // check: newest first, every field of the specification, nothing about the reporter
            #expect(json.status == .ok)
            let list = try json.jsonArray()
            #expect(list.compactMap { $0["service_request_id"] as? String } == [filed.visit, filed.lift, filed.lamp])
            let spec: Set<String> = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                                     "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
                                     "address", "address_id", "zipcode", "lat", "long", "media_url"]
            for item in list { #expect(Set(item.keys) == spec) }
            let lamp = try #require(list.first { $0["service_request_id"] as? String == filed.lamp })
            #expect(lamp["status"] as? String == "open")
            #expect(lamp["service_code"] as? String == "sheshi")
            #expect(lamp["service_name"] as? String == "公共设施")
            #expect(lamp["description"] as? String == "路灯坏了 <三盏> & 更多")
            #expect(lamp["agency_responsible"] as? String == "古亭社区")
            let c = try #require(try await Case.query(on: app.db).filter(\.$number == filed.lamp).first())
            // Only a public reply is published: the intake note is not one, so nothing yet.
            #expect(lamp["status_notes"] is NSNull)
            #expect(lamp["address"] as? String == "鱼台县 谷亭街道 古亭社区 第一网格")
            #expect(lamp["address_id"] as? String == "YT-GT-01-G01")
            #expect(lamp["lat"] as? Double == filed.point.lat && lamp["long"] as? Double == filed.point.lon)
            for field in ["requested_datetime", "updated_datetime", "expected_datetime"] {
                let text = try #require(lamp[field] as? String, "\(field)")
                #expect(text.hasSuffix("+08:00") && W3CDateTime.parse(text) != nil, "\(field): \(text)")
            }
            #expect(lamp["expected_datetime"] as? String == W3CDateTime.format(c.resolutionDueAt!))
            #expect(lamp["media_url"] is NSNull && lamp["zipcode"] is NSNull)
            let lift = try #require(list.first { $0["service_request_id"] as? String == filed.lift })
            #expect(lift["agency_responsible"] as? String == "幸福家园")
            #expect((lift["address"] as? String)?.hasSuffix("第一网格 幸福家园") == true)
            #expect(lift["lat"] is NSNull)
            let visit = try #require(list.first { $0["service_request_id"] as? String == filed.visit })
            #expect(visit["agency_responsible"] as? String == "古亭社区 第二网格")   // grid cases: the grid, named with its community
            #expect(visit["status"] as? String == "closed")
            #expect(visit["status_notes"] as? String == "网格员已当面处理")
            // check: XML, with the description's markup characters intact
            #expect(xml.status == .ok)
            let root = try XMLTree.parse(xml.text)
            #expect(root.name == "service_requests")
            let requests = root.all("request")
            #expect(requests.map { $0["service_request_id"] ?? "" } == [filed.visit, filed.lift, filed.lamp])
            let xmlLamp = try #require(requests.last)
            #expect(xmlLamp["description"] == "路灯坏了 <三盏> & 更多")
            #expect(xmlLamp["status"] == "open")
            #expect(xmlLamp["lat"].flatMap(Double.init) == filed.point.lat)
            #expect(Set(xmlLamp.children.map(\.name)) == spec)
            #expect(requests.first?["status"] == "closed")
        }
    }

    @Test func requestsFilterByIdServiceStatusAndDates() async throws {
        try await withDemoApp { app in
            // setup (the time before filing bounds the start date below, however slow the machine)
            let started = Date()
            let f = try await fileThree(app)
            let now = Date()
            let yesterday = ShanghaiTime.today(now.addingTimeInterval(-86400)), tomorrow = ShanghaiTime.today(now.addingTimeInterval(86400))
            // act + check: service_request_id (a comma list, overriding the other filters)
            #expect(Set(try await ids(app, "service_request_id=\(f.lamp),\(f.visit)")) == [f.lamp, f.visit])
            #expect(try await ids(app, "service_request_id=\(f.lamp)&status=closed&service_code=huanjing") == [f.lamp])
            #expect(try await ids(app, "service_request_id=YT19990101-0001").isEmpty)
            // service_code
            #expect(try await ids(app, "service_code=sheshi") == [f.lamp])
            #expect(try await ids(app, "service_code=sheshi,huanjing") == [f.visit, f.lamp])
            #expect(try await ids(app, "service_code=nope").isEmpty)
            // status
            #expect(try await ids(app, "status=open") == [f.lift, f.lamp])
            #expect(try await ids(app, "status=closed") == [f.visit])
            #expect(try await ids(app, "status=open,closed").count == 3)
            // start_date / end_date (W3C datetimes; a bare date counts in China time, an end date includes its day)
            #expect(try await ids(app, "start_date=\(o311Query(W3CDateTime.format(now.addingTimeInterval(-3600))))").count == 3)
            #expect(try await ids(app, "start_date=\(W3CDateTime.format(now.addingTimeInterval(-3600)))").count == 3)  // '+' sent unencoded
            #expect(try await ids(app, "start_date=\(o311Query(W3CDateTime.format(now.addingTimeInterval(3600))))").isEmpty)
            #expect(try await ids(app, "end_date=\(o311Query(W3CDateTime.format(now.addingTimeInterval(-86400))))").isEmpty)
            #expect(try await ids(app, "start_date=\(yesterday)&end_date=\(tomorrow)").count == 3)
            let utc = ISO8601DateFormatter().string(from: started.addingTimeInterval(-1))
            #expect(try await ids(app, "start_date=\(utc)&status=open") == [f.lift, f.lamp])
            // the filters combine
            #expect(try await ids(app, "service_code=sheshi,huanjing&status=open&start_date=\(yesterday)") == [f.lamp])
        }
    }

    @Test func badFiltersAre400InTheSpecErrorShape() async throws {
        try await withTestApp { app in
            // act
            let malformed = try await app.open311(.GET, "/open311/v2/requests.json?start_date=yesterday")
            let malformedXML = try await app.open311(.GET, "/open311/v2/requests.xml?end_date=2026-02-30T00:00:00Z")
            let noZone = try await app.open311(.GET, "/open311/v2/requests.json?start_date=2026-11-25T08:00:00")
            let tooWide = try await app.open311(.GET, "/open311/v2/requests.json?start_date=2026-01-01&end_date=2026-11-01")
            let backwards = try await app.open311(.GET, "/open311/v2/requests.json?start_date=2026-11-02&end_date=2026-10-31")
            let status = try await app.open311(.GET, "/open311/v2/requests.xml?status=pending")
            // check
            #expect(malformed.status == .badRequest)
            let error = try malformed.open311JSONError()
            #expect(error.code == 400 && error.description.contains("start_date") && error.description.contains("W3C"))
            #expect(malformedXML.status == .badRequest)
            let xmlError = try malformedXML.open311XMLError()
            #expect(xmlError.code == 400 && xmlError.description.contains("end_date"))
            #expect(noZone.status == .badRequest)
            #expect(tooWide.status == .badRequest)
            #expect(try tooWide.open311JSONError().description.contains("90"))
            #expect(backwards.status == .badRequest)
            #expect(status.status == .badRequest)
            #expect(try status.open311XMLError().description.contains("status"))
        }
    }

    @Test func oneRequestByIdInBothFormats() async throws {
        try await withDemoApp { app in
            // setup
            let f = try await fileThree(app)
            // act
            let json = try await app.open311(.GET, "/open311/v2/requests/\(f.lift).json")
            let xml = try await app.open311(.GET, "/open311/v2/requests/\(f.visit).xml")
            let unknown = try await app.open311(.GET, "/open311/v2/requests/YT19990101-0001.json")
            let unknownXML = try await app.open311(.GET, "/open311/v2/requests/YT19990101-0001.xml")
            // check
            #expect(json.status == .ok)
            let list = try json.jsonArray()
            #expect(list.count == 1)
            #expect(list[0]["service_request_id"] as? String == f.lift)
            #expect(list[0]["service_code"] as? String == "dianti")
            #expect((list[0]["description"] as? String)?.contains("【电梯是否已停运】仍在运行") == true)
            let root = try XMLTree.parse(xml.text)
            #expect(root.name == "service_requests")
            #expect(root.all("request").count == 1)
            #expect(root.child("request")?["service_request_id"] == f.visit)
            #expect(root.child("request")?["status"] == "closed")
            #expect(unknown.status == .notFound)
            #expect(try unknown.open311JSONError().code == 404)
            #expect(unknownXML.status == .notFound)
            #expect(try unknownXML.open311XMLError().code == 404)
        }
    }

    @Test func aTokenMapsStraightToItsRequest() async throws {
        try await withDemoApp { app in
            // setup
            let f = try await fileThree(app)
            // act
            let json = try await app.open311(.GET, "/open311/v2/tokens/\(f.lampToken).json")
            let xml = try await app.open311(.GET, "/open311/v2/tokens/\(f.lampToken).xml")
            let unknown = try await app.open311(.GET, "/open311/v2/tokens/\(UUID()).json")
            let garbage = try await app.open311(.GET, "/open311/v2/tokens/garbage.xml")
            // check
            #expect(json.status == .ok)
            let list = try json.jsonArray()
            #expect(list.count == 1)
            #expect(list[0]["service_request_id"] as? String == f.lamp)
            #expect(list[0]["token"] as? String == f.lampToken)
            let root = try XMLTree.parse(xml.text)
            #expect(root.name == "service_requests")
            #expect(root.child("request")?["service_request_id"] == f.lamp)
            #expect(root.child("request")?["token"] == f.lampToken)
            #expect(unknown.status == .notFound)
            #expect(try unknown.open311JSONError().code == 404)
            #expect(garbage.status == .notFound)
            #expect(try garbage.open311XMLError().code == 404)
        }
    }
}
