import JingzhiCore
import Vapor

/// Upload a CSV or an .xlsx workbook, see every bad row with its line number, then import.
enum ResidentImportPage {
    static func register(_ web: any RoutesBuilder) {
        web.get(SiteURL.Residents.Pattern.importForm, use: form)
        web.on(.POST, SiteURL.Residents.Pattern.importForm, body: .collect(maxSize: "20mb"), use: upload)
    }

    static func formHTML(_ req: Request) -> HTML {
        """
        <form method="post" enctype="multipart/form-data" class="card">\(Form.csrf(req))
          <label class="field"><span>\(req.t("Excel 工作簿（.xlsx）或 CSV 文件（UTF-8 或 GB18030）", "Excel workbook (.xlsx) or CSV file (UTF-8 or GB18030)"))</span>
          <input type="file" name="file" accept=".xlsx,.csv,text/csv,\(Spreadsheet.mediaType.serialize())" required></label>
          \(Form.field(req.t("工作表名称（留空则读第一个）", "Sheet name (empty: the first sheet)"), name: "sheet", value: nil))
          <label><input type="checkbox" name="skipInvalid" value="true"> \(req.t("跳过有错误的行，导入其余行", "Skip bad rows and import the rest"))</label>
          <label><input type="checkbox" name="dryRun" value="true" checked> \(req.t("只检查，不导入", "Check only, do not import"))</label>
          <div class="actions"><button>\(req.t("上传", "Upload"))</button></div>
        </form>
        <p class="muted">\(req.t("列：", "Columns: "))\(ResidentImporter.exportHeader.joined(separator: "，"))。\(req.t("小区、楼栋、房号、姓名必填；同一身份证号再次导入会更新而不会重复。", "Compound, building, room and name are required; re-importing updates people instead of duplicating them."))</p>
        """
    }

    @Sendable static func form(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        try actor.require(.importResidents)
        return Layout(req: req, title: req.t("批量导入居民", "Import residents")).render(formHTML(req))
    }

    struct Upload: Content { var file: File?; var sheet: String?; var skipInvalid: Bool?; var dryRun: Bool? }

    @Sendable static func upload(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.importResidents)
        let upload = try req.content.decode(Upload.self)
        guard let file = upload.file, file.data.readableBytes > 0 else {
            return try await Layout(req: req, title: req.t("批量导入居民", "Import residents"))
                .render("<p class=\"error\">\(req.t("请选择文件", "Choose a file"))</p>\(formHTML(req))").encodeResponse(status: .unprocessableEntity, for: req)
        }
        let importer = ResidentImporter(db: req.db, now: req.now, scope: actor.scope, source: req.auditSource)
        let report: ImportReport
        do {
            let sheet = upload.sheet.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
            report = try await importer.run(data: Data(buffer: file.data), sheet: sheet, skipInvalid: upload.skipInvalid ?? false, dryRun: upload.dryRun ?? false)
        } catch let e as APIError where e.status.code < 500 {
            return try await Layout(req: req, title: req.t("批量导入居民", "Import residents"))
                .render("<p class=\"error\">\(req.words(e))</p>\(formHTML(req))").encodeResponse(status: e.status, for: req)
        }
        let summary: String
        if report.committed {
            summary = req.t("已导入：新增 \(report.created)，更新 \(report.updated)，未变 \(report.unchanged)，跳过 \(report.skipped)。",
                            "Imported: \(report.created) new, \(report.updated) updated, \(report.unchanged) unchanged, \(report.skipped) skipped.")
        } else if report.errors.isEmpty {
            summary = req.t("检查通过：共 \(report.rows) 行，均可导入。取消“只检查”后再次上传即可导入。",
                            "All \(report.rows) rows are valid. Upload again without “check only” to import.")
        } else {
            summary = req.t("共 \(report.rows) 行，其中 \(report.errors.count) 处错误，未导入任何数据。",
                            "\(report.rows) rows, \(report.errors.count) problems; nothing was imported.")
        }
        let errors = report.errors.map { "第 \($0.line) 行" + ($0.field.map { f in req.application.fieldNames[f].map { " 「\(req.t($0.zh, $0.en))」" } ?? " [\(f)]" } ?? "") + "：\($0.message)" }.joined(separator: "\n")
        let body: HTML = """
        <p class="\(report.errors.isEmpty || report.committed ? "flash" : "error")" role="status">\(summary)</p>
        \(report.errors.isEmpty ? .empty : HTML("<pre class=\"errors\">\(errors)</pre>"))
        <p class="muted">\(req.t("文件格式", "Format"))：\(report.encoding)</p>
        \(formHTML(req))
        """
        let status: HTTPStatus = report.committed || report.errors.isEmpty ? .ok : .unprocessableEntity
        return try await Layout(req: req, title: req.t("批量导入居民", "Import residents")).render(body).encodeResponse(status: status, for: req)
    }
}
