import Fluent
import JingzhiCore
import Vapor

struct LinkRequestDTO: Content {
    let id: UUID
    let userId: UUID
    let nodeId: UUID
    let room: String
    let name: String
    let status: String
    let residentId: UUID?
    let decisionNote: String?
    let createdAt: Date?

    init(_ l: LinkRequest) {
        id = l.id!
        userId = l.userID
        nodeId = l.nodeID
        room = l.room
        name = l.name
        status = l.status
        residentId = l.residentID
        decisionNote = l.decisionNote
        createdAt = l.createdAt
    }
}

/// Residents register themselves with a phone number, then ask to be linked to their household;
/// staff whose scope covers the address approve or reject.
struct Registrations {
    let db: any Database
    let now: Date
    let app: Application
    let ip: String
    let source: AuditSource

    init(req: Request) {
        db = req.db
        now = req.now
        app = req.application
        ip = req.clientIP
        source = req.auditSource
    }

    /// Sign-ups allowed per address per hour: public forms are rate-limited.
    static let perAddressPerHour = 5

    func register(phone rawPhone: String, password: String, name rawName: String, nodeID: UUID, room rawRoom: String) async throws -> LinkRequest {
        guard let phone = Validate.phone(rawPhone), phone.count == 11 else {
            throw APIError.invalid("phone", "请填写 11 位手机号 (an 11-digit mobile number is required)")
        }
        let name = try Validate.text(rawName, field: "name", max: 30)!
        let room = try Validate.text(rawRoom, field: "room", max: 20)!
        try AccountService.checkPasswordStrength(password)
        guard let node = try await OrgNode.find(nodeID, on: db), [.compound, .building, .unit].contains(node.kind) else {
            throw APIError(.unprocessableEntity, code: "unknown_node", "请选择所在小区或楼栋 (choose your compound or building)", field: "nodeId")
        }
        try await throttle()
        let source = AuditSource(actorID: nil, actorName: "居民自助注册 \(Mask.phone(phone) ?? "")", ip: ip)
        let app = self.app
        return try await db.writeTransaction { tx in
            let user = try await AccountService(app: app, db: tx).createUser(
                username: phone, password: password, role: .resident, node: nil, displayName: name, phone: phone,
                creator: nil, source: source)
            let link = LinkRequest()
            link.userID = user.id!
            link.nodeID = node.id!
            link.nodePath = node.path
            link.room = room
            link.name = name
            link.status = LinkState.pending.rawValue
            try await link.create(on: tx)
            return link
        }
    }

    private func throttle() async throws {
        try await RateLimit.hit("register:" + ip, perHour: Self.perAddressPerHour, on: db, now: now,
                                message: "注册过于频繁，请一小时后再试 (too many sign-ups from this address)")
    }

    /// Approves a request by linking the account to a resident of the register (in the approver's scope).
    static func approve(_ link: LinkRequest, resident: Resident, by actor: Actor, db: any Database, now: Date, source: AuditSource) async throws {
        guard link.state == .pending else { throw decided }
        guard actor.scope.contains(resident.nodePath) else { throw APIError.notFound }
        if let other = try await User.query(on: db).filter(\.$residentID == resident.id!).first(), other.id != link.userID {
            throw APIError.conflict("该居民已绑定其他账号 (this resident is linked to another account)", code: "resident_linked")
        }
        guard let user = try await User.find(link.userID, on: db) else { throw APIError.notFound }
        try LinkLifecycle.table.check(.approve, from: .pending, role: actor.role)
        link.residentID = resident.id
        link.decidedBy = actor.userID
        let claimed = try await LinkLifecycle.table.commit(link, .approve, from: .pending, to: .approved, subject: link.name,
                                                           note: "认证为 \(resident.name)", by: source, at: now, on: db, write: { tx in
            user.residentID = resident.id
            try await user.save(on: tx)
            try await link.save(on: tx)
        })
        guard claimed else { throw decided }
    }

    static func reject(_ link: LinkRequest, note: String?, by actor: Actor, db: any Database, now: Date, source: AuditSource) async throws {
        guard link.state == .pending else { throw decided }
        let reason = try Validate.text(note, field: "note", max: 200)
        do {
            try await LinkLifecycle.table.perform(.reject, on: link, role: actor.role, subject: link.name, note: reason,
                                                  by: source, at: now, on: db, change: {
                $0.decisionNote = reason
                $0.decidedBy = actor.userID
            })
        } catch let e as APIError where e.code == "link_request_changed" {
            throw decided  // another worker decided it a moment earlier
        }
    }

    static let decided = APIError.conflict("该申请已处理 (already decided)", code: "already_decided")
}
