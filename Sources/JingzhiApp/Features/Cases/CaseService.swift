import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// What a submission carries, from any channel.
struct CaseSubmission: Sendable {
    var categoryCode: String?
    var nodeID: UUID?
    var description: String?
    var latitude: Double?
    var longitude: Double?
    var channel: String
    var reporterName: String?
    var reporterPhone: String?
    /// The place is only the area the request came from (an address that matched nothing): a street or the county
    /// is accepted, the case is handled there, and a dispatcher places it (地点待核实).
    var placeUnverified = false
}

/// Parameters some transitions need.
struct CaseTransitionInput: Sendable {
    var note: String?
    var level: HandlerLevel?
    var handlerNodeID: UUID?
    var departmentCode: String?
    var rating: CaseMachine.Rating?
    var mergeInto: UUID?
    /// Dispatch only: a resolution deadline earlier than the category's.
    var resolutionDueAt: Date?
}

/// The closed loop: intake and every move of a case, each one transaction with an event in its history.
struct CaseService {
    let db: any Database
    let now: Date
    /// Where the request came from, for the audit trail (the system when no one asked).
    let source: AuditSource

    init(db: any Database, now: Date, source: AuditSource = .system()) {
        self.db = db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource) }

    static let channels = ["web", "qr", "hotline", "patrol", "device", "deliberation", "open311", "api"]
    static let channelNames = ["web": "网页", "qr": "扫码", "hotline": "热线", "patrol": "网格巡查", "device": "智能设备",
                               "deliberation": "议事会", "open311": "Open311", "api": "接口"]

    /// Files a case. A retry under the same idempotency key returns the case made the first time (created: false).
    func submit(_ s: CaseSubmission, by actor: Actor?, idempotencyKey: String?) async throws -> (Case, created: Bool) {
        let filed = try await file(s, by: actor, idempotencyKey: idempotencyKey)
        return (filed.caseRecord, filed.created)
    }

    /// A submission's outcome; `firstEvent` is the history of a case made now (nil for a retry).
    struct Filed: Sendable {
        let caseRecord: Case
        let created: Bool
        let firstEvent: CaseEvent?
    }

    /// `submit`, also handing back the new case's first event so the answer needs no read of its history.
    func file(_ s: CaseSubmission, by actor: Actor?, idempotencyKey: String?) async throws -> Filed {
        let owner = actor.map { "u:" + $0.userID.uuidString } ?? "p:" + (s.reporterPhone ?? "")
        let key = try idempotencyKey.map { raw -> String in
            let k = raw.trimmingCharacters(in: .whitespaces)
            guard (1...200).contains(k.count) else { throw APIError.invalid("Idempotency-Key", "幂等键须为 1–200 个字符 (key must be 1–200 characters)") }
            return owner + ":" + k
        }
        if let key, let seen = try await IdempotencyRecord.query(on: db).filter(\.$key == key).first(),
           let existing = try await Case.find(seen.caseID, on: db) {
            return Filed(caseRecord: existing, created: false, firstEvent: nil)
        }
        guard let code = s.categoryCode, !code.isEmpty else { throw APIError.missing("categoryCode") }
        guard let category = try await CaseCategory.query(on: db).filter(\.$code == code).filter(\.$active == true).first() else {
            throw APIError.invalid("categoryCode", "未知诉求类别 \(code) (unknown category)")
        }
        guard let nodeID = s.nodeID else { throw APIError.missing("nodeId") }
        guard let node = try await OrgNode.find(nodeID, on: db), actor.map({ $0.role == .resident || $0.scope.contains(node.path) }) ?? true else {
            throw APIError(.notFound, code: "unknown_node", "地点不存在或不在您的管辖范围 (unknown location)", field: "nodeId")
        }
        guard s.placeUnverified || (node.kind != .county && node.kind != .street) else {
            throw APIError.invalid("nodeId", "请选择小区、楼栋或网格 (choose a compound, building or grid)")
        }
        // Open311 allows 4,000 characters of description, and adds the answers to its questions.
        let description = try Validate.text(s.description, field: "description", max: s.channel == "open311" ? 5000 : 2000)!
        guard Self.channels.contains(s.channel) else { throw APIError.invalid("channel", "未知渠道 (unknown channel)") }
        if let lat = s.latitude, !(-90...90).contains(lat) { throw APIError.invalid("latitude", "纬度无效 (invalid latitude)") }
        if let lon = s.longitude, !(-180...180).contains(lon) { throw APIError.invalid("longitude", "经度无效 (invalid longitude)") }
        if let phone = s.reporterPhone, !phone.isEmpty, Validate.phone(phone) == nil {
            throw APIError.invalid("reporterPhone", "电话号码无效 (invalid phone number)")
        }
        // An unplaced case goes to the area it came from, whose dispatchers place it.
        // The place and every unit above it, read once: the handler, the number's prefix and the handler's path come from it.
        let chain = try await OrgService(db: db, now: now).ancestors(of: node)
        var handler: (node: UUID?, department: UUID?) = (node.id, nil)
        if !s.placeUnverified { handler = Self.defaultHandler(for: category, chain: chain) }
        let c = Case()
        c.categoryID = category.id!
        c.categoryCode = category.code
        c.nodeID = node.id!
        c.nodePath = node.path
        c.latitude = s.latitude
        c.longitude = s.longitude
        c.description = description
        c.channel = s.channel
        // A hotline operator files for a caller, who is not the operator: the case has no reporting account.
        c.reporterID = s.channel == "hotline" ? nil : actor?.userID
        c.reporterName = try Validate.text(s.reporterName ?? actor?.user.displayName, field: "reporterName", max: 30, required: false)
        c.reporterPhone = s.reporterPhone.flatMap { $0.isEmpty ? nil : $0 } ?? actor?.user.phone
        c.stateRaw = CaseState.submitted.rawValue
        c.handlerLevelRaw = s.placeUnverified ? Self.level(of: node.kind).rawValue : category.defaultLevel.rawValue
        c.handlerNodeID = handler.node
        c.handlerDepartmentID = handler.department
        c.responseDueAt = Deadlines.due(from: now, hours: category.responseHours, workingHours: category.workingHours)
        c.resolutionDueAt = Deadlines.due(from: now, hours: category.resolutionHours, workingHours: category.workingHours)
        c.reopenedCount = 0
        c.version = 1
        c.createdAt = now
        let actorName = actor.map { "\($0.user.displayName)" } ?? (c.reporterName ?? "匿名居民")
        // Reads that need no lock are done before the write transaction, which on SQLite is one at a time.
        var foundPath = chain.first { $0.id == handler.node }?.path
        if foundPath == nil, handler.node != nil { foundPath = try await CaseAccess.handlerPath(of: c, on: db) }
        let handlerPath = foundPath
        let prefix = (chain.first?.code ?? "JZ") + ShanghaiTime.format(now, "yyyyMMdd") + "-"
        let notifier = CaseNotifier(db: db, now: now)
        let recipients = try await notifier.handlerUsers(of: c)
        // Two submissions at once may pick the same number; the unique index refuses the second, which tries again.
        var first: CaseEvent?
        for attempt in 1...5 {
            do {
                first = try await db.writeTransaction { tx in
                    c.number = try await nextNumber(prefix: prefix, on: tx)
                    try await c.create(on: tx)
                    try await CaseTallies.apply(old: nil, new: CaseTallyFacts(newCase: c), on: tx)
                    try await CaseHandlings.record(c, nodePath: handlerPath, on: tx, at: now)
                    if let key {
                        let record = IdempotencyRecord()
                        record.key = key
                        record.caseID = c.id!
                        try await record.create(on: tx)
                    }
                    let e = try await event(c, action: "submit", from: "", to: .submitted, actorID: actor?.userID, actorName: actorName,
                                            note: "经\(Self.channelNames[s.channel] ?? s.channel)渠道提交" + (s.placeUnverified ? "（地点待核实）" : ""), on: tx)
                    try await CaseNotifier(db: tx, now: now).send(recipients, case: c, kind: "new_case", text: "新诉求 \(c.number)：\(description.prefix(40))")
                    return e
                }
                break
            } catch let error as any DatabaseError where error.isConstraintFailure && attempt < 5 {
                // The same retry arriving twice at once: the first one won, answer with its case.
                if let key, let seen = try await IdempotencyRecord.query(on: db).filter(\.$key == key).first(),
                   let existing = try await Case.find(seen.caseID, on: db) {
                    return Filed(caseRecord: existing, created: false, firstEvent: nil)
                }
                c.id = nil
                c.$id.exists = false
                continue
            }
        }
        return Filed(caseRecord: c, created: true, firstEvent: first)
    }

    /// The handling level of a unit of the tree, for a case handled where it was put.
    static func level(of kind: NodeKind) -> HandlerLevel {
        switch kind {
        case .county, .street: .street
        case .community: .community
        case .compound, .building, .unit: .property
        case .grid, .microGrid: .grid
        }
    }

    /// The unit a category sends a case to by default, from the place's chain of units (root first, the place last):
    /// the matching ancestor, the department, or the compound (property).
    static func defaultHandler(for category: CaseCategory, chain: [OrgNode]) -> (node: UUID?, department: UUID?) {
        let kind: NodeKind
        switch category.defaultLevel {
        case .department: return (nil, category.defaultDepartmentID)
        case .grid: kind = .grid
        case .street: kind = .street
        case .property: kind = .compound
        case .community: kind = .community
        }
        return (chain.last { $0.kind == kind }?.id ?? chain.last { $0.kind == .community }?.id, nil)
    }

    /// `<root code><yyyyMMdd>-<n>`, counting the cases of that day.
    private func nextNumber(prefix: String, on tx: any Database) async throws -> String {
        // PostgreSQL runs intakes side by side, on several servers: without a turn each, many counted the same day at
        // once, took the same number and ran out of retries under load (SQLite has one writer at a time).
        if tx.isPostgres { try await tx.sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: prefix)))").run() }
        let today = try await Case.query(on: tx).filter(\.$number >= prefix).filter(\.$number < prefix + "~").count()
        return prefix + String(format: "%04d", today + 1)
    }

    /// Whether a case can be filed under `code` now (it exists and is not retired): for features that file on their own.
    func categoryOpen(_ code: String) async throws -> Bool {
        try await CaseCategory.query(on: db).filter(\.$code == code).filter(\.$active == true).count() > 0
    }

    @discardableResult
    func event(_ c: Case, action: String, from: String, to: CaseState, actorID: UUID?, actorName: String, note: String?,
               on tx: any Database) async throws -> CaseEvent {
        let e = CaseEvent()
        e.caseID = c.id!
        e.at = now
        e.actorID = actorID
        e.actorName = actorName
        e.action = action
        e.fromState = from
        e.toState = to.rawValue
        e.note = note
        try await e.create(on: tx)
        return e
    }

    func history(of c: Case) async throws -> [CaseEvent] {
        try await CaseEvent.query(on: db).filter(\.$caseID == c.id!).sort(\.$at).all()
    }
}
