import Foundation
import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// What composing a notice carries, from the API or the form.
struct NoticeInput: Sendable {
    struct Target: Sendable {
        var nodeID: UUID?
        var tags: [String] = []
    }

    var title: String?
    var body: String?
    var targets: [Target] = []
    var audiences: [String] = []
    var urgent = false
    var pinned = false
    var isPublic = false
    var publishAt: Date?
    var expiresAt: Date?
}

/// A checked notice, ready to preview or send.
struct NoticeDraft: Sendable {
    let title: String
    let body: String
    let targets: [(node: OrgNode, tags: [String])]
    let reach: NoticeReach
}

/// Notices: composing, reach, publishing (now or at a set time), withdrawing. Reading and receipts: NoticeReceipts.swift.
struct NoticeService {
    let db: any Database
    let now: Date
    let source: AuditSource
    var messages = MessageSettings()

    init(db: any Database, now: Date, source: AuditSource = .system(), messages: MessageSettings = MessageSettings()) {
        self.db = db
        self.now = now
        self.source = source
        self.messages = messages
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource, messages: req.application.messageSettings) }

    static func requireSender(_ actor: Actor) throws {
        guard NoticeRole(actor) == .sender else {
            throw APIError(.forbidden, code: "forbidden", "只有街道、社区工作人员可以发布通知 (only street and community staff send notices)")
        }
    }

    /// Checks what staff typed: every target inside their scope (404 otherwise, as for a node that does not exist), known
    /// tags and audiences.
    func check(_ input: NoticeInput, by actor: Actor) async throws -> NoticeDraft {
        try Self.requireSender(actor)
        let title = try Validate.text(input.title, field: "title", max: 80)!
        guard title.count >= 2 else { throw APIError.invalid("title", "标题至少 2 个字 (the title needs at least 2 characters)") }
        let body = try Validate.text(input.body, field: "body", max: 5000)!
        let audiences = try Self.audiences(input.audiences)
        guard !input.targets.isEmpty else { throw APIError.missing("targets") }
        guard input.targets.count <= 50 else { throw APIError.invalid("targets", "最多选择 50 个范围 (at most 50 targets)") }
        var targets: [(node: OrgNode, tags: [String])] = []
        for t in input.targets {
            guard let id = t.nodeID, let node = try await OrgNode.find(id, on: db), actor.scope.contains(node.path) else {
                throw APIError(.notFound, code: "unknown_node", "发送范围不存在或不在您的辖区内 (unknown place, or outside your area)", field: "targets")
            }
            let tags = Array(Set(t.tags.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })).sorted()
            if let bad = tags.first(where: { !ResidentTags.all.contains($0) }) {
                throw APIError.invalid("tags", "未知的人群标签「\(bad)」 (unknown tag \(bad))")
            }
            targets.append((node, tags))
        }
        if let publishAt = input.publishAt, publishAt > now.addingTimeInterval(366 * 86400) {
            throw APIError.invalid("publishAt", "定时发布不能超过一年 (schedule at most a year ahead)")
        }
        if let expires = input.expiresAt, expires <= max(input.publishAt ?? now, now) {
            throw APIError.invalid("expiresAt", "截止时间须晚于发布时间 (the expiry must be after the publishing time)")
        }
        let reach = NoticeReach(targets: targets.map { .init(path: $0.node.path, tags: $0.tags) }, audiences: audiences)
        return NoticeDraft(title: title, body: body, targets: targets, reach: reach)
    }

    static func audiences(_ raw: [String]) throws -> [NoticeAudience] {
        let values = Set(raw.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty })
        guard !values.isEmpty else { return [.residents] }
        guard values.allSatisfy({ NoticeAudience(rawValue: $0) != nil }) else {
            throw APIError.invalid("audiences", "发送对象须为 residents、grid_workers、partners、staff (audiences: residents, grid_workers, partners, staff)")
        }
        return NoticeAudience.allCases.filter { values.contains($0.rawValue) }
    }

    /// How many people the notice would reach now: the query publishing runs.
    func preview(_ input: NoticeInput, by actor: Actor) async throws -> Int {
        try await check(input, by: actor).reach.count(on: db)
    }

    /// Creates the notice, refusing one that reaches nobody, and publishes it now unless it is set for later (the scheduler
    /// publishes it then).
    func create(_ input: NoticeInput, by actor: Actor) async throws -> Notice {
        let draft = try await check(input, by: actor)
        guard try await draft.reach.count(on: db) > 0 else {
            throw APIError(.unprocessableEntity, code: "reaches_nobody",
                           "按所选范围、人群和对象，这条通知不会送达任何人，请调整发送范围 (this notice would reach nobody; widen the targets)", field: "targets")
        }
        let n = Notice()
        n.id = UUID()
        n.title = draft.title
        n.body = draft.body
        n.nodePath = actor.nodePath
        n.stateRaw = NoticeState.scheduled.rawValue
        n.urgent = input.urgent
        n.pinned = input.pinned
        n.isPublic = input.isPublic
        n.audiencesRaw = draft.reach.audiences.map(\.rawValue).joined(separator: ",")
        n.publishAt = max(input.publishAt ?? now, now)
        n.expiresAt = input.expiresAt
        n.recipientCount = 0
        n.authorID = actor.userID
        n.authorName = actor.user.displayName
        n.version = 1
        n.createdAt = now
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await n.create(on: tx)
            for t in draft.targets {
                let row = NoticeTarget()
                row.noticeID = n.id!
                row.nodeID = t.node.id!
                row.nodePath = t.node.path
                row.tagsRaw = t.tags.joined(separator: ",")
                try await row.create(on: tx)
            }
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "notice", entityID: n.id, nodePath: n.nodePath,
                                      summary: "通知「\(draft.title)」：拟稿，发送范围 \(draft.targets.map(\.node.name).joined(separator: "、"))")
        }
        guard n.publishAt <= now else { return n }
        return try await publish(n, role: .sender)
    }

    /// The targets of a notice as its reach.
    func reach(of n: Notice) async throws -> NoticeReach {
        let targets = try await NoticeTarget.query(on: db).filter(\.$noticeID == n.id!).all()
        return NoticeReach(targets: targets.map { .init(path: $0.nodePath, tags: $0.tags) }, audiences: n.audiences)
    }

    /// Publishes: one recipient row per person and the urgent notice's text messages, with the state move, its history and
    /// audit entry, in one transaction. A notice already published is returned as it is, so a retry writes nothing twice.
    func publish(_ n: Notice, role: NoticeRole) async throws -> Notice { try await publishing(n, role: role).notice }

    /// `wrote` is false when the notice was published already (by a retry, or by another server first).
    func publishing(_ n: Notice, role: NoticeRole) async throws -> (notice: Notice, wrote: Bool) {
        if n.state == .published { return (n, false) }
        try NoticeLifecycle.table.check(.publish, from: n.state, role: role)
        let reach = try await reach(of: n)
        let count = try await reach.count(on: db)
        // Only an urgent notice needs the people in Swift: their phones for the text messages.
        let people = n.urgent ? try await reach.people(on: db) : []
        let phones = n.urgent ? try await Self.phones(of: people, on: db) : [:]
        let id = n.id!, now = now, messages = messages
        n.publishedAt = now
        n.recipientCount = count
        let text = "【\(n.title)】" + NoticeFormat.plain(n.body)
        let claimed = try await NoticeLifecycle.table.commit(
            n, .publish, from: n.state, to: .published, subject: "「\(n.title)」", note: "送达 \(count) 人",
            by: role == .system ? .system("定时发布") : source, at: now, on: db, changes: ["recipients": [nil, String(count)]],
            write: { tx in
                // The rows come from the reach's own queries inside the transaction: what was written is the count kept.
                n.recipientCount = try await reach.insertRecipients(id, on: tx)
                try await n.save(on: tx)
                let texts = people.compactMap { p in
                    phones[p.personKey].map { MessageService.Outgoing(personKey: p.personKey, residentID: p.residentID, userID: p.userID, phone: $0, nodePath: p.nodePath) }
                }
                try await MessageService(db: tx, now: now, settings: messages).queue(texts, text: text, kind: "notice", refID: id)
            })
        guard claimed else {
            // Another server or a retry got there first: answer with what it wrote.
            guard let fresh = try await Notice.find(id, on: db), fresh.state == .published else { throw NoticeLifecycle.table.changed }
            return (fresh, false)
        }
        return (n, true)
    }

    /// The phones text messages go to: a resident's in the register, an account's own.
    static func phones(of people: [NoticeReach.Person], on db: any Database) async throws -> [String: String] {
        var out: [String: String] = [:]
        let residentIDs = people.compactMap(\.residentID), userIDs = people.compactMap(\.userID)
        for chunk in stride(from: 0, to: residentIDs.count, by: 500).map({ Array(residentIDs[$0..<min($0 + 500, residentIDs.count)]) }) {
            for r in try await Resident.query(on: db).filter(\.$id ~~ chunk).all() {
                if let p = r.phone, !p.isEmpty { out["r:" + r.id!.uuidString] = p }
            }
        }
        for chunk in stride(from: 0, to: userIDs.count, by: 500).map({ Array(userIDs[$0..<min($0 + 500, userIDs.count)]) }) {
            for u in try await User.query(on: db).filter(\.$id ~~ chunk).all() {
                if let p = u.phone, !p.isEmpty { out["u:" + u.id!.uuidString] = p }
            }
        }
        return out
    }

    /// Withdraw, pin or unpin (publishing goes through `publish`).
    func perform(_ action: NoticeAction, on n: Notice, by actor: Actor, version: Int? = nil, note: String? = nil) async throws -> Notice {
        if action == .publish {
            try NoticeLifecycle.table.checkVersion(expected: version, actual: n.version)
            return try await publish(n, role: NoticeRole(actor))
        }
        guard actor.scope.contains(n.nodePath) else { throw APIError.notFound }
        let reason = try Validate.text(note, field: "note", max: 500, required: action == .withdraw)
        try await NoticeLifecycle.table.perform(action, on: n, role: NoticeRole(actor), expectedVersion: version, subject: "「\(n.title)」",
                                                note: reason, by: source, at: now, on: db, change: { n in
            if action == .pin { n.pinned = true }
            if action == .unpin { n.pinned = false }
        })
        return n
    }

    /// Publishes every scheduled notice whose time has come (the scheduler's minute tick); the version claim makes each
    /// happen once even with several app servers.
    func publishDue() async throws -> Int {
        var done = 0
        for n in try await Notice.query(on: db).filter(\.$stateRaw == NoticeState.scheduled.rawValue).filter(\.$publishAt <= now).limit(50).all() {
            if try await publishing(n, role: .system).wrote { done += 1 }
        }
        return done
    }
}
