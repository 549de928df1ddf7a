import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Fix validation and distance: duplicates, order, jumps, accuracy, far outside the grid, impossible input.
@Suite struct PatrolFixTests {
    @Test func duplicatesAreSkippedAndLateFixesSlotIntoTimeOrder() async throws {
        try await withDemoApp { app in
            // setup
            let s = try await PatrolScene.make(app)
            app.clock.set(s.start.addingTimeInterval(120))
            // act: the last fix arrives before the middle one, then the middle one with a resent first fix
            let first = try await s.send([s.fix("c", 50, s.point(north: 200)), s.fix("a", 10, s.point())])
            let second = try await s.send([s.fix("b", 30, s.point(north: 100, east: 50)), s.fix("a", 10, s.point())])
            // check
            #expect(first.status == .ok)
            #expect(try s.report(first)["accepted"] as? Int == 2)
            #expect(try s.patrol(first)["distanceMetres"] as? Int == 200)
            #expect(try s.report(second)["accepted"] as? Int == 1)
            #expect(try s.report(second)["duplicates"] as? Int == 1)
            // a → b → c: √(100² + 50²) twice
            let leg: Double = (100.0 * 100.0 + 50.0 * 50.0).squareRoot()
            let expected = Int((2 * leg).rounded())
            let walked: Int = try #require(try s.patrol(second)["distanceMetres"] as? Int)
            #expect(abs(walked - expected) <= 1)
            #expect(try s.patrol(second)["fixes"] as? Int == 3)
            let segments = try await PatrolFix.query(on: app.db).all().map(\.segmentM).reduce(0, +)
            #expect(abs(try await s.stored().distanceM - segments) < 1e-6, "the running total matches the stored steps")
            let track = try await app.api(.GET, "/api/v1/patrols/\(s.patrolID)/track", token: s.token)
            let geometry = try #require(try track.json()["geometry"] as? [String: Any])
            #expect(geometry["type"] as? String == "LineString")
            let lats = try #require(geometry["coordinates"] as? [[Double]]).map { $0[1] }
            #expect(lats == lats.sorted() && lats.count == 3, "time order, not arrival order")
        }
    }

    @Test func jumpsAreKeptFlaggedAndNotCounted() async throws {
        try await withDemoApp { app in
            let s = try await PatrolScene.make(app)
            app.clock.set(s.start.addingTimeInterval(300))
            // act: 1 km in 10 s (100 m/s), then back beside the start: the outlier adds nothing
            let res = try await s.send([s.fix("1", 10, s.point()), s.fix("2", 20, s.point(north: 1000)), s.fix("3", 30, s.point(north: 20))])
            // check
            #expect(try s.report(res)["flagged"] as? Int == 1)
            #expect(try s.patrol(res)["distanceMetres"] as? Int == 20)
            #expect(try s.patrol(res)["flaggedFixes"] as? Int == 1)
            let track = try await app.api(.GET, "/api/v1/patrols/\(s.patrolID)/track", token: s.token)
            #expect((try track.json()["properties"] as? [String: Any])?["jumps"] as? [Int] == [1])
        }
    }

    @Test func aRealRideIsSkippedButWalkingAfterItCounts() async throws {
        try await withDemoApp { app in
            let s = try await PatrolScene.make(app)
            app.clock.set(s.start.addingTimeInterval(300))
            // a bus ride of 400 m in 10 s, then 40 m on foot in 10 s from where the bus stopped
            let res = try await s.send([s.fix("1", 10, s.point(north: -200)), s.fix("2", 20, s.point(north: 200)),
                                        s.fix("3", 30, s.point(north: 240))])
            #expect(try s.patrol(res)["distanceMetres"] as? Int == 40)
            #expect(try s.patrol(res)["flaggedFixes"] as? Int == 1)
        }
    }

