import Fluent
import JingzhiCore
import Vapor

struct VolunteerDTO: Content {
    let id: UUID
    let residentId: UUID
    let name: String
    let skills: String
    let availability: String
    let teamId: UUID?
    let organisation: String
    let state: String
    let version: Int
    let note: String?
    let decidedAt: Date?
    let createdAt: Date

    init(_ v: Volunteer) {
        id = v.id!
        residentId = v.residentID
        name = v.residentName
        skills = v.skills
        availability = v.availability
        teamId = v.teamID
        organisation = v.organisation
        state = v.state
        version = v.version
        note = v.decisionNote
        decidedAt = v.decidedAt
        createdAt = v.createdAt
    }
}

struct VolunteerTeamDTO: Content {
    let id: UUID
    let communityId: UUID
    let name: String
    let description: String

    init(_ t: VolunteerTeam) {
        id = t.id!
        communityId = t.communityID
        name = t.name
        description = t.description
    }
}

struct VolunteerPostDTO: Content {
    let id: UUID
    let communityId: UUID
    let title: String
    let place: String
    let duties: String
    let state: String
    let version: Int
    /// The holder's name: in full for staff and the holder, masked (张**) for other residents.
    let holder: String?
    let mine: Bool
    let claimedAt: Date?

    init(_ p: VolunteerPost, viewer: Actor, volunteer: Volunteer?) {
        id = p.id!
        communityId = p.communityID
        title = p.title
        place = p.place
        duties = p.duties
        state = p.state
        version = p.version
        let held = volunteer != nil && p.volunteerID == volunteer?.id
        mine = held
        holder = p.holderName.map { viewer.role == .resident && !held ? Mask.name($0) : $0 }
        claimedAt = p.claimedAt
    }
}

/// `/api/v1/points/volunteers`, `/volunteer-teams`, `/volunteer-posts`: registration from the phone, staff decisions,
/// teams and posts to claim.
enum VolunteerAPI {
    static func register(_ api: any RoutesBuilder) {
        let v = api.grouped("points", "volunteers")
        v.get(use: list)
        v.get("me", use: me)
        v.post("me", use: registerMe)
        v.post(":id", "approve", use: approve)
        v.post(":id", "decline", use: decline)
        let t = api.grouped("points", "volunteer-teams")
        t.get(use: teams)
        t.post(use: createTeam)
        let p = api.grouped("points", "volunteer-posts")
        p.get(use: posts)
        p.post(use: createPost)
        p.post(":id", "claim", use: claim)
        p.post(":id", "release", use: release)
    }

    struct RegisterBody: Content { var skills: String?; var availability: String?; var team: String?; var organisation: String? }

    @Sendable static func me(req: Request) async throws -> VolunteerDTO {
        let r = try await ActivityAPI.resident(req)
        guard let v = try await VolunteerService(req: req).mine(r) else { throw VolunteerService.unknown }
        return VolunteerDTO(v)
    }

    @Sendable static func registerMe(req: Request) async throws -> VolunteerDTO {
        if try req.requireActor().role == .partner {
            throw APIError(.forbidden, code: "organisation_account",
                           "合伙人账号代表单位，员工请用本人的居民账号注册志愿者并填写单位名称 (a partner account stands for the organisation: its staff register with their own resident account, naming the partner)")
        }
        let r = try await ActivityAPI.resident(req)
        let b = try req.decodeJSON(RegisterBody.self)
        return VolunteerDTO(try await VolunteerService(req: req).register(r, .init(skills: b.skills, availability: b.availability, team: b.team, organisation: b.organisation)))
    }

    /// Staff: registrations at `?node=` (default: their own node) inside their scope, `?state=` pending/approved/declined.
    @Sendable static func list(req: Request) async throws -> Paged<VolunteerDTO> {
        let actor = try req.requireActor()
        try PointsService.requireStaff(actor)
        let page = try PageRequest(req)
        let node = try await PointsAPI.goodsNode(req, actor)
        let raw = try req.query.get(String?.self, at: "state")
        let state = try raw.map { s in
            guard let v = VolunteerState(rawValue: s) else { throw APIError.invalid("state", "状态须为 pending、approved 或 declined (state must be pending, approved or declined)") }
            return v
        }
        let (items, total) = try await VolunteerService(req: req).list(within: actor.scope, under: node.path, state: state, page: page)
        return Paged(items: items.map(VolunteerDTO.init), total: total, page: page.page, per: page.per)
    }

