import Fluent
import JingzhiCore
import Vapor

/// The background export in the browser and in `/api/v1/residents/export-jobs`: ask, watch the progress, download.
enum ResidentExportJobPages {
    static func register(_ web: any RoutesBuilder) {
        typealias P = SiteURL.Residents.Pattern
        web.post(P.exportJobs, use: create)
        web.get(P.exportJob, use: show)
        web.get(P.exportJobDownload, use: download)
    }

    static func registerAPI(_ residents: any RoutesBuilder) {
        residents.post("export-jobs", use: apiCreate)
        residents.get("export-jobs", ":id", use: apiShow)
        residents.get("export-jobs", ":id", "download", use: download)
    }

    /// The list's "Export Excel" button: starts a background export of what the list shows.
    static func startForm(_ req: Request, _ params: [(String, String)]) -> HTML {
        """
        <form method="post" action="\(SiteURL.Residents.exportJobs.path + SiteURL.query(params))" style="display:inline">\(Form.csrf(req))<button class="secondary">\(req.t("导出 Excel", "Export Excel"))</button></form>
        """
    }

    @Sendable static func apiCreate(req: Request) async throws -> Response {
        let job = try await ResidentExportJobs.create(req, actor: try req.requireActor())
        return try await ExportJobDTO(job).encodeResponse(status: .accepted, for: req)
    }

    @Sendable static func apiShow(req: Request) async throws -> ExportJobDTO {
        ExportJobDTO(try await ResidentExportJobs.find(try req.idParameter(), for: try req.requireActor(), on: req.db))
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let job = try await ResidentExportJobs.create(req, actor: try req.requireActor())
        req.flash(req.t("已开始导出，完成后可在本页下载", "The export has started; download it here when it is done"))
        return req.redirect(to: SiteURL.Residents.exportJob(job.id!).path)
    }

    /// The finished workbook, to the person who asked only, while it has not expired.
    @Sendable static func download(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let job = try await ResidentExportJobs.find(try req.idParameter(), for: actor, on: req.db)
        guard job.expiresAt > req.now else { throw APIError(.gone, code: "expired", "导出文件已过期，请重新导出 (the export has expired; export again)") }
        guard job.status == "done", let bytes = job.bytes else {
            throw APIError.conflict("导出尚未完成 (the export is not finished yet)", code: "not_ready")
        }
        try await AuditLog.record(on: req.db, by: req.auditSource, at: req.now, action: "download", entity: "export_job", entityID: job.id,
                                  nodePath: actor.nodePath, summary: "下载居民名单导出（\(job.rowsDone) 行）")
        return Response.xlsx(bytes, filename: job.filename ?? "residents.xlsx")
    }

    @Sendable static func show(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        let job = try await ResidentExportJobs.find(try req.idParameter(), for: actor, on: req.db)
        let percent = job.rowsTotal > 0 ? min(100, job.rowsDone * 100 / job.rowsTotal) : 0
        let state: HTML
        switch job.status {
        case "done" where job.expiresAt > req.now:
            state = """
            <p>\(req.t("导出完成，共 \(job.rowsDone) 行。", "Done: \(job.rowsDone) rows."))</p>
            <p><a class="button" href="\(SiteURL.Residents.exportJobDownload(job.id!).path)">\(req.t("下载 Excel 文件", "Download the Excel file"))</a></p>
            <p class="muted">\(req.t("文件保留到 \(ShanghaiTime.format(job.expiresAt))，仅您本人可以下载。", "Kept until \(ShanghaiTime.format(job.expiresAt)); only you can download it."))</p>
            """
        case "done":
            state = "<p>\(req.t("导出文件已过期，请重新导出。", "The export has expired; export again."))</p>"
        case "failed":
            state = "<p class=\"error\" role=\"alert\">\(job.error ?? req.t("导出失败，请重试。", "The export failed; try again."))</p>"
        default:
            state = """
            <p>\(req.t(job.status == "queued" ? "排队中…" : "正在导出…", job.status == "queued" ? "Waiting to start…" : "Exporting…"))
            \(req.t("已完成 \(job.rowsDone) / \(job.rowsTotal) 行", "\(job.rowsDone) of \(job.rowsTotal) rows"))</p>
            <progress max="100" value="\(percent)" aria-label="\(req.t("导出进度", "Export progress"))">\(percent)%</progress>
            <p><a href="\(SiteURL.Residents.exportJob(job.id!).path)">\(req.t("刷新进度", "Refresh the progress"))</a></p>
            """
        }
        return try await Layout(req: req, title: req.t("导出居民名单", "Export residents")).render("""
        <section class="card" data-live-page="10" aria-live="polite">\(state)</section>
        <p><a href="\(SiteURL.Residents.list(query: []).path)">\(req.t("返回居民信息", "Back to residents"))</a></p>
        """)
    }
}
