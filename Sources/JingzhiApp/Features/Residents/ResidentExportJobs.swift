import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// A long export (the register as an .xlsx workbook) run in the background: a row per job holds its state, progress
/// and finished file, so any server reports the progress and serves the file. Only the person who asked may see it.
final class ExportJob: Model, @unchecked Sendable {
    static let schema = "export_jobs"
    static let lifetime: TimeInterval = 24 * 3600
    /// A running job whose server stopped beating this long ago is taken over by another.
    static let stale: TimeInterval = 120

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "requested_by") var requestedBy: UUID
    @Field(key: "node_path") var nodePath: String
    /// The filters as JSON (`ExportFilters`).
    @Field(key: "params") var params: String
    /// queued, running, done, failed.
    @Field(key: "status") var status: String
    @Field(key: "rows_done") var rowsDone: Int
    @Field(key: "rows_total") var rowsTotal: Int
    @OptionalField(key: "filename") var filename: String?
    @OptionalField(key: "bytes") var bytes: Data?
    @OptionalField(key: "error") var error: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "heartbeat_at") var heartbeatAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
}

/// The register's filters, kept with a job so the export runs later exactly as asked.
struct ExportFilters: Codable, Sendable {
    var q: String?, tag: String?, gender: String?, ageMin: Int?, ageMax: Int?, nodeID: UUID?, searchIDTails: Bool

    init(_ query: ResidentQuery) {
        q = query.q
        tag = query.tag
        gender = query.gender
        ageMin = query.ageMin
        ageMax = query.ageMax
        nodeID = query.node?.id
        searchIDTails = query.searchIDTails
    }

    func query(on db: any Database) async throws -> ResidentQuery {
        var query = ResidentQuery(q: q, tag: tag, node: nil, gender: gender, ageMin: ageMin, ageMax: ageMax, searchIDTails: searchIDTails)
        if let nodeID { query.node = try await OrgNode.find(nodeID, on: db) }
        return query
    }
}

struct ExportJobDTO: Content {
    var id: UUID
    var status: String
    var rowsDone: Int
    var rowsTotal: Int
    var createdAt: Date
    var expiresAt: Date
    var error: String?
    /// Where to fetch the finished file (only when done).
    var download: String?

    init(_ j: ExportJob) {
        id = j.id!
        status = j.status
        rowsDone = j.rowsDone
        rowsTotal = j.rowsTotal
        createdAt = j.createdAt
        expiresAt = j.expiresAt
        error = j.error
        download = j.status == "done" ? "/api/v1/residents/export-jobs/\(j.id!)/download" : nil
    }
}

extension Application {
    private struct ExportJobsInlineKey: StorageKey { typealias Value = Bool }
    /// A server starts each job as soon as it is asked for; tests turn this off and run jobs themselves.
    var exportJobsStartAtOnce: Bool {
        get { storage[ExportJobsInlineKey.self] ?? true }
        set { storage[ExportJobsInlineKey.self] = newValue }
    }
}

enum ResidentExportJobs {
    /// Queues a job for the actor with the filters of `req`, audited, and starts it on this server.
    static func create(_ req: Request, actor: Actor) async throws -> ExportJob {
        try actor.require(.exportResidents)
        let query = try await ResidentsAPI.query(from: req)
        let job = ExportJob()
        job.id = UUID()
        job.kind = "residents_xlsx"
        job.requestedBy = actor.userID
        job.nodePath = actor.nodePath
        job.params = String(decoding: try JSONEncoder().encode(ExportFilters(query)), as: UTF8.self)
        job.status = "queued"
        job.rowsDone = 0
        job.rowsTotal = 0
        job.createdAt = req.now
        job.heartbeatAt = req.now
        job.expiresAt = req.now.addingTimeInterval(ExportJob.lifetime)
        try await req.db.writeTransaction { tx in
            try await job.create(on: tx)
            try await AuditLog.record(on: tx, by: req.auditSource, at: req.now, action: "export", entity: "resident", entityID: job.id,
                                      nodePath: actor.nodePath, summary: "导出居民名单（xlsx，后台）")
        }
        if req.application.exportJobsStartAtOnce {
            let app = req.application, id = job.id!
            Task.detached { await ResidentExportJobs.run(app, id) }
        }
        return job
    }

