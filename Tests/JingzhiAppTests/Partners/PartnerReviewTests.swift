import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Partners: the fixed list contract, review by the right level, the agreement's limits, warning and retirement.
@Suite struct PartnerReviewTests {
    @Test func theListAnswersExactlyItemsTotalPageAndThePublicSeesApprovedPartnersWithoutContacts() async throws {
        try await withDemoApp { app in
            // setup: one approved, one waiting
            try await PartnerFixture.partner(app)
            try await PartnerFixture.partner(app, account: nil, approve: false, name: "鲁南职业培训学校", credit: "91370827MA3C4D5E7G")
            let node = try await app.node("YT-GT-01-G01")
            // act
            let anonymous = try await app.api(.GET, "/api/v1/partners?node=\(node.id!)&kind=service&page=1", token: nil)
            let staff = try await app.api(.GET, "/api/v1/partners?node=YT-GT-01", token: try await app.token("gt01_community"))
            let otherKind = try await app.api(.GET, "/api/v1/partners?kind=support", token: nil)
            let badKind = try await app.api(.GET, "/api/v1/partners?kind=friends", token: nil)
            let badNode = try await app.api(.GET, "/api/v1/partners?node=NOPE", token: nil)
            let bh = try await app.api(.GET, "/api/v1/partners", token: try await app.token("bh01_community"))
            // check
            let body = try anonymous.json()
            #expect(Set(body.keys) == ["items", "total", "page"])
            #expect(body["total"] as? Int == 1 && body["page"] as? Int == 1)
            let item = try #require((body["items"] as? [[String: Any]])?.first)
            #expect(item["name"] as? String == "孝贤大食堂" && item["contactPhone"] == nil && item["creditCode"] == nil)
            #expect(!anonymous.text.contains("13905370001"))
            #expect(try staff.json()["total"] as? Int == 2, "staff see the application too")
            #expect(try otherKind.json()["total"] as? Int == 0)
            #expect(badKind.status == .unprocessableEntity && badKind.errorField == "kind")
            #expect(badNode.status == .notFound)
            #expect(try bh.json()["total"] as? Int == 0, "another community's staff see none of them")
        }
    }

