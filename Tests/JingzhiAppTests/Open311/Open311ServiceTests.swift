import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Discovery, the service list and service definitions, in JSON and XML, and the error shape of unknown resources.
@Suite struct Open311ServiceTests {
    @Test func discoveryPointsAtTheV2EndpointInBothFormats() async throws {
        try await withTestApp { app in
            // act
            let json = try await app.open311(.GET, "/open311/discovery.json", headers: ["Host": "jingzhi.example.cn"])
            let xml = try await app.open311(.GET, "/open311/discovery.xml", headers: ["Host": "jingzhi.example.cn"])
            // check: JSON
            #expect(json.status == .ok)
            #expect(json.headers.contentType?.subType == "json")
            let doc = try json.json()
            #expect(doc["changeset"] as? String == Open311API.changeset)
            #expect(doc["contact"] is String && doc["key_service"] is String)
            let endpoints = try #require(doc["endpoints"] as? [[String: Any]])
            #expect(endpoints.count == 1)
            #expect(endpoints[0]["specification"] as? String == "http://wiki.open311.org/GeoReport_v2")
            #expect(endpoints[0]["url"] as? String == "http://jingzhi.example.cn/open311/v2")
            #expect(endpoints[0]["type"] as? String == "production")
            #expect(Set(endpoints[0]["formats"] as? [String] ?? []) == ["text/xml", "application/json"])
            // check: XML
            #expect(xml.status == .ok)
            #expect(xml.headers.contentType?.subType == "xml")
            #expect(xml.text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"))
            let root = try XMLTree.parse(xml.text)
            #expect(root.name == "discovery")
            #expect(root["changeset"] == Open311API.changeset)
            let endpoint = try #require(root.child("endpoints")?.all("endpoint").first)
            #expect(endpoint["url"] == "http://jingzhi.example.cn/open311/v2")
            #expect(endpoint.child("formats")?.all("format").map(\.text).sorted() == ["application/json", "text/xml"])
        }
    }

    @Test func servicesListOurCategoriesInBothFormats() async throws {
        try await withTestApp { app in
            // setup
            let active = try await CaseCategory.query(on: app.db).filter(\.$active == true).count()
            // act
            let json = try await app.open311(.GET, "/open311/v2/services.json")
            let xml = try await app.open311(.GET, "/open311/v2/services.xml")
            // check: JSON
            #expect(json.status == .ok)
            let services = try json.jsonArray()
            #expect(services.count == active)
            let byCode = Dictionary(uniqueKeysWithValues: services.map { ($0["service_code"] as? String ?? "", $0) })
            let lift = try #require(byCode["dianti"])
            #expect(lift["service_name"] as? String == "电梯故障")
            #expect(lift["metadata"] as? Bool == true)
            #expect(lift["type"] as? String == "realtime")
            #expect(lift["group"] as? String == "物业管理")
            #expect((lift["keywords"] as? String)?.contains("电梯故障") == true)
            #expect((lift["description"] as? String)?.contains("24") == true)
            let care = try #require(byCode["guanai"])
            #expect(care["metadata"] as? Bool == false)
            #expect(care["group"] as? String == "关爱探访")
            // families stay together: 物业管理 right before its children
            let codes = services.compactMap { $0["service_code"] as? String }
            let wuye = try #require(codes.firstIndex(of: "wuye"))
            #expect(Set(codes[(wuye + 1)...(wuye + 2)]) == ["dianti", "xiashuidao"])
            // check: XML carries the same services
            let root = try XMLTree.parse(xml.text)
            #expect(root.name == "services")
            let items = root.all("service")
            #expect(items.map { $0["service_code"] ?? "" } == codes)
            let xmlLift = try #require(items.first { $0["service_code"] == "dianti" })
            #expect(xmlLift["metadata"] == "true")
            #expect(xmlLift["group"] == "物业管理")
            #expect(xmlLift["type"] == "realtime")
        }
    }

    @Test func inactiveCategoriesAreNotServices() async throws {
        try await withTestApp { app in
            // setup
            let other = try #require(try await CaseCategory.query(on: app.db).filter(\.$code == "qita").first())
            other.active = false
            try await other.save(on: app.db)
            // act
            let services = try await app.open311(.GET, "/open311/v2/services.json").jsonArray()
            let definition = try await app.open311(.GET, "/open311/v2/services/qita.json")
            // check
            #expect(!services.contains { $0["service_code"] as? String == "qita" })
            #expect(definition.status == .notFound)
        }
    }

    @Test func serviceDefinitionsListAttributesOrNone() async throws {
        try await withTestApp { app in
            // act
            let lift = try await app.open311(.GET, "/open311/v2/services/dianti.json")
            let care = try await app.open311(.GET, "/open311/v2/services/guanai.json")
            let liftXML = try await app.open311(.GET, "/open311/v2/services/dianti.xml")
            let careXML = try await app.open311(.GET, "/open311/v2/services/guanai.xml")
            // check: a category with attributes
            #expect(lift.status == .ok)
            let def = try lift.json()
            #expect(def["service_code"] as? String == "dianti")
            let attributes = try #require(def["attributes"] as? [[String: Any]])
            #expect(attributes.map { $0["code"] as? String } == ["stopped", "location"])
            let stopped = attributes[0]
            #expect(stopped["variable"] as? Bool == true)
            #expect(stopped["datatype"] as? String == "singlevaluelist")
            #expect(stopped["required"] as? Bool == true)
            #expect(stopped["order"] as? Int == 1)
            #expect((stopped["values"] as? [[String: Any]])?.map { $0["key"] as? String } == ["yes", "no"])
            #expect(attributes[1]["required"] as? Bool == false)
            #expect(attributes[1]["values"] as? [Any] != nil)
            // check: 关爱探访 declares none
            let careDef = try care.json()
            #expect(careDef["service_code"] as? String == "guanai")
            #expect((careDef["attributes"] as? [Any])?.isEmpty == true)
            // check: XML
            let root = try XMLTree.parse(liftXML.text)
            #expect(root.name == "service_definition")
            #expect(root["service_code"] == "dianti")
            let xmlAttributes = try #require(root.child("attributes")).all("attribute")
            #expect(xmlAttributes.map { $0["code"] ?? "" } == ["stopped", "location"])
            #expect(xmlAttributes[0]["required"] == "true")
            #expect(xmlAttributes[0].child("values")?.all("value").map { $0["key"] ?? "" } == ["yes", "no"])
            let careRoot = try XMLTree.parse(careXML.text)
            #expect(careRoot["service_code"] == "guanai")
            #expect(careRoot.child("attributes")?.children.isEmpty == true)
        }
    }

    @Test func unknownServicesAndResourcesAre404InTheSpecErrorShape() async throws {
        try await withTestApp { app in
            // act
            let json = try await app.open311(.GET, "/open311/v2/services/nope.json")
            let xml = try await app.open311(.GET, "/open311/v2/services/nope.xml")
            let noFormat = try await app.open311(.GET, "/open311/v2/services/dianti.html")
            let noResource = try await app.open311(.GET, "/open311/v2/potholes.xml")
            // check
            #expect(json.status == .notFound)
            let jsonError = try json.open311JSONError()
            #expect(jsonError.code == 404 && jsonError.description.contains("nope"))
            #expect(xml.status == .notFound)
            let xmlError = try xml.open311XMLError()
            #expect(xmlError.code == 404 && xmlError.description.contains("nope"))
            #expect(noFormat.status == .notFound)
            #expect(try noFormat.open311JSONError().code == 404)
            #expect(noResource.status == .notFound)
            #expect(try noResource.open311XMLError().code == 404)
        }
    }
}