    @Test func inaccurateAndFarOutsideFixesAreKeptAndFlagged() async throws {
        try await withDemoApp { app in
            let s = try await PatrolScene.make(app)
            app.clock.set(s.start.addingTimeInterval(3600))
            let box = s.area.box!
            let m = Geo.earthRadius * .pi / 180
            let north = (box.maxLat - box.minLat) / 2 * m
            // act: 100 m beyond the north edge (not flagged), then 800 m beyond it (flagged), then a 300 m-accuracy fix
            let res = try await s.send([s.fix("near", 100, s.point(north: north + 100)), s.fix("far", 300, s.point(north: north + 800)),
                                        s.fix("fuzzy", 400, s.point(north: north + 800), accuracy: 300)])
            // check: all three stored, two flagged
            #expect(try s.report(res)["accepted"] as? Int == 3)
            #expect(try s.report(res)["flagged"] as? Int == 2)
            let fixes = try await PatrolFix.query(on: app.db).sort(\.$recordedAt).all()
            #expect(fixes.map(\.farOutside) == [false, true, true])
            #expect(abs(fixes[0].outsideM - 100) < 2 && abs(fixes[1].outsideM - 800) < 2)
            #expect(fixes.map(\.lowAccuracy) == [false, false, true])
            let walked: Int = try #require(try s.patrol(res)["distanceMetres"] as? Int)
            #expect(abs(walked - 700) <= 1, "the fuzzy fix adds nothing")
        }
    }

    @Test func impossibleFixesAreRefusedOneByOneWithAReason() async throws {
        try await withDemoApp { app in
            let s = try await PatrolScene.make(app)
            app.clock.set(s.start.addingTimeInterval(600))
            var badLat = s.fix("lat", 20, s.point()); badLat["latitude"] = 91
            var text = s.fix("text", 30, s.point()); text["longitude"] = "east"
            var noTime = s.fix("none", 40, s.point()); noTime["recordedAt"] = nil
            var oddTime = s.fix("odd", 50, s.point()); oddTime["recordedAt"] = "yesterday"
            var negative = s.fix("neg", 60, s.point()); negative["accuracy"] = -5
            var epochMs = s.fix("ms", 70, s.point(north: 10))
            epochMs["recordedAt"] = (s.start.timeIntervalSince1970 + 70) * 1000
            // act
            let res = try await s.send([s.fix("ok", 10, s.point()), badLat, text, noTime, oddTime, negative,
                                        s.fix("future", 3600, s.point()), s.fix("early", -3600, s.point()), epochMs])
            // check
            #expect(res.status == .ok)
            let report = try s.report(res)
            #expect(report["accepted"] as? Int == 2)
            let refused = try #require(report["refused"] as? [[String: Any]])
            #expect(refused.map { $0["index"] as? Int } == [1, 2, 3, 4, 5, 6, 7])
            #expect(refused.map { $0["code"] as? String } == ["invalid_coordinates", "invalid_coordinates", "missing_time", "invalid_time",
                                                               "invalid_accuracy", "future_time", "before_start"])
            #expect((refused[5]["message"] as? String)?.contains("future") == true)
            #expect(try s.patrol(res)["distanceMetres"] as? Int == 10)
            // a batch over the limit is refused whole
            let tooMany = (0...PatrolRules.maxBatch).map { s.fix("x\($0)", 10, s.point()) }
            let big = try await s.send(tooMany)
            #expect(big.status == .unprocessableEntity && big.errorField == "fixes")
        }
    }
}

/// Batches of one patrol arriving at the same moment (a phone resending while the first is in flight).
@Suite struct PatrolConcurrencyTests {
    @Test func simultaneousBatchesLoseNothingAndStoreEachFixOnce() async throws {
        try await withDemoApp { app in
            let s = try await PatrolScene.make(app)
            app.clock.set(s.start.addingTimeInterval(3600))
            let all = (0..<40).map { s.fix("f\($0)", Double($0 * 5 + 5), s.point(north: Double($0) * 5)) }
            // act: four overlapping batches at once
            let bodies = try [0..<20, 10..<30, 20..<40, 0..<40].map { range in
                String(decoding: try JSONSerialization.data(withJSONObject: ["fixes": Array(all[range])]), as: UTF8.self)
            }
            let (path, token) = ("/api/v1/patrols/\(s.patrolID)/fixes", s.token)
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for body in bodies { group.addTask { try await app.api(.POST, path, token: token, json: body).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // check
            #expect(statuses.allSatisfy { $0 == .ok })
            let p = try await s.stored()
            #expect(p.fixCount == 40 && p.flaggedCount == 0)
            #expect(try await PatrolFix.query(on: app.db).count() == 40)
            #expect(abs(p.distanceM - 39 * 5) < 0.5)
        }
    }
}
