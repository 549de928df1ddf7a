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
}
