import Fluent
import Foundation
import JingzhiCore

/// The systems shipped as templates: Baoji's 四型社区 (平安·便利·美丽·幸福, seed 001) and 红色物业 for property companies
/// (seeds 002 and 004). A county installs them once (`install`) and edits its own versions afterwards.
enum AssessmentTemplates {
    /// A computed indicator: `measure` scored linearly from `floor` (0 points) to `target` (100 points).
    private static func c(_ code: String, _ name: String, _ measure: String, _ target: Double, _ floor: Double, weight: Double = 100) -> IndicatorDef {
        IndicatorDef(code: code, name: name, kind: .computed, weight: weight, measure: measure, target: target, floor: floor)
    }

    private static func m(_ code: String, _ name: String, weight: Double = 100) -> IndicatorDef {
        IndicatorDef(code: code, name: name, kind: .manual, weight: weight)
    }

    /// Twelve items with weights 8 ×8 and 9 ×4 (adding up to 100), one indicator each unless given more.
    private static func items(_ prefix: String, _ list: [(String, [IndicatorDef])]) -> [ItemDef] {
        list.enumerated().map { i, e in ItemDef(code: "\(prefix)\(i + 1)", name: e.0, weight: i < 8 ? 8 : 9, indicators: e.1) }
    }

    static let fourTypeCode = "sixing"
    static let redPropertyCode = "hongse_wuye"

