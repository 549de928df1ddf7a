import Fluent
import Foundation
import JingzhiCore
import Vapor

/// Rankings of a community's volunteers (志愿者排行榜) for a month or a year, by verified hours then points; other
/// residents see names masked (张**), staff and the volunteer themself in full.
struct VolunteerRankings {
    let db: any Database

    struct Line: Content, Equatable {
        let rank: Int
        let residentId: UUID?
        let name: String
        let minutes: Int
        let points: Int
        let activities: Int
        let me: Bool
    }

    /// `2026-05` or `2026`: the instants it runs between (Asia/Shanghai).
    static func period(_ raw: String?, now: Date) throws -> (label: String, from: Date, to: Date) {
        let text = raw?.trimmingCharacters(in: .whitespaces) ?? ""
        if text.isEmpty { return try period(ShanghaiTime.currentMonth(now), now: now) }
        if text.count == 4, let y = Int(text), (2000...2100).contains(y) {
            return (text, ShanghaiTime.dayStart("\(text)-01-01"), ShanghaiTime.dayStart("\(y + 1)-01-01"))
        }
        let month = try ShanghaiTime.parseMonth(text, field: "period")
        return (month, ShanghaiTime.dayStart("\(month)-01"), ShanghaiTime.dayStart("\(ShanghaiTime.month(month, plus: 1))-01"))
    }

    /// Up to `limit` volunteers of `community` ranked by verified minutes in the period; `viewer` decides the masking.
    func rank(community: OrgNode, from: Date, to: Date, viewer: Actor, limit: Int = 50) async throws -> [Line] {
        let activities = try await VolunteerActivity.query(on: db).filter(\.$communityID == community.id!)
            .filter(\.$startsAt >= from).filter(\.$startsAt < to).all().compactMap(\.id)
        guard !activities.isEmpty else { return [] }
        let rows = try await ActivityAttendance.query(on: db).filter(\.$activityID ~~ activities)
            .filter(\.$stateRaw == AttendanceState.verified.rawValue).all()
        var totals: [UUID: (name: String, minutes: Int, points: Int, count: Int)] = [:]
        for r in rows {
            let t = totals[r.residentID] ?? (r.residentName, 0, 0, 0)
            totals[r.residentID] = (t.name, t.minutes + (r.minutes ?? 0), t.points + (r.points ?? 0), t.count + 1)
        }
        let staff = PointsService.staffRoles.contains(viewer.role) && viewer.scope.contains(community.path)
        let mine = viewer.role == .resident ? viewer.user.residentID : nil
        let ordered = totals.sorted { a, b in
            (a.value.minutes, a.value.points, b.value.name) > (b.value.minutes, b.value.points, a.value.name)
        }.prefix(limit)
        return ordered.enumerated().map { i, e in
            let me = e.key == mine
            return Line(rank: i + 1, residentId: staff || me ? e.key : nil, name: staff || me ? e.value.name : Mask.name(e.value.name),
                        minutes: e.value.minutes, points: e.value.points, activities: e.value.count, me: me)
        }
    }
}

/// `/api/v1/points/rankings` and the rankings page: a resident sees their own community's; staff any in scope.
enum VolunteerRankingsAPI {
    static func register(api: any RoutesBuilder, pages: any RoutesBuilder) {
        api.grouped("points").get("rankings", use: json)
        pages.get(SiteURL.Points.Pattern.rankings, use: page)
    }

    struct RankingsDTO: Content {
        let communityId: UUID
        let period: String
        let items: [VolunteerRankings.Line]
    }

    static func load(_ req: Request) async throws -> (OrgNode, String, [VolunteerRankings.Line]) {
        let actor = try req.requireActor()
        guard actor.role == .resident || PointsService.staffRoles.contains(actor.role) else { throw APIError.forbidden }
        var node = try await VolunteerAPI.ownCommunityOrNode(req, actor)
        // Staff above a community start with the first one under them; the page offers the others.
        if node.kind != .community, let first = try await OrgNode.query(on: req.db).filter(\.$kindRaw == NodeKind.community.rawValue)
            .within(DataScope(rootPath: node.path)).sort(\.$path).first() { node = first }
        guard node.kind == .community else { throw APIError.invalid("node", "请指定一个社区 (name a community)") }
        let p = try VolunteerRankings.period(try req.query.get(String?.self, at: "period"), now: req.now)
        return (node, p.label, try await VolunteerRankings(db: req.db).rank(community: node, from: p.from, to: p.to, viewer: actor))
    }

    @Sendable static func json(req: Request) async throws -> RankingsDTO {
        let (node, period, items) = try await load(req)
        return RankingsDTO(communityId: node.id!, period: period, items: items)
    }

    /// Staff choose among the communities in their scope; a resident's is fixed.
    static func picker(_ req: Request, _ node: OrgNode) async throws -> HTML {
        guard let actor = req.actor, actor.role != .resident else { return "<input type=\"hidden\" name=\"node\" value=\"\(node.id!.uuidString)\">" }
        let communities = try await PointsStaffPages.communities(actor, on: req.db)
        return Form.select(req.t("社区", "Community"), name: "node", options: communities.map { ($0.id!.uuidString, $0.name) }, selected: node.id!.uuidString)
    }

    @Sendable static func page(req: Request) async throws -> HTML {
        let (node, period, items) = try await load(req)
        let rows: [HTML] = items.map { l in """
            <tr\(HTML(raw: l.me ? " class=\"me\"" : ""))><td data-label="\(req.t("名次", "Rank"))">\(l.rank)</td><td data-label="\(req.t("志愿者", "Volunteer"))">\(l.name)</td>
            <td data-label="\(req.t("核定时长", "Verified hours"))">\(String(format: "%.1f", Double(l.minutes) / 60))</td>
            <td data-label="\(req.t("积分", "Points"))">\(l.points)</td><td data-label="\(req.t("活动次数", "Activities"))">\(l.activities)</td></tr>
            """ }
        let year = String(period.prefix(4))
        let pick = try await picker(req, node)
        return Layout(req: req, title: req.t("志愿者排行榜：\(node.name)", "Volunteer rankings: \(node.name)")).render("""
        <form method="get" action="\(SiteURL.Points.rankings(node: nil, period: nil).path)" class="actions">
        \(pick)
        \(Form.field(req.t("月份或年份", "Month or year"), name: "period", value: period, hint: req.t("如 2026-05 或 2026", "e.g. 2026-05 or 2026")))
        <button>\(req.t("查看", "Show"))</button> <a href="\(SiteURL.Points.rankings(node: node.id!.uuidString, period: year).path)">\(req.t("全年", "Whole year"))</a></form>
        <table class="list"><thead><tr><th>\(req.t("名次", "Rank"))</th><th>\(req.t("志愿者", "Volunteer"))</th><th>\(req.t("核定时长（小时）", "Verified hours"))</th>\
        <th>\(req.t("积分", "Points"))</th><th>\(req.t("活动次数", "Activities"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"5\" class=\"muted\">\(req.t("这段时间还没有核定的志愿时长", "No verified hours in this period"))</td></tr>"] : rows)</tbody></table>
        """)
    }
}
