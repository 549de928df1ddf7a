import Fluent
import JingzhiCore
import Vapor

/// Bulk import of the spreadsheets communities already keep. Validates every row first; writes all or nothing
/// unless asked to skip the invalid ones. Re-importing a file finds people again by ID number (or dwelling + name).
struct ResidentImporter {
    let db: any Database
    let now: Date
    let scope: DataScope
    let source: AuditSource

    /// Header names accepted for each column (Chinese first, then English).
    static let columns: [(key: String, names: [String])] = [
        ("community", ["社区", "community"]), ("compound", ["小区", "compound"]), ("building", ["楼栋", "楼号", "building"]),
        ("unit", ["单元", "unit"]), ("room", ["房号", "门牌号", "room"]), ("name", ["姓名", "name"]),
        ("gender", ["性别", "gender"]), ("birthDate", ["出生日期", "birth_date", "birthDate"]),
        ("idNumber", ["身份证号", "身份证号码", "id_number", "idNumber"]), ("phone", ["手机号", "联系电话", "电话", "phone"]),
        ("relation", ["与户主关系", "relation"]), ("tags", ["标签", "人员类别", "tags"]), ("note", ["备注", "note"]),
    ]
    static let exportHeader = ["社区", "小区", "楼栋", "单元", "房号", "姓名", "性别", "出生日期", "身份证号", "手机号", "与户主关系", "标签", "备注"]

