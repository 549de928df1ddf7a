import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// A patrol from start to end: check-ins, events that become cases, automatic closing, and who sees what.
@Suite struct PatrolFlowTests {
    @Test func checkInsCountBuildingsOfTheGridAndRefuseOthers() async throws {
        try await withDemoApp { app in
            // setup
            let s = try await PatrolScene.make(app)
            let inside = try await s.building(inside: true), outside = try await s.building(inside: false)
            let url = "/api/v1/patrols/\(s.patrolID)/checkins"
            // act
            let refused = try await app.api(.POST, url, token: s.token, json: #"{"buildingId":"\#(outside.id!)"}"#)
            let first = try await app.api(.POST, url, token: s.token, json: #"{"buildingId":"\#(inside.id!)","latitude":35.0,"longitude":116.65}"#)
            let again = try await app.api(.POST, url, token: s.token, json: #"{"buildingId":"\#(inside.id!)"}"#)
            let compound = try await app.api(.POST, url, token: s.token, json: #"{"buildingId":"\#(inside.parentID!)"}"#)
            // check
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.errorCode == "outside_grid")
            #expect(try refused.json().description.contains("outside your grid"))
            #expect(first.status == .created && again.status == .created)
            #expect(compound.status == .unprocessableEntity)
            let detail = try await app.api(.GET, "/api/v1/patrols/\(s.patrolID)", token: s.token).json()
            #expect((detail["patrol"] as? [String: Any])?["buildingsCovered"] as? Int == 1)
            #expect((detail["checkins"] as? [Any])?.count == 2)
        }
    }

    @Test func anEventBecomesAPatrolCaseAtTheWorkersPosition() async throws {
        try await withDemoApp { app in
            // setup
            let s = try await PatrolScene.make(app)
            app.clock.set(s.start.addingTimeInterval(60))
            let here = s.point(north: 30)
            try await s.send([s.fix("1", 30, here)])
            // act
            let res = try await app.api(.POST, "/api/v1/patrols/\(s.patrolID)/events", token: s.token,
                                        json: #"{"categoryCode":"zaoyin","description":"巡查发现工地夜间施工噪音"}"#, headers: ["Idempotency-Key": "ev-1"])
            let retry = try await app.api(.POST, "/api/v1/patrols/\(s.patrolID)/events", token: s.token,
                                          json: #"{"categoryCode":"zaoyin","description":"巡查发现工地夜间施工噪音"}"#, headers: ["Idempotency-Key": "ev-1"])
            // check
            #expect(res.status == .created)
            #expect(retry.status == .ok)
            let body = try res.json()
            #expect(body["channel"] as? String == "patrol")
            let lat: Double = try #require(body["latitude"] as? Double), lon: Double = try #require(body["longitude"] as? Double)
            #expect(abs(lat - here.lat) < 1e-9 && abs(lon - here.lon) < 1e-9)
            #expect(body["nodeId"] as? String == s.grid.id!.uuidString)
            let detail = try await app.api(.GET, "/api/v1/patrols/\(s.patrolID)", token: s.token).json()
            #expect((detail["patrol"] as? [String: Any])?["eventsReported"] as? Int == 1)
            #expect(((detail["events"] as? [[String: Any]])?.first?["number"] as? String) == body["number"] as? String)
            // the grid's community sees the case in its queue
            let queue = try await app.api(.GET, "/api/v1/cases?node=YT-GT-01-G01", token: try await app.token("gt01_community")).json()
            #expect((queue["items"] as? [[String: Any]])?.contains { $0["id"] as? String == body["id"] as? String } == true)
        }
    }

    @Test func eventPhotosAreStoredWithTheCaseAndABadPhotoFilesNothing() async throws {
        try await withDemoApp { app in
            let s = try await PatrolScene.make(app)
            let actor = try await Actor.load(try #require(try await User.query(on: app.db).filter(\.$username == "gt01_grid").first()), on: app.db, now: app.clock.now())
            let service = PatrolService(db: app.db, now: s.start)
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 64))
            let patrol = try await s.stored()
            // act
            let (c, _) = try await service.reportEvent(patrol, PatrolEventInput(categoryCode: "zaoyin", description: "占道经营", photos: [png]),
                                                       by: actor, idempotencyKey: nil)
            await #expect(throws: APIError.self) {
                _ = try await service.reportEvent(patrol, PatrolEventInput(categoryCode: "zaoyin", description: "照片不对", photos: [Data("not an image".utf8)]),
                                                  by: actor, idempotencyKey: nil)
            }
            // check
            #expect(try await CasePhoto.query(on: app.db).filter(\.$caseID == c.id!).count() == 1)
            #expect(try await Case.query(on: app.db).filter(\.$channel == "patrol").count() == 1)
            #expect(try await s.stored().eventCount == 1)
        }
    }

    @Test func forgottenPatrolsCloseThemselvesAtTheirLastActivity() async throws {
        try await withDemoApp { app in
            // setup
            app.patrolSettings = PatrolSettings(idleTimeout: 3600)
            let s = try await PatrolScene.make(app)
            app.clock.set(s.start.addingTimeInterval(600))
            try await s.send([s.fix("1", 300, s.point()), s.fix("2", 600, s.point(north: 100))])
            // act: 59 minutes later nothing happens; past the hour the patrol closes
            app.clock.set(s.start.addingTimeInterval(600 + 3540))
            #expect(await PatrolScheduler.tick(app) == 0)
            app.clock.set(s.start.addingTimeInterval(600 + 3660))
            #expect(await PatrolScheduler.tick(app) == 1)
            #expect(await PatrolScheduler.tick(app) == 0)
            // check
            let p = try await s.stored()
            #expect(p.state == Patrol.autoClosed)
            #expect(p.endedAt == s.start.addingTimeInterval(600))
            #expect(p.durationSeconds(now: app.clock.now()) == 600)
            // a late batch from the phone: fixes before the end are taken, later ones refused
            let late = try await s.send([s.fix("3", 590, s.point(north: 90)), s.fix("4", 1200, s.point(north: 200))])
            #expect(try s.report(late)["accepted"] as? Int == 1)
            #expect((try s.report(late)["refused"] as? [[String: Any]])?.first?["code"] as? String == "after_end")
            // no more check-ins, and the worker may start again
            let building = try await s.building(inside: true)
            let checkin = try await app.api(.POST, "/api/v1/patrols/\(s.patrolID)/checkins", token: s.token, json: #"{"buildingId":"\#(building.id!)"}"#)
            #expect(checkin.status == .conflict)
            #expect(try await app.api(.POST, "/api/v1/patrols", token: s.token).status == .created)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "auto_close").count() == 1)
        }
    }

    @Test func oneOpenPatrolPerWorkerAndOnlyGridWorkersPatrol() async throws {
        try await withDemoApp { app in
            let s = try await PatrolScene.make(app)
            let second = try await app.api(.POST, "/api/v1/patrols", token: s.token)
            #expect(second.status == .conflict && second.errorCode == "patrol_open")
            let staff = try await app.api(.POST, "/api/v1/patrols", token: try await app.token("gt01_community"))
            #expect(staff.status == .forbidden)
            let ended = try await app.api(.POST, "/api/v1/patrols/\(s.patrolID)/end", token: s.token)
            #expect(ended.status == .ok)
            #expect(try ended.json()["state"] as? String == "ended")
            #expect(try await app.api(.POST, "/api/v1/patrols/\(s.patrolID)/end", token: s.token).status == .conflict)
            #expect(try await app.api(.POST, "/api/v1/patrols", token: s.token).status == .created)
        }
    }

    @Test func workersActOnTheirOwnAndStaffReadTheirSubtree() async throws {
        try await withDemoApp { app in
            // setup: a patrol in 古亭社区 (谷亭街道)
            let s = try await PatrolScene.make(app)
            try await s.send([s.fix("1", 0, s.point())])
            let other = try await app.token("bh01_grid")
            let path = "/api/v1/patrols/\(s.patrolID)"
            // act + check: another grid's worker can neither read nor act on it
            #expect(try await app.api(.GET, path, token: other).status == .notFound)
            #expect(try await app.api(.GET, path + "/track", token: other).status == .notFound)
            #expect(try await s.send([s.fix("2", 10, s.point())], token: other).status == .notFound)
            #expect(try await app.api(.POST, path + "/end", token: other).status == .notFound)
            // staff read inside their subtree only, and do not act on a worker's patrol
            let community = try await app.token("gt01_community")
            #expect(try await app.api(.GET, path, token: community).status == .ok)
            #expect(try await app.api(.POST, path + "/end", token: community).status == .notFound)
            #expect(try await app.api(.GET, path, token: try await app.token("bh01_community")).status == .notFound)
            let street = try await app.api(.GET, "/api/v1/patrols/active", token: try await app.token("gt_street")).jsonArray()
            #expect(street.map { $0["patrolId"] as? String } == [s.patrolID])
            #expect(street.first?["gridName"] as? String == s.grid.name)
            #expect(try await app.api(.GET, "/api/v1/patrols/active", token: try await app.token("bh_street")).jsonArray().isEmpty)
            let bhList = try await app.api(.GET, "/api/v1/patrols", token: try await app.token("bh_street")).json()
            #expect(bhList["total"] as? Int == 0)
            let gtList = try await app.api(.GET, "/api/v1/patrols?state=open&node=YT-GT-01", token: try await app.token("gt_street")).json()
            #expect(gtList["total"] as? Int == 1)
            #expect(try await app.api(.GET, "/api/v1/patrols?node=YT-BH-01", token: community).status == .notFound)
            #expect(try await app.api(.GET, "/api/v1/patrols", token: try await app.token("resident_demo")).status == .forbidden)
            #expect(try await app.api(.GET, "/api/v1/patrols/active", token: s.token).status == .forbidden)
            // the service answers the command centre the same way
            let service = PatrolService(db: app.db, now: app.clock.now())
            let bh = try await app.node("YT-BH")
            await #expect(throws: APIError.self) { _ = try await service.track(UUID(uuidString: s.patrolID)!, within: DataScope(rootPath: bh.path)) }
            let track = try await service.track(UUID(uuidString: s.patrolID)!, within: DataScope(rootPath: s.grid.path))
            #expect(track.fixes.count == 1 && track.grid?.id == s.grid.id && track.gridArea != nil)
        }
    }
}