    @Test func aStreetLevelPartnerIsReviewedByTheStreetAndRetirementNeedsAReasonAndEndsItsActions() async throws {
        try await withDemoApp { app in
            // setup
            let street = try await PartnerFixture.partner(app, staff: "gt_street", at: "YT-GT", account: nil, approve: false, name: "谷亭商会",
                                                          credit: "91370827MA3C4D5E8H")
            let community = try await app.token("gt01_community")
            let id = try await PartnerFixture.partner(app)
            let wish = try await PartnerFixture.wish(app)
            // act
            let byCommunity = try await app.api(.POST, "/api/v1/partners/\(street)/approve", token: community)
            let byStreet = try await app.api(.POST, "/api/v1/partners/\(street)/approve", token: try await app.token("gt_street"))
            let byPartner = try await app.api(.POST, "/api/v1/partners/\(id)/warn", token: try await app.token("partner_demo"), json: #"{"note":"x"}"#)
            let warnNoNote = try await app.api(.POST, "/api/v1/partners/\(id)/warn", token: community)
            let warned = try await app.api(.POST, "/api/v1/partners/\(id)/warn", token: community, json: #"{"note":"两次认领未按期完成"}"#)
            let claimWhileWarned = try await PartnerFixture.claim(app, wish)
            _ = try await app.api(.POST, "/api/v1/wishes/\(wish)/release", token: try await app.token("partner_demo"))
            let retired = try await app.api(.POST, "/api/v1/partners/\(id)/retire", token: community, json: #"{"note":"协议到期不再续签"}"#)
            let claimAfter = try await PartnerFixture.claim(app, wish)
            let resourceAfter = try await app.api(.POST, "/api/v1/resources", token: try await app.token("partner_demo"), json: """
                {"title":"棉被","category":"goods","quantity":5,"availableFrom":"2026-12-01","availableTo":"2027-01-31"}
                """)
            let logAfter = try await app.api(.POST, "/api/v1/service-logs", token: try await app.token("partner_demo"),
                                              json: #"{"what":"送餐","day":"\#(ShanghaiTime.today(app.clock.now()))","hours":2}"#)
            let publicList = try await app.api(.GET, "/api/v1/partners", token: nil)
            // check
            #expect(byCommunity.status == .notFound, "outside the community's scope")
            #expect(byStreet.status == .ok)
            #expect(byPartner.status == .forbidden)
            #expect(warnNoNote.status == .unprocessableEntity && warnNoNote.errorField == "note")
            #expect(warned.status == .ok && claimWhileWarned.status == .ok, "a warned partner still acts")
            #expect(try retired.status == .ok && (retired.json()["stateReason"] as? String) == "协议到期不再续签")
            #expect(claimAfter.status == .forbidden && claimAfter.errorCode == "partner_inactive")
            #expect(resourceAfter.status == .forbidden && logAfter.status == .forbidden)
            let names = (try publicList.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(names == ["谷亭商会"], "the retired partner leaves the public list, kept in the record")
            #expect(try await Partner.find(id, on: app.db)?.state == .retired)
        }
    }

    @Test func aPartnerBeyondItsAgreementIsRefusedAndOthersCannotClaimOrPost() async throws {
        try await withDemoApp { app in
            // setup: the agreement covers services only, and another one ended last year
            app.clock.set(ISOTime.parse("2026-12-01T10:00:00+08:00")!)
            try await PartnerFixture.partner(app, categories: ["service"])
            let goods = try await PartnerFixture.wish(app)
            let service = try await PartnerFixture.wish(app, category: "service")
            let bhWish = try await PartnerFixture.wish(app, at: "YT-BH-01", staff: "bh01_community", category: "service")
            // act
            let beyondCategory = try await PartnerFixture.claim(app, goods)
            let beyondArea = try await PartnerFixture.claim(app, bhWish)
            let resident = try await PartnerFixture.claim(app, service, as: "resident_demo")
            let grid = try await PartnerFixture.claim(app, service, as: "gt01_grid")
            let gridPosts = try await app.api(.POST, "/api/v1/wishes", token: try await app.token("gt01_grid"), json: #"{"title":"x","value":"10","beneficiaryName":"y"}"#)
            let partnerPosts = try await app.api(.POST, "/api/v1/wishes", token: try await app.token("partner_demo"), json: #"{"title":"x","value":"10","beneficiaryName":"y"}"#)
            app.clock.set(ISOTime.parse("2100-01-02T10:00:00+08:00")!)
            let afterTerm = try await PartnerFixture.claim(app, service)
            // check
            #expect(beyondCategory.status == .forbidden && beyondCategory.errorCode == "outside_agreement")
            #expect(beyondArea.status == .forbidden && beyondArea.errorCode == "outside_agreement")
            #expect(resident.status == .forbidden && resident.errorCode == "not_a_claimer", "not registered as a party member")
            #expect(grid.status == .forbidden)
            #expect(gridPosts.status == .forbidden && partnerPosts.status == .forbidden)
            #expect(afterTerm.status == .forbidden && afterTerm.errorCode == "outside_agreement")
            #expect(try await WishClaim.query(on: app.db).count() == 0)
        }
    }

    @Test func badInputIsRefusedInWords() async throws {
        try await withDemoApp { app in
            let token = try await app.token("gt01_community")
            let node = try await app.node("YT-GT-01")
            // act
            let badCode = try await app.api(.POST, "/api/v1/partners", token: token, json: """
                {"name":"某单位","kind":"service","creditCode":"123","offers":"x","contactName":"李","contactPhone":"13905370001","nodeId":"\(node.id!)","categories":["goods"]}
                """)
            let badCategory = try await app.api(.POST, "/api/v1/partners", token: token, json: """
                {"name":"某单位","kind":"service","creditCode":"91370827MA3C4D5E6F","offers":"x","contactName":"李","contactPhone":"13905370001","nodeId":"\(node.id!)","categories":["money"]}
                """)
            let foreignNode = try await app.api(.POST, "/api/v1/partners", token: token, json: """
                {"name":"某单位","kind":"service","creditCode":"91370827MA3C4D5E6F","offers":"x","contactName":"李","contactPhone":"13905370001","nodeId":"YT-BH-01","categories":["goods"]}
                """)
            let id = try await PartnerFixture.partner(app, account: nil, approve: false)
            let noTerm = try await app.api(.POST, "/api/v1/partners", token: token, json: """
                {"name":"无期限单位","kind":"support","creditCode":"91370827MA3C4D5E9J","offers":"x","contactName":"李","contactPhone":"13905370001","nodeId":"\(node.id!)","categories":["goods"]}
                """)
            let approveNoTerm = try await app.api(.POST, "/api/v1/partners/\(try PartnerFixture.id(noTerm))/approve", token: token)
            let twice = try await app.api(.POST, "/api/v1/partners/\(id)/approve", token: token)
            let again = try await app.api(.POST, "/api/v1/partners/\(id)/approve", token: token)
            // check
            #expect(badCode.status == .unprocessableEntity && badCode.errorField == "creditCode")
            #expect(badCategory.status == .unprocessableEntity && badCategory.errorField == "categories")
            #expect(foreignNode.status == .notFound)
            #expect(approveNoTerm.status == .unprocessableEntity && approveNoTerm.errorField == "agreementFrom")
            #expect(twice.status == .ok && again.status == .conflict && again.errorCode == "illegal_transition")
        }
    }
}

/// The annual evaluation on the checklist: once a year per evaluating community, scores bounded, grade from the total.
@Suite struct PartnerEvaluationTests {
    static let scores = #"{"service":19,"delivery":18,"satisfaction":20,"partyBuilding":17,"agreement":18}"#

    @Test func theCommunityScoresAPartnerOnceAYearAndTheGradeFollowsTheTotal() async throws {
        try await withDemoApp { app in
            let id = try await PartnerFixture.partner(app)
            let applied = try await PartnerFixture.partner(app, account: nil, approve: false, name: "鲁南职业培训学校", credit: "91370827MA3C4D5E7G")
            let staff = try await app.token("gt01_community")
            // act
            let ok = try await app.api(.POST, "/api/v1/partners/\(id)/evaluations", token: staff,
                                       json: #"{"scores":\#(Self.scores),"award":"十佳红色合伙人"}"#)
            let twice = try await app.api(.POST, "/api/v1/partners/\(id)/evaluations", token: staff, json: #"{"scores":\#(Self.scores)}"#)
            let tooHigh = try await app.api(.POST, "/api/v1/partners/\(id)/evaluations", token: staff, json: #"{"year":2025,"scores":{"service":21,"delivery":1,"satisfaction":1,"partyBuilding":1,"agreement":1}}"#)
            let missing = try await app.api(.POST, "/api/v1/partners/\(id)/evaluations", token: staff, json: #"{"year":2025,"scores":{"service":1}}"#)
            let notYet = try await app.api(.POST, "/api/v1/partners/\(applied)/evaluations", token: staff, json: #"{"scores":\#(Self.scores)}"#)
            let foreign = try await app.api(.POST, "/api/v1/partners/\(id)/evaluations", token: try await app.token("bh01_community"), json: #"{"scores":\#(Self.scores)}"#)
            let byPartner = try await app.api(.POST, "/api/v1/partners/\(id)/evaluations", token: try await app.token("partner_demo"), json: #"{"scores":\#(Self.scores)}"#)
            let list = try await app.api(.GET, "/api/v1/partners/\(id)/evaluations", token: staff)
            let page = try await WebSession.login(app, "gt01_community").get("/partners/\(id)")
            // check
            #expect(ok.status == .created)
            #expect(try ok.json()["total"] as? Int == 92 && ok.json()["grade"] as? String == "excellent")
            #expect(twice.status == .conflict && twice.errorCode == "already_evaluated")
            #expect(tooHigh.status == .unprocessableEntity && missing.status == .unprocessableEntity)
            #expect(notYet.status == .conflict)
            #expect(foreign.status == .notFound && byPartner.status == .forbidden)
            #expect(try list.jsonArray().count == 1)
            #expect(page.text.contains("十佳红色合伙人") && page.text.contains("92（优秀）"))
        }
    }
}

/// A partner account with no partner yet applies on its page; the community sees the application.
@Suite struct PartnerApplicationTests {
    @Test func aPartnerAccountAppliesAndWaitsForReview() async throws {
        try await withDemoApp { app in
            let web = try await WebSession.login(app, "partner_demo")
            let node = try await app.node("YT-GT-01")
            // act
            let form = try await web.get("/partners")
            let bad = try await web.post("/partners/new", [("name", "孝贤大食堂"), ("kind", "service"), ("creditCode", "12"), ("offers", "助餐"),
                                                           ("contactName", "李明"), ("contactPhone", "13905370001"), ("nodeId", node.id!.uuidString),
                                                           ("categories[]", "goods")])
            let sent = try await web.post("/partners/new", [("name", "孝贤大食堂"), ("kind", "service"), ("creditCode", "91370827MA3C4D5E6F"),
                                                            ("offers", "助餐"), ("contactName", "李明"), ("contactPhone", "13905370001"),
                                                            ("nodeId", node.id!.uuidString), ("categories[]", "goods"), ("categories[]", "service")])
            let own = try await web.get("/partners")
            let staff = try await app.api(.GET, "/api/v1/partners?node=YT-GT-01", token: try await app.token("gt01_community"))
            // check
            #expect(form.text.contains("申请成为红色合伙人"))
            #expect(bad.status == .unprocessableEntity && bad.text.contains("统一社会信用代码"), "said in words, the form kept")
            #expect(bad.text.contains("value=\"孝贤大食堂\""))
            #expect(sent.status == .seeOther || sent.status == .found)
            #expect(own.text.contains("待审核") && own.text.contains("孝贤大食堂"))
            let p = try #require(try await Partner.query(on: app.db).first())
            #expect(p.state == .applied && p.categories == [.service, .goods])
            #expect(try staff.json()["total"] as? Int == 1)
        }
    }
}
