import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// `POST requests` with `address_string` alone: looked up on the tree, or accepted at the key's area (地点待核实).
@Suite struct Open311AddressTests {
    @Test func anAddressNamingACompoundAndBuildingFilesTheCaseThereInJSONAndXML() async throws {
        try await withDemoApp { app in
            // setup
            let key = o311Query(try await app.open311Key())
            let community = try await app.node("YT-GT-01")
            let compound = try await app.node("YT-GT-01-G01-C01")
            let building = try await app.node("YT-GT-01-G01-C01-B02")
            let withBuilding = "\(community.name) \(compound.name)\(building.name)门口"
            // act
            let json = try await app.open311(.POST, "/open311/v2/requests.json",
                                             form: "api_key=\(key)&service_code=sheshi&description=lamp&address_string=\(o311Query(withBuilding))")
            let xml = try await app.open311(.POST, "/open311/v2/requests.xml",
                                            form: "api_key=\(key)&service_code=huanjing&address_string=\(o311Query(compound.name + "东门"))")
            // check: JSON at the building, XML (no description: the service name stands in) at the compound
            #expect(json.status == .created, "\(json.text)")
            let number = try #require(try json.jsonArray().first?["service_request_id"] as? String)
            let c = try #require(try await Case.query(on: app.db).filter(\.$number == number).first())
            #expect(c.nodeID == building.id)
            #expect(!c.description.contains("地点待核实"))
            #expect(c.description.contains("【地址】\(withBuilding)"))
            #expect(xml.status == .created, "\(xml.text)")
            let xmlNumber = try #require(try XMLTree.parse(xml.text).child("request")?["service_request_id"])
            let d = try #require(try await Case.query(on: app.db).filter(\.$number == xmlNumber).first())
            #expect(d.nodeID == compound.id)
            #expect(d.description.hasPrefix("【"))
        }
    }

    @Test func anAddressThatMatchesNothingIsAcceptedAtTheKeysAreaFlaggedForDispatchers() async throws {
        try await withDemoApp { app in
            // setup: a key serving 谷亭街道; an address nowhere on the tree and one in another street
            let street = try await app.node("YT-GT")
            let key = o311Query(try await APIKeyService(db: app.db, now: app.clock.now()).create(name: "街道热线", areaCode: "YT-GT", source: .cli("test")).key)
            let foreign = try await app.node("YT-BH-01-G01-C01")
            // act
            let json = try await app.open311(.POST, "/open311/v2/requests.json",
                                             json: #"{"api_key":"\#(key.removingPercentEncoding!)","service_code":"sheshi","description":"井盖丢了","address_string":"火星路999号"}"#)
            let xml = try await app.open311(.POST, "/open311/v2/requests.xml",
                                            form: "api_key=\(key)&service_code=sheshi&description=x&address_string=\(o311Query(foreign.name))")
            // check: both accepted, at the street, flagged, handled by the street
            #expect(json.status == .created, "\(json.text)")
            let answer = try #require(try json.jsonArray().first)
            #expect((answer["service_notice"] as? String)?.contains("地点待核实") == true)
            #expect(xml.status == .created, "\(xml.text)")
            #expect(try XMLTree.parse(xml.text).child("request")?["service_notice"]?.contains("地点待核实") == true)
            let cases = try await Case.query(on: app.db).all()
            #expect(cases.count == 2)
            for c in cases {
                #expect(c.nodeID == street.id)
                #expect(c.description.hasPrefix("【地点待核实】"))
                #expect(c.handlerNodeID == street.id && c.handlerLevel == .street)
                let submit = try #require(try await CaseEvent.query(on: app.db).filter(\.$caseID == c.id!).first())
                #expect(submit.note?.contains("地点待核实") == true)
            }
            // dispatchers of that street see them; another street's do not
            let list = try await app.api(.GET, "/api/v1/cases", token: try await app.token("gt_street")).json()
            #expect(list["total"] as? Int == 2)
            let other = try await app.api(.GET, "/api/v1/cases", token: try await app.token("bh_street")).json()
            #expect(other["total"] as? Int == 0)
            // and find them among placed cases with the 地点待核实 filter
            let compound = try await app.node("YT-GT-01-G01-C01")
            let placed = try await app.api(.POST, "/api/v1/cases", token: try await app.token("gt01_community"),
                                           json: #"{"categoryCode":"sheshi","nodeId":"\#(compound.id!)","description":"路灯坏了"}"#)
            #expect(placed.status == .created, "\(placed.text)")
            let all = try await app.api(.GET, "/api/v1/cases", token: try await app.token("gt_street")).json()
            let unplaced = try await app.api(.GET, "/api/v1/cases?unplaced=1", token: try await app.token("gt_street")).json()
            #expect(all["total"] as? Int == 3 && unplaced["total"] as? Int == 2)
            let page = try await WebSession.login(app, "gt_street").get("/cases?queue=to_accept&unplaced=1")
            let number = try #require(try placed.json()["number"] as? String)
            #expect(page.text.contains("只看地点待核实") && !page.text.contains(number) && page.text.contains(cases[0].number))
        }
    }

    @Test func aKeyWithoutAnAreaPutsAnUnknownAddressAtTheRootOfTheTree() async throws {
        try await withDemoApp { app in
            // setup
            let key = o311Query(try await app.open311Key())
            let root = try await app.node("YT")
            // act
            let res = try await app.open311(.POST, "/open311/v2/requests.json", form: "api_key=\(key)&service_code=sheshi&address_string=nowhere")
            // check
            #expect(res.status == .created, "\(res.text)")
            let c = try #require(try await Case.query(on: app.db).first())
            #expect(c.nodeID == root.id)
            #expect(c.description.hasPrefix("【地点待核实】"))
        }
    }

    @Test func aLongDescriptionIsTakenAndTheMediaURLIsReadBack() async throws {
        try await withDemoApp { app in
            // setup: GeoReport v2 allows 4,000 characters of description
            let key = o311Query(try await app.open311Key())
            let long = String(repeating: "路", count: 4000)
            let media = "https://example.cn/p/1.jpg"
            // act
            let res = try await app.open311(.POST, "/open311/v2/requests.json",
                                            form: "api_key=\(key)&service_code=sheshi&address_id=YT-GT-01-G01&description=\(o311Query(long))&media_url=\(o311Query(media))")
            let tooLong = try await app.open311(.POST, "/open311/v2/requests.json",
                                                form: "api_key=\(key)&service_code=sheshi&address_id=YT-GT-01-G01&description=\(o311Query(long + "路"))")
            // check
            #expect(res.status == .created, "\(res.text)")
            let number = try #require(try res.jsonArray().first?["service_request_id"] as? String)
            let read = try await app.open311(.GET, "/open311/v2/requests/\(number).json")
            #expect(try read.jsonArray().first?["media_url"] as? String == media)
            #expect(tooLong.status == .badRequest)
            #expect(try tooLong.open311JSONError().description.contains("4000"))
        }
    }

    @Test func anAreaCodeThatIsNoNodeIsRefusedWhenTheKeyIsMade() async throws {
        try await withDemoApp { app in
            await #expect(throws: APIError.self) {
                _ = try await APIKeyService(db: app.db, now: app.clock.now()).create(name: "x", areaCode: "NOPE", source: .cli("test"))
            }
        }
    }
}
