import Foundation
import JingzhiCore
import Vapor

/// Upload a CSV or .xlsx list of devices, see every bad row with its line, then import (`/devices/import`), and the
/// same as `POST /api/v1/devices/import` with the file as the body.
enum DeviceImportPage {
    static func register(staff: any RoutesBuilder, api: any RoutesBuilder) {
        staff.get(SiteURL.Devices.Pattern.importForm, use: form)
        staff.on(.POST, SiteURL.Devices.Pattern.importForm, body: .collect(maxSize: "20mb"), use: upload)
        api.on(.POST, "devices", "import", body: .collect(maxSize: "20mb"), use: apiImport)
    }

    static func manager(_ req: Request) throws -> Actor {
        let actor = try req.requireActor()
        guard DevicesAPI.managers.contains(actor.role) else { throw APIError.forbidden }
        return actor
    }

    static func title(_ req: Request) -> String { req.t("批量导入设备", "Import devices") }

    static func formHTML(_ req: Request) -> HTML {
        let kinds = DeviceKind.allCases.map { "\($0.rawValue)（\($0.zh)）" }.joined(separator: "，")
        return """
        <form method="post" enctype="multipart/form-data" class="card">\(Form.csrf(req))
          <label class="field"><span>\(req.t("Excel 工作簿（.xlsx）或 CSV 文件（UTF-8 或 GB18030）", "Excel workbook (.xlsx) or CSV file (UTF-8 or GB18030)"))</span>
          <input type="file" name="file" accept=".xlsx,.csv,text/csv,\(Spreadsheet.mediaType.serialize())" required></label>
          <p><label><input type="checkbox" name="skipInvalid" value="true"> \(req.t("跳过有错误的行，导入其余行", "Skip bad rows and import the rest"))</label></p>
          <p><label><input type="checkbox" name="dryRun" value="true" checked> \(req.t("只检查，不导入", "Check only, do not import"))</label></p>
          <div class="actions"><button>\(req.t("上传", "Upload"))</button></div>
        </form>
        <p class="muted">\(req.t("第一行为列名：", "The first row names the columns: "))\(DeviceImporter.header.joined(separator: "，"))。\
        \(req.t("设备编号、设备类型、位置编码必填；住户可填住户编号、房号或完整地址。", "Serial, kind and place code are required; the household may be its id, its room or its full address."))</p>
        <p class="muted">\(req.t("设备类型：", "Kinds: "))\(kinds)</p>
        """
    }

    @Sendable static func form(req: Request) async throws -> HTML {
        _ = try manager(req)
        return Layout(req: req, title: title(req)).render(formHTML(req))
    }

    struct Upload: Content { var file: File?; var skipInvalid: Bool?; var dryRun: Bool? }

    @Sendable static func upload(req: Request) async throws -> Response {
        let actor = try manager(req)
        let upload = try req.content.decode(Upload.self)
        func page(_ body: HTML, _ status: HTTPStatus) async throws -> Response {
            try await Layout(req: req, title: title(req)).render(body + formHTML(req)).encodeResponse(status: status, for: req)
        }
        guard let file = upload.file, file.data.readableBytes > 0 else {
            return try await page("<p class=\"error\">\(req.t("请选择文件", "Choose a file"))</p>", .unprocessableEntity)
        }
        let report: ImportReport
        do {
            report = try await DeviceImporter(db: req.db, now: req.now, scope: actor.scope, source: req.auditSource)
                .run(data: Data(buffer: file.data), skipInvalid: upload.skipInvalid ?? false, dryRun: upload.dryRun ?? false)
        } catch let e as APIError where e.status.code < 500 {
            return try await page("<p class=\"error\">\(req.words(e))</p>", e.status)
        }
        let summary: String
        if report.committed {
            summary = req.t("已导入 \(report.created) 台设备，跳过 \(report.skipped) 行。", "Imported \(report.created) devices; \(report.skipped) rows skipped.")
        } else if report.errors.isEmpty {
            summary = req.t("检查通过：共 \(report.rows) 行，均可导入。取消“只检查”后再次上传即可导入。",
                            "All \(report.rows) rows are valid. Upload again without “check only” to import.")
        } else {
            summary = req.t("共 \(report.rows) 行，其中 \(report.errors.count) 处错误，未导入任何设备。",
                            "\(report.rows) rows, \(report.errors.count) problems; nothing was imported.")
        }
        let errors = report.errors.map { "第 \($0.line) 行" + ($0.field.map { " [\($0)]" } ?? "") + "：\($0.message)" }.joined(separator: "\n")
        let body: HTML = """
        <p class="\(report.errors.isEmpty || report.committed ? "flash" : "error")" role="status">\(summary)</p>
        \(report.errors.isEmpty ? .empty : HTML("<pre class=\"errors\">\(errors)</pre>"))
        \(report.committed ? HTML("<p><a href=\"\(SiteURL.Devices.list(query: []).path)\">\(req.t("查看设备列表", "See the devices"))</a></p>") : .empty)
        """
        return try await page(body, report.committed || report.errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable static func apiImport(req: Request) async throws -> Response {
        let actor = try manager(req)
        guard let buffer = req.body.data, buffer.readableBytes > 0 else {
            throw APIError(.badRequest, code: "empty_body", "请上传 CSV 或 .xlsx 文件内容 (send the CSV or .xlsx file as the body)")
        }
        let report = try await DeviceImporter(db: req.db, now: req.now, scope: actor.scope, source: req.auditSource)
            .run(data: Data(buffer: buffer), skipInvalid: try req.query.get(Bool?.self, at: "skipInvalid") ?? false,
                 dryRun: try req.query.get(Bool?.self, at: "dryRun") ?? false)
        return try await report.encodeResponse(status: report.committed || report.errors.isEmpty ? .ok : .unprocessableEntity, for: req)
    }
}
