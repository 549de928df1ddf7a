import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// Filters of the resident register.
struct ResidentQuery: Sendable {
    var q: String?
    var tag: String?
    /// Narrows to this node's subtree (which must lie inside the caller's scope).
    var node: OrgNode?
    var gender: String?
    var ageMin: Int?
    var ageMax: Int?
    /// Whether digit tails may match ID numbers; off for roles that see IDs masked, so a search cannot unmask them.
    var searchIDTails = true
}

/// Fields of a resident as a form or API sends them; nil means "leave as is" on update.
struct ResidentInput: Sendable {
    var name: String?
    var gender: String?
    var birthDate: String?
    var idNumber: String?
    var phone: String?
    var relation: String?
    var tags: [String]?
    var note: String?
}

/// The resident register: households, residents, their tags and visits, always inside a data scope.
struct ResidentService {
    let db: any Database
    let now: Date

    init(db: any Database, now: Date) {
        self.db = db
        self.now = now
    }

    init(req: Request) { self.init(db: req.db, now: req.now) }

    static let relations = ["户主", "配偶", "子女", "父母", "孙辈", "兄弟姐妹", "其他"]

    // MARK: Reading

    func list(_ query: ResidentQuery, scope: DataScope, page: PageRequest) async throws -> (items: [(Resident, Household)], total: Int) {
        try await list(query, scope: scope, rows: page.range, counting: true)
    }

