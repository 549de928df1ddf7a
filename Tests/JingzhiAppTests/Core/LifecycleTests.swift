import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// A toy lifecycle: the table alone decides what is legal, and says why not.
private enum DoorState: String, LifecycleState {
    case open, shut, locked
    var zh: String { ["open": "开着", "shut": "关着", "locked": "锁着"][rawValue]! }
    var en: String { rawValue }
}

private enum DoorAction: String, LifecycleAction { case close, lock, unlock, knock }

private let door = Lifecycle<DoorState, DoorAction, String>(entity: "door", zh: "门", en: "door") { action in
    switch action {
    case .close: .init(from: [.open], to: .shut, roles: ["tenant", "keeper"])
    case .lock: .init(from: [.shut], to: .locked, roles: ["keeper"])
    case .unlock: .init(from: [.locked], to: .shut, roles: ["keeper"])
    case .knock: .init(from: [.shut, .locked], to: nil, roles: ["tenant", "keeper", "guest"])
    }
}

@Suite struct LifecycleTableTests {
    @Test func aRoleTheTableDoesNotNameIsForbiddenAndAWrongStateIsAConflictWithTheReason() throws {
        #expect(door.refusal(.lock, from: .shut, role: "keeper") == nil)
        #expect(door.refusal(.lock, from: .shut, role: "tenant") == .role("您的角色不能执行此操作 (your role cannot lock a door)"))
        #expect(door.refusal(.lock, from: .open, role: "keeper") == .state("门当前为「开着」，不能执行此操作 (cannot lock a door that is open)"))
        do {
            try door.check(.lock, from: .shut, role: "guest")
            Issue.record("a guest locked the door")
        } catch let e as APIError {
            #expect(e.status == .forbidden)
        }
        do {
            try door.check(.unlock, from: .open, role: "keeper")
            Issue.record("an open door was unlocked")
        } catch let e as APIError {
            #expect(e.status == .conflict)
            #expect(e.code == "illegal_transition")
            #expect(e.message.contains("开着"))
        }
    }

    @Test func theActionsOfferedAreExactlyTheLegalOnes() {
        #expect(door.actions(from: .shut, role: "keeper") == [.lock, .knock])
        #expect(door.actions(from: .shut, role: "guest") == [.knock])
        #expect(door.actions(from: .open, role: "guest") == [])
        #expect(door.target(.knock, from: .locked) == .locked)
        #expect(door.target(.close, from: .open) == .shut)
    }

    @Test func aStaleVersionIsAConflictNamedAfterTheEntity() {
        #expect(throws: APIError.self) { try door.checkVersion(expected: 3, actual: 4) }
        #expect(door.changed.code == "door_changed")
        #expect((try? door.checkVersion(expected: nil, actual: 4)) != nil)
    }
}

/// The mechanism on real records: one transaction for version, record, history and audit.
@Suite struct LifecycleCommitTests {
    /// An unpaid bill, billed by the company's staff for a month of the demo.
    static func openBill(_ app: Application) async throws -> PropertyBill {
        let company = try await PropertyFixture.homeCompany(app)
        let compound = try #require(try await PropertyFixture.compounds(of: company, app).first)
        let billed = try await PropertyFixture.generate(app, token: try await app.token("property_demo"), compound: compound,
                                                        item: try await PropertyFixture.serviceFee(app, of: company), period: "2026-10")
        #expect(billed.status == .ok, "\(billed.text)")
        return try #require(try await PropertyBill.query(on: app.db).filter(\.$status == "open").filter(\.$paidFen == 0).first())
    }

    static func admin(_ app: Application) async throws -> Actor {
        try await Actor.load(try #require(try await User.query(on: app.db).filter(\.$username == "admin").first()), on: app.db, now: app.clock.now())
    }

    @Test func ofTwoWritersHoldingOneVersionOnlyOneMovesAndOnlyOneMoveIsRecorded() async throws {
        try await withDemoApp { app in
            // setup: two copies of one bill, read at the same version
            let first = try await Self.openBill(app)
            let second = try #require(try await PropertyBill.find(first.id, on: app.db))
            let at = app.clock.now()
            // act
            let won = try await PropertyLifecycles.bill.commit(first, .cancel, from: .open, to: .cancelled, subject: "t", note: "a",
                                                               by: .cli("test"), at: at, on: app.db)
            let lost = try await PropertyLifecycles.bill.commit(second, .cancel, from: .open, to: .cancelled, subject: "t", note: "b",
                                                                by: .cli("test"), at: at, on: app.db)
            // check
            #expect(won && !lost)
            #expect(second.status == "open" && second.version == first.version - 1, "the loser is left as it was")
            let history = try await LifecycleEvent.history("property_bill", first.id!, on: app.db)
            #expect(history.map(\.note) == ["a"])
            #expect(history.first?.fromState == "open" && history.first?.toState == "cancelled")
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entityID == first.id!).filter(\.$action == "cancel").all()
            #expect(audit.count == 1)
            #expect(audit.first?.nodePath == first.nodePath)
            #expect(audit.first?.changes?.contains(#""state":["open","cancelled"]"#) == true)
        }
    }

