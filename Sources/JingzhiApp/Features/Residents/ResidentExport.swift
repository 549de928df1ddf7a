import Fluent
import JingzhiCore
import Vapor

/// Writes the register as CSV that Excel opens correctly (UTF-8 BOM, CRLF) or as an .xlsx workbook with typed cells,
/// masked for the viewer's role.
struct ResidentExporter: Sendable {
    let db: any Database
    let now: Date
    let role: Role?

    /// The CSV text of every resident matching `query` inside `scope`.
    func csv(_ query: ResidentQuery, scope: DataScope) async throws -> String {
        var text = Self.csvHead
        try await eachPage(query, scope: scope) { page in text += Self.csvLines(page) }
        return text
    }

    static var csvHead: String { CSV.utf8BOM + CSV.line(ResidentImporter.exportHeader) }

    static func csvLines(_ page: [[SpreadsheetCell]]) -> String {
        var text = ""
        for row in page { text += CSV.line(row.map(\.string)) }
        return text
    }

    /// The same as a workbook: ID numbers, phones and rooms as text, a full birth date as a date.
    func xlsx(_ query: ResidentQuery, scope: DataScope) async throws -> Data {
        try Spreadsheet.write(sheet: "居民", header: ResidentImporter.exportHeader, rows: try await rows(query, scope: scope), modified: now)
    }

    /// One row of cells per resident matching `query` inside `scope`.
    func rows(_ query: ResidentQuery, scope: DataScope) async throws -> [[SpreadsheetCell]] {
        var out: [[SpreadsheetCell]] = []
        try await eachPage(query, scope: scope) { out += $0 }
        return out
    }

    /// Hands the rows to `body` a page at a time, so a stream never holds the whole register.
    func eachPage(_ query: ResidentQuery, scope: DataScope, _ body: ([[SpreadsheetCell]]) async throws -> Void) async throws {
        let service = ResidentService(db: db, now: now)
        var names: [String: OrgNode] = [:]
        let size = 2000
        var offset = 0
        while true {
            var out: [[SpreadsheetCell]] = []
            let chunk = try await service.list(query, scope: scope, rows: offset..<(offset + size), counting: false)
            let missing = Set(chunk.items.flatMap { prefixes($0.1.nodePath) }).subtracting(names.keys)
            if !missing.isEmpty {
                for node in try await OrgNode.query(on: db).filter(\.$path ~~ Array(missing)).all() { names[node.path] = node }
            }
            for (r, h) in chunk.items {
                let chain = prefixes(h.nodePath).compactMap { names[$0] }
                func name(_ kind: NodeKind) -> String? { chain.last { $0.kind == kind }?.name }
                let fullID = role == nil || role!.seesFullIDNumber, fullPhone = role == nil || role!.seesFullPhone
                let birth: SpreadsheetCell = fullID ? r.birthDate.map(SpreadsheetCell.date) ?? .empty : .of(r.birthDate.map { String($0.prefix(4)) })
                out.append([.of(name(.community)), .of(name(.compound)), .of(name(.building)), .of(name(.unit)), .of(h.room), .of(r.name),
                            .of(r.gender), birth, .of(fullID ? r.idNumber : Mask.idNumber(r.idNumber)),
                            .of(fullPhone ? r.phone : Mask.phone(r.phone)), .of(r.relation), .of(r.tagList.joined(separator: "、")), .of(r.note)])
            }
            try await body(out)
            if chunk.items.count < size { break }
            offset += size
        }
    }

    private func prefixes(_ path: String) -> [String] {
        stride(from: PathSegment.width, through: path.count, by: PathSegment.width).map { String(path.prefix($0)) }
    }
}

/// The import and export endpoints of the API; the pages use the same importer and exporter.
enum ResidentImportAPI {
    @Sendable static func importCSV(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.importResidents)
        guard let buffer = req.body.data, buffer.readableBytes > 0 else {
            throw APIError(.badRequest, code: "empty_body", "请上传 CSV 或 .xlsx 文件内容 (send the CSV or .xlsx file as the body)")
        }
        let importer = ResidentImporter(db: req.db, now: req.now, scope: actor.scope, source: req.auditSource)
        let report = try await importer.run(data: Data(buffer: buffer), sheet: try req.query.get(String?.self, at: "sheet"),
                                            skipInvalid: try req.query.get(Bool?.self, at: "skipInvalid") ?? false,
                                            dryRun: try req.query.get(Bool?.self, at: "dryRun") ?? false)
        let status: HTTPStatus = report.committed || report.errors.isEmpty ? .ok : .unprocessableEntity
        return try await report.encodeResponse(status: status, for: req)
    }

    /// CSV, or an .xlsx workbook with `format=xlsx` (the API) or at the page's `.xlsx` address.
    @Sendable static func exportCSV(req: Request) async throws -> Response {
        try await export(req, xlsx: (try? req.query.get(String.self, at: "format")) == "xlsx")
    }

    @Sendable static func exportXLSX(req: Request) async throws -> Response { try await export(req, xlsx: true) }

    static func export(_ req: Request, xlsx: Bool) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.exportResidents)
        let exporter = ResidentExporter(db: req.db, now: req.now, role: actor.role)
        let query = try await ResidentsAPI.query(from: req)
        let name = "residents-\(ShanghaiTime.format(req.now, "yyyyMMdd"))"
        let response: Response
        if xlsx {
            response = Response.xlsx(try await exporter.xlsx(query, scope: actor.scope), filename: name + ".xlsx")
        } else {
            // Streamed a page at a time: the first bytes leave at once, however large the county.
            let scope = actor.scope
            var headers = HTTPHeaders()
            headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
            headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name).csv\"")
            response = Response(status: .ok, headers: headers, body: .init(asyncStream: { writer in
                do {
                    try await writer.write(.buffer(ByteBuffer(string: ResidentExporter.csvHead)))
                    try await exporter.eachPage(query, scope: scope) { page in
                        try await writer.write(.buffer(ByteBuffer(string: ResidentExporter.csvLines(page))))
                    }
                    try await writer.write(.end)
                } catch {
                    try? await writer.write(.error(error))
                }
            }))
        }
        // The PIPL access log counts an export as one entry: who, which fields, how many residents.
        let shown = actor.unmasked(idNumber: "x", phone: "x", own: false)
        if !shown.isEmpty {
            actor.revealed("resident", id: nil, path: actor.nodePath, shown, count: try await ResidentService(req: req).list(query, scope: actor.scope, rows: 0..<1, counting: true).total)
        }
        try await AuditLog.record(on: req.db, by: req.auditSource, at: req.now, action: "export", entity: "resident", entityID: nil,
                                  nodePath: actor.nodePath, summary: xlsx ? "导出居民名单（xlsx）" : "导出居民名单")
        return response
    }
}