    /// 四型社区: 4 dimensions, 48 items; 31 indicators computed from the platform, the rest scored with evidence.
    static var fourType: AssessmentDefinition {
        var safe = items("pa", [
            ("多网合一", [m("pa_grid_merge", "党建、综治、应急、消防等网格整合为一张网")]),
            ("诉求响应", [c("pa_response", "诉求响应率", "cases.response", 0.95, 0.6)]),
            ("矛盾纠纷化解", [c("pa_resolution", "诉求（矛盾纠纷）解决率", "cases.resolution", 0.95, 0.6)]),
            ("按时办结", [c("pa_on_time", "按时办结率", "cases.on_time", 0.9, 0.5)]),
            ("小事不出网格", [c("pa_grid_closure", "小事不出网格率", "cases.grid_closure", 0.8, 0.3)]),
            ("大事不出社区", [c("pa_community_closure", "大事不出社区率", "cases.community_closure", 0.95, 0.6)]),
            ("重点人群走访", [c("pa_visits", "重点人群走访覆盖率", "visits.coverage", 0.95, 0.5)]),
            ("社会治安防控", [m("pa_public_order", "治安防控体系与巡防")]),
            ("应急处置能力", [m("pa_emergency", "应急预案与演练")]),
            ("消防安全", [c("pa_fire", "烟感燃气告警24小时处置率", "devices.safety_cleared", 0.95, 0.5)]),
            ("安全预警处置", [c("pa_alarms", "关爱预警按时处置率", "devices.welfare_in_time", 0.95, 0.5)]),
            ("平安宣传", [c("pa_notices", "通知公告送达率", "notices.reach", 0.8, 0.3)]),
        ])
        safe[0].indicators += [IndicatorDef(code: "pa_veto_accident", name: "发生重大安全责任事故", kind: .veto, weight: 0),
                               IndicatorDef(code: "pa_deduct_petition", name: "越级上访、重复投诉查实", kind: .deduction, weight: 0, maxPoints: 5)]
        let convenient = items("bl", [
            ("15分钟生活服务圈", [m("bl_life_circle", "15 分钟生活服务圈建设")]),
            ("交通服务圈", [m("bl_transport", "交通服务圈（公交、停车、慢行）")]),
            ("政务服务圈", [c("bl_gov_service", "便民办事按时办结率", "services.on_time", 0.95, 0.6)]),
            ("服务诉求按时办结", [c("bl_on_time", "服务诉求按时办结率", "cases.on_time", 0.9, 0.5)]),
            ("物业服务覆盖", [c("bl_fee", "物业费收缴率", "property.fee_collection", 0.95, 0.6)]),
            ("服务满意", [c("bl_satisfaction", "群众满意率", "cases.satisfaction", 0.95, 0.6)]),
            ("信息直达", [c("bl_notices", "通知公告送达率", "notices.reach", 0.8, 0.3)]),
            ("议题及时答复", [c("bl_topics", "议题 7 日内答复率", "deliberation.reviewed_7d", 0.9, 0.3)]),
            ("议事事项办结", [c("bl_items", "议事事项按期办结率", "deliberation.items_on_time", 0.9, 0.3)]),
            ("智慧社区应用", [m("bl_smart", "智慧社区平台应用")]),
            ("养老服务设施", [c("bl_elderly_facility", "老年助餐送餐上门完成率", "canteen.delivered", 0.98, 0.7)]),
            ("便民服务网点", [m("bl_outlets", "便民服务网点布局")]),
        ])
        let beautiful = items("ml", [
            ("绿色空间", [m("ml_green", "绿地、口袋公园建设")]),
            ("生活环境", [c("ml_environment", "小区环境与物业服务检查得分率", "property.inspection", 0.9, 0.6)]),
            ("低碳生活", [m("ml_low_carbon", "低碳生活倡导")]),
            ("文化生活", [c("ml_culture", "群众文化活动报名到场率", "activities.attendance", 0.9, 0.5)]),
            ("家风建设", [m("ml_family", "家风家教建设")]),
            ("睦邻友好", [c("ml_neighbours", "微心愿实现率", "partners.wishes_fulfilled", 0.9, 0.4)]),
            ("志愿服务", [c("ml_volunteer", "每百名居民志愿服务时长(小时)", "volunteers.hours_per_100", 20, 0)]),
            ("环境诉求解决", [c("ml_resolution", "诉求解决率", "cases.resolution", 0.95, 0.6)]),
            ("垃圾分类", [m("ml_waste", "垃圾分类投放")]),
            ("老旧小区改造", [m("ml_renewal", "老旧小区改造推进")]),
            ("居民议事参与", [c("ml_topics", "议题 7 日内答复率", "deliberation.reviewed_7d", 0.9, 0.3)]),
            ("美丽庭院", [c("ml_yards", "居民对小区物业星级评价得分率", "property.stars", 0.9, 0.6)]),
        ])
        var happy = items("xf", [
            ("为老服务", [c("xf_elderly_visits", "老年人走访覆盖率", "visits.coverage", 0.95, 0.5)]),
            ("关爱预警", [c("xf_alarms", "独居老人预警按时处置率", "devices.welfare_in_time", 0.95, 0.5)]),
            ("重点人群救助", [c("xf_relief", "困难群体需求清单满足率", "partners.needs_met", 0.9, 0.4)]),
            ("就业帮扶", [m("xf_jobs", "就业帮扶")]),
            ("职业技能培训", [m("xf_training", "职业技能培训")]),
            ("托幼上学", [m("xf_school", "托幼上学保障")]),
            ("健康就医", [m("xf_health", "健康就医服务")]),
            ("群众满意", [c("xf_satisfaction", "群众满意率", "cases.satisfaction", 0.95, 0.6)]),
            ("志愿服务时长", [c("xf_volunteer", "每百名居民志愿服务时长(小时)", "volunteers.hours_per_100", 20, 0)]),
            ("民生实事", [c("xf_items", "议事事项按期办结率", "deliberation.items_on_time", 0.9, 0.3)]),
            ("文体活动", [c("xf_sports", "文体活动报名到场率", "activities.attendance", 0.9, 0.5)]),
            ("社区服务站", [m("xf_station", "社区服务站运行")]),
        ])
        happy[11].indicators.append(IndicatorDef(code: "xf_bonus_award", name: "获市级以上表彰", kind: .bonus, weight: 0, maxPoints: 5))
        return AssessmentDefinition(dimensions: [
            DimensionDef(code: "pingan", name: "平安型", weight: 30, items: safe),
            DimensionDef(code: "bianli", name: "便利型", weight: 25, items: convenient),
            DimensionDef(code: "meili", name: "美丽型", weight: 20, items: beautiful),
            DimensionDef(code: "xingfu", name: "幸福型", weight: 25, items: happy),
        ], redAt: 90, blackBelow: 60)
    }

