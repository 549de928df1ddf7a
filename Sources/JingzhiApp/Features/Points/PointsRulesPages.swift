import Fluent
import JingzhiCore
import Vapor

/// The staff's page of a community's earning rules (积分规则) and caps, and the donation form's action.
enum PointsRulesPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Points.Pattern
        staff.get(P.rules, use: rules)
        staff.post(P.rules, use: save)
        staff.post(P.donation, use: donation)
    }

    @Sendable static func rules(req: Request) async throws -> HTML {
        let actor = try PointsStaffPages.staff(req)
        let communities = try await PointsStaffPages.communities(actor, on: req.db)
        let raw = try req.query.get(String?.self, at: "node")
        let chosen = try await raw.flatMap { $0.isEmpty ? nil : $0 }.asyncMap {
            try await VolunteerService(req: req).communityNode($0, actor)
        } ?? communities.first
        let picker: HTML = """
            <form method="get" action="\(SiteURL.Points.rules(node: nil).path)" class="actions">
            \(Form.select(req.t("社区", "Community"), name: "node", options: communities.map { ($0.id!.uuidString, $0.name) }, selected: chosen?.id?.uuidString))
            <button>\(req.t("查看", "Show"))</button></form>
            """
        guard let community = chosen else {
            return Layout(req: req, title: req.t("积分规则", "Earning rules")).render("<p class=\"muted\">\(req.t("范围内没有社区", "No community in your area"))</p>")
        }
        let rules = try await PointsRules(db: req.db, now: req.now).rules(of: community.id!)
        let rows: [HTML] = PointsSource.allCases.map { s in
            let dto = PointsRuleDTO(s, rules[s], lang: req.lang)
            let fixed = s.defaultPoints == nil
            return """
            <tr><td data-label="\(req.t("来源", "Path"))">\(dto.label)</td><td colspan="3">
            <form method="post" action="\(SiteURL.Points.rules(node: nil).path)" class="inline">\(Form.csrf(req))
            <input type="hidden" name="community" value="\(community.id!.uuidString)"><input type="hidden" name="source" value="\(s.rawValue)">
            \(fixed ? HTML("<span class=\"muted\">\(s == .activity ? req.t("按活动设定", "set per activity") : req.t("按填写", "as typed"))</span>")
                : Form.field(req.t("每次积分", "Points per event"), name: "points", value: dto.points.map(String.init), type: "number", attrs: "min=\"1\" max=\"1000\" step=\"1\""))
            \(Form.field(req.t("每人每日上限（空为不限）", "Daily cap per resident (empty: none)"), name: "dailyCap", value: dto.dailyCap.map(String.init), type: "number", attrs: "min=\"1\" step=\"1\""))
            \(Form.field(req.t("每人每月上限（空为不限）", "Monthly cap per resident (empty: none)"), name: "monthlyCap", value: dto.monthlyCap.map(String.init), type: "number", attrs: "min=\"1\" step=\"1\""))
            <button>\(req.t("保存", "Save"))</button></form></td></tr>
            """
        }
        return Layout(req: req, title: req.t("积分规则：\(community.name)", "Earning rules: \(community.name)"), wide: true).render("""
        \(picker)
        <table class="list"><thead><tr><th>\(req.t("来源", "Path"))</th><th colspan="3">\(req.t("规则", "Rule"))</th></tr></thead><tbody>\(rows)</tbody></table>
        <p class="muted">\(req.t("超过上限的积分不再发放：志愿时长照常核定，积分按剩余额度发放。", "Past a cap no more points are paid: hours are still verified, points only up to what the cap leaves."))</p>
        """)
    }

    struct RuleForm: Content { var community: String?; var source: String?; var points: String?; var monthlyCap: String?; var dailyCap: String? }

    @Sendable static func save(req: Request) async throws -> Response {
        let actor = try PointsStaffPages.staff(req)
        let f = try req.content.decode(RuleForm.self)
        let number = { (s: String?) in s.flatMap { $0.isEmpty ? nil : Double($0) ?? .nan } }
        return try await PointsStaffPages.attempt(req, back: SiteURL.Points.rules(node: f.community).path) {
            let rule = try await PointsRules(db: req.db, now: req.now).set(community: f.community, source: f.source, points: number(f.points),
                                                                           monthlyCap: number(f.monthlyCap), dailyCap: number(f.dailyCap), by: actor,
                                                                           source: req.auditSource)
            let s = PointsSource(rawValue: rule.source) ?? .other
            return req.t("已保存「\(s.zh)」的规则", "Saved the rule for \(s.en)")
        }
    }

    struct DonationForm: Content { var residentId: String?; var description: String?; var idempotencyKey: String? }

    @Sendable static func donation(req: Request) async throws -> Response {
        let actor = try PointsStaffPages.staff(req)
        let f = try req.content.decode(DonationForm.self)
        return try await PointsStaffPages.attempt(req, back: SiteURL.Points.award(query: nil).path) {
            let service = PointsService(req: req)
            let id = f.residentId.flatMap(UUID.init(uuidString:))
            let (e, created) = try await service.recordDonation(residentID: id, description: f.description, idempotencyKey: f.idempotencyKey, by: actor)
            let r = try await service.resident(id, within: actor.scope)
            return created ? req.t("已记录 \(r.name) 的捐赠，发放 \(e.points) 分", "Recorded \(r.name)'s donation: \(e.points) points")
                : req.t("这笔捐赠已记录过，未重复发放", "This donation was already recorded; nothing paid twice")
        }
    }
}