    /// The job if `actor` asked for it; 404 otherwise, so nobody learns of others' exports.
    static func find(_ id: UUID, for actor: Actor, on db: any Database) async throws -> ExportJob {
        guard let job = try await ExportJob.find(id, on: db), job.requestedBy == actor.userID else { throw APIError.notFound }
        return job
    }

    /// Claims the job (queued, or running on a server that stopped beating) and runs it to the end.
    static func run(_ app: Application, _ id: UUID) async {
        let db = app.db
        do {
            let now = app.clock.now()
            let claimed = try await db.sql.raw("""
                UPDATE export_jobs SET status = 'running', heartbeat_at = \(bind: now)
                WHERE id = \(bind: id) AND (status = 'queued' OR (status = 'running' AND heartbeat_at < \(bind: now.addingTimeInterval(-ExportJob.stale))))
                RETURNING id
                """).all()
            guard !claimed.isEmpty, let job = try await ExportJob.find(id, on: db) else { return }
            guard let user = try await User.find(job.requestedBy, on: db), user.active else { throw APIError.forbidden }
            let actor = try await Actor.load(user, on: db, now: now)
            try actor.require(.exportResidents)
            let query = try await JSONDecoder().decode(ExportFilters.self, from: Data(job.params.utf8)).query(on: db)
            let total = try await ResidentService(db: db, now: now).list(query, scope: actor.scope, rows: 0..<1, counting: true).total
            try await ExportJob.query(on: db).filter(\.$id == id).set(\.$rowsTotal, to: total).update()
            var rows: [[SpreadsheetCell]] = []
            try await ResidentExporter(db: db, now: now, role: actor.role).eachPage(query, scope: actor.scope) { page in
                rows += page
                try await ExportJob.query(on: db).filter(\.$id == id).set(\.$rowsDone, to: rows.count).set(\.$heartbeatAt, to: app.clock.now()).update()
            }
            let data = try Spreadsheet.write(sheet: "居民", header: ResidentImporter.exportHeader, rows: rows, modified: now)
            try await ExportJob.query(on: db).filter(\.$id == id).set(\.$bytes, to: data).set(\.$status, to: "done")
                .set(\.$filename, to: "residents-\(ShanghaiTime.format(now, "yyyyMMdd")).xlsx").set(\.$rowsDone, to: rows.count).update()
        } catch {
            app.logger.report(error: error)
            try? await ExportJob.query(on: db).filter(\.$id == id).set(\.$status, to: "failed")
                .set(\.$error, to: "导出失败，请重试 (the export failed; try again)").update()
        }
    }

    /// The minute task: takes over jobs nobody is running (each in its own task), and removes expired ones with their files.
    static func tick(_ app: Application) async {
        do {
            let now = app.clock.now()
            try await ExportJob.query(on: app.db).filter(\.$expiresAt < now).delete()
            let stale = now.addingTimeInterval(-ExportJob.stale)
            let waiting = try await ExportJob.query(on: app.db).group(.or) { or in
                or.filter(\.$status == "queued")
                or.group(.and) { and in
                    and.filter(\.$status == "running")
                    and.filter(\.$heartbeatAt < stale)
                }
            }.all()
            for job in waiting where job.status == "running" || job.createdAt < now.addingTimeInterval(-10) {
                // A big workbook takes a while: on a server it runs beside the minute loop, so deadlines are not held up.
                let id = job.id!
                if app.exportJobsStartAtOnce { Task.detached { await run(app, id) } } else { await run(app, id) }
            }
        } catch {
            app.logger.report(error: error)
        }
    }
}
