import Foundation
import Fluent
import JingzhiCore
import Vapor

/// 三领 on the phone: a partner or party member claims a volunteer post or a small request, reports it done with the
/// hours, or gives it up; staff see their area's claims on the same page and may take one back.
enum ClaimPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Partners.Pattern
        staff.get(P.claims, use: page)
        staff.post(P.claims, use: claim)
        staff.post(P.claimAct, use: act)
    }

    static func deadline(_ req: Request, _ t: TaskClaim) -> String {
        req.t("请在 \(ShanghaiTime.format(t.deadline)) 前完成", "Do it by \(ShanghaiTime.format(t.deadline))")
    }

    @Sendable static func page(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        let staff = PartnerAccess.isStaff(actor)
        let service = TaskClaimService(req: req)
        let pageReq = try PageRequest(req)
        let (claims, total) = try await service.list(for: actor, activeOnly: false, page: pageReq)
        var parts: [HTML] = []
        if staff {
            let rows = claims.map { t -> HTML in
                let action: HTML = t.active ? """
                <form method="post" action="\(SiteURL.Partners.claimAct(t.id!, action: "release").path)" class="inline" data-confirm="\(req.t("收回这项认领？", "Take this claim back?"))">\(Form.csrf(req))<button class="secondary">\(req.t("收回", "Take back"))</button></form>
                """ : .empty
                return """
                <tr><td data-label="\(req.t("类型", "Kind"))">\(t.kind.label(req.lang))</td><td data-label="\(req.t("内容", "What"))">\(t.title)</td>
                <td data-label="\(req.t("认领人", "Claimer"))">\(t.claimerName)（\(t.unit)）</td><td data-label="\(req.t("期限", "Deadline"))">\(ShanghaiTime.format(t.deadline))</td>
                <td data-label="\(req.t("状态", "State"))">\(PartnerPages.tag(TaskClaim.outcomeLabel(t.outcome, req.lang))) \(action)</td></tr>
                """
            }
            parts.append("""
            <p class="muted">\(req.t("合伙人和在职党员认领的志愿岗位和居民小需求；到期未完成的自动释放。", "Posts and small requests claimed by partners and party members; claims not done by their deadline lapse."))</p>
            <div class="table-wrap"><table class="list stack"><thead><tr><th>\(req.t("类型", "Kind"))</th><th>\(req.t("内容", "What"))</th><th>\(req.t("认领人", "Claimer"))</th>
            <th>\(req.t("期限", "Deadline"))</th><th>\(req.t("状态", "State"))</th></tr></thead>
            <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"5\" class=\"muted\">\(req.t("暂无认领", "No claims"))</td></tr>"] : rows)</tbody></table></div>
            """)
        } else {
            guard (try? await PartnerAccess.claimer(actor, on: req.db)) != nil else {
                throw APIError(.forbidden, code: "not_a_claimer", "只有红色合伙人或已报到的在职党员可以认领 (only partners and registered party members may claim)")
            }
            let mine = claims.filter(\.active)
            parts.append("<h2>\(req.t("我的认领", "My claims"))</h2>")
            if mine.isEmpty { parts.append("<p class=\"muted\">\(req.t("目前没有进行中的认领。", "No open claims."))</p>") }
            for t in mine {
                parts.append("""
                <div class="card"><h3>\(t.kind.label(req.lang))：\(t.title)</h3><p><b>\(deadline(req, t))</b></p>
                <form method="post" action="\(SiteURL.Partners.claimAct(t.id!, action: "fulfil").path)">\(Form.csrf(req))
                \(Form.field(req.t("服务时长（小时）", "Hours served"), name: "hours", type: "number", required: true, attrs: "min=\"0.5\" max=\"24\" step=\"0.5\""))
                \(Form.field(req.t("做了什么（可选）", "What was done (optional)"), name: "note"))
                <button class="button big">\(req.t("已完成", "Done"))</button></form>
                <form method="post" action="\(SiteURL.Partners.claimAct(t.id!, action: "release").path)" data-confirm="\(req.t("放弃这项认领？", "Give this claim up?"))">\(Form.csrf(req))<button class="secondary">\(req.t("放弃认领", "Give it up"))</button></form></div>
                """)
            }
            let open = try await service.claimable(for: actor)
            let items = ClaimsAPI.items(open.posts, open.needs)
            parts.append("<h2>\(req.t("可认领", "Open to claim"))</h2>")
            if items.isEmpty { parts.append("<p class=\"muted\">\(req.t("暂时没有可认领的岗位或小需求。", "Nothing to claim right now."))</p>") }
            for i in items {
                parts.append("""
                <form method="post" action="\(SiteURL.Partners.claims.path)" class="card">\(Form.csrf(req))
                <input type="hidden" name="kind" value="\(i.kind)"><input type="hidden" name="targetId" value="\(i.id.uuidString)">
                <h3>\(i.kind == "post" ? TaskClaimKind.post.label(req.lang) : TaskClaimKind.need.label(req.lang))：\(i.title)</h3>
                <p class="muted">\(i.detail)\(i.dueDay.map { " · " + req.t("期限 \($0)", "by \($0)") } ?? "")</p>
                <button class="button big">\(req.t("认领（\(TaskClaimService.claimDays) 天内完成）", "Claim (do it within \(TaskClaimService.claimDays) days)"))</button></form>
                """)
            }
            let ended = claims.filter { !$0.active }
            if !ended.isEmpty {
                parts.append("<h2>\(req.t("以往认领", "Earlier claims"))</h2><ul class=\"plain\">")
                parts.append(HTML(ended.map { t -> HTML in "<li>\(t.title) · \(TaskClaim.outcomeLabel(t.outcome, req.lang))</li>" }))
                parts.append("</ul>")
            }
        }
        // The pager counts the claims listed (all claims for staff, the claimer's own otherwise), not what is open to claim.
        if staff || total > 0 {
            parts.append(pager(req, total: total, page: pageReq, base: { SiteURL.Partners.claims.path + "?page=\($0)" }))
        }
        return Layout(req: req, title: req.t("岗位与小需求认领", "Posts and small requests"), wide: staff).render(HTML(parts))
    }

    struct ClaimForm: Content {
        var kind: String?
        var targetId: UUID?
    }

    @Sendable static func claim(req: Request) async throws -> Response {
        let f = try req.content.decode(ClaimForm.self)
        return try await PartnerPages.attempt(req, to: SiteURL.Partners.claims.path, done: req.t("已认领，请在 \(TaskClaimService.claimDays) 天内完成。", "Claimed; do it within \(TaskClaimService.claimDays) days.")) {
            _ = try await TaskClaimService(req: req).claim(kind: f.kind, targetID: f.targetId, by: try req.requireActor())
        }
    }

    struct ActForm: Content {
        var hours: String?
        var note: String?
    }

    @Sendable static func act(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let service = TaskClaimService(req: req)
        let t = try await service.load(try req.idParameter(), for: actor)
        let f = try req.content.decode(ActForm.self)
        switch req.parameters.get("action") ?? "" {
        case "fulfil":
            return try await PartnerPages.attempt(req, to: SiteURL.Partners.claims.path,
                                                  done: req.t("已完成「\(t.title)」，服务时长已提交社区确认。", "Done: \(t.title). The hours go to the community to confirm.")) {
                guard let raw = f.hours, let h = Double(raw) else { throw APIError.invalid("hours", "服务时长须为数字 (hours must be a number)") }
                _ = try await service.fulfil(t, hours: h, note: f.note, by: actor)
            }
        case "release":
            return try await PartnerPages.attempt(req, to: SiteURL.Partners.claims.path,
                                                  done: req.t("已释放「\(t.title)」，其他人可以认领。", "Released: \(t.title); others may claim it.")) {
                _ = try await service.release(t, by: actor)
            }
        default: throw APIError.notFound
        }
    }
}
