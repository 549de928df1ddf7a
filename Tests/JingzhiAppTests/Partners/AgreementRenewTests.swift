import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Agreements renewed or changed with the old one kept; 双报到 registrations ended with a reason.
@Suite struct AgreementRenewTests {
    @Test func anAgreementIsRenewedWithANewTermAndTheOldOneStaysInTheHistory() async throws {
        try await withDemoApp { app in
            // setup: an agreement that ended yesterday, so the partner may no longer act
            app.clock.set(ISOTime.parse("2026-12-01T10:00:00+08:00")!)
            let id = try await PartnerFixture.partner(app, from: "2024-12-01", to: "2026-11-30")
            let staff = try await app.token("gt01_community")
            let lapsed = try await app.api(.POST, "/api/v1/service-logs", token: try await app.token("partner_demo"),
                                           json: #"{"what":"送餐","day":"2026-12-01","hours":2}"#)
            // act
            let byPartner = try await app.api(.POST, "/api/v1/partners/\(id)/renew", token: try await app.token("partner_demo"),
                                              json: #"{"agreementFrom":"2026-12-01","agreementTo":"2028-11-30"}"#)
            let otherCommunity = try await app.api(.POST, "/api/v1/partners/\(id)/renew", token: try await app.token("bh01_community"),
                                                   json: #"{"agreementFrom":"2026-12-01","agreementTo":"2028-11-30"}"#)
            let backwards = try await app.api(.POST, "/api/v1/partners/\(id)/renew", token: staff, json: #"{"agreementFrom":"2028-12-01","agreementTo":"2027-11-30"}"#)
            let unchanged = try await app.api(.POST, "/api/v1/partners/\(id)/renew", token: staff, json: #"{"agreementFrom":"2024-12-01","agreementTo":"2026-11-30"}"#)
            let renewed = try await app.api(.POST, "/api/v1/partners/\(id)/renew", token: staff,
                                            json: #"{"agreementFrom":"2026-12-01","agreementTo":"2028-11-30","categories":["goods","service","volunteers"],"note":"联席会议同意续签"}"#)
            let acting = try await app.api(.POST, "/api/v1/service-logs", token: try await app.token("partner_demo"),
                                           json: #"{"what":"送餐","day":"2026-12-01","hours":2}"#)
            let page = try await WebSession.login(app, "gt01_community").get("/partners/\(id)")
            // check
            #expect(lapsed.status == .forbidden && lapsed.errorCode == "outside_agreement")
            #expect(byPartner.status == .notFound || byPartner.status == .forbidden)
            #expect(otherCommunity.status == .notFound)
            #expect(backwards.status == .unprocessableEntity && backwards.errorField == "agreementTo")
            #expect(unchanged.status == .unprocessableEntity)
            #expect(renewed.status == .ok, "\(renewed.text)")
            let body = try renewed.json()
            #expect(body["agreementFrom"] as? String == "2026-12-01" && body["agreementTo"] as? String == "2028-11-30")
            #expect((body["categories"] as? [String])?.contains("volunteers") == true)
            #expect(acting.status == .created, "the renewed agreement lets the partner act again: \(acting.text)")
            let history = try await LifecycleEvent.history("partner", id, on: app.db)
            #expect(history.map(\.action) == ["approve", "renew"])
            #expect(history.last?.note?.contains("2024-12-01–2026-11-30") == true && history.last?.note?.contains("联席会议同意续签") == true)
            let audit = try #require(try await AuditEntry.query(on: app.db).filter(\.$entity == "partner").filter(\.$action == "renew").first())
            #expect(audit.summary.contains("2026-12-01–2028-11-30"))
            #expect(page.text.contains("续签或变更协议") && page.text.contains("2024-12-01–2026-11-30"))
        }
    }

    @Test func aRetiredPartnersAgreementCannotBeRenewed() async throws {
        try await withDemoApp { app in
            let id = try await PartnerFixture.partner(app)
            let staff = try await app.token("gt01_community")
            _ = try await app.api(.POST, "/api/v1/partners/\(id)/retire", token: staff, json: #"{"note":"不再合作"}"#)
            // act
            let renewed = try await app.api(.POST, "/api/v1/partners/\(id)/renew", token: staff, json: #"{"agreementFrom":"2027-01-01","agreementTo":"2028-12-31"}"#)
            // check
            #expect(renewed.status == .conflict && renewed.errorCode == "illegal_transition")
        }
    }

    @Test func aRegistrationIsEndedWithAReasonAndKeptInTheRecord() async throws {
        try await withDemoApp { app in
            // setup
            try await PartnerFixture.registerMember(app)
            let member = try #require(try await PartyMember.query(on: app.db).first())
            let wish = try await PartnerFixture.wish(app)
            // act
            let otherStreet = try await app.api(.POST, "/api/v1/party-members/\(member.id!)/end", token: try await app.token("bh01_community"), json: #"{"note":"x"}"#)
            let someoneElse = try await app.api(.POST, "/api/v1/party-members/\(member.id!)/end", token: try await app.token("partner_demo"), json: #"{"note":"x"}"#)
            let noReason = try await app.api(.POST, "/api/v1/party-members/\(member.id!)/end", token: try await app.token("resident_demo"), json: "{}")
            let ended = try await app.api(.POST, "/api/v1/party-members/\(member.id!)/end", token: try await app.token("resident_demo"),
                                          json: #"{"note":"工作调动到外县"}"#)
            let twice = try await app.api(.POST, "/api/v1/party-members/\(member.id!)/end", token: try await app.token("gt01_community"), json: #"{"note":"重复"}"#)
            let claim = try await PartnerFixture.claim(app, wish, as: "resident_demo")
            let list = try await app.api(.GET, "/api/v1/party-members", token: try await app.token("gt01_community"))
            try await PartnerFixture.registerMember(app)
            // check
            #expect(otherStreet.status == .notFound && someoneElse.status == .forbidden)
            #expect(noReason.status == .unprocessableEntity && noReason.errorField == "note")
            #expect(try ended.status == .ok && (try ended.json()["active"] as? Bool) == false && (try ended.json()["endReason"] as? String) == "工作调动到外县")
            #expect(twice.status == .conflict && twice.errorCode == "already_ended")
            #expect(claim.status == .forbidden, "an ended registration claims nothing")
            #expect(list.text.contains("工作调动到外县"))
            let history = try await LifecycleEvent.history("party_member", member.id!, on: app.db)
            #expect(history.map(\.action) == ["end"] && history[0].note == "工作调动到外县")
            #expect(try await PartyMember.find(member.id!, on: app.db)?.active == true, "registered again in the same record")
        }
    }
}
