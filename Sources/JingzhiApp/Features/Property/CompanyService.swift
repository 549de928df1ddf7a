import Fluent
import JingzhiCore
import Vapor

/// Companies, their contracts, and what the community decides about compounds (class, tier, tasks). Every change
/// is one transaction with its audit entry.
struct CompanyService {
    let db: any Database
    let now: Date
    let source: AuditSource

    init(req: Request) {
        db = req.db
        now = req.now
        source = req.auditSource
    }

    init(db: any Database, now: Date, source: AuditSource) {
        self.db = db
        self.now = now
        self.source = source
    }

    struct CompanyInput {
        var name: String?
        var licenceNo: String?
        var contactName: String?
        var contactPhone: String?
        var partyBranch: String?
        var kind: String?
    }

    func createCompany(_ input: CompanyInput) async throws -> PropertyCompany {
        let c = PropertyCompany()
        try apply(input, to: c, creating: true)
        c.active = true
        c.createdAt = now
        try await ensureLicenceFree(c.licenceNo, except: nil)
        return try await db.writeTransaction { tx in
            try await c.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "property_company", entityID: c.id,
                                      nodePath: "", summary: "登记物业企业 \(c.name)（\(PropertyCompany.kinds[c.kind] ?? c.kind)）")
            return c
        }
    }

    func updateCompany(_ c: PropertyCompany, _ input: CompanyInput, active: Bool?) async throws {
        var changes = ChangeSet()
        let before = (c.name, c.licenceNo, c.contactName, c.contactPhone, c.partyBranch, c.kind, c.active)
        try apply(input, to: c, creating: false)
        if let active { c.active = active }
        if c.licenceNo != before.1 { try await ensureLicenceFree(c.licenceNo, except: c.id) }
        changes.note("name", before.0, c.name)
        changes.note("licenceNo", before.1, c.licenceNo)
        changes.note("contactName", before.2, c.contactName)
        changes.note("contactPhone", before.3, c.contactPhone)
        changes.note("partyBranch", before.4, c.partyBranch)
        changes.note("kind", before.5, c.kind)
        changes.note("active", before.6, c.active)
        guard !changes.isEmpty else { return }
        let changed = changes.changes
        try await db.writeTransaction { tx in
            try await c.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "update", entity: "property_company", entityID: c.id,
                                      nodePath: "", summary: "修改物业企业 \(c.name)", changes: changed)
        }
    }

    private func apply(_ input: CompanyInput, to c: PropertyCompany, creating: Bool) throws {
        if creating || input.name != nil { c.name = try Validate.text(input.name, field: "name", max: 60)! }
        if creating || input.licenceNo != nil { c.licenceNo = try Validate.text(input.licenceNo, field: "licenceNo", max: 40)! }
        if creating || input.contactName != nil { c.contactName = try Validate.text(input.contactName, field: "contactName", max: 30)! }
        if creating || input.contactPhone != nil {
            guard let phone = Validate.phone(input.contactPhone ?? "") else {
                throw APIError.invalid("contactPhone", "联系电话无效 (invalid phone number)")
            }
            c.contactPhone = phone
        }
        if input.partyBranch != nil { c.partyBranch = try Validate.text(input.partyBranch, field: "partyBranch", max: 60, required: false) }
        if creating || input.kind != nil {
            let kind = input.kind ?? "market"
            guard PropertyCompany.kinds[kind] != nil else { throw APIError.invalid("kind", "企业类型须为 state_fallback 或 market (unknown kind)") }
            c.kind = kind
        }
    }

    private func ensureLicenceFree(_ licence: String, except id: UUID?) async throws {
        if let other = try await PropertyCompany.query(on: db).filter(\.$licenceNo == licence).first(), other.id != id {
            throw APIError(.conflict, code: "duplicate_licence", "该执照编号已登记 (licence number already registered)", field: "licenceNo")
        }
    }

    /// Makes `user` (a property-staff account) work for `company`; its scope becomes the company's compounds.
    func linkStaff(_ user: User, to company: PropertyCompany) async throws {
        guard user.role == .propertyStaff else {
            throw APIError.invalid("userId", "只能关联物业企业角色的账号 (only property_staff accounts can be linked)")
        }
        try await db.writeTransaction { tx in
            let link = try await PropertyStaffLink.query(on: tx).filter(\.$userID == user.id!).first() ?? PropertyStaffLink()
            let old = link.$companyID.value
            link.userID = user.id!
            link.companyID = company.id!
            try await link.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "link", entity: "property_staff", entityID: user.id,
                                      nodePath: "", summary: "账号 \(user.username) 关联物业企业 \(company.name)",
                                      changes: ["companyId": [old?.uuidString, company.id!.uuidString]])
        }
    }

    struct ContractInput {
        var compoundID: UUID?
        var companyID: UUID?
        var model: String?
        var startDay: String?
        var endDay: String?
        var feeFenPerM2: Double?
    }

    /// A new contract for a compound in `scope`. Contracts of one compound may not overlap.
    func createContract(_ input: ContractInput, scope: DataScope) async throws -> PropertyContract {
        let compound = try await OrgNode.find(input.compoundID, within: scope, on: db)
        guard compound.kind == .compound else { throw APIError.invalid("compoundId", "合同须签在小区上 (contracts are per compound)") }
        guard let model = input.model, PropertyContract.models[model] != nil else {
            throw APIError.invalid("model", "服务模式须为 full、basic、fallback 或 self_managed (unknown model)")
        }
        var found: PropertyCompany?
        if model != "self_managed" {
            guard let id = input.companyID, let c = try await PropertyCompany.find(id, on: db), c.active else {
                throw APIError(.notFound, code: "unknown_company", "物业企业不存在或已停用 (unknown company)", field: "companyId")
            }
            found = c
        }
        let company = found
        let start = try ShanghaiTime.parseDay(input.startDay, field: "startDay")
        let end = try ShanghaiTime.parseDay(input.endDay, field: "endDay")
        guard start <= end else { throw APIError.invalid("endDay", "结束日期早于开始日期 (endDay is before startDay)") }
        let fee = try Money.fen(input.feeFenPerM2 ?? 0, field: "feeFenPerM2", min: 0)
        let contract = PropertyContract()
        contract.companyID = company?.id
        contract.compoundID = compound.id!
        contract.nodePath = compound.path
        contract.model = model
        contract.startDay = start
        contract.endDay = end
        contract.feeFenPerM2 = fee
        contract.status = ContractState.active.rawValue
        contract.createdAt = now
        return try await db.writeTransaction { tx in
            let overlapping = try await PropertyContract.query(on: tx).filter(\.$compoundID == compound.id!).filter(\.$status == ContractState.active.rawValue)
                .filter(\.$startDay <= end).filter(\.$endDay >= start).count()
            guard overlapping == 0 else {
                throw APIError.conflict("该小区在此期间已有合同，请先终止原合同 (the compound already has a contract in that period)", code: "contract_overlap")
            }
            try await contract.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "property_contract", entityID: contract.id,
                                      nodePath: compound.path,
                                      summary: "\(compound.name) 签订\(PropertyContract.models[model]!)合同 \(company?.name ?? "业主自管") \(start)至\(end)，\(Money.yuan(fee))元/㎡·月")
            return contract
        }
    }

    /// Ends a contract early (from today), with a reason.
    func endContract(_ contract: PropertyContract, reason: String?, by actor: Actor) async throws {
        let why = try Validate.text(reason, field: "reason", max: 200)!
        guard contract.state == .active else { throw APIError.conflict("合同已终止 (contract already ended)") }
        let today = ShanghaiTime.today(now), oldEnd = contract.endDay
        try await PropertyLifecycles.contract.perform(.end, on: contract, role: actor.role, subject: "\(contract.startDay)至\(contract.endDay)",
                                                     note: why, by: source, at: now, on: db,
                                                     changes: { ["endDay": [oldEnd, $0.endDay]] }, change: { c in
            if today < c.endDay { c.endDay = max(today, c.startDay) }
        })
    }

    func profile(of compound: OrgNode, on db: any Database) async throws -> CompoundProfile {
        if let p = try await CompoundProfile.query(on: db).filter(\.$compoundID == compound.id!).first() { return p }
        let p = CompoundProfile()
        p.compoundID = compound.id!
        p.nodePath = compound.path
        p.compoundClass = ""
        p.tier = "improving"
        p.updatedAt = now
        return p
    }

    func setClass(_ compound: OrgNode, to cls: String?) async throws -> CompoundProfile {
        guard let cls, CompoundProfile.classes[cls] != nil else {
            throw APIError.invalid("class", "小区类别须为 commercial、old 或 resettled (unknown class)")
        }
        return try await db.writeTransaction { tx in
            let p = try await profile(of: compound, on: tx)
            let old = p.compoundClass
            p.compoundClass = cls
            p.updatedAt = now
            try await p.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "update", entity: "compound_profile", entityID: p.id,
                                      nodePath: compound.path, summary: "\(compound.name) 定为\(CompoundProfile.classes[cls]!)",
                                      changes: ["class": [old, cls]])
            return p
        }
    }

    struct TaskInput {
        var title: String?
        var owner: String?
        var dueDay: String?
    }

    /// Moves a compound to another tier (小区定级) with a reason and the improvement tasks that go with it.
    func changeTier(_ compound: OrgNode, to tier: String?, reason: String?, tasks: [TaskInput], actor: Actor) async throws -> CompoundTierChange {
        guard let tier, CompoundProfile.tiers[tier] != nil else {
            throw APIError.invalid("tier", "等级须为 problem、improving 或 model (unknown tier)")
        }
        let why = try Validate.text(reason, field: "reason", max: 500)!
        let checked = try tasks.map { try validTask($0) }
        return try await db.writeTransaction { tx in
            let p = try await profile(of: compound, on: tx)
            let exists = p.id != nil
            guard !exists || p.tier != tier else {
                throw APIError.conflict("小区已是该等级 (the compound is already in that tier)", code: "same_tier")
            }
            let change = CompoundTierChange()
            change.compoundID = compound.id!
            change.nodePath = compound.path
            change.fromTier = exists ? p.tier : nil
            change.toTier = tier
            change.reason = why
            change.actorID = actor.userID
            change.actorName = actor.user.displayName
            change.at = now
            try await change.create(on: tx)
            p.tier = tier
            p.updatedAt = now
            try await p.save(on: tx)
            for t in checked { _ = try await makeTask(t, compound: compound, change: change.id, on: tx) }
            try await AuditLog.record(on: tx, by: source, at: now, action: "tier", entity: "compound_profile", entityID: p.id,
                                      nodePath: compound.path, summary: "\(compound.name) 定级为\(CompoundProfile.tiers[tier]!)：\(why)",
                                      changes: ["tier": [change.fromTier, tier]])
            return change
        }
    }

    private func validTask(_ t: TaskInput) throws -> (String, String, String) {
        (try Validate.text(t.title, field: "title", max: 200)!, try Validate.text(t.owner, field: "owner", max: 60)!,
         try ShanghaiTime.parseDay(t.dueDay, field: "dueDay"))
    }

    private func makeTask(_ t: (String, String, String), compound: OrgNode, change: UUID?, on tx: any Database) async throws -> ImprovementTask {
        let task = ImprovementTask()
        task.compoundID = compound.id!
        task.nodePath = compound.path
        task.tierChangeID = change
        task.title = t.0
        task.owner = t.1
        task.dueDay = t.2
        task.createdAt = now
        try await task.create(on: tx)
        return task
    }

    func addTask(_ compound: OrgNode, _ input: TaskInput) async throws -> ImprovementTask {
        let t = try validTask(input)
        return try await db.writeTransaction { tx in
            let task = try await makeTask(t, compound: compound, change: nil, on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "improvement_task", entityID: task.id,
                                      nodePath: compound.path, summary: "\(compound.name) 提升任务：\(t.0)（\(t.1)，\(t.2)前）")
            return task
        }
    }

    func completeTask(_ task: ImprovementTask, by actor: Actor) async throws {
        guard task.state == .open else { throw APIError.conflict("任务已完成 (task already done)") }
        let now = now
        try await PropertyLifecycles.task.perform(.complete, on: task, role: actor.role, subject: task.title, by: source, at: now, on: db, change: { t in
            t.doneAt = now
            t.doneBy = actor.user.displayName
        })
    }
}
