import Foundation
import Fluent
import JingzhiCore
import Vapor

struct NoticeDTO: Content {
    let id: UUID
    let title: String
    let body: String
    let state: String
    let urgent: Bool
    let pinned: Bool
    let isPublic: Bool
    let audiences: [String]
    let publishAt: Date
    let publishedAt: Date?
    let expiresAt: Date?
    let recipients: Int
    let version: Int
    /// For a recipient: when they read and acknowledged it.
    var readAt: Date?
    var ackedAt: Date?

    init(_ n: Notice, row: NoticeRecipient? = nil) {
        id = n.id!
        title = n.title
        body = n.body
        state = n.stateRaw
        urgent = n.urgent
        pinned = n.pinned
        isPublic = n.isPublic
        audiences = n.audiences.map(\.rawValue)
        publishAt = n.publishAt
        publishedAt = n.publishedAt
        expiresAt = n.expiresAt
        recipients = n.recipientCount
        version = n.version
        readAt = row?.readAt
        ackedAt = row?.ackedAt
    }
}

struct NoticeGridReceipt: Content {
    let gridId: UUID?
    let name: String
    let recipients: Int
    let read: Int
    let acknowledged: Int
    let delivered: Int
    let unreached: Int

    init(_ l: NoticeReceipts.GridLine) {
        gridId = l.gridID
        name = l.name
        recipients = l.recipients
        read = l.read
        acknowledged = l.acked
        delivered = l.delivered
        unreached = l.unreached
    }
}

struct NoticeReceiptsDTO: Content {
    let noticeId: UUID
    let recipients: Int
    let read: Int
    let acknowledged: Int
    let delivered: Int
    let unreached: Int
    let grids: [NoticeGridReceipt]
}

/// `/api/v1/notices` (staff) and `/api/v1/me/notices` (whoever they were sent to).
enum NoticesAPI {
    struct TargetBody: Content {
        var nodeId: UUID?
        var tags: [String]?
    }

    struct CreateBody: Content {
        var title: String?
        var body: String?
        var targets: [TargetBody]?
        var audiences: [String]?
        var urgent: Bool?
        var pinned: Bool?
        var `public`: Bool?
        var publishAt: String?
        var expiresAt: String?

        static func time(_ raw: String?, _ field: String) throws -> Date? {
            guard let raw, !raw.isEmpty else { return nil }
            guard let t = ISOTime.parse(raw) else { throw APIError.invalid(field, "时间格式应为 RFC 3339，如 2026-12-01T09:00:00+08:00 (use RFC 3339 times)") }
            return t
        }

        func input() throws -> NoticeInput {
            NoticeInput(title: title, body: body, targets: (targets ?? []).map { .init(nodeID: $0.nodeId, tags: $0.tags ?? []) },
                        audiences: audiences ?? [], urgent: urgent ?? false, pinned: pinned ?? false, isPublic: self.public ?? false,
                        publishAt: try Self.time(publishAt, "publishAt"), expiresAt: try Self.time(expiresAt, "expiresAt"))
        }
    }

    struct ActBody: Content {
        var version: Int?
        var note: String?
    }

    static func register(_ api: any RoutesBuilder) {
        let notices = api.grouped("notices")
        notices.get(use: list)
        notices.post(use: create)
        notices.post("preview", use: preview)
        notices.get(":id", use: show)
        notices.post(":id", "publish", use: { try await act($0, .publish) })
        notices.post(":id", "withdraw", use: { try await act($0, .withdraw) })
        notices.get(":id", "receipts", use: receipts)
        let me = api.grouped("me", "notices")
        me.get(use: mine)
        me.post(":id", "read", use: read)
        me.post(":id", "ack", use: ack)
    }

    @Sendable static func list(req: Request) async throws -> [NoticeDTO] {
        let actor = try req.requireActor()
        guard NoticeReceipts.followsArea(actor) else { throw APIError.forbidden }
        return try await NoticePages.area(req, actor).map { NoticeDTO($0) }
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let n = try await NoticeService(req: req).create(try req.decodeJSON(CreateBody.self).input(), by: actor)
        return try await NoticeDTO(n).encodeResponse(status: .created, for: req)
    }

    @Sendable static func preview(req: Request) async throws -> [String: Int] {
        let actor = try req.requireActor()
        return ["recipients": try await NoticeService(req: req).preview(try req.decodeJSON(CreateBody.self).input(), by: actor)]
    }

    @Sendable static func show(req: Request) async throws -> NoticeDTO {
        let actor = try req.requireActor()
        let receipts = NoticeReceipts(req: req)
        let n = try await receipts.load(try req.idParameter(), for: actor)
        return NoticeDTO(n, row: try await receipts.row(n.id!, for: actor))
    }

    static func act(_ req: Request, _ action: NoticeAction) async throws -> NoticeDTO {
        let actor = try req.requireActor()
        try NoticeService.requireSender(actor)
        let n = try await NoticeReceipts(req: req).load(try req.idParameter(), for: actor)
        guard actor.scope.contains(n.nodePath) else { throw APIError.notFound }
        let body = req.body.data?.readableBytes ?? 0 > 0 ? try req.decodeJSON(ActBody.self) : ActBody()
        return NoticeDTO(try await NoticeService(req: req).perform(action, on: n, by: actor, version: body.version, note: body.note))
    }

    @Sendable static func receipts(req: Request) async throws -> NoticeReceiptsDTO {
        let actor = try req.requireActor()
        guard NoticeReceipts.followsArea(actor) else { throw APIError.notFound }
        let service = NoticeReceipts(req: req)
        let n = try await service.load(try req.idParameter(), for: actor)
        let (t, grids) = try await service.perGrid(n, for: actor)
        return NoticeReceiptsDTO(noticeId: n.id!, recipients: t.recipients, read: t.read, acknowledged: t.acked, delivered: t.delivered,
                                 unreached: t.unreached, grids: grids.map(NoticeGridReceipt.init))
    }

    @Sendable static func mine(req: Request) async throws -> [NoticeDTO] {
        let actor = try req.requireActor()
        return try await NoticeReceipts(req: req).mine(actor).map { NoticeDTO($0.0, row: $0.1) }
    }

    @Sendable static func read(req: Request) async throws -> NoticeDTO {
        let actor = try req.requireActor()
        let service = NoticeReceipts(req: req)
        let n = try await loadMine(req, actor)
        return NoticeDTO(n, row: try await service.read(n, by: actor))
    }

    @Sendable static func ack(req: Request) async throws -> NoticeDTO {
        let actor = try req.requireActor()
        let n = try await loadMine(req, actor)
        return NoticeDTO(n, row: try await NoticeReceipts(req: req).acknowledge(n, by: actor))
    }

    /// A live notice addressed to the caller; 404 for anything else, staff included.
    static func loadMine(_ req: Request, _ actor: Actor) async throws -> Notice {
        let service = NoticeReceipts(req: req)
        guard let n = try await Notice.find(try req.idParameter(), on: req.db), n.isLive(at: req.now),
              try await service.row(n.id!, for: actor) != nil else { throw APIError.notFound }
        return n
    }
}