    @Test func aFailureInsideTheMoveLeavesNoTrace() async throws {
        try await withDemoApp { app in
            // setup
            let bill = try await Self.openBill(app)
            let version = bill.version
            // act: the feature's own write fails after the version was claimed
            await #expect(throws: APIError.self) {
                _ = try await PropertyLifecycles.bill.commit(bill, .cancel, from: .open, to: .cancelled, subject: "t", note: nil,
                                                             by: .cli("test"), at: app.clock.now(), on: app.db,
                                                             write: { _ in throw APIError.conflict("boom") })
            }
            // check: the version claim, the history and the audit entry were rolled back together
            let fresh = try #require(try await PropertyBill.find(bill.id, on: app.db))
            #expect(fresh.version == version && fresh.status == "open")
            #expect(try await LifecycleEvent.history("property_bill", bill.id!, on: app.db).isEmpty)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entityID == bill.id!).count() == 0)
        }
    }

    @Test func aPaymentSinceTheBillWasReadStopsItsCancellation() async throws {
        try await withDemoApp { app in
            // setup: the desk reads the bill, then a payment lands
            let stale = try await Self.openBill(app)
            let paid = try await PropertyFixture.pay(app, token: try await app.token("admin"), bill: stale.id!, #"{"amountFen":100,"method":"cash"}"#)
            #expect(paid.status == .created, "\(paid.text)")
            // act
            let service = FeeService(db: app.db, now: app.clock.now(), source: .cli("test"))
            do {
                try await service.cancel(stale, reason: "开错了", by: try await Self.admin(app))
                Issue.record("a paid bill was cancelled")
            } catch let e as APIError {
                // check
                #expect(e.code == "bill_paid")
            }
            #expect(try await PropertyBill.find(stale.id, on: app.db)?.status == "open")
        }
    }

    @Test func everyCaseMoveIsInTheAuditLogWithinTheCasesScope() async throws {
        try await withDemoApp { app in
            // setup: a resident's request about their compound
            let (_, compound) = try await PropertyFixture.residentHome(app)
            let filed = try await app.api(.POST, "/api/v1/cases", token: try await app.token("resident_demo"),
                                          json: #"{"categoryCode":"sheshi","nodeId":"\#(compound.id!)","description":"楼道灯坏了"}"#)
            let id = try #require(try filed.json()["id"] as? String)
            let c = try #require(try await Case.find(UUID(uuidString: id), on: app.db))
            // act
            let res = try await app.api(.POST, "/api/v1/cases/\(c.id!)/actions/accept", token: try await app.token("admin"), json: "{}")
            #expect(res.status == .ok, "\(res.text)")
            // check
            let entries = try await AuditEntry.query(on: app.db).filter(\.$entity == "case").filter(\.$entityID == c.id!).all()
            #expect(entries.map(\.action) == ["accept"])
            #expect(entries.first?.nodePath == c.nodePath)
            #expect(entries.first?.summary.contains(c.number) == true)
            #expect(entries.first?.ip.isEmpty == false)
            let page = try await app.api(.GET, "/api/v1/audit?entity=case&entityId=\(c.id!)", token: try await app.token("admin"))
            #expect(page.text.contains(c.number), "\(page.text.prefix(300))")
        }
    }

    @Test func twoWorkersDecidingOneLinkRequestAtOnceDecideItOnce() async throws {
        try await withDemoApp { app in
            // setup: a sign-up, read by two community workers' pages
            let compound = try await app.node("YT-GT-01-G01-C01")
            let id = try #require(try await RegistrationTests.register(app, phone: "13511116666", compound: compound).json()["id"] as? String)
            let first = try #require(try await LinkRequest.find(UUID(uuidString: id), on: app.db))
            let second = try #require(try await LinkRequest.find(first.id, on: app.db))
            let resident = try await RegistrationTests.unlinkedResident(app, under: compound)
            let staff = try await Actor.load(try #require(try await User.query(on: app.db).filter(\.$username == "gt01_community").first()),
                                             on: app.db, now: app.clock.now())
            // act
            try await Registrations.approve(first, resident: resident, by: staff, db: app.db, now: app.clock.now(), source: .cli("test"))
            do {
                try await Registrations.reject(second, note: "重复", by: staff, db: app.db, now: app.clock.now(), source: .cli("test"))
                Issue.record("a decided request was decided again")
            } catch let e as APIError {
                // check
                #expect(e.code == "already_decided")
            }
            let stored = try #require(try await LinkRequest.find(first.id, on: app.db))
            #expect(stored.state == .approved && stored.decisionNote == nil)
            #expect(try await LifecycleEvent.history("link_request", first.id!, on: app.db).map(\.toState) == ["approved"])
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entityID == first.id!).all().map(\.action) == ["approve"])
        }
    }
}