    /// The rows `rows` of the matching residents in path order; `total` is counted only when asked (-1 otherwise),
    /// so an export reading every row does not count them all again for each chunk.
    func list(_ query: ResidentQuery, scope: DataScope, rows: Range<Int>, counting: Bool) async throws -> (items: [(Resident, Household)], total: Int) {
        var effective = scope
        if let node = query.node {
            guard scope.contains(node.path) else { throw APIError.notFound }
            effective = DataScope(rootPath: node.path)
        }
        let noOtherFilters = (query.q ?? "").trimmingCharacters(in: .whitespaces).isEmpty && (query.gender ?? "").isEmpty
            && query.ageMin == nil && query.ageMax == nil
        if let tag = query.tag, !tag.isEmpty, noOtherFilters {
            return try await listByTag(tag, scope: effective, rows: rows, counting: counting)
        }
        var builder = Resident.query(on: db)
        if let tag = query.tag, !tag.isEmpty {
            builder = builder.join(ResidentTag.self, on: \ResidentTag.$residentID == \Resident.$id)
                .filter(ResidentTag.self, \.$tag == tag)
            if !effective.rootPath.isEmpty {
                builder = builder.filter(ResidentTag.self, \.$nodePath >= effective.rootPath)
                    .filter(ResidentTag.self, \.$nodePath < effective.upperBound)
            }
        } else {
            builder = builder.within(effective)
        }
        if let q = query.q?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            let upper = q.uppercased()
            if upper.count == 18, Validate.idNumber(upper) != nil {
                builder = builder.filter(\.$idNumber == upper)
            } else if q.count == 11, q.allSatisfy(\.isASCIIDigit) {
                builder = builder.filter(\.$phone == q)
            } else if q.count >= 4, q.allSatisfy({ $0.isASCIIDigit || $0 == "X" || $0 == "x" }) {
                // A tail of a phone or ID number, as people read them out.
                let idTails = query.searchIDTails
                builder = builder.group(.or) { g in
                    g.filter(\.$phone ~= q)
                    if idTails { g.filter(\.$idNumber ~= upper) }
                }
            } else {
                // Address search needs the household; everything else stays on the resident's own indexes.
                builder = builder.join(Household.self, on: \Resident.$householdID == \Household.$id)
                    .group(.or) { $0.filter(\.$name ~~ q).filter(Household.self, \.$address ~~ q) }
            }
        }
        if let g = query.gender, !g.isEmpty { builder = builder.filter(\.$gender == g) }
        if let min = query.ageMin { builder = builder.filter(\.$birthDate <= birthCutoff(age: min)) }
        if let max = query.ageMax { builder = builder.filter(\.$birthDate > birthCutoff(age: max + 1)) }
        let total = counting ? try await builder.count() : -1
        if query.tag?.isEmpty == false {
            builder = builder.sort(ResidentTag.self, \.$nodePath).sort(ResidentTag.self, \.$residentID)
        } else {
            builder = builder.sort(\.$nodePath).sort(\.$id)
        }
        return try await withHouseholds(try await builder.range(rows).all(), total: total)
    }

    /// Tag rows exist only for live residents, so a tag's count and page come from its index alone.
    private func listByTag(_ tag: String, scope: DataScope, rows: Range<Int>, counting: Bool) async throws -> (items: [(Resident, Household)], total: Int) {
        let tags = ResidentTag.query(on: db).filter(\.$tag == tag).within(scope)
        let total = counting ? try await tags.count() : -1
        let ids = try await tags.sort(\.$nodePath).sort(\.$residentID).range(rows).all().map(\.residentID)
        let byID = Dictionary(uniqueKeysWithValues: try await Resident.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0) })
        return try await withHouseholds(ids.compactMap { byID[$0] }, total: total)
    }

    private func withHouseholds(_ rows: [Resident], total: Int) async throws -> (items: [(Resident, Household)], total: Int) {
        let households = try await Household.query(on: db).filter(\.$id ~~ Set(rows.map(\.householdID))).all()
        let byID = Dictionary(uniqueKeysWithValues: households.map { ($0.id!, $0) })
        return (rows.compactMap { r in byID[r.householdID].map { (r, $0) } }, total)
    }

    /// The birth date on which someone turns `age` today: born on or before it means at least that old.
    /// Residents registered under `scope` (other features' per-capita measures).
    func count(within scope: DataScope) async throws -> Int {
        try await Resident.query(on: db).within(scope).count()
    }

    func birthCutoff(age: Int) -> String {
        ShanghaiTime.years(-age, from: ShanghaiTime.today(now))
    }

    func members(of household: Household) async throws -> [Resident] {
        try await Resident.query(on: db).filter(\.$householdID == household.id!).sort(\.$birthDate).all()
    }

    func visits(of household: Household, limit: Int = 50) async throws -> [Visit] {
        try await Visit.query(on: db).filter(\.$householdID == household.id!).sort(\.$visitedOn, .descending)
            .sort(\.$createdAt, .descending).limit(limit).all()
    }

    // MARK: Writing

    /// Creates a household in a building or unit inside `scope`.
    func createHousehold(node: OrgNode, room rawRoom: String?, occupancy: String?, scope: DataScope, source: AuditSource) async throws -> Household {
        guard scope.contains(node.path) else { throw APIError.notFound }
        guard node.kind.holdsHouseholds else {
            throw APIError.invalid("nodeId", "住户须建在楼栋或单元下 (households belong to a building or unit)")
        }
        let room = try Validate.text(rawRoom, field: "room", max: 20)!
        if try await Household.query(on: db).filter(\.$nodeID == node.id!).filter(\.$room == room).first() != nil {
            throw APIError(.conflict, code: "household_exists", "该房号已登记 (this room is already registered)", field: "room")
        }
        let ancestors = try await OrgService(db: db, now: now).ancestors(of: node)
        let household = Household(nodeID: node.id!, nodePath: node.path, room: room,
                                  address: OrgService.address(ancestors: ancestors, room: room), occupancy: occupancy)
        try await db.writeTransaction { tx in
            try await household.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "household", entityID: household.id,
                                      nodePath: household.nodePath, summary: "新建住户 \(household.address)")
        }
        return household
    }

    func create(_ input: ResidentInput, in household: Household, source: AuditSource) async throws -> Resident {
        let resident = Resident()
        resident.householdID = household.id!
        resident.nodeID = household.nodeID
        resident.nodePath = household.nodePath
        resident.tags = ""
        resident.relation = "其他"
        var changes = ChangeSet()
        try await apply(input, to: resident, changes: &changes, creating: true)
        resident.importKey = ResidentKey.make(idNumber: resident.idNumber, householdNodeID: household.nodeID,
                                              room: household.room, name: resident.name)
        try await ensureUnique(resident)
        try await db.writeTransaction { tx in
            try await resident.create(on: tx)
            try await syncTags(resident, on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "resident", entityID: resident.id,
                                      nodePath: resident.nodePath, summary: "登记居民 \(resident.name) · \(household.address)")
        }
        return resident
    }

    func update(_ resident: Resident, with input: ResidentInput, source: AuditSource) async throws {
        var changes = ChangeSet()
        try await apply(input, to: resident, changes: &changes, creating: false)
        guard !changes.isEmpty else { return }
        if let id = resident.idNumber { resident.importKey = "id:" + id }
        try await ensureUnique(resident)
        let changed = changes.changes
        try await db.writeTransaction { tx in
            try await resident.save(on: tx)
            try await syncTags(resident, on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "update", entity: "resident", entityID: resident.id,
                                      nodePath: resident.nodePath, summary: "修改居民 \(resident.name)", changes: changed)
        }
    }

    /// Removes a resident from the register (kept as deleted, so the record and its history are not lost).
    func delete(_ resident: Resident, reason: String?, source: AuditSource) async throws {
        try await db.writeTransaction { tx in
            try await ResidentTag.query(on: tx).filter(\.$residentID == resident.id!).delete()
            try await resident.delete(on: tx)
            let why = reason.flatMap { $0.isEmpty ? nil : String($0.prefix(20)) }
            try await Resident.query(on: tx).withDeleted().filter(\.$id == resident.id!).set(\.$removedReason, to: why).update()
            try await AuditLog.record(on: tx, by: source, at: now, action: "delete", entity: "resident", entityID: resident.id,
                                      nodePath: resident.nodePath, summary: "注销居民 \(resident.name)" + (reason.map { "：\($0)" } ?? ""))
        }
    }

    func addVisit(to household: Household, on date: String?, kind: String?, notes: String?, visitor: User, source: AuditSource) async throws -> Visit {
        let day = try Validate.text(date, field: "visitedOn", max: 10, required: false) ?? ShanghaiTime.today(now)
        guard Validate.date(day) != nil else { throw APIError.invalid("visitedOn", "日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)") }
        guard day <= ShanghaiTime.today(now) else { throw APIError.invalid("visitedOn", "走访日期不能在未来 (visit date is in the future)") }
        let kind = kind.flatMap { $0.isEmpty ? nil : $0 } ?? Visit.kinds[0]
        guard Visit.kinds.contains(kind) else { throw APIError.invalid("kind", "走访类型无效 (unknown visit kind)") }
        let visit = Visit()
        visit.householdID = household.id!
        visit.nodePath = household.nodePath
        visit.visitorID = visitor.id
        visit.visitorName = visitor.displayName
        visit.visitedOn = day
        visit.kind = kind
        visit.notes = try Validate.text(notes, field: "notes", max: 2000)!
        try await db.writeTransaction { tx in
            try await visit.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "visit", entityID: visit.id,
                                      nodePath: visit.nodePath, summary: "走访 \(household.address)")
        }
        return visit
    }

    // MARK: Rules

    private func apply(_ input: ResidentInput, to r: Resident, changes: inout ChangeSet, creating: Bool) async throws {
        if creating || input.name != nil {
            let name = try Validate.text(input.name, field: "name", max: 30)!
            changes.note("name", r.name(or: nil), name)
            r.name = name
        }
        if input.idNumber != nil {
            let raw = input.idNumber!.trimmingCharacters(in: .whitespaces)
            let id: String? = raw.isEmpty ? nil : try Validate.idNumber(raw) ?? { throw APIError.invalid("idNumber", "身份证号无效（位数或校验位不对） (invalid ID number: length or check digit)") }()
            changes.noteHidden("idNumber", r.idNumber(or: nil), id)
            r.idNumber = id
        }
        if input.phone != nil {
            let raw = input.phone!.trimmingCharacters(in: .whitespaces)
            let phone: String? = raw.isEmpty ? nil : try Validate.phone(raw) ?? { throw APIError.invalid("phone", "电话号码无效 (invalid phone number)") }()
            changes.noteHidden("phone", r.phone(or: nil), phone)
            r.phone = phone
        }
        if input.birthDate != nil {
            let raw = input.birthDate!.trimmingCharacters(in: .whitespaces)
            guard raw.isEmpty || Validate.date(raw) != nil else { throw APIError.invalid("birthDate", "出生日期格式应为 YYYY-MM-DD (birth date must be YYYY-MM-DD)") }
            changes.note("birthDate", r.birthDate(or: nil), raw.isEmpty ? nil : raw)
            r.birthDate = raw.isEmpty ? nil : raw
        }
        if let id = r.idNumber(or: nil) {
            // The ID number is authoritative for birth date and gender.
            let born = Validate.birthDate(fromID: id)
            if input.birthDate != nil, let b = r.birthDate(or: nil), b != born {
                throw APIError.invalid("birthDate", "出生日期与身份证号不一致 (birth date does not match the ID number)")
            }
            r.birthDate = born
            if let g = input.gender, !g.isEmpty, g != Validate.gender(fromID: id) {
                throw APIError.invalid("gender", "性别与身份证号不一致 (gender does not match the ID number)")
            }
        }
        if creating || input.gender != nil {
            let fromID = r.idNumber(or: nil).flatMap(Validate.gender(fromID:))
            let g = input.gender.flatMap { $0.isEmpty ? nil : $0 } ?? fromID
            guard let g, ["男", "女"].contains(g) else { throw APIError.invalid("gender", "性别须为 男 或 女 (gender must be 男 or 女)") }
            changes.note("gender", r.gender(or: nil), g)
            r.gender = g
        }
        if let relation = input.relation, !relation.isEmpty {
            guard Self.relations.contains(relation) else { throw APIError.invalid("relation", "与户主关系无效 (unknown relation)") }
            changes.note("relation", r.relation(or: nil), relation)
            r.relation = relation
        }
        if let tags = input.tags {
            let unknown = tags.filter { !ResidentTags.all.contains($0) }
            guard unknown.isEmpty else { throw APIError.invalid("tags", "未知标签：\(unknown.joined(separator: "、")) (unknown tags)") }
            let joined = ResidentTags.all.filter(tags.contains).joined(separator: ",")
            changes.note("tags", r.tags(or: nil), joined)
            r.tags = joined
        }
        if input.note != nil {
            let note = try Validate.text(input.note, field: "note", max: 500, required: false)
            changes.note("note", r.note(or: nil), note)
            r.note = note
        }
    }

    private func ensureUnique(_ r: Resident) async throws {
        guard let id = r.idNumber else { return }
        let other = try await Resident.query(on: db).withDeleted().filter(\.$idNumber == id).first()
        if let other, other.id != r.id {
            throw APIError(.conflict, code: "id_number_taken", "该身份证号已登记在册 (this ID number is already registered)", field: "idNumber")
        }
    }

    func syncTags(_ r: Resident, on tx: any Database) async throws {
        try await ResidentTag.query(on: tx).filter(\.$residentID == r.id!).delete()
        for tag in r.tagList {
            try await ResidentTag(residentID: r.id!, tag: tag, nodePath: r.nodePath).create(on: tx)
        }
    }
}

private extension Resident {
    // Reading a field of a model that was never set traps; these read "unset" as nil for change notes.
    func name(or fallback: String?) -> String? { $name.value ?? fallback }
    func idNumber(or fallback: String?) -> String? { $idNumber.value ?? fallback }
    func phone(or fallback: String?) -> String? { $phone.value ?? fallback }
    func birthDate(or fallback: String?) -> String? { $birthDate.value ?? fallback }
    func gender(or fallback: String?) -> String? { $gender.value ?? fallback }
    func relation(or fallback: String?) -> String? { $relation.value ?? fallback }
    func tags(or fallback: String?) -> String? { $tags.value ?? fallback }
    func note(or fallback: String?) -> String? { $note.value ?? fallback }
}

extension ResidentService {
    /// The compound a resident account's household lies in, if any.
    func homeCompound(of actor: Actor) async throws -> OrgNode? {
        guard let rid = actor.user.residentID, let r = try await Resident.find(rid, on: db),
              let h = try await Household.find(r.householdID, on: db), let node = try await OrgNode.find(h.nodeID, on: db) else { return nil }
        return try await OrgService(db: db, now: now).ancestors(of: node).last { $0.kind == .compound }
    }
}