    struct Row {
        let line: Int
        var values: [String: String]
        subscript(_ key: String) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }
    }

    /// Imports a CSV file or an .xlsx workbook (told apart by their first bytes; `sheet` names a sheet of a
    /// workbook, the first by default). Line numbers in errors are the file's lines, or the sheet's row numbers.
    func run(data: Data, sheet: String? = nil, skipInvalid: Bool, dryRun: Bool) async throws -> ImportReport {
        var report = ImportReport()
        let table: [(line: Int, fields: [String])]
        if Spreadsheet.isWorkbook(data) {
            report.encoding = "xlsx"
            table = try Spreadsheet.read(data, sheet: sheet).map { ($0.number, $0.cells.map(\.string)) }
        } else {
            let decoded = try CSV.decode(data)
            report.encoding = decoded.encoding.rawValue
            table = CSV.parse(decoded.text)
        }
        guard !table.isEmpty else { throw APIError.invalid("file", "文件为空 (the file is empty)") }
        let (index, dataStart) = try Self.header(table)
        let rows = table.dropFirst(dataStart).map { r in
            Row(line: r.line, values: index.mapValues { $0 < r.fields.count ? Self.cell(r.fields[$0]) : "" })
        }
        report.rows = rows.count

        // Pass 1: check every row without writing anything.
        var resolver = PlaceResolver(db: db, scope: scope, now: now, source: source)
        var seenIDs: [String: Int] = [:]
        var good: [(Row, ResidentInput)] = []
        for row in rows {
            var errs: [ImportReport.RowError] = []
            func bad(_ field: String?, _ msg: String) { errs.append(.init(line: row.line, field: field, message: msg)) }
            let input = Self.input(from: row, bad: bad)
            if let id = input.idNumber, !id.isEmpty, let valid = Validate.idNumber(id) {
                if let first = seenIDs[valid] { bad("idNumber", "身份证号与第 \(first) 行重复 (duplicate of line \(first))") }
                else { seenIDs[valid] = row.line }
            }
            var place: PlaceResolver.Place?
            do { place = try await resolver.resolve(row) } catch let e as APIError { bad(e.field, e.message) }
            if errs.isEmpty, place != nil { good.append((row, input)) } else { report.errors += errs }
        }
        // People registered outside the importer's area are not theirs to change.
        let foreign = try await idNumbersOutside(scope, among: good.compactMap { $0.1.idNumber.flatMap(Validate.idNumber) })
        good = good.filter { row, input in
            guard let id = input.idNumber.flatMap(Validate.idNumber), foreign.contains(id) else { return true }
            report.errors.append(.init(line: row.line, field: "idNumber",
                                       message: "该身份证号已在您管辖范围以外登记，请联系上级核实 (this ID number is registered outside your area)"))
            return false
        }
        report.errors.sort { $0.line < $1.line }
        report.valid = good.count
        let blocked = !report.errors.isEmpty && !skipInvalid
        report.skipped = blocked ? 0 : rows.count - good.count
        if blocked || dryRun { return report }

        // Pass 2: write, all in one transaction.
        let accepted = good.map { ($0.0, $0.1) }
        let counts = try await db.writeTransaction { tx -> (Int, Int, Int) in
            var created = 0, updated = 0, unchanged = 0
            var writer = PlaceResolver(db: tx, scope: scope, now: now, source: source)
            let service = ResidentService(db: tx, now: now)
            for (row, input) in accepted {
                let place = try await writer.resolve(row, create: true)
                let household = try await writer.household(place, room: row["room"]!)
                let key = ResidentKey.make(idNumber: input.idNumber.flatMap(Validate.idNumber), householdNodeID: household.nodeID,
                                           room: household.room, name: input.name!)
                if let existing = try await Resident.query(on: tx).withDeleted().filter(\.$importKey == key).within(scope).first() {
                    let restored = existing.deletedAt != nil
                    if restored { try await existing.restore(on: tx) }
                    let before = existing.updatedAt
                    try await service.update(existing, with: input, source: source)
                    if restored { try await service.syncTags(existing, on: tx) }
                    if restored || existing.updatedAt != before { updated += 1 } else { unchanged += 1 }
                } else {
                    _ = try await service.create(input, in: household, source: source)
                    created += 1
                }
            }
            try await AuditLog.record(on: tx, by: source, at: now, action: "import", entity: "resident", entityID: nil,
                                      nodePath: scope.rootPath == DataScope.nothing.rootPath ? "" : scope.rootPath,
                                      summary: "导入居民：新增 \(created)，更新 \(updated)，未变 \(unchanged)，跳过 \(rows.count - accepted.count)")
            return (created, updated, unchanged)
        }
        (report.created, report.updated, report.unchanged) = counts
        report.committed = true
        return report
    }

    /// Where the header is: the row among the first five naming the most known columns (a title row merged across
    /// the top is passed over), with a sub-header row under merged group headers ("联系方式" over 手机号 and 备注)
    /// folded in. Returns each column's index and how many rows come before the data.
    static func header(_ table: [(line: Int, fields: [String])]) throws -> ([String: Int], Int) {
        func known(_ fields: [String]) -> [String: Int] {
            var index: [String: Int] = [:]
            for (i, raw) in fields.enumerated() {
                let name = raw.trimmingCharacters(in: .whitespaces)
                if let col = columns.first(where: { $0.names.contains(name) }), index[col.key] == nil { index[col.key] = i }
            }
            return index
        }
        let top = table.prefix(5).enumerated().map { ($0.offset, known($0.element.fields)) }
        guard let best = top.max(by: { $0.1.count < $1.1.count || ($0.1.count == $1.1.count && $0.0 > $1.0) }) else {
            throw APIError.invalid("file", "文件为空 (the file is empty)")
        }
        let (at, found) = best
        var index = found, start = at + 1
        if at + 1 < table.count {
            let below = known(table[at + 1].fields).filter { index[$0.key] == nil && !index.values.contains($0.value) }
            if !below.isEmpty, !table[at + 1].fields.contains(where: { Validate.idNumber($0) != nil }) {
                index.merge(below) { a, _ in a }
                start += 1
            }
        }
        for required in ["compound", "building", "room", "name"] where index[required] == nil {
            let zh = columns.first { $0.key == required }!.names[0]
            throw APIError.invalid("file", "缺少必需的列：\(zh) (missing column \(required))")
        }
        return (index, start)
    }

    /// ID numbers among `ids` that belong to someone (live or removed) outside `scope`.
    func idNumbersOutside(_ scope: DataScope, among ids: [String]) async throws -> Set<String> {
        var out = Set<String>()
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            let found = try await Resident.query(on: db).withDeleted().filter(\.$idNumber ~~ chunk).all()
            for r in found where !scope.contains(r.nodePath) { out.insert(r.idNumber!) }
        }
        return out
    }

    static func input(from row: Row, bad: (String?, String) -> Void) -> ResidentInput {
        var input = ResidentInput()
        input.name = row["name"]
        if input.name == nil { bad("name", "姓名不能为空 (name is required)") }
        if let n = input.name, n.count > 30 { bad("name", "姓名过长 (name too long)") }
        input.idNumber = row["idNumber"] ?? ""
        if let id = row["idNumber"], Validate.idNumber(id) == nil { bad("idNumber", "身份证号无效：\(Mask.idNumber(id) ?? id) (invalid ID number)") }
        input.phone = row["phone"] ?? ""
        if let p = row["phone"], Validate.phone(p) == nil { bad("phone", "电话号码无效 (invalid phone number)") }
        input.birthDate = row["birthDate"].map(normalizeDate)
        if let b = input.birthDate, Validate.date(b) == nil { bad("birthDate", "出生日期无效：\(b) (invalid birth date)") }
        if let id = row["idNumber"].flatMap(Validate.idNumber) {
            if let b = input.birthDate, b != Validate.birthDate(fromID: id) { bad("birthDate", "出生日期与身份证号不一致 (birth date does not match ID)") }
            input.birthDate = nil
        }
        input.gender = row["gender"]
        if let g = input.gender, !["男", "女"].contains(g) { bad("gender", "性别须为 男 或 女 (gender must be 男 or 女)") }
        if input.gender == nil, row["idNumber"].flatMap(Validate.idNumber) == nil { bad("gender", "无身份证号时须填性别 (gender needed without ID number)") }
        input.relation = row["relation"] ?? "其他"
        if !ResidentService.relations.contains(input.relation!) { bad("relation", "与户主关系无效：\(input.relation!) (unknown relation)") }
        let tags = ResidentTags.parse(row["tags"] ?? "")
        let unknown = tags.filter { !ResidentTags.all.contains($0) }
        if !unknown.isEmpty { bad("tags", "未知标签：\(unknown.joined(separator: "、")) (unknown tags)") }
        input.tags = tags
        input.note = row["note"] ?? ""
        return input
    }

    /// A cell as typed: trimmed, and without the `'` our export puts before formula-like text.
    static func cell(_ raw: String) -> String {
        let v = raw.trimmingCharacters(in: .whitespaces)
        if v.hasPrefix("'"), let next = v.dropFirst().first, "=+-@".contains(next) { return String(v.dropFirst()) }
        return v
    }

    /// Accepts 1990-1-5, 1990/01/05 and 19900105 as Excel writes them.
    static func normalizeDate(_ raw: String) -> String {
        let digits = raw.filter(\.isASCIIDigit)
        if digits.count == 8, !raw.contains(where: { "-/.".contains($0) }) {
            return "\(digits.prefix(4))-\(digits.dropFirst(4).prefix(2))-\(digits.suffix(2))"
        }
        let parts = raw.split(whereSeparator: { "-/.年月日".contains($0) }).map(String.init)
        guard parts.count == 3 else { return raw }
        return parts[0] + "-" + (parts[1].count == 1 ? "0" + parts[1] : parts[1]) + "-" + (parts[2].count == 1 ? "0" + parts[2] : parts[2])
    }
}
