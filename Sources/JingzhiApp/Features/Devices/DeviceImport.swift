import Fluent
import Foundation
import JingzhiCore
import Vapor

/// Registers many devices from a CSV file or an .xlsx workbook whose first row names the columns. Every row is checked
/// first; then all are written in one transaction, or none (unless asked to skip the bad rows).
struct DeviceImporter {
    let db: any Database
    let now: Date
    let scope: DataScope
    let source: AuditSource

    /// Header names accepted for each column (Chinese first, then English).
    static let columns: [(key: String, names: [String])] = [
        ("serial", ["设备编号", "编号", "serial"]), ("kind", ["设备类型", "类型", "kind"]), ("node", ["位置编码", "位置", "node"]),
        ("household", ["住户", "房号", "household"]), ("vendor", ["厂商", "vendor"]), ("model", ["型号", "model"]),
        ("installedOn", ["安装日期", "installed_on", "installedOn"]),
    ]
    static let header = ["设备编号", "设备类型", "位置编码", "住户", "厂商", "型号", "安装日期"]

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
        guard let head = table.first else { throw APIError.invalid("file", "文件为空 (the file is empty)") }
        var index: [String: Int] = [:]
        for (i, raw) in head.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces)
            if let col = Self.columns.first(where: { $0.names.contains(name) }), index[col.key] == nil { index[col.key] = i }
        }
        for key in ["serial", "kind", "node"] where index[key] == nil {
            throw APIError.invalid("file", "第一行须为列名，缺少「\(Self.columns.first { $0.key == key }!.names[0])」列 (the first row must name the columns; \(key) is missing)")
        }
        let rows = table.dropFirst().filter { !$0.fields.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
        report.rows = rows.count

        let registry = DeviceRegistry(db: db, now: now, source: source)
        var good: [(device: Device, place: String)] = []
        var seen: [String: Int] = [:]
        for row in rows {
            func cell(_ key: String) -> String? {
                guard let i = index[key], i < row.fields.count else { return nil }
                let v = row.fields[i].trimmingCharacters(in: .whitespaces)
                return v.isEmpty ? nil : v
            }
            func bad(_ field: String?, _ message: String) { report.errors.append(.init(line: row.line, field: field, message: message)) }
            do {
                // The kind by its code, or by its name in Chinese or English as a spreadsheet has it.
                let kind = cell("kind").map { raw in DeviceKind.allCases.first { $0.zh == raw || $0.en.lowercased() == raw.lowercased() }?.rawValue ?? raw }
                let household = try await household(cell("household"), node: cell("node"))
                let (d, place) = try await registry.prepare(.init(serial: cell("serial"), kind: kind, node: cell("node"), householdID: household,
                                                                  vendor: cell("vendor"), model: cell("model"), installedOn: cell("installedOn")), scope: scope)
                if let first = seen[d.serial] { bad("serial", "设备编号与第 \(first) 行重复 (duplicate of line \(first))"); continue }
                seen[d.serial] = row.line
                good.append((d, place))
            } catch let e as APIError where e.status.code < 500 {
                bad(e.field, e.message)
            }
        }
        // Serials already in the registry, wherever they are.
        let taken = Set(try await Device.query(on: db).filter(\.$serial ~~ good.map(\.device.serial)).all().map(\.serial))
        good = good.filter { d, _ in
            guard taken.contains(d.serial) else { return true }
            report.errors.append(.init(line: seen[d.serial]!, field: "serial", message: "设备编号 \(d.serial) 已登记 (serial already registered)"))
            return false
        }
        report.errors.sort { $0.line < $1.line }
        report.valid = good.count
        let blocked = !report.errors.isEmpty && !skipInvalid
        report.skipped = blocked ? 0 : rows.count - good.count
        if blocked || dryRun || good.isEmpty { return report }

        let src = source, at = now, path = scope.rootPath, skipped = report.skipped, accepted = good
        do {
            try await db.writeTransaction { tx in
                for (d, _) in accepted { try await d.create(on: tx) }
                try await AuditLog.record(on: tx, by: src, at: at, action: "import", entity: "device", entityID: nil, nodePath: path,
                                          summary: "导入设备 \(accepted.count) 台，跳过 \(skipped) 行")
            }
        } catch let e as any DatabaseError where e.isConstraintFailure {
            throw APIError.conflict("导入时有设备编号被别人登记了，请重新检查后再导入 (a serial was registered meanwhile; check again)", code: "duplicate_serial")
        }
        report.created = accepted.count
        report.committed = true
        return report
    }

    /// A household by its id, or by its room number or full address under the row's place.
    private func household(_ raw: String?, node: String?) async throws -> UUID? {
        guard let raw else { return nil }
        if let id = UUID(uuidString: raw) { return id }
        guard let node else { return nil }
        let place = try await OrgService(db: db, now: now).node(node, within: scope, field: "node")
        let found = try await Household.query(on: db).filter(\.$nodePath >= place.path).filter(\.$nodePath < place.path + "~")
            .group(.or) { $0.filter(\.$room == raw).filter(\.$address == raw) }.limit(2).all()
        guard let one = found.first else {
            throw APIError(.notFound, code: "unknown_household", "该位置下没有住户「\(raw)」(no such household at this place)", field: "household")
        }
        guard found.count == 1 else {
            throw APIError.invalid("household", "「\(raw)」在该位置下不止一户，请填完整地址或单元编码 (several households match; give the full address or the unit's code)")
        }
        return one.id
    }
}
