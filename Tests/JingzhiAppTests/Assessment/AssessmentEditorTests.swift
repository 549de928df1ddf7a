import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The indicator editor beyond weights: retire and add indicators, change a rule's target, floor, direction and kind;
/// every save a new version whose note says why and what changed; bad input refused in words, other roles kept out.
@Suite struct AssessmentEditorTests {
    @Test func theCountyRetiresAddsAndChangesIndicatorsAsANewVersion() async throws {
        try await withDemoApp { app in
            let s = try await AssessmentFixture.system(app)
            let web = try await WebSession.login(app, "admin")
            let page = try await web.get("/assessment/systems/\(s.id!)")
            #expect(page.status == .ok && page.text.contains("name=\"r_a2\"") && page.text.contains("name=\"t_a1\"") && page.text.contains("name=\"new_code\""))
            // refused: the item 甲二 left without indicators; a target that is not a number; retiring a2 without re-weighting a1
            let empty = try await web.post("/assessment/systems/\(s.id!)", [("r_a3", "1"), ("note", "调整")])
            let nan = try await web.post("/assessment/systems/\(s.id!)", [("t_a1", "九成"), ("note", "调整")])
            let sums = try await web.post("/assessment/systems/\(s.id!)", [("r_a2", "1"), ("note", "调整")])
            let noMeasure = try await web.post("/assessment/systems/\(s.id!)", [("new_item", "B1"), ("new_code", "b2"), ("new_name", "新指标"),
                                                                              ("k_new", "computed"), ("new_weight", "40"), ("w_b1", "60"), ("note", "调整")])
            #expect(empty.status == .unprocessableEntity && empty.text.contains("至少要保留"))
            #expect(nan.status == .unprocessableEntity && nan.text.contains("不是数字"))
            #expect(sums.status == .unprocessableEntity && sums.text.contains("≠ 100%"))
            #expect(noMeasure.status == .unprocessableEntity && noMeasure.text.contains("数据来源未知"))
            // a street may look but not save
            let street = try await WebSession.login(app, "gt_street")
            #expect(try await street.post("/assessment/systems/\(s.id!)", [("r_a2", "1"), ("w_a1", "100"), ("note", "调整")]).status == .forbidden)
            #expect(try await AssessmentSystem.query(on: app.db).filter(\.$code == "test").count() == 1)
            // act: retire a2 (a1 takes its item), a1 "lower is better" from 0.5 down to 0.1, add b2 to 乙一 at 40 %
            let saved = try await web.post("/assessment/systems/\(s.id!)", [
                ("r_a2", "1"), ("w_a1", "100"), ("k_a1", "computed"), ("m_a1", "test.share"), ("d_a1", "lower"), ("t_a1", "0.1"), ("f_a1", "0.5"),
                ("new_item", "B1"), ("new_code", "b2"), ("new_name", "居民议事"), ("k_new", "manual"), ("new_weight", "40"), ("w_b1", "60"),
                ("k_d1", "deduction"), ("p_d1", "8"), ("note", "按年度方案调整"),
            ])
            // check: version 2 with the changes, version 1 untouched, the note saying why and what
            let versions = try await AssessmentSystem.query(on: app.db).filter(\.$code == "test").sort(\.$version).all()
            #expect(saved.status == .seeOther && versions.map(\.version) == [1, 2])
            let v2 = try #require(versions.last).definition
            #expect(v2.indicator("a2") == nil && versions[0].definition.indicator("a2") != nil)
            let a1 = try #require(v2.indicator("a1"))
            #expect(a1.weight == 100 && a1.direction == .lower && a1.target == 0.1 && a1.floor == 0.5)
            #expect(a1.points(raw: 0.3) == 50)
            #expect(v2.indicator("b2")?.kind == .manual && v2.indicator("b2")?.weight == 40 && v2.indicator("b1")?.weight == 60)
            #expect(v2.indicator("d1")?.maxPoints == 8)
            let note = try #require(versions.last?.note)
            #expect(note.contains("按年度方案调整") && note.contains("停用「人工二」") && note.contains("新增「居民议事」"))
            // a manual indicator made computed needs a measure and a rule; given them it is saved as version 3
            let v3 = try await web.post("/assessment/systems/\(versions[1].id!)", [("k_b2", "computed"), ("m_b2", "test.share"), ("t_b2", "0.9"),
                                                                                   ("f_b2", "0.3"), ("note", "年度调整")])
            let last = try #require(try await AssessmentSystem.query(on: app.db).filter(\.$code == "test").sort(\.$version, .descending).first())
            #expect(v3.status == .seeOther && last.version == 3 && last.definition.indicator("b2")?.kind == .computed && last.note?.contains("改为平台计算") == true)
        }
    }

