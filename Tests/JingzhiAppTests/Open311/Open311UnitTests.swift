import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
@testable import JingzhiApp

/// The pieces under the endpoints: the XML and JSON writers, point-in-polygon, W3C datetimes, form fields, the CLI.
@Suite struct Open311UnitTests {
    @Test func theXMLWriterEscapesEverythingAResidentMightType() throws {
        // setup
        let nasty = "a<b> & \"c\" 'd' ]]> 中文\t\r\nend\u{1}\u{B}\u{FFFE}"
        let value = Open311Value.list(item: "request", [.object([
            ("description", .text(nasty)), ("status_notes", .text(nil)), ("lat", .number(35.0125)), ("metadata", .bool(true)),
        ])])
        // act
        let xml = Open311XML.render(root: "service_requests", value)
        // check
        #expect(xml.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<service_requests><request><description>"))
        #expect(xml.contains("<status_notes/>"))
        let root = try XMLTree.parse(xml)
        let request = try #require(root.child("request"))
        #expect(request["description"] == "a<b> & \"c\" 'd' ]]> 中文\t\r\nend")
        #expect(request["lat"] == "35.0125")
        #expect(request["metadata"] == "true")
        #expect(request["status_notes"] == "")
    }

    @Test func theJSONWriterKeepsOrderAndEscapes() throws {
        // setup
        let value = Open311Value.list(item: "x", [.object([
            ("b", .text("say \"hi\"\\\n\u{1}")), ("a", .int(3)), ("n", .text(nil)), ("f", .number(116.65)), ("t", .bool(false)),
            ("inf", .number(.infinity)), ("l", .list(item: "y", [])),
        ])])
        // act
        let json = Open311JSON.render(value)
        // check
        #expect(json == #"[{"b":"say \"hi\"\\\n\u0001","a":3,"n":null,"f":116.65,"t":false,"inf":null,"l":[]}]"#)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(parsed[0]["b"] as? String == "say \"hi\"\\\n\u{1}")
    }

    @Test func pointInPolygonHandlesHolesEdgesAndConcaveShapes() throws {
        // setup: a 10×10 square with a 2×2 hole in the middle, and an L-shaped (concave) polygon
        let square = Boundary(rings: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]])
        let ell = try Boundary.parse(text: #"{"type":"Polygon","coordinates":[[[0,0],[6,0],[6,2],[2,2],[2,6],[0,6],[0,0]]]}"#)
        // act + check
        #expect(square.contains(longitude: 1, latitude: 1))
        #expect(!square.contains(longitude: 5, latitude: 5))       // in the hole
        #expect(square.contains(longitude: 4, latitude: 5))        // on the hole's edge: still the polygon
        #expect(square.contains(longitude: 10, latitude: 5))       // on the outer edge
        #expect(square.contains(longitude: 0, latitude: 0))        // a corner
        #expect(!square.contains(longitude: 10.0001, latitude: 5))
        #expect(!square.contains(longitude: -1, latitude: 5))
        #expect(ell.contains(longitude: 1, latitude: 5))
        #expect(ell.contains(longitude: 5, latitude: 1))
        #expect(!ell.contains(longitude: 4, latitude: 4))          // the notch of the L
    }

    @Test func gridLocatorFindsTheDemoGridOfAPoint() async throws {
        try await withDemoApp { app in
            // setup
            let inside = try await app.pointInside(grid: "YT-BH-01-G02")
            // act
            let found = try await GridLocator.grid(latitude: inside.lat, longitude: inside.lon, on: app.db)
            let nowhere = try await GridLocator.grid(latitude: 39.9, longitude: 116.4, on: app.db)
            // check
            #expect(found?.code == "YT-BH-01-G02")
            #expect(nowhere == nil)
        }
    }

    @Test func w3cDatetimesAreReadStrictlyAndWrittenInChinaTime() throws {
        // setup
        let instant = try #require(ISO8601DateFormatter().date(from: "2026-11-25T01:30:00Z"))
        // act + check: writing
        #expect(W3CDateTime.format(instant) == "2026-11-25T09:30:00+08:00")
        // reading
        #expect(W3CDateTime.parse("2026-11-25T09:30:00+08:00") == instant)
        #expect(W3CDateTime.parse("2026-11-25T01:30:00Z") == instant)
        #expect(W3CDateTime.parse("2026-11-25T09:30:00 08:00") == instant)          // '+' that arrived as a space
        #expect(W3CDateTime.parse("2026-11-25T01:30:00.250Z") == instant.addingTimeInterval(0.25))
        #expect(W3CDateTime.parse("2026-11-25") == ISO8601DateFormatter().date(from: "2026-11-24T16:00:00Z"))
        #expect(W3CDateTime.parse("2026-11-25", endOfDay: true) == ISO8601DateFormatter().date(from: "2026-11-25T16:00:00Z"))
        for bad in ["", "yesterday", "2026-11-25T09:30:00", "2026-02-30T00:00:00Z", "2026-13-01", "25/11/2026", "2026-11-25T25:00:00Z"] {
            #expect(W3CDateTime.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func formFieldsGatherAttributesAndDecodePlusAndPercent() {
        // setup
        var f = Open311Fields()
        // act
        f.addForm("api_key=k&description=a+b%26c&attribute[stopped]=yes&attribute%5Bmulti%5D%5B%5D=1&attribute[multi][]=2&first_name=%E4%B8%89&last_name=%E5%BC%A0")
        // check
        #expect(f["description"] == "a b&c")
        #expect(f.attributes["stopped"] == ["yes"])
        #expect(f.attributes["multi"] == ["1", "2"])
        #expect(f.reporterName == "张三")
        var latin = Open311Fields()
        latin.addJSON(["first_name": "Ada", "last_name": "Lovelace", "lat": 35.5, "attribute": ["period": "night"], "attribute[x]": ["a", "b"]])
        #expect(latin.reporterName == "Ada Lovelace")
        #expect(latin["lat"] == "35.5")
        #expect(latin.attributes["period"] == ["night"])
        #expect(latin.attributes["x"] == ["a", "b"])
        #expect(Open311Fields.attributeCode("attribute[]") == nil)
        #expect(Open311Fields.attributeCode("attributes") == nil)
    }
}

/// `jingzhi apikey create --name …` as the executable calls it.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["JINGZHI_TEST_DATABASE_URL"]?.isEmpty ?? true, "the CLI tests use SQLite files"))
struct Open311CommandLineTests {
    @Test func apikeyCreatePrintsAKeyAndStoresOnlyItsHash() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jingzhi-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let settings = Settings(dataDirectory: dir, passwordCost: 4)
        // act
        let key = try await JingzhiCommands.createAPIKey(settings, name: "  12345 热线对接  ")
        let second = try await JingzhiCommands.createAPIKey(settings, name: "another")
        let empty = await #expect(throws: APIError.self) { try await JingzhiCommands.createAPIKey(settings, name: "  ") }
        // check
        #expect(key.count >= 40 && key != second)
        #expect(empty?.field == "name")
        let app = try await JingzhiCommands.openApp(settings)
        do {
            let rows = try await APIKey.query(on: app.db).all()
            #expect(rows.count == 2)
            let row = try #require(rows.first { $0.name == "12345 热线对接" })
            #expect(row.keyHash == AccountService.sha256(key))
            #expect(row.active)
            #expect(!rows.contains { $0.keyHash.contains(key) || $0.name.contains(key) })
            #expect(try await APIKeyService(db: app.db, now: Date()).verify(key)?.id == row.id)
            #expect(try await APIKeyService(db: app.db, now: Date()).verify(key + "x") == nil)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "api_key").count() == 2)
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
