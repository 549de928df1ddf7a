import Fluent
import JingzhiCore
import Vapor

/// Writes the register as CSV that Excel opens correctly (UTF-8 BOM, CRLF), masked for the viewer's role.
struct ResidentExporter {
    let db: any Database
    let now: Date
    let role: Role?

    /// Returns the CSV text of every resident matching `query` inside `scope`, read in pages to bound memory.
    func csv(_ query: ResidentQuery, scope: DataScope) async throws -> String {
        var out = CSV.utf8BOM + CSV.line(ResidentImporter.exportHeader)
        let service = ResidentService(db: db, now: now)
        var names: [String: OrgNode] = [:]
        let size = 2000
        var offset = 0
        while true {
            let chunk = try await service.list(query, scope: scope, rows: offset..<(offset + size), counting: false)
            let missing = Set(chunk.items.flatMap { prefixes($0.1.nodePath) }).subtracting(names.keys)
            if !missing.isEmpty {
                for node in try await OrgNode.query(on: db).filter(\.$path ~~ Array(missing)).all() { names[node.path] = node }
            }
            for (r, h) in chunk.items {
                let chain = prefixes(h.nodePath).compactMap { names[$0] }
                func name(_ kind: NodeKind) -> String? { chain.last { $0.kind == kind }?.name }
                let fullID = role == nil || role!.seesFullIDNumber, fullPhone = role == nil || role!.seesFullPhone
                out += CSV.line([name(.community), name(.compound), name(.building), name(.unit), h.room, r.name, r.gender,
                                 fullID ? r.birthDate : r.birthDate.map { String($0.prefix(4)) }, fullID ? r.idNumber : Mask.idNumber(r.idNumber),
                                 fullPhone ? r.phone : Mask.phone(r.phone), r.relation, r.tagList.joined(separator: "、"), r.note])
            }
            if chunk.items.count < size { break }
            offset += size
        }
        return out
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
            throw APIError(.badRequest, code: "empty_body", "请上传 CSV 文件内容 (send the CSV file as the body)")
        }
        let importer = ResidentImporter(db: req.db, now: req.now, scope: actor.scope, source: req.auditSource)
        let report = try await importer.run(data: Data(buffer: buffer),
                                            skipInvalid: try req.query.get(Bool?.self, at: "skipInvalid") ?? false,
                                            dryRun: try req.query.get(Bool?.self, at: "dryRun") ?? false)
        let status: HTTPStatus = report.committed || report.errors.isEmpty ? .ok : .unprocessableEntity
        return try await report.encodeResponse(status: status, for: req)
    }

    @Sendable static func exportCSV(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.exportResidents)
        let text = try await ResidentExporter(db: req.db, now: req.now, role: actor.role)
            .csv(try await ResidentsAPI.query(from: req), scope: actor.scope)
        try await AuditLog.record(on: req.db, by: req.auditSource, at: req.now, action: "export", entity: "resident", entityID: nil,
                                  nodePath: actor.nodePath, summary: "导出居民名单")
        return Response.csv(text, filename: "residents-\(ShanghaiTime.format(req.now, "yyyyMMdd")).csv")
    }
}