    /// Dimensions and items: renamed, added (a dimension with its item and indicator in one save), the red and black list
    /// lines set — a new version, while a round already open keeps the definition it opened with; sums that are not
    /// 100 % refused in both languages; streets and residents kept out, on the page and in the API.
    @Test func theCountyAddsAndRenamesDimensionsAndItemsAndSetsTheListLines() async throws {
        try await withDemoApp { app in
            let r = try await AssessmentFixture.round(app)
            let s = try #require(try await AssessmentSystem.query(on: app.db).filter(\.$code == "test").first())
            let web = try await WebSession.login(app, "admin")
            let page = try await web.get("/assessment/systems/\(s.id!)")
            #expect(page.text.contains("name=\"n_A\"") && page.text.contains("name=\"n_A1\"") && page.text.contains("name=\"red_at\"")
                    && page.text.contains("name=\"newdim_code\"") && page.text.contains("name=\"newitem_code\""))
            let add: [(String, String)] = [("newdim_code", "C"), ("newdim_name", "丙"), ("newdim_weight", "20"), ("newitem_dim", "+"), ("newitem_code", "C1"),
                                           ("newitem_name", "丙一"), ("newitem_weight", "100"), ("new_item", "+"), ("new_code", "c1"), ("new_name", "人工五"),
                                           ("k_new", "manual"), ("new_weight", "100"), ("note", "增设丙维度")]
            // refused: the dimensions at 120 %; a dimension without an item; a line that is no number, one above 100, black above red
            let sums = try await web.post("/assessment/systems/\(s.id!)", add)
            let sumsEn = try await web.post("/assessment/systems/\(s.id!)?lang=en", add)
            let bare = try await web.post("/assessment/systems/\(s.id!)", [("newdim_code", "C"), ("newdim_name", "丙"), ("newdim_weight", "20"),
                                                                         ("w_A", "50"), ("w_B", "30"), ("note", "增设")])
            let nan = try await web.post("/assessment/systems/\(s.id!)", [("red_at", "九十"), ("note", "调整")])
            let high = try await web.post("/assessment/systems/\(s.id!)", [("red_at", "120"), ("note", "调整")])
            let crossed = try await web.post("/assessment/systems/\(s.id!)", [("black_below", "95"), ("note", "调整")])
            #expect(sums.status == .unprocessableEntity && sums.text.contains("维度权重合计为 120%，应为 100%"))
            #expect(sumsEn.status == .unprocessableEntity && sumsEn.text.contains("add up to 120 %, not 100 %"))
            #expect(bare.status == .unprocessableEntity && bare.text.contains("至少要有一个项目"))
            #expect(nan.status == .unprocessableEntity && nan.text.contains("不是数字"))
            #expect(high.status == .unprocessableEntity && high.text.contains("0–100"))
            #expect(crossed.status == .unprocessableEntity && crossed.text.contains("红榜分数线须不低于黑榜"))
            // a street may not save, on the page or through the API
            let street = try await WebSession.login(app, "gt_street")
            #expect(try await street.post("/assessment/systems/\(s.id!)", add + [("w_A", "50"), ("w_B", "30")]).status == .forbidden)
            let streetAPI = try await app.api(.POST, "/api/v1/assessment/systems/\(s.id!)/versions", token: try await app.token("gt_street"),
                                              json: #"{"note":"改","redAt":80}"#)
            #expect(streetAPI.status == .forbidden)
            let residentAPI = try await app.api(.POST, "/api/v1/assessment/systems/\(s.id!)/versions", token: try await app.token("resident_demo"),
                                                json: #"{"note":"改","redAt":80}"#)
            #expect(residentAPI.status == .forbidden || residentAPI.status == .notFound)
            #expect(try await AssessmentSystem.query(on: app.db).filter(\.$code == "test").count() == 1)
            // act: 丙 with its item and indicator, 甲 and 甲一 renamed, the lines at 85 and 55
            let saved = try await web.post("/assessment/systems/\(s.id!)", add + [("w_A", "50"), ("w_B", "30"), ("n_A", "甲型"), ("n_A1", "甲一项"),
                                                                                  ("red_at", "85"), ("black_below", "55")])
            #expect(saved.status == .seeOther)
            let v2 = try #require(try await AssessmentSystem.query(on: app.db).filter(\.$code == "test").filter(\.$version == 2).first())
            let d = v2.definition
            #expect(d.dimensions.map(\.code) == ["A", "B", "C"] && d.dimensions.map(\.weight) == [50, 30, 20])
            #expect(d.dimensions[0].name == "甲型" && d.dimensions[0].items[0].name == "甲一项")
            #expect(d.dimensions[2].items.map(\.code) == ["C1"] && d.indicator("c1")?.weight == 100)
            #expect(d.redAt == 85 && d.blackBelow == 55)
            #expect(v2.note?.contains("新增维度「丙」") == true && v2.note?.contains("红榜分数线 72→85") == true && v2.note?.contains("更名为「甲型」") == true)
            // the open round keeps its definition
            let frozen = try #require(try await AssessmentRound.find(r.id, on: app.db)).definition
            #expect(frozen.dimensions.map(\.code) == ["A", "B"] && frozen.redAt == 72 && frozen.dimensions[0].name == "甲")

            // the API: an item added to 乙 without re-weighting is 422 weights_not_100; re-weighted, version 3
            let admin = try await app.token("admin")
            let body = #"{"note":"乙维度增设项目","addItem":{"under":"B","code":"B2","name":"乙二","weight":40},"addIndicator":{"under":"B2","code":"b3","name":"人工六","weight":100}"#
            let wrong = try await app.api(.POST, "/api/v1/assessment/systems/\(v2.id!)/versions", token: admin, json: body + "}")
            #expect(wrong.status == .unprocessableEntity && wrong.text.contains("weights_not_100") && wrong.text.contains("not 100 %"))
            let ok = try await app.api(.POST, "/api/v1/assessment/systems/\(v2.id!)/versions", token: admin,
                                       json: body + #","weights":{"B1":60},"names":{"C":"丙型"},"blackBelow":50}"#)
            #expect(ok.status == .created, "\(ok.text)")
            let v3 = try #require(try await AssessmentSystem.query(on: app.db).filter(\.$code == "test").filter(\.$version == 3).first()).definition
            #expect(v3.dimensions[1].items.map(\.code) == ["B1", "B2"] && v3.dimensions[1].items.map(\.weight) == [60, 40])
            #expect(v3.indicator("b3")?.kind == .manual && v3.dimensions[2].name == "丙型" && v3.blackBelow == 50 && v3.redAt == 85)
            #expect((try ok.json()["version"] as? Int) == 3)
        }
    }
}
