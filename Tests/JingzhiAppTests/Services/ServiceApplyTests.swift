import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// A resident applies with photos; staff ask for more, the resident adds it, staff approve; the certificate verifies.
@Suite struct ServiceApplyTests {
    @Test func theWholeLoopEndsInACertificateWhoseCodeVerifies() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await ServiceFixture.applied(app)
            let resident = try await app.token("resident_demo")
            // act: staff accept and ask for one more material
            let accepted = try await ServiceFixture.act(app, id, "accept")
            let asked = try await ServiceFixture.act(app, id, "request-more", json: #"{"missing":["租房合同"],"note":"户口不在本社区，请补充租房合同"}"#)
            let seen = try await app.api(.GET, "/api/v1/services/applications/\(id)", token: resident)
            let home = try await WebSession.login(app, "resident_demo").get("/")
            // the resident sends the wrong photo first, then the right one
            let wrong = try await app.api(.POST, "/api/v1/services/applications/\(id)/supplement", token: resident,
                                          json: #"{"materials":[{"material":"身份证正反面","data":"\#(ServiceFixture.png)"}]}"#)
            let added = try await app.api(.POST, "/api/v1/services/applications/\(id)/supplement", token: resident,
                                          json: #"{"materials":[{"material":"租房合同","data":"\#(ServiceFixture.png)"}]}"#)
            let approved = try await ServiceFixture.act(app, id, "approve")
            let verifyURL = try #require(try approved.json()["verifyUrl"] as? String)
            let token = String(verifyURL.split(separator: "/").last!)
            let check = try await app.api(.GET, "/api/v1/verify/\(token)", token: nil)
            let publicPage = try await app.api(.GET, "/verify/\(token)", token: nil)
            let forged = try await app.api(.GET, "/verify/\(String(repeating: "0", count: 20))", token: nil)
            let certificate = try await WebSession.login(app, "resident_demo").get("/services/applications/\(id)/certificate")
            // check
            #expect(try accepted.status == .ok && (try accepted.json()["state"] as? String) == "accepted")
            #expect(try asked.status == .ok && (try asked.json()["missing"] as? [String]) == ["租房合同"])
            #expect((try seen.json()["state"] as? String) == "needs_more")
            #expect(home.text.contains("办事申请待补充材料") && home.text.contains("租房合同"), "the home tells the resident what is missing")
            #expect(wrong.status == .unprocessableEntity && wrong.errorCode == "material_missing" && wrong.text.contains("租房合同"))
            #expect(try added.status == .ok && (try added.json()["state"] as? String) == "accepted")
            #expect(((try added.json()["materials"] as? [[String: Any]]) ?? []).count == 3)
            let number = try #require(try approved.json()["certificateNumber"] as? String)
            #expect(number.hasPrefix("ZM-JZZM"))
            let verified = try check.json()
            #expect(verified["valid"] as? Bool == true && verified["certificateNumber"] as? String == number)
            let a = try await ServiceFixture.load(app, id)
            #expect(verified["holder"] as? String == Mask.name(a.residentName), "the public sees the holder masked")
            #expect(publicPage.status == .ok && publicPage.text.contains(number) && !publicPage.text.contains(a.residentName))
            #expect(forged.status == .notFound && forged.text.contains("未找到该证明"))
            #expect(certificate.status == .ok && certificate.text.contains(number) && certificate.text.contains("<svg"))
            #expect(certificate.text.contains("/verify/\(token)"))
            let history = try await LifecycleEvent.history("service_application", id, on: app.db).map(\.action)
            #expect(history == ["submit", "accept", "request_more", "supplement", "approve"])
            let texts = try await OutboundMessage.query(on: app.db).filter(\.$kind == "service").filter(\.$refID == id).count()
            let phone = try await Resident.find(a.residentID, on: app.db)?.phone
            #expect(texts == (phone?.isEmpty == false ? 2 : 0), "the resident is texted when more is asked and when it is done")
        }
    }

    @Test func aMissingMaterialAFileThatIsNotAnImageAndASecondOpenApplicationAreRefusedInWords() async throws {
        try await withDemoApp { app in
            // setup
            let m = try await ServiceFixture.matter(app, "JZZM")
            // act
            let missing = try await ServiceFixture.apply(app, materials: ServiceFixture.materials(m, only: ["身份证正反面"]))
            let notImage = try await ServiceFixture.apply(app, materials: ServiceFixture.materials(m, data: ServiceFixture.text))
            let unknown = try await ServiceFixture.apply(app, materials: ServiceFixture.materials(m) + #",{"material":"结婚证","data":"\#(ServiceFixture.png)"}"#)
            let first = try await ServiceFixture.apply(app)
            let again = try await ServiceFixture.apply(app)
            // check
            #expect(missing.status == .unprocessableEntity && missing.errorCode == "material_missing" && missing.text.contains("户口本或房产证、租房合同"))
            #expect(notImage.status == .unprocessableEntity && notImage.errorCode == "not_an_image")
            #expect(unknown.status == .unprocessableEntity && unknown.errorField == "materials" && unknown.text.contains("结婚证"))
            #expect(first.status == .created)
            #expect(again.status == .conflict && again.errorCode == "already_open")
            #expect(try await ServiceApplication.query(on: app.db).count() == 1)
            #expect(try await ServiceMaterial.query(on: app.db).count() == 2, "refused applications store no photo")
        }
    }

    @Test func eligibilityIsCheckedAgainstTheRegister() async throws {
        try await withDemoApp { app in
            // setup: resident_demo is 36 and not registered as disabled
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
            let r = try #require(try await Resident.find(user.residentID, on: app.db))
            r.birthDate = "1990-05-01"
            r.tags = ""
            try await r.save(on: app.db)
            // act
            let young = try await ServiceFixture.apply(app, code: "GLJT")
            let disabled = try await ServiceFixture.apply(app, code: "CJZ")
            r.birthDate = "1940-05-01"
            try await r.save(on: app.db)
            let old = try await ServiceFixture.apply(app, code: "GLJT")
            // check
            #expect(young.status == .unprocessableEntity && young.errorCode == "not_eligible" && young.text.contains("80"))
            #expect(disabled.status == .unprocessableEntity && disabled.errorCode == "not_eligible" && disabled.text.contains("残疾人"))
            #expect(old.status == .created, "\(old.text)")
        }
    }

    @Test func ageCountsWholeYearsUpToTheBirthday() {
        #expect(ServiceApplications.age(born: "1946-12-06", today: "2026-12-05") == 79)
        #expect(ServiceApplications.age(born: "1946-12-05", today: "2026-12-05") == 80)
        #expect(ServiceApplications.age(born: nil, today: "2026-12-05") == nil)
    }
}
