import Foundation
import Fluent
import JingzhiCore
import Vapor

/// The monthly joint meeting (联席会议) of a community or street with its partners: when, who attended, which projects
/// were reviewed and the minutes. Each reviewed project's own minutes point back to it.
final class JointMeeting: Model, PathScoped, @unchecked Sendable {
    static let schema = "partner_joint_meetings"
    static var pathKey: KeyPath<JointMeeting, FieldProperty<JointMeeting, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "node_id") var nodeID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "day") var day: String
    /// Who attended, one per line (units and names).
    @Field(key: "attendees") var attendees: String
    /// The projects reviewed, ids joined by `,`.
    @Field(key: "project_ids") var projectIDsRaw: String
    @Field(key: "minutes") var minutes: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var projectIDs: [UUID] { projectIDsRaw.split(separator: ",").compactMap { UUID(uuidString: String($0)) } }
}

struct JointMeetingDTO: Content {
    let id: UUID
    let nodeId: UUID
    let day: String
    let attendees: [String]
    let projectIds: [UUID]
    let minutes: String
    let createdBy: String

    init(_ m: JointMeeting) {
        id = m.id!
        nodeId = m.nodeID
        day = m.day
        attendees = m.attendees.split(separator: "\n").map(String.init)
        projectIds = m.projectIDs
        minutes = m.minutes
        createdBy = m.createdBy
    }
}

/// Records and lists joint meetings (staff of the community or street, in their area).
struct JointMeetingService {
    let db: any Database
    let now: Date
    let source: AuditSource

    init(db: any Database, now: Date, source: AuditSource) {
        self.db = db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource) }

    /// 403 for anyone but staff; 404 for a place or a project outside the area; 422 for a meeting in the future, no
    /// attendees, no project or no minutes.
    func record(nodeID: String?, day rawDay: String?, attendees rawAttendees: [String]?, projectIDs: [UUID]?, minutes rawMinutes: String?,
                by actor: Actor) async throws -> JointMeeting {
        try PartnerAccess.requireStaff(actor)
        let node = try await OrgService(db: db, now: now).node(nodeID ?? actor.user.nodeID?.uuidString ?? "", within: actor.scope, field: "nodeId")
        guard node.kind == .community || node.kind == .street else { throw APIError.invalid("nodeId", "须为社区或街道 (a community or street)") }
        let day = try ShanghaiTime.parseDay(rawDay, field: "day")
        guard day <= ShanghaiTime.today(now) else { throw APIError.invalid("day", "会议日期不能晚于今天 (the meeting cannot be in the future)") }
        let attendees = (rawAttendees ?? []).flatMap { $0.split(whereSeparator: \.isNewline) }.map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard !attendees.isEmpty else { throw APIError.missing("attendees") }
        guard attendees.count <= 60, attendees.allSatisfy({ $0.count <= 60 }) else {
            throw APIError.invalid("attendees", "参会人最多 60 位，每位不超过 60 字 (at most 60 attendees of 60 characters)")
        }
        let minutes = try Validate.text(rawMinutes, field: "minutes", max: 4000)!
        let ids = Array(Set(projectIDs ?? []))
        guard !ids.isEmpty else { throw APIError.missing("projectIds") }
        let projects = try await PartnerProject.query(on: db).filter(\.$id ~~ ids).within(DataScope(rootPath: node.path)).all()
        guard projects.count == ids.count else {
            throw APIError(.notFound, code: "unknown_project", "项目不存在或不属于该社区 (unknown project, or not of that place)", field: "projectIds")
        }
        let m = JointMeeting()
        m.id = UUID()
        m.nodeID = node.id!
        m.nodePath = node.path
        m.day = day
        m.attendees = attendees.joined(separator: "\n")
        m.projectIDsRaw = projects.map { $0.id!.uuidString }.sorted().joined(separator: ",")
        m.minutes = minutes
        m.createdBy = actor.user.displayName
        m.createdAt = now
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await m.create(on: tx)
            for p in projects {
                p.minutes = "【\(day) 联席会议】\(minutes.prefix(200))" + (p.minutes.isEmpty ? "" : "\n" + p.minutes)
                try await p.save(on: tx)
            }
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "joint_meeting", entityID: m.id, nodePath: m.nodePath,
                                      summary: "\(node.name) \(day) 联席会议：\(attendees.count) 人参加，审议项目 \(projects.map(\.title).joined(separator: "、"))")
        }
        return m
    }

    func list(for actor: Actor, page: PageRequest) async throws -> (items: [JointMeeting], total: Int) {
        try PartnerAccess.requireStaff(actor)
        let q = JointMeeting.query(on: db).within(actor.scope)
        let total = try await q.count()
        return (try await q.sort(\.$day, .descending).range(page.range).all(), total)
    }
}
