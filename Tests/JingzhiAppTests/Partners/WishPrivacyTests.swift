import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The public wall never shows who a wish is for: not in the API, not on the pages, not to partners or residents.
@Suite struct WishPrivacyTests {
    @Test func thePublicAPIAndPagesShowNoNameNoteOrPhotoOfThePerson() async throws {
        try await withDemoApp { app in
            // setup: a wish claimed and handed over with a photo
            try await PartnerFixture.partner(app)
            let wish = try await PartnerFixture.wish(app)
            #expect(try await PartnerFixture.claim(app, wish).status == .ok)
            #expect(try await PartnerFixture.handOver(app, wish).status == .ok)
            let node = try await app.node("YT-GT-01")
            let secrets = [PartnerFixture.person, "幸福家园三号楼", "beneficiary"]
            // act
            let anonymous = WebSession(app)
            let texts = [
                try await app.api(.GET, "/api/v1/wishes", token: nil).text,
                try await app.api(.GET, "/api/v1/wishes?node=\(node.id!)&state=handed_over", token: nil).text,
                try await app.api(.GET, "/api/v1/wishes/\(wish)", token: nil).text,
                try await app.api(.GET, "/api/v1/wishes", token: try await app.token("resident_demo")).text,
                try await app.api(.GET, "/api/v1/wishes/\(wish)", token: try await app.token("partner_demo")).text,
                try await app.api(.GET, "/api/v1/wishes?node=YT-GT-01", token: try await app.token("bh01_community")).text,
                try await anonymous.get("/wish-wall").text,
                try await anonymous.get("/wishes/\(wish)").text,
                try await WebSession.login(app, "resident_demo").get("/wish-wall").text,
                try await WebSession.login(app, "partner_demo").get("/wishes/\(wish)").text,
                try await WebSession.login(app, "partner_demo").get("/wishes").text,
            ]
            let photoAnonymous = try await app.api(.GET, "/api/v1/wishes/\(wish)/photo", token: nil)
            let photoResident = try await app.api(.GET, "/api/v1/wishes/\(wish)/photo", token: try await app.token("resident_demo"))
            let photoPage = try await anonymous.get("/wishes/\(wish)/photo")
            let staffAPI = try await app.api(.GET, "/api/v1/wishes/\(wish)", token: try await app.token("gt01_community"))
            let staffPage = try await WebSession.login(app, "gt01_community").get("/wishes/\(wish)")
            let staffPhoto = try await app.api(.GET, "/api/v1/wishes/\(wish)/photo", token: try await app.token("gt01_community"))
            // check
            for (i, text) in texts.enumerated() {
                #expect(text.contains("一套新书包"), "view \(i) shows the wish")
                for s in secrets { #expect(!text.contains(s), "view \(i) leaks \(s)") }
                #expect(!text.contains("/photo"), "view \(i) links the photo")
            }
            #expect(photoAnonymous.status == .unauthorized && photoResident.status == .notFound)
            #expect(photoPage.status != .ok)
            #expect(staffAPI.text.contains(PartnerFixture.person) && staffPage.text.contains(PartnerFixture.person))
            #expect(staffPhoto.status == .ok && staffPhoto.headers.contentType == .png)
        }
    }

    @Test func aStoryNamingThePersonIsRefusedAndTheAuditNeverNamesThem() async throws {
        try await withDemoApp { app in
            let node = try await app.node("YT-GT-01")
            // act
            let named = try await app.api(.POST, "/api/v1/wishes", token: try await app.token("gt01_community"), json: """
                {"title":"一件棉衣","story":"\(PartnerFixture.person)想要一件棉衣","value":"100","beneficiaryName":"\(PartnerFixture.person)","nodeId":"\(node.id!)"}
                """)
            let ok = try await PartnerFixture.wish(app)
            // check
            #expect(named.status == .unprocessableEntity && named.errorField == "story")
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entity == "wish").all()
            #expect(audit.count == 1 && audit[0].entityID == ok)
            #expect(!audit.contains { $0.summary.contains(PartnerFixture.person) })
        }
    }
}
