import Foundation
import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// What an application carries, from the API or the form.
struct ApplicationInput: Sendable {
    var matterID: UUID?
    /// For 代办: the resident applied for; a resident applies for themselves.
    var residentID: UUID?
    var note: String?
    var files: [MaterialFile] = []
}

/// Applications (一窗受理): applying, the staff's moves with their deadline, supplying what was missing, the certificate.
struct ServiceApplications {
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

    /// Working days as 9-hour working days on the standard calendar, as case deadlines count them.
    static func due(from start: Date, days: Int) -> Date { WorkCalendar.standard.due(from: start, workingHours: days * 9) }

    /// Whole years between a `yyyy-MM-dd` birth date and `today`.
    static func age(born: String?, today: String) -> Int? {
        guard let born, born.count >= 10, let by = Int(born.prefix(4)), let ty = Int(today.prefix(4)) else { return nil }
        return ty - by - (String(today.dropFirst(5).prefix(5)) < String(born.dropFirst(5).prefix(5)) ? 1 : 0)
    }

    /// The resident an application is for: the caller's own, or one of their area for 代办.
    func applicant(_ input: ApplicationInput, by actor: Actor) async throws -> (Resident, proxy: Bool) {
        if actor.role == .resident {
            guard let rid = actor.user.residentID, let r = try await Resident.find(rid, on: db) else {
                throw APIError(.forbidden, code: "not_linked", "请先完成住户认证再办理 (link your account to your household first)")
            }
            if let other = input.residentID, other != rid { throw APIError.notFound }
            return (r, false)
        }
        guard ServiceAccess.proxyRoles.contains(actor.role) else {
            throw APIError(.forbidden, code: "forbidden", "您的角色不能代办 (your role cannot apply for residents)")
        }
        guard let rid = input.residentID else { throw APIError.missing("residentId") }
        guard let r = try await Resident.find(rid, on: db), actor.scope.contains(r.nodePath) else { throw APIError.notFound }
        return (r, true)
    }

