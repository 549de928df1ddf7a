import Fluent
import Foundation
import JingzhiCore
import Vapor

/// A new activity is announced to its community as a notice (residents, grid workers, partners and staff) and on the
/// community's public board, through the notices' service. The activity stands even when the notice cannot be sent;
/// the answer then says why. A partner account sends no notices: community staff announce its activities (or announce
/// any activity again) from the activity's page.
enum ActivityNotice {
    /// How many people the notice reached, or nil with the reason in words when none was sent.
    static func publish(_ a: VolunteerActivity, by actor: Actor, req: Request) async -> (recipients: Int?, problem: String?) {
        if actor.role == .partner {
            return (nil, "合伙单位的活动由社区工作人员在活动页发通知 (community staff announce a partner's activity from its page)")
        }
        do {
            let when = "\(ShanghaiTime.format(a.startsAt, "yyyy-MM-dd HH:mm"))–\(ShanghaiTime.format(a.endsAt, "HH:mm"))"
            var lines = ["时间：\(when)", "地点：\(a.placeName)", "名额：\(a.capacity) 人"]
            if let p = a.pointsPerHour { lines.append("积分：每小时 \(p) 分") }
            if let p = a.pointsPerAttendance { lines.append("积分：参加一次 \(p) 分") }
            if let partner = a.partnerName { lines.append("组织：\(partner)") }
            lines.append("报名：\(SiteURL.Activities.show(a.id!).path)")
            let input = NoticeInput(title: String("志愿活动：\(a.title)".prefix(80)), body: lines.joined(separator: "\n"),
                                    targets: [.init(nodeID: a.communityID)], audiences: NoticeAudience.allCases.map(\.rawValue), isPublic: true)
            let n = try await NoticeService(req: req).create(input, by: actor)
            return (n.recipientCount, nil)
        } catch let e as APIError {
            return (nil, e.message)
        } catch {
            req.logger.reportSafely(error, "ActivityNotice")
            return (nil, "通知未能发出 (the notice could not be sent)")
        }
    }

    /// The page's message after publishing: what was announced, or why not.
    static func message(_ result: (recipients: Int?, problem: String?), req: Request) -> String {
        if let n = result.recipients { return req.t("已发通知给 \(n) 人", "announced to \(n) people") }
        return req.t("未发通知：\(result.problem ?? "")", "not announced: \(result.problem ?? "")")
    }

    static func register(api: any RoutesBuilder, web: any RoutesBuilder) {
        api.post("points", "activities", ":id", "announce", use: announceAPI)
        web.post(SiteURL.Activities.Pattern.announce, use: announcePage)
    }

    /// The activity, for staff in its scope who send notices (403 for other roles, 404 outside the scope).
    static func load(_ req: Request) async throws -> (VolunteerActivity, Actor) {
        let actor = try req.requireActor()
        try NoticeService.requireSender(actor)
        return (try await ActivityService(req: req).activity(try req.idParameter(), within: actor.scope), actor)
    }

    /// `POST /api/v1/points/activities/{id}/announce`: (again) as a notice to its community.
    @Sendable static func announceAPI(req: Request) async throws -> Response {
        let (a, actor) = try await load(req)
        let r = await publish(a, by: actor, req: req)
        guard let n = r.recipients else { throw APIError(.unprocessableEntity, code: "not_announced", r.problem ?? "") }
        try await AuditLog.record(on: req.db, by: req.auditSource, at: req.now, action: "announce", entity: "volunteer_activity", entityID: a.id,
                                  nodePath: a.nodePath, summary: "志愿活动「\(a.title)」发通知给 \(n) 人")
        return try await ["recipients": n].encodeResponse(status: .created, for: req)
    }

    @Sendable static func announcePage(req: Request) async throws -> Response {
        let (a, actor) = try await load(req)
        return try await PointsStaffPages.attempt(req, back: SiteURL.Activities.organise(a.id!).path) {
            let r = await publish(a, by: actor, req: req)
            guard let n = r.recipients else { throw APIError(.unprocessableEntity, code: "not_announced", r.problem ?? "") }
            try await AuditLog.record(on: req.db, by: req.auditSource, at: req.now, action: "announce", entity: "volunteer_activity", entityID: a.id,
                                      nodePath: a.nodePath, summary: "志愿活动「\(a.title)」发通知给 \(n) 人")
            return req.t("已发通知给 \(n) 人", "Announced to \(n) people")
        }
    }
}