    struct DecideBody: Content { var note: String?; var version: Int? }

    @Sendable static func approve(req: Request) async throws -> VolunteerDTO { try await decide(req, approve: true) }
    @Sendable static func decline(req: Request) async throws -> VolunteerDTO { try await decide(req, approve: false) }

    static func decide(_ req: Request, approve: Bool) async throws -> VolunteerDTO {
        let actor = try req.requireActor()
        try PointsService.requireStaff(actor)
        let b = req.body.data == nil ? DecideBody() : try req.decodeJSON(DecideBody.self)
        let id = req.parameters.get("id").flatMap(UUID.init(uuidString:))
        return VolunteerDTO(try await VolunteerService(req: req).decide(id, approve: approve, note: b.note, expectedVersion: b.version, by: actor))
    }

    /// Teams at `?node=` (residents: their community's).
    @Sendable static func teams(req: Request) async throws -> [VolunteerTeamDTO] {
        let actor = try req.requireActor()
        guard actor.role == .resident || PointsService.staffRoles.contains(actor.role) else { throw APIError.forbidden }
        let node = try await ownCommunityOrNode(req, actor)
        return try await VolunteerService(req: req).teams(under: node.path).map(VolunteerTeamDTO.init)
    }

    struct TeamBody: Content { var community: String?; var name: String?; var description: String? }

    @Sendable static func createTeam(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try PointsService.requireStaff(actor)
        let b = try req.decodeJSON(TeamBody.self)
        let t = try await VolunteerService(req: req).createTeam(community: b.community, name: b.name, description: b.description, by: actor)
        return try await VolunteerTeamDTO(t).encodeResponse(status: .created, for: req)
    }

    /// A resident always reads their own community (a `?node=` elsewhere is ignored); staff the node asked for in scope.
    static func ownCommunityOrNode(_ req: Request, _ actor: Actor) async throws -> OrgNode {
        if actor.role == .resident {
            let r = try await ActivityAPI.resident(req)
            return try await PointsService(req: req).community(of: r)
        }
        return try await PointsAPI.goodsNode(req, actor)
    }

    @Sendable static func posts(req: Request) async throws -> [VolunteerPostDTO] {
        let actor = try req.requireActor()
        guard actor.role == .resident || PointsService.staffRoles.contains(actor.role) else { throw APIError.forbidden }
        let node = try await ownCommunityOrNode(req, actor)
        let s = VolunteerService(req: req)
        let mine = actor.role == .resident ? try await s.mine(try await ActivityAPI.resident(req)) : nil
        return try await s.posts(under: node.path).map { VolunteerPostDTO($0, viewer: actor, volunteer: mine) }
    }

    struct PostBody: Content { var community: String?; var title: String?; var place: String?; var duties: String? }

    @Sendable static func createPost(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try PointsService.requireStaff(actor)
        let b = try req.decodeJSON(PostBody.self)
        let p = try await VolunteerService(req: req).createPost(community: b.community, title: b.title, place: b.place, duties: b.duties, by: actor)
        return try await VolunteerPostDTO(p, viewer: actor, volunteer: nil).encodeResponse(status: .created, for: req)
    }

    @Sendable static func claim(req: Request) async throws -> VolunteerPostDTO {
        let r = try await ActivityAPI.resident(req)
        let s = VolunteerService(req: req)
        let p = try await s.claim(req.parameters.get("id").flatMap(UUID.init(uuidString:)), by: r)
        return VolunteerPostDTO(p, viewer: try req.requireActor(), volunteer: try await s.mine(r))
    }

    @Sendable static func release(req: Request) async throws -> VolunteerPostDTO {
        let actor = try req.requireActor()
        let p = try await VolunteerService(req: req).release(req.parameters.get("id").flatMap(UUID.init(uuidString:)), by: actor)
        return VolunteerPostDTO(p, viewer: actor, volunteer: nil)
    }
}
