import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The register's JSON API: households and visits stay inside the caller's community, a foreign `node=` filter
/// answers like an unknown one, and bad input is refused with the field at fault and nothing half-written.
@Suite struct ResidentAPITests {
    // MARK: Scope

    @Test func foreignHouseholdAndItsVisitsAreNotFound() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let foreign = try await Fixture.household(app, under: "YT-BH-01")
            let before = try await Fixture.counts(app)
            let base = "/api/v1/households/\(foreign.id!)"
            // act
            let read = try await app.api(.GET, base, token: token)
            let visits = try await app.api(.GET, base + "/visits", token: token)
            let visit = try await app.api(.POST, base + "/visits", token: token, json: #"{"visitedOn":"2026-01-10","kind":"入户走访","notes":"越界"}"#)
            let madeUp = try await app.api(.GET, "/api/v1/households/\(UUID())", token: token)
            // check
            for res in [read, visits, visit, madeUp] {
                #expect(res.status == .notFound)
                #expect(res.errorCode == "not_found")
                #expect(!res.text.contains(foreign.address))
            }
            #expect(try await Fixture.counts(app) == before)
        }
    }

    @Test func ownHouseholdAndItsVisitsAreServed() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_grid")
            let own = try await Fixture.household(app, under: "YT-GT-01-G01")
            // act
            let added = try await app.api(.POST, "/api/v1/households/\(own.id!)/visits", token: token,
                                          json: #"{"visitedOn":"2026-01-10","kind":"关爱探访","notes":"送米面油"}"#)
            let list = try await app.api(.GET, "/api/v1/households/\(own.id!)/visits", token: token)
            let read = try await app.api(.GET, "/api/v1/households/\(own.id!)", token: token)
            // check
            #expect(added.status == .created)
            #expect(try added.json()["visitorName"] as? String != nil)
            let notes = try list.jsonArray().compactMap { $0["notes"] as? String }
            #expect(notes.contains("送米面油"))
            #expect(read.status == .ok)
            #expect(try read.json()["address"] as? String == own.address)
        }
    }

    @Test func householdListStaysInsideTheCommunity() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let own = try await app.node("YT-GT-01")
            // act
            let all = try await app.api(.GET, "/api/v1/households?per=100", token: token)
            let foreign = try await app.api(.GET, "/api/v1/households?node=YT-BH-01", token: token)
            // check
            let inScope = try await Household.query(on: app.db).within(DataScope(rootPath: own.path)).count()
            #expect(try all.json()["total"] as? Int == inScope)
            #expect(foreign.status == .notFound && foreign.errorField == "node")
        }
    }

    @Test func residentsOfAForeignNodeAnswerExactlyLikeAnUnknownNode() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let foreign = try await app.node("YT-BH-01")
            let probes = ["YT-BH-01", foreign.id!.uuidString, "YT-BH-01-G01", "YT", "NO-SUCH-NODE", UUID().uuidString]
            // act
            var answers: [TestingHTTPResponse] = []
            for probe in probes { answers.append(try await app.api(.GET, "/api/v1/residents?node=\(probe)", token: token)) }
            // check
            for (probe, res) in zip(probes, answers) {
                #expect(res.status == .notFound, "\(probe)")
                #expect(res.errorCode == "unknown_node")
                #expect(res.errorField == "node")
                #expect(try res.json()["items"] == nil)
            }
        }
    }

    @Test func exportOfAForeignNodeIsNotFoundAndExportsNothing() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let foreign = try await app.resident(under: "YT-BH-01")
            // act
            let byNode = try await app.api(.GET, "/api/v1/residents/export?node=YT-BH-01", token: token)
            let all = try await app.api(.GET, "/api/v1/residents/export", token: token)
            // check
            #expect(byNode.status == .notFound && byNode.errorField == "node")
            #expect(all.status == .ok)
            #expect(!all.text.contains(foreign.idNumber ?? "-"))
            #expect(!all.text.contains("站前社区"))
        }
    }

    @Test func residentsOfAnOwnGridAreListedByIdOrCode() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let grid = try await app.node("YT-GT-01-G02")
            let expected = try await Resident.query(on: app.db).within(DataScope(rootPath: grid.path)).count()
            // act
            let byCode = try await app.api(.GET, "/api/v1/residents?node=YT-GT-01-G02", token: token)
            let byID = try await app.api(.GET, "/api/v1/residents?node=\(grid.id!)", token: token)
            // check
            #expect(expected > 0)
            #expect(try byCode.json()["total"] as? Int == expected)
            #expect(try byID.json()["total"] as? Int == expected)
        }
    }

    @Test func registeringSomeoneInAForeignHouseholdIsNotFound() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let foreign = try await Fixture.household(app, under: "YT-BH-01")
            let before = try await Fixture.counts(app)
            // act
            let res = try await app.api(.POST, "/api/v1/residents", token: token,
                                        json: #"{"householdId":"\#(foreign.id!)","name":"塞进去","gender":"男"}"#)
            // check
            #expect(res.status == .notFound)
            #expect(try await Fixture.counts(app) == before)
        }
    }

    // MARK: Bad input

    struct BadBody: Sendable, CustomStringConvertible {
        let label: String, body: String, status: Int, code: String, field: String?
        init(_ label: String, _ body: String, _ status: Int, _ code: String, _ field: String?) {
            (self.label, self.body, self.status, self.code, self.field) = (label, body, status, code, field)
        }
        var description: String { label }
    }

    /// Bodies for POST /api/v1/residents; `HID` stands for an own household's id.
    static let badCreates: [BadBody] = [
        BadBody("malformed JSON", #"{"householdId":"HID","name":"张三""#, 400, "malformed_body", nil),
        BadBody("not JSON at all", "name=张三", 400, "malformed_body", nil),
        BadBody("empty body", "", 400, "empty_body", nil),
        BadBody("name is a number", #"{"householdId":"HID","name":5,"gender":"男"}"#, 422, "invalid_field", "name"),
        BadBody("tags is a string", #"{"householdId":"HID","name":"张三","gender":"男","tags":"党员"}"#, 422, "invalid_field", "tags"),
        BadBody("household id is not an id", #"{"householdId":"abc","name":"张三","gender":"男"}"#, 422, "invalid_field", "householdId"),
        BadBody("missing name", #"{"householdId":"HID","gender":"男"}"#, 422, "missing_field", "name"),
        BadBody("blank name", #"{"householdId":"HID","name":"   ","gender":"男"}"#, 422, "missing_field", "name"),
        BadBody("missing household", #"{"name":"张三","gender":"男"}"#, 422, "missing_field", "householdId"),
        BadBody("name of 31 characters", #"{"householdId":"HID","name":"\#(String(repeating: "名", count: 31))","gender":"男"}"#, 422, "invalid_field", "name"),
        BadBody("bad check digit", #"{"householdId":"HID","name":"张三","idNumber":"\#(Fixture.withWrongCheckDigit(Fixture.idNumber(seq: 11)))"}"#, 422, "invalid_field", "idNumber"),
        BadBody("ID of 17 digits", #"{"householdId":"HID","name":"张三","idNumber":"11010119900101001"}"#, 422, "invalid_field", "idNumber"),
        BadBody("phone too short", #"{"householdId":"HID","name":"张三","gender":"男","phone":"1381234567"}"#, 422, "invalid_field", "phone"),
        BadBody("phone not mobile", #"{"householdId":"HID","name":"张三","gender":"男","phone":"23812345678"}"#, 422, "invalid_field", "phone"),
        BadBody("phone with letters", #"{"householdId":"HID","name":"张三","gender":"男","phone":"138abcd5678"}"#, 422, "invalid_field", "phone"),
        BadBody("unknown tag", #"{"householdId":"HID","name":"张三","gender":"男","tags":["党员","VIP"]}"#, 422, "invalid_field", "tags"),
        BadBody("unknown gender", #"{"householdId":"HID","name":"张三","gender":"X"}"#, 422, "invalid_field", "gender"),
        BadBody("unknown relation", #"{"householdId":"HID","name":"张三","gender":"男","relation":"邻居"}"#, 422, "invalid_field", "relation"),
        BadBody("birth date not a date", #"{"householdId":"HID","name":"张三","gender":"男","birthDate":"1990-02-30"}"#, 422, "invalid_field", "birthDate"),
        BadBody("birth date against ID", #"{"householdId":"HID","name":"张三","idNumber":"\#(Fixture.idNumber(seq: 12))","birthDate":"1991-01-01"}"#, 422, "invalid_field", "birthDate"),
    ]

    @Test(arguments: badCreates)
    func badResidentIsRefusedNamingTheFieldAndNothingIsWritten(_ bad: BadBody) async throws {
        let (label, body, status, code, field) = (bad.label, bad.body, bad.status, bad.code, bad.field)
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let household = try await Fixture.household(app, under: "YT-GT-01")
            let before = try await Fixture.counts(app)
            // act
            let res = try await Fixture.send(app, .POST, "/api/v1/residents", token: token,
                                             body: body.replacingOccurrences(of: "HID", with: household.id!.uuidString), contentType: .json)
            // check
            #expect(Int(res.status.code) == status, "\(label): \(res.text)")
            #expect(res.errorCode == code, "\(label)")
            #expect(res.errorField == field, "\(label)")
            #expect(!Fixture.leaksInternals(res.text), "\(label): \(res.text)")
            #expect(try await Fixture.counts(app) == before, "\(label)")
        }
    }

    @Test func nameOfThirtyCharactersIsFine() async throws {
        try await withDemoApp { app in
            // setup
            let household = try await Fixture.household(app, under: "YT-GT-01")
            let name = String(repeating: "名", count: 30)
            // act
            let created = try await Fixture.createResident(app, token: try await app.token("gt01_community"), household: household, name: name)
            // check
            #expect(created["name"] as? String == name)
        }
    }

    @Test(arguments: [
        #"{"name":"改好了","phone":"123"}"#,
        #"{"name":"改好了","tags":["党员","不存在的标签"]}"#,
        #"{"name":"改好了","idNumber":"\#(Fixture.withWrongCheckDigit(Fixture.idNumber(seq: 21)))"}"#,
        #"{"name":"改好了","gender":"未知"}"#,
        #"{"name":"\#(String(repeating: "长", count: 31))"}"#,
        #"{"name":"改好了","householdId":"\#(UUID())"}"#,
        #"{"name":"改好了""#,
    ])
    func failedUpdateLeavesTheResidentAsItWas(_ body: String) async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let resident = try await app.resident(under: "YT-GT-01")
            let before = try await Fixture.counts(app)
            // act
            let res = try await Fixture.send(app, .PATCH, "/api/v1/residents/\(resident.id!)", token: token, body: body, contentType: .json)
            // check
            #expect([400, 422].contains(Int(res.status.code)), "\(res.status): \(res.text)")
            #expect(!Fixture.leaksInternals(res.text))
            let stored = try #require(try await Resident.find(resident.id, on: app.db))
            #expect(stored.name == resident.name && stored.phone == resident.phone && stored.idNumber == resident.idNumber)
            #expect(stored.tags == resident.tags && stored.gender == resident.gender && stored.householdID == resident.householdID)
            #expect(try await Fixture.counts(app) == before, "no audit entry, no tag rows")
        }
    }

    @Test func idNumberOfSomeoneAlreadyRegisteredIsAConflictOnTheField() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let household = try await Fixture.household(app, under: "YT-GT-01")
            let taken = try #require(try await app.resident(under: "YT-GT-01-G02").idNumber)
            let before = try await Fixture.counts(app)
            // act
            let res = try await app.api(.POST, "/api/v1/residents", token: token, json: #"{"householdId":"\#(household.id!)","name":"重号","idNumber":"\#(taken)"}"#)
            // check
            #expect(res.status == .conflict)
            #expect(res.errorField == "idNumber")
            #expect(!res.text.contains(taken))
            #expect(try await Fixture.counts(app) == before)
        }
    }

    @Test func householdOnAnUnknownOrForeignNodeIsNotFoundOnFieldNodeId() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let foreignBuilding = try await app.node("YT-BH-01-G01-C01-B01")
            let before = try await Fixture.counts(app)
            // act
            let unknown = try await app.api(.POST, "/api/v1/households", token: token, json: #"{"nodeId":"\#(UUID())","room":"101"}"#)
            let foreign = try await app.api(.POST, "/api/v1/households", token: token, json: #"{"nodeId":"\#(foreignBuilding.id!)","room":"909"}"#)
            // check
            for res in [unknown, foreign] {
                #expect(res.status == .notFound)
                #expect(res.errorField == "nodeId")
                #expect(res.errorCode == "unknown_node")
            }
            #expect(try await Fixture.counts(app) == before)
        }
    }

    @Test func householdInTheWrongPlaceOrTwiceIsRefused() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let compound = try await app.node("YT-GT-01-G01-C01")
            let existing = try await Fixture.household(app, under: "YT-GT-01-G01")
            let before = try await Fixture.counts(app)
            // act
            let onCompound = try await app.api(.POST, "/api/v1/households", token: token, json: #"{"nodeId":"\#(compound.id!)","room":"101"}"#)
            let twice = try await app.api(.POST, "/api/v1/households", token: token, json: #"{"nodeId":"\#(existing.nodeID)","room":"\#(existing.room)"}"#)
            let noRoom = try await app.api(.POST, "/api/v1/households", token: token, json: #"{"nodeId":"\#(existing.nodeID)"}"#)
            let noNode = try await app.api(.POST, "/api/v1/households", token: token, json: #"{"room":"101"}"#)
            // check
            #expect(onCompound.status == .unprocessableEntity && onCompound.errorField == "nodeId")
            #expect(twice.status == .conflict && twice.errorField == "room")
            #expect(noRoom.status == .unprocessableEntity && noRoom.errorField == "room")
            #expect(noNode.status == .unprocessableEntity && noNode.errorField == "nodeId")
            #expect(try await Fixture.counts(app) == before)
        }
    }

    @Test(arguments: [
        (#"{"visitedOn":"2026-13-01","notes":"走访"}"#, "visitedOn"),
        (#"{"visitedOn":"昨天","notes":"走访"}"#, "visitedOn"),
        (#"{"visitedOn":"2099-01-01","notes":"走访"}"#, "visitedOn"),
        (#"{"visitedOn":"2026-01-10","kind":"喝茶","notes":"走访"}"#, "kind"),
        (#"{"visitedOn":"2026-01-10"}"#, "notes"),
        (#"{"notes":7}"#, "notes"),
    ])
    func badVisitIsRefusedNamingTheField(_ body: String, _ field: String) async throws {
        try await withDemoApp { app in
            // setup
            let household = try await Fixture.household(app, under: "YT-GT-01-G01")
            let before = try await Fixture.counts(app)
            // act
            let res = try await app.api(.POST, "/api/v1/households/\(household.id!)/visits", token: try await app.token("gt01_grid"), json: body)
            // check
            #expect(res.status == .unprocessableEntity)
            #expect(res.errorField == field)
            #expect(try await Fixture.counts(app) == before)
        }
    }

    @Test func visitWithoutADateIsDatedToday() async throws {
        try await withDemoApp { app in
            // setup: the OpenAPI document marks only `notes` as required
            let household = try await Fixture.household(app, under: "YT-GT-01-G01")
            // act
            let res = try await app.api(.POST, "/api/v1/households/\(household.id!)/visits", token: try await app.token("gt01_grid"),
                                        json: #"{"notes":"未填日期的走访"}"#)
            // check
            #expect(res.status == .created, "\(res.text)")
            #expect(try res.json()["visitedOn"] as? String == ShanghaiTime.today(app.clock.now()))
        }
    }

    @Test(arguments: [("per=0", "per"), ("per=101", "per"), ("page=0", "page"), ("tag=VIP", "tag"), ("ageMin=abc", "ageMin"), ("per=ten", "per")])
    func badListParametersAreRefusedNamingTheParameter(_ query: String, _ field: String) async throws {
        try await withDemoApp { app in
            // act
            let res = try await app.api(.GET, "/api/v1/residents?\(query)", token: try await app.token("gt01_community"))
            // check
            #expect(res.status == .unprocessableEntity, "\(query): \(res.status) \(res.text)")
            #expect(res.errorField == field, "\(query)")
            #expect(!Fixture.leaksInternals(res.text))
        }
    }
}
