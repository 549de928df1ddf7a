import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The retention period for residents who moved away (PIPL): the task anonymises those past it, and only admins set it.
@Suite struct ResidentRetentionTests {
    /// Removes a resident for `reason` as staff would, then backdates the removal.
    static func remove(_ r: Resident, reason: String, monthsAgo: Int, _ app: Application) async throws {
        try await ResidentService(db: app.db, now: app.clock.now()).delete(r, reason: reason, source: .cli("test"))
        let when = Calendar(identifier: .gregorian).date(byAdding: .month, value: -monthsAgo, to: app.clock.now())!
        try await Resident.query(on: app.db).withDeleted().filter(\.$id == r.id!).set(\.$deletedAt, to: when).update()
    }

    static func reload(_ r: Resident, _ app: Application) async throws -> Resident {
        try #require(try await Resident.query(on: app.db).withDeleted().filter(\.$id == r.id!).first())
    }

    @Test func aResidentMovedAwayPastThePeriodIsAnonymisedOthersAreNot() async throws {
        try await withDemoApp { app in
            // arrange: 24 months; one moved away 25 months ago, one 5 months ago, one died long ago, one still lives there
            let admin = try await Actor.load(try #require(try await User.query(on: app.db).filter(\.$username == "admin").first()), on: app.db, now: app.clock.now())
            _ = try await ResidentRetention(db: app.db, now: app.clock.now()).update(months: 24, actor: admin, source: .cli("test"))
            let people = try await Resident.query(on: app.db).filter(\.$idNumber != nil).filter(\.$phone != nil).sort(\.$nodePath).limit(4).all()
            try #require(people.count == 4)
            let (old, recent, died, living) = (people[0], people[1], people[2], people[3])
            let oldName = old.name
            try await Self.remove(old, reason: "迁出", monthsAgo: 25, app)
            try await Self.remove(recent, reason: "迁出", monthsAgo: 5, app)
            try await Self.remove(died, reason: "死亡", monthsAgo: 40, app)
            #expect(try await ResidentRetention(db: app.db, now: app.clock.now()).dto().due == 1)
            // act
            let done = try await ResidentRetention(db: app.db, now: app.clock.now()).run()
            let again = try await ResidentRetention(db: app.db, now: app.clock.now()).run()
            // assert
            #expect(done == 1 && again == 0)
            let a = try await Self.reload(old, app)
            #expect(a.name == ResidentRetention.placeholder && a.idNumber == nil && a.phone == nil && a.birthDate == nil && a.anonymisedAt != nil)
            #expect(a.householdID == old.householdID && a.gender == old.gender && a.nodePath == old.nodePath)
            for (before, after) in [(recent, try await Self.reload(recent, app)), (died, try await Self.reload(died, app)), (living, try await Self.reload(living, app))] {
                #expect(after.name == before.name && after.idNumber == before.idNumber && after.phone == before.phone && after.anonymisedAt == nil)
            }
            // the trail says it happened, and no longer carries the name
            let trail = try await AuditEntry.query(on: app.db).filter(\.$entityID == old.id!).all()
            #expect(trail.contains { $0.action == "anonymise" })
            #expect(!trail.contains { $0.summary.contains(oldName) })
            let dto = try await ResidentRetention(db: app.db, now: app.clock.now()).dto()
            #expect(dto.anonymised == 1 && dto.due == 0 && dto.lastRunAt != nil)
        }
    }

    @Test func theCasesTheyFiledLoseTheirNameAndPhoneToo() async throws {
        try await withDemoApp { app in
            // arrange: the resident behind resident_demo filed one case from the account and one by phone; another case is someone else's
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
            let me = try #require(try await Resident.find(try #require(user.residentID), on: app.db))
            let phone = try #require(me.phone)
            let compound = try #require(try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.compound.rawValue).first())
            let staff = try await Actor.load(try #require(try await User.query(on: app.db).filter(\.$username == "admin").first()), on: app.db, now: app.clock.now())
            var cases: [Case] = []
            for i in 0..<3 {
                let s = CaseSubmission(categoryCode: "huanjing", nodeID: compound.id, description: "楼道堆物 \(i)", channel: "api")
                cases.append(try await CaseService(db: app.db, now: app.clock.now()).submit(s, by: staff, idempotencyKey: "erase-\(i)").0)
            }
            for (c, (by, name, tel)) in zip(cases, [(user.id, "张三", "13900000001"), (nil, "张三", phone), (nil, "李四", "13900000002")]) {
                c.reporterID = by; c.reporterName = name; c.reporterPhone = tel
                try await c.save(on: app.db)
            }
            try await Self.remove(me, reason: "迁出", monthsAgo: 30, app)
            // act
            let done = try await ResidentRetention(db: app.db, now: app.clock.now(), erasers: app.personalDataErasers).run()
            // assert: both of theirs are erased, the other one is untouched, and the trail counts the copies
            #expect(done == 1)
            let after = try await Case.query(on: app.db).filter(\.$id ~~ cases.map { $0.id! }).all()
            let byID = Dictionary(uniqueKeysWithValues: after.map { ($0.id!, $0) })
            for c in cases.prefix(2) {
                #expect(byID[c.id!]?.reporterName == ResidentRetention.placeholder && byID[c.id!]?.reporterPhone == nil)
            }
            #expect(byID[cases[2].id!]?.reporterName == "李四" && byID[cases[2].id!]?.reporterPhone == "13900000002")
            let entry = try #require(try await AuditEntry.query(on: app.db).filter(\.$entityID == me.id!).filter(\.$action == "anonymise").first())
            #expect(entry.summary.contains("另有 2 处副本"))
        }
    }

    @Test func onlyAnAdminChangesThePeriodAndItIsAudited() async throws {
        try await withDemoApp { app in
            let staff = try await app.token("gt01_community")
            let admin = try await app.token("admin")
            // a community worker can neither read nor change it
            try await app.api(.GET, "/api/v1/residents/retention", token: staff) { #expect($0.status == .forbidden) }
            try await app.api(.PUT, "/api/v1/residents/retention", token: staff, json: #"{"movedAwayMonths": 1}"#) { #expect($0.status == .forbidden) }
            try await app.api(.GET, "/api/v1/residents/retention", token: admin) { res in
                #expect(res.status == .ok)
                let months = try res.json()["movedAwayMonths"] as? Int
                #expect(months == RetentionSetting.defaultMonths)
            }
            // out of range is refused in words
            try await app.api(.PUT, "/api/v1/residents/retention", token: admin, json: #"{"movedAwayMonths": 0}"#) { res in
                #expect(res.status == .unprocessableEntity && res.errorField == "movedAwayMonths")
            }
            try await app.api(.PUT, "/api/v1/residents/retention", token: admin, json: #"{"movedAwayMonths": 36}"#) { res in
                #expect(res.status == .ok)
                let months = try res.json()["movedAwayMonths"] as? Int
                #expect(months == 36)
            }
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entity == "retention_setting").all()
            #expect(audit.count == 1 && audit[0].summary.contains("36"))
        }
    }

    @Test func thePageAsksBeforeShorteningAndIsForAdminsOnly() async throws {
        try await withDemoApp { app in
            let staff = Browser(app)
            try await staff.login("gt01_community")
            #expect(try await staff.get("/residents/retention").status == .forbidden)
            #expect(try await staff.post("/residents/retention", [("movedAwayMonths", "1")]).status == .forbidden)
            let admin = Browser(app)
            try await admin.login("admin")
            let page = try await admin.get("/residents/retention")
            #expect(page.status == .ok && page.text.contains("个人信息保存期限"))
            // shortening asks for a confirmation first and changes nothing yet
            let ask = try await admin.post("/residents/retention", [("movedAwayMonths", "6")])
            #expect(ask.status == .ok && ask.text.contains("name=\"confirm\""))
            #expect(try await ResidentRetention(db: app.db, now: app.clock.now()).setting().movedAwayMonths == RetentionSetting.defaultMonths)
            let saved = try await admin.post("/residents/retention", [("movedAwayMonths", "6"), ("confirm", "yes")])
            #expect(saved.status == .seeOther || saved.status == .found)
            #expect(try await ResidentRetention(db: app.db, now: app.clock.now()).setting().movedAwayMonths == 6)
            let bad = try await admin.post("/residents/retention", [("movedAwayMonths", "abc")])
            #expect(bad.status == .unprocessableEntity)
        }
    }
}
