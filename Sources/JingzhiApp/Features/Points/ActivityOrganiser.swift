import Fluent
import Foundation
import JingzhiCore

/// Who runs an activity: the community's staff (and those above) in their scope, or the account of the partner
/// (红色合伙人) organising it, for its own activities only and while its agreement lets it (the Partners feature decides).
extension ActivityService {
    static let unknownActivity = APIError(.notFound, code: "unknown_activity", "活动不存在或不在您的管辖范围 (unknown activity)")

    /// 403 for roles that organise nothing: only staff and partner accounts do.
    static func requireOrganiserRole(_ actor: Actor) throws {
        guard PointsService.staffRoles.contains(actor.role) || actor.role == .partner else { throw APIError.forbidden }
    }

    /// The scope the actor runs `a` in: staff their own (404 outside it); a partner account the activity's community,
    /// only when its organisation organises `a` (404 otherwise) and may organise there today (403 otherwise).
    func organiserScope(_ a: VolunteerActivity, _ actor: Actor) async throws -> DataScope {
        if PointsService.staffRoles.contains(actor.role) {
            guard actor.scope.contains(a.nodePath) else { throw Self.unknownActivity }
            return actor.scope
        }
        guard actor.role == .partner else { throw APIError.forbidden }
        let partners = PartnerService(db: db, now: now)
        guard let mine = try await partners.partner(of: actor), a.partnerID != nil, a.partnerID == mine.id else { throw Self.unknownActivity }
        _ = try await partners.organiser(actor, at: a.nodePath)
        return DataScope(rootPath: a.nodePath)
    }

    /// An activity the actor runs (see `organiserScope`), settled if it has ended.
    func organised(_ id: UUID?, by actor: Actor) async throws -> (VolunteerActivity, DataScope) {
        try Self.requireOrganiserRole(actor)
        guard let id, let a = try await VolunteerActivity.query(on: db).filter(\.$id == id).first() else { throw Self.unknownActivity }
        let scope = try await organiserScope(a, actor)
        try await AttendanceService(db: db, now: now, source: source).settle(a)
        return (a, scope)
    }

    /// The activities an organiser runs, newest first: staff those in scope, a partner account its organisation's.
    func organising(_ actor: Actor, limit: Int = 200) async throws -> [VolunteerActivity] {
        try Self.requireOrganiserRole(actor)
        var q = VolunteerActivity.query(on: db)
        if actor.role == .partner {
            guard let p = try await PartnerService(db: db, now: now).partner(of: actor) else { return [] }
            q = q.filter(\.$partnerID == p.id!)
        } else {
            q = q.within(actor.scope)
        }
        return try await q.sort(\.$startsAt, .descending).limit(limit).all()
    }

    /// A partner account's organisation's activities, soonest first with `upcoming`, else newest first.
    func listOrganised(by actor: Actor, upcoming: Bool, page: PageRequest) async throws -> ([VolunteerActivity], Int) {
        guard let p = try await PartnerService(db: db, now: now).partner(of: actor) else { return ([], 0) }
        var q = VolunteerActivity.query(on: db).filter(\.$partnerID == p.id!)
        if upcoming { q = q.filter(\.$endsAt >= now) }
        let total = try await q.count()
        return (try await q.sort(\.$startsAt, upcoming ? .ascending : .descending).range(page.range).all(), total)
    }

    /// Who organises `a`: a partner, the community's volunteer team, or the community itself; kind and name.
    func organiser(_ a: VolunteerActivity) async throws -> (kind: String, name: String) {
        if a.partnerID != nil { return ("partner", a.partnerName ?? "") }
        if let t = a.teamID, let team = try await VolunteerTeam.find(t, on: db) { return ("team", team.name) }
        return ("community", try await OrgNode.find(a.communityID, on: db)?.name ?? "")
    }

    /// The organiser in words for pages: 「社区」「志愿服务队」「红色合伙人」 and the name.
    static func organiserWords(_ lang: Lang, _ o: (kind: String, name: String)) -> String {
        switch o.kind {
        case "partner": lang.t("红色合伙人：\(o.name)", "Partner: \(o.name)")
        case "team": lang.t("志愿服务队：\(o.name)", "Volunteer team: \(o.name)")
        default: lang.t("社区：\(o.name)", "Community: \(o.name)")
        }
    }
}
