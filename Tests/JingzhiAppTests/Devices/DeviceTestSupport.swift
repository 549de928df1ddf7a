import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Wednesday 9 December 2026, noon in Shanghai: outside the welfare rules' quiet hours.
let deviceNoon = ISO8601DateFormatter().date(from: "2026-12-09T04:00:00Z")!

extension Application {
    /// A household of grid YT-GT-01-G01 whose first resident is tagged `tag` (added when missing).
    func elderlyHousehold(tag: String = "独居老人") async throws -> Household {
        let grid = try await node("YT-GT-01-G01")
        let h = try #require(try await Household.query(on: db).within(DataScope(rootPath: grid.path)).sort(\.$nodePath).first())
        let r = try #require(try await Resident.query(on: db).filter(\.$householdID == h.id!).first())
        if try await ResidentTag.query(on: db).filter(\.$residentID == r.id!).filter(\.$tag == tag).count() == 0 {
            try await ResidentTag(residentID: r.id!, tag: tag, nodePath: r.nodePath).create(on: db)
        }
        return h
    }

    /// Registers a device through the API as community staff of 古亭社区; answers its id.
    @discardableResult
    func registerDevice(_ serial: String, kind: String, node: String, household: UUID? = nil, vendor: String = "") async throws -> UUID {
        let token = try await token("gt01_community")
        let hh = household.map { #","householdId":"\#($0)""# } ?? ""
        let res = try await api(.POST, "/api/v1/devices", token: token,
                                json: #"{"serial":"\#(serial)","kind":"\#(kind)","node":"\#(node)","vendor":"\#(vendor)"\#(hh)}"#)
        #expect(res.status == .created, "\(res.text)")
        return try #require(UUID(uuidString: try res.json()["id"] as? String ?? ""))
    }

    func deviceKey(_ name: String) async throws -> String {
        try await DeviceRegistry(db: db, now: clock.now(), source: .system()).createKey(name: name).key
    }

    /// Posts readings as a gateway; `items` are (serial, seconds before now, metric, value).
    func postReadings(_ key: String, _ items: [(String, TimeInterval, String, Double)]) async throws -> TestingHTTPResponse {
        let now = clock.now()
        let body = items.map { s, ago, m, v in
            #"{"device":"\#(s)","ts":"\#(ISOTime.format(now.addingTimeInterval(-ago)))","metric":"\#(m)","value":\#(v)}"#
        }.joined(separator: ",")
        return try await api(.POST, "/api/v1/devices/readings", token: nil, json: #"{"readings":[\#(body)]}"#, headers: ["X-Device-Key": key])
    }

    func sweep() async throws -> DeviceSweeper.Report {
        try await DeviceSweeper(db: db, now: clock.now()).tick()
    }

    func deviceCases() async throws -> [Case] {
        try await Case.query(on: db).filter(\.$channel == "device").sort(\.$createdAt).all()
    }
}