    func apply(_ input: ApplicationInput, by actor: Actor) async throws -> ServiceApplication {
        guard let matterID = input.matterID else { throw APIError.missing("matterId") }
        let matter = try await ServiceCatalog(db: db, now: now).matter(matterID)
        let (resident, proxy) = try await applicant(input, by: actor)
        // A community's own matter is offered to its residents only; a resident elsewhere does not see it at all.
        guard ServiceCatalog.serves(matter, path: resident.nodePath) else {
            guard proxy else { throw APIError.notFound }
            throw APIError(.unprocessableEntity, code: "not_eligible",
                           "「\(matter.name)」是社区自有事项，只受理本社区居民的申请 (this matter is only for residents of the community that offers it)")
        }
        if let minAge = matter.minAge {
            guard let age = Self.age(born: resident.birthDate, today: ShanghaiTime.today(now)), age >= minAge else {
                throw APIError(.unprocessableEntity, code: "not_eligible", "「\(matter.name)」须年满 \(minAge) 周岁 (applicants must be at least \(minAge))")
            }
        }
        if let tag = matter.requiredTag, !resident.tagList.contains(tag) {
            throw APIError(.unprocessableEntity, code: "not_eligible", "「\(matter.name)」仅限登记为「\(tag)」的居民申请 (only for residents registered as \(tag))")
        }
        let note = try Validate.text(input.note, field: "note", max: 500, required: false) ?? ""
        let typed = try ServiceMaterials.check(input.files, required: matter.materials, allowed: matter.materials)
        let open = try await ServiceApplication.query(on: db).filter(\.$residentID == resident.id!).filter(\.$matterID == matter.id!)
            .filter(\.$stateRaw ~~ ServiceState.open.map(\.rawValue)).first()
        if let open {
            throw APIError.conflict("该居民已有一件「\(matter.name)」正在办理（\(open.number)），请勿重复申请 (an application for this matter is already open: \(open.number))",
                                    code: "already_open")
        }
        let a = ServiceApplication()
        a.matterID = matter.id!
        a.matterName = matter.name
        a.residentID = resident.id!
        a.residentName = resident.name
        a.nodePath = resident.nodePath
        a.applicantUserID = actor.userID
        a.proxy = proxy
        a.note = note
        a.stateRaw = ServiceState.submitted.rawValue
        a.version = 1
        a.submittedAt = now
        a.dueAt = Self.due(from: now, days: matter.deadlineDays)
        a.missingRaw = ""
        a.createdAt = now
        let source = source, now = now, prefix = matter.code + ShanghaiTime.format(now, "yyyyMMdd") + "-"
        let by = proxy ? "\(actor.user.displayName)代办" : "居民本人申请"
        // Two applications at once may pick the same number; the unique index refuses the second, which tries again.
        for attempt in 1...5 {
            do {
                try await db.writeTransaction { tx in
                    let today = try await ServiceApplication.query(on: tx).filter(\.$number >= prefix).filter(\.$number < prefix + "~").count()
                    a.number = prefix + String(format: "%04d", today + 1)
                    try await a.create(on: tx)
                    try await ServiceMaterials.store(typed, for: a.id!, by: actor.userID, at: now, on: tx)
                    try await Self.event(a, action: "submit", from: "", to: .submitted, note: by, source: source, at: now, on: tx)
                    try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "service_application", entityID: a.id,
                                              nodePath: a.nodePath, summary: "办事申请 \(a.number)「\(matter.name)」：\(by)，材料 \(typed.count) 张")
                }
                break
            } catch let error as any DatabaseError where error.isConstraintFailure && attempt < 5 {
                a.id = nil
                a.$id.exists = false
            }
        }
        return a
    }

    static func event(_ a: ServiceApplication, action: String, from: String, to: ServiceState, note: String?, source: AuditSource,
                      at: Date, on tx: any Database) async throws {
        try await LifecycleEvent.write(entity: ServiceLifecycle.table.entity, id: a.id!, action: action, from: from, to: to.rawValue, note: note,
                                       nodePath: a.nodePath, by: source, at: at, on: tx)
    }

    /// Accept, ask for more (`missing`: what to bring, one per line), approve, reject (with a reason) or withdraw.
    func perform(_ action: ServiceAction, on a: ServiceApplication, by actor: Actor, version: Int? = nil, note: String? = nil,
                 missing: [String] = []) async throws -> ServiceApplication {
        guard action != .supplement else { throw APIError.invalid("action", "补充材料请上传照片 (add materials with photos)") }
        guard ServiceAccess.canSee(a, actor) else { throw APIError.notFound }
        try ServiceLifecycle.table.check(action, from: a.state, role: ServiceAccess.role(for: action, a, actor))
        try ServiceLifecycle.table.checkVersion(expected: version, actual: a.version)
        var reason = try Validate.text(note, field: "note", max: 500, required: action == .reject)
        let items = missing.flatMap { $0.split(whereSeparator: { $0.isNewline || $0 == "，" || $0 == "," }) }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if action == .requestMore {
            guard !items.isEmpty else { throw APIError.invalid("missing", "请写明需要补充的材料 (name the materials missing)") }
            guard items.count <= 10, items.allSatisfy({ $0.count <= 40 }) else {
                throw APIError.invalid("missing", "最多 10 项材料，每项不超过 40 字 (at most 10 materials of up to 40 characters)")
            }
            reason = reason ?? "请补充：" + items.joined(separator: "、")
        }
        let from = a.state, to = ServiceLifecycle.table.target(action, from: from)
        let matter = try await ServiceMatter.find(a.matterID, on: db)
        switch action {
        case .requestMore:
            a.missingRaw = items.joined(separator: "\n")
            a.decisionNote = reason
        case .approve:
            a.decidedAt = now
            a.decisionNote = reason
            if matter?.certificateTitle != nil {
                a.certificateNumber = "ZM-" + a.number
                a.verifyToken = Self.newToken()
            }
        case .reject:
            a.decidedAt = now
            a.decisionNote = reason
        default: break
        }
        let text: String? = switch action {
        case .requestMore: "【精治】您的\(a.matterName)申请（\(a.number)）需补充材料：\(items.joined(separator: "、"))。请登录精治上传照片。"
        case .approve: "【精治】您的\(a.matterName)申请（\(a.number)）已办结" + (a.certificateNumber != nil ? "，证明可在精治查看打印。" : "。")
        case .reject: "【精治】您的\(a.matterName)申请（\(a.number)）不予办理：\(reason ?? "")"
        default: nil
        }
        let phone = text == nil ? nil : try await Resident.find(a.residentID, on: db)?.phone
        let now = now, messages = messages, subject = "\(a.number)「\(a.matterName)」"
        let claimed = try await ServiceLifecycle.table.commit(a, action, from: from, to: to, subject: subject, note: reason, by: source, at: now,
                                                              on: db, write: { tx in
            try await a.save(on: tx)
            if let text, let phone, !phone.isEmpty {
                try await MessageService(db: tx, now: now, settings: messages).queue(
                    personKey: "r:" + a.residentID.uuidString, residentID: a.residentID, userID: nil, phone: phone, text: text,
                    kind: "service", refID: a.id, nodePath: a.nodePath)
            }
        })
        guard claimed else { throw ServiceLifecycle.table.changed }
        return a
    }

    /// The resident (or the grid worker) supplies a photo of every material staff asked for; the deadline restarts.
    func supplement(_ a: ServiceApplication, files: [MaterialFile], by actor: Actor, version: Int? = nil) async throws -> ServiceApplication {
        guard ServiceAccess.canSee(a, actor) else { throw APIError.notFound }
        try ServiceLifecycle.table.check(.supplement, from: a.state, role: ServiceAccess.role(for: .supplement, a, actor))
        try ServiceLifecycle.table.checkVersion(expected: version, actual: a.version)
        let matter = try await ServiceMatter.find(a.matterID, on: db)
        let typed = try ServiceMaterials.check(files, required: a.missing, allowed: a.missing + (matter?.materials ?? []))
        let days = matter?.deadlineDays ?? 5
        let asked = a.missing
        a.missingRaw = ""
        a.dueAt = Self.due(from: now, days: days)
        let now = now, user = actor.userID
        let claimed = try await ServiceLifecycle.table.commit(a, .supplement, from: .needsMore, to: .accepted, subject: "\(a.number)「\(a.matterName)」",
                                                              note: "已补充：" + asked.joined(separator: "、"), by: source, at: now, on: db,
                                                              changes: ["materials": [nil, String(typed.count)]], write: { tx in
            try await a.save(on: tx)
            try await ServiceMaterials.store(typed, for: a.id!, by: user, at: now, on: tx)
        })
        guard claimed else { throw ServiceLifecycle.table.changed }
        return a
    }

    /// 20 random hex characters: the public verification link cannot be guessed from a certificate number.
    static func newToken() -> String { (0..<10).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max)) }.joined() }

    /// The application of a certificate's verification token.
    func verify(_ token: String) async throws -> ServiceApplication? {
        guard token.count == 20, token.allSatisfy(\.isHexDigit) else { return nil }
        return try await ServiceApplication.query(on: db).filter(\.$verifyToken == token.lowercased()).first()
    }

    /// Marks every running application past its deadline overdue (督办), once, with a history line; the scheduler's
    /// minute task. The conditional UPDATE makes it happen once even with several app servers.
    func markOverdue() async throws -> Int {
        var marked = 0
        let late = try await ServiceApplication.query(on: db).filter(\.$stateRaw ~~ ServiceState.running.map(\.rawValue))
            .filter(\.$dueAt < now).filter(\.$overdueAt == nil).limit(500).all()
        for a in late {
            let now = now
            let won = try await db.writeTransaction { tx in
                let rows = try await tx.sql.update(ServiceApplication.schema).set("overdue_at", to: SQLBind(now))
                    .where("id", .equal, SQLBind(a.id!)).where("overdue_at", .is, SQLLiteral.null).returning("id").all()
                guard !rows.isEmpty else { return false }
                try await Self.event(a, action: "supervise", from: a.stateRaw, to: a.state, note: "办事申请 \(a.number) 超过办理时限，督办",
                                     source: .system("系统督办"), at: now, on: tx)
                return true
            }
            if won { marked += 1 }
        }
        return marked
    }
}
