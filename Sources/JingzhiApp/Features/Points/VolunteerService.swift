import Fluent
import Foundation
import JingzhiCore
import Vapor

/// Volunteers (志愿者): a resident (party members and partners' staff too, with their own resident account, naming their
/// unit or partner) registers from the phone, the community's staff approve or decline; teams; posts
/// (岗位) that approved volunteers claim and that the holder or staff release.
struct VolunteerService {
    let db: any Database
    let now: Date
    let source: AuditSource

    init(db: any Database, now: Date, source: AuditSource = .system()) {
        self.db = db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource) }

    /// What a resident fills in.
    struct Registration: Sendable {
        var skills: String?
        var availability: String?
        var team: String?
        var organisation: String?
    }

    static let unknown = APIError(.notFound, code: "unknown_volunteer", "志愿者不存在或不在您的管辖范围 (unknown volunteer)")
    static let unknownPost = APIError(.notFound, code: "unknown_post", "岗位不存在或不在您的管辖范围 (unknown post)")
    static let notApproved = APIError.conflict("请先注册志愿者并等待社区审核通过 (register as a volunteer and wait for approval first)", code: "not_a_volunteer")

    func mine(_ resident: Resident) async throws -> Volunteer? {
        try await Volunteer.query(on: db).filter(\.$residentID == resident.id!).first()
    }

    /// Registers `resident` or updates their registration. A declined one goes back to the staff (resubmit); an approved
    /// one keeps its approval while the volunteer updates skills and hours.
    func register(_ resident: Resident, _ input: Registration) async throws -> Volunteer {
        let skills = try Validate.text(input.skills, field: "skills", max: 200)!
        let availability = try Validate.text(input.availability, field: "availability", max: 200)!
        var organisation = try Validate.text(input.organisation, field: "organisation", max: 100, required: false) ?? ""
        // A party member (在职党员, 双报到) who leaves it blank volunteers for the unit they reported from.
        if organisation.isEmpty { organisation = try await PartnerService(db: db, now: now).memberUnit(resident: resident.id!) ?? "" }
        let community = try await PointsService(db: db, now: now).community(of: resident)
        let team = try await input.team.flatMap { $0.isEmpty ? nil : $0 }.asyncMap { try await self.team($0, in: community) }
        let v = try await mine(resident) ?? Volunteer()
        let creating = v.id == nil
        if creating {
            v.id = UUID()
            v.residentID = resident.id!
            v.state = VolunteerState.pending.rawValue
            v.version = 1
            v.createdAt = now
        }
        v.residentName = resident.name
        v.communityID = community.id!
        v.nodePath = community.path
        v.skills = skills
        v.availability = availability
        v.organisation = organisation
        v.teamID = team?.id
        v.updatedAt = now
        if v.volunteerState == .declined {
            let lc = VolunteerLifecycle.registration
            v.decisionNote = nil
            try await lc.perform(.resubmit, on: v, role: .volunteer, subject: Mask.name(v.residentName), by: source, at: now, on: db)
            return v
        }
        do {
            try await db.writeTransaction { [source, now] tx in
                if creating { try await v.create(on: tx) } else { try await v.save(on: tx) }
                try await AuditLog.record(on: tx, by: source, at: now, action: creating ? "register" : "update", entity: "volunteer",
                                          entityID: v.id, nodePath: v.nodePath, summary: "志愿者注册 \(Mask.name(v.residentName))")
            }
        } catch where creating && (error as? any DatabaseError)?.isConstraintFailure == true {
            // The same resident sent the form twice at once: the first one registered.
            guard let first = try await mine(resident) else { throw error }
            return first
        }
        return v
    }

    /// Staff approve or decline a registration in their scope (a note is required to decline: the resident reads it).
    func decide(_ id: UUID?, approve: Bool, note rawNote: String?, expectedVersion: Int?, by actor: Actor) async throws -> Volunteer {
        try PointsService.requireStaff(actor)
        guard let id, let v = try await Volunteer.query(on: db).filter(\.$id == id).within(actor.scope).first() else { throw Self.unknown }
        let note = try Validate.text(rawNote, field: "note", max: 200, required: !approve)
        try await VolunteerLifecycle.registration.perform(approve ? .approve : .decline, on: v, role: .staff, expectedVersion: expectedVersion,
                                                         subject: Mask.name(v.residentName), note: note, by: source, at: now, on: db, change: { [now] v in
            v.decisionNote = note
            v.decidedAt = now
            v.updatedAt = now
        })
        return v
    }

    func list(within scope: DataScope, under path: String, state: VolunteerState?, page: PageRequest) async throws -> ([Volunteer], Int) {
        var q = Volunteer.query(on: db).within(scope).within(DataScope(rootPath: path))
        if let state { q = q.filter(\.$state == state.rawValue) }
        let total = try await q.count()
        return (try await q.sort(\.$createdAt, .descending).sort(\.$id).range(page.range).all(), total)
    }

    // MARK: teams

    func team(_ raw: String, in community: OrgNode) async throws -> VolunteerTeam {
        guard let id = UUID(uuidString: raw), let t = try await VolunteerTeam.query(on: db).filter(\.$id == id)
            .filter(\.$communityID == community.id!).first() else {
            throw APIError(.notFound, code: "unknown_team", "志愿服务队不存在 (unknown team)", field: "team")
        }
        return t
    }

    func teams(under path: String) async throws -> [VolunteerTeam] {
        try await VolunteerTeam.query(on: db).within(DataScope(rootPath: path)).sort(\.$nodePath).sort(\.$name).limit(500).all()
    }

    func createTeam(community raw: String?, name rawName: String?, description: String?, by actor: Actor) async throws -> VolunteerTeam {
        try PointsService.requireStaff(actor)
        let community = try await communityNode(raw, actor)
        let t = VolunteerTeam()
        t.id = UUID()
        t.communityID = community.id!
        t.nodePath = community.path
        t.name = try Validate.text(rawName, field: "name", max: 60)!
        t.description = try Validate.text(description, field: "description", max: 500, required: false) ?? ""
        t.createdAt = now
        do {
            try await db.writeTransaction { [source, now] tx in
                try await t.create(on: tx)
                try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "volunteer_team", entityID: t.id,
                                          nodePath: t.nodePath, summary: "志愿服务队 \(t.name)")
            }
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            throw APIError.conflict("本社区已有同名的志愿服务队 (the community already has a team of that name)", code: "duplicate_team")
        }
        return t
    }

    /// A community in the staff member's scope (by id or code); anything else 404s as missing.
    func communityNode(_ raw: String?, _ actor: Actor) async throws -> OrgNode {
        let node = try await OrgService(db: db, now: now).node(try Validate.text(raw, field: "community", max: 100)!, within: actor.scope, field: "community")
        guard node.kind == .community else { throw APIError.invalid("community", "须为社区 (must be a community)") }
        return node
    }

    // MARK: posts

    func createPost(community raw: String?, title rawTitle: String?, place: String?, duties: String?, by actor: Actor) async throws -> VolunteerPost {
        try PointsService.requireStaff(actor)
        let community = try await communityNode(raw, actor)
        let p = VolunteerPost()
        p.id = UUID()
        p.communityID = community.id!
        p.nodePath = community.path
        p.title = try Validate.text(rawTitle, field: "title", max: 60)!
        p.place = try Validate.text(place, field: "place", max: 60, required: false) ?? ""
        p.duties = try Validate.text(duties, field: "duties", max: 500, required: false) ?? ""
        p.state = VolunteerPostState.open.rawValue
        p.version = 1
        p.createdAt = now
        try await db.writeTransaction { [source, now] tx in
            try await p.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "volunteer_post", entityID: p.id,
                                      nodePath: p.nodePath, summary: "志愿岗位 \(p.title) \(p.place)")
        }
        return p
    }

    func posts(under path: String, state: VolunteerPostState? = nil) async throws -> [VolunteerPost] {
        var q = VolunteerPost.query(on: db).within(DataScope(rootPath: path))
        if let state { q = q.filter(\.$state == state.rawValue) }
        return try await q.sort(\.$nodePath).sort(\.$title).sort(\.$place).limit(500).all()
    }

    /// An approved volunteer of the post's community claims it; of two claims at once one wins, the other is told (409).
    func claim(_ id: UUID?, by resident: Resident) async throws -> VolunteerPost {
        guard let v = try await mine(resident), v.volunteerState == .approved else { throw Self.notApproved }
        guard let id, let p = try await VolunteerPost.query(on: db).filter(\.$id == id).filter(\.$communityID == v.communityID).first() else {
            throw Self.unknownPost
        }
        try await VolunteerLifecycle.post.perform(.claim, on: p, role: .volunteer, subject: "\(p.title) \(p.place)", by: source, at: now, on: db,
                                                  change: { [now] p in
            p.volunteerID = v.id
            p.holderName = v.residentName
            p.claimedAt = now
        })
        return p
    }

    /// The holder gives the post up, or staff in scope take it back; it is open again.
    func release(_ id: UUID?, by actor: Actor) async throws -> VolunteerPost {
        let party: VolunteerParty
        var p: VolunteerPost?
        if actor.role == .resident {
            party = .volunteer
            let v = try await actor.user.residentID.asyncMap { try await Volunteer.query(on: db).filter(\.$residentID == $0).first() } ?? nil
            if let id, let v { p = try await VolunteerPost.query(on: db).filter(\.$id == id).filter(\.$volunteerID == v.id!).first() }
        } else {
            try PointsService.requireStaff(actor)
            party = .staff
            if let id { p = try await VolunteerPost.query(on: db).filter(\.$id == id).within(actor.scope).first() }
        }
        guard let p else { throw Self.unknownPost }
        let lc = VolunteerLifecycle.post
        try lc.check(.release, from: p.postState, role: party)
        // Held for a partner or party member (no volunteer): whoever keeps that claim ends it in the same transaction.
        let held = p.volunteerID == nil ? p.holderName : nil
        let note = p.holderName.map(Mask.name), from = p.postState, source = source, now = now
        p.volunteerID = nil
        p.holderName = nil
        p.claimedAt = nil
        guard try await lc.commit(p, .release, from: from, to: lc.target(.release, from: from), subject: "\(p.title) \(p.place)", note: note,
                                  by: source, at: now, on: db, write: { tx in
            try await p.save(on: tx)
            if let held { try await VolunteerPostHooks.shared.runFreed(p, holder: held, on: tx, now: now, source: source) }
        }) else { throw lc.changed }
        return p
    }
}