    /// 红色物业: Party leadership, service quality, part in local governance; the fee collection rate computed.
    static var redProperty: AssessmentDefinition {
        AssessmentDefinition(dimensions: [
            DimensionDef(code: "dangjian", name: "党建引领", weight: 30, items: [
                ItemDef(code: "dj1", name: "党组织覆盖", weight: 40, indicators: [m("dj_branch", "物业企业党支部建设")]),
                ItemDef(code: "dj2", name: "党员亮身份", weight: 30, indicators: [m("dj_members", "党员员工亮身份、作表率")]),
                ItemDef(code: "dj3", name: "双报到", weight: 30, indicators: [m("dj_report", "参与社区双报到")]),
            ]),
            DimensionDef(code: "fuwu", name: "服务质量", weight: 40, items: [
                ItemDef(code: "fw1", name: "物业费收缴", weight: 40, indicators: [c("fw_fee", "物业费收缴率", "property.fee_collection", 0.95, 0.6)]),
                ItemDef(code: "fw2", name: "居民满意", weight: 35, indicators: [c("fw_satisfaction", "居民星级评价得分率", "property.stars", 0.9, 0.6)]),
                ItemDef(code: "fw3", name: "问题整改", weight: 25, indicators: [
                    c("fw_fix", "社区检查得分率", "property.inspection", 0.9, 0.6),
                    IndicatorDef(code: "fw_deduct_complaint", name: "有效投诉查实", kind: .deduction, weight: 0, maxPoints: 10),
                ]),
            ]),
            DimensionDef(code: "zhili", name: "治理融入", weight: 30, items: [
                ItemDef(code: "zl1", name: "擂台赛表现", weight: 40, indicators: [m("zl_arena", "物业服务提升擂台赛")]),
                ItemDef(code: "zl2", name: "居民吹哨、物业报到", weight: 30, indicators: [m("zl_whistle", "响应社区吹哨")]),
                ItemDef(code: "zl3", name: "安全隐患排查", weight: 30, indicators: [
                    m("zl_safety", "安全隐患排查整治"),
                    IndicatorDef(code: "zl_veto_accident", name: "发生重大安全责任事故", kind: .veto, weight: 0),
                    IndicatorDef(code: "zl_bonus_best", name: "最美物业党支部、最美物业人", kind: .bonus, weight: 0, maxPoints: 5),
                ]),
            ]),
        ], redAt: 90, blackBelow: 70)
    }

    static let departmentCode = "jiehu_xianying"

    /// 街呼县应: county departments on the cases the streets pass them — response, handling, satisfaction computed
    /// from their cases; reporting on site and the quality of answers scored by hand; a deduction for passing the buck.
    static var department: AssessmentDefinition {
        AssessmentDefinition(dimensions: [
            DimensionDef(code: "xiangying", name: "闻哨响应", weight: 35, items: [
                ItemDef(code: "xy1", name: "按时响应", weight: 60, indicators: [c("xy_response", "接件按时响应率", "departments.response", 0.95, 0.6)]),
                ItemDef(code: "xy2", name: "到场报到", weight: 40, indicators: [m("xy_report", "街道吹哨、部门到场报到")]),
            ]),
            DimensionDef(code: "banli", name: "办理质效", weight: 40, items: [
                ItemDef(code: "bl1", name: "按时办结", weight: 40, indicators: [c("bm_on_time", "按时办结率", "departments.on_time", 0.9, 0.5)]),
                ItemDef(code: "bl2", name: "问题解决", weight: 30, indicators: [c("bm_resolution", "诉求解决率", "departments.resolution", 0.95, 0.6)]),
                ItemDef(code: "bl3", name: "答复规范", weight: 30, indicators: [
                    m("bm_quality", "办理质量与答复规范"),
                    IndicatorDef(code: "bm_deduct_buck", name: "推诿扯皮、无故退单查实", kind: .deduction, weight: 0, maxPoints: 10),
                ]),
            ]),
            DimensionDef(code: "manyi", name: "群众满意", weight: 25, items: [
                ItemDef(code: "my1", name: "群众满意", weight: 100, indicators: [
                    c("bm_satisfaction", "群众满意率", "departments.satisfaction", 0.95, 0.6),
                    IndicatorDef(code: "bm_veto", name: "处置不力造成重大负面影响", kind: .veto, weight: 0),
                ]),
            ]),
        ], redAt: 90, blackBelow: 60)
    }

    /// Installs the templates that are not there yet at `root` (version 1 each); returns the systems.
    @discardableResult
    static func install(_ service: AssessmentService, root: OrgNode) async throws -> [AssessmentSystem] {
        var out: [AssessmentSystem] = []
        let templates: [(String, String, AssessmentUnitKind, AssessmentDefinition)] = [
            (fourTypeCode, "四型社区", .community, fourType), (redPropertyCode, "红色物业", .propertyCompany, redProperty),
            (departmentCode, "街呼县应部门考核", .department, department),
        ]
        for (code, name, kind, def) in templates {
            if let s = try await AssessmentSystem.query(on: service.db).filter(\.$code == code).sort(\.$version, .descending).first() {
                out.append(s)
            } else {
                out.append(try await service.saveSystem(code: code, name: name, unitKind: kind, definition: def, note: nil, nodePath: root.path))
            }
        }
        return out
    }
}
