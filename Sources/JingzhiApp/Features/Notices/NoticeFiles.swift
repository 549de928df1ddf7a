import Foundation
import Fluent
import JingzhiCore
import Vapor

/// Pictures and PDFs attached to a notice: checked by their bytes (the case photos' rule, plus PDF), stored in the
/// database, served to whoever may read the notice (anyone, for a live public notice).
enum NoticeFiles {
    static let maxBytes = 5 * 1024 * 1024
    static let maxPerNotice = 9

    static func register(_ staff: any RoutesBuilder) {
        staff.on(.POST, SiteURL.Notices.Pattern.attachments, body: .collect(maxSize: "50mb"), use: upload)
        staff.get(SiteURL.Notices.Pattern.attachment, use: serve)
    }

    /// The type the bytes are: a picture, or a PDF; nil for anything else.
    static func sniff(_ data: Data) -> String? {
        if let image = CasePhotos.sniff(data) { return image }
        return data.prefix(5).elementsEqual(Array("%PDF-".utf8)) ? "application/pdf" : nil
    }

    static func add(_ files: [(name: String, data: Data)], to n: Notice, on db: any Database, now: Date) async throws {
        guard !files.isEmpty else { throw APIError.missing("files") }
        let typed = try files.enumerated().map { i, f -> (String, Data, String) in
            guard f.data.count <= maxBytes else { throw APIError.invalid("files", "第 \(i + 1) 个文件超过 5 MB (file \(i + 1) is over 5 MB)") }
            guard let type = sniff(f.data) else {
                throw APIError.invalid("files", "第 \(i + 1) 个文件不是图片或 PDF (file \(i + 1) is not a picture or a PDF)")
            }
            let name = String(f.name.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "\\", with: "_").prefix(100))
            return (name.isEmpty ? "file" : name, f.data, type)
        }
        try await db.writeTransaction { tx in
            let existing = try await NoticeAttachment.query(on: tx).filter(\.$noticeID == n.id!).count()
            guard existing + typed.count <= maxPerNotice else {
                throw APIError.invalid("files", "每条通知最多 \(maxPerNotice) 个附件 (at most \(maxPerNotice) files a notice)")
            }
            for (name, data, type) in typed {
                let a = NoticeAttachment()
                a.noticeID = n.id!
                a.fileName = name
                a.contentType = type
                a.size = data.count
                a.bytes = data
                a.createdAt = now
                try await a.create(on: tx)
            }
        }
    }

    struct UploadForm: Content { var files: [File]? }

    @Sendable static func upload(req: Request) async throws -> Response {
        let actor = try NoticeComposePages.sender(req)
        let n = try await NoticeReceipts(req: req).load(try req.idParameter(), for: actor)
        guard actor.scope.contains(n.nodePath) else { throw APIError.notFound }
        let files = (try req.content.decode(UploadForm.self).files ?? []).filter { $0.data.readableBytes > 0 }
        do {
            guard n.state != .withdrawn else { throw APIError.conflict("通知已撤回 (the notice was withdrawn)", code: "illegal_transition") }
            try await add(files.map { ($0.filename, Data(buffer: $0.data)) }, to: n, on: req.db, now: req.now)
            req.flash(req.t("附件已上传", "Files added"))
        } catch let e as APIError where e.status.code < 500 {
            req.flash(NoticeComposePages.words(req, e), kind: "error")
        }
        return req.redirect(to: SiteURL.Notices.show(n.id!).path)
    }

    @Sendable static func serve(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let n = try await NoticeReceipts(req: req).load(try req.idParameter(), for: actor)
        return try await file(req, n)
    }

    /// The attachment named in the path, of this notice only.
    static func file(_ req: Request, _ n: Notice) async throws -> Response {
        guard let a = try await NoticeAttachment.query(on: req.db).filter(\.$id == (try req.idParameter("file"))).filter(\.$noticeID == n.id!).first() else {
            throw APIError.notFound
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: a.contentType)
        headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=86400")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        let ascii = a.fileName.unicodeScalars.allSatisfy { $0.isASCII && $0 != "\"" } ? a.fileName : "attachment"
        let encoded = a.fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "attachment"
        headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)")
        return Response(status: .ok, headers: headers, body: .init(data: a.bytes))
    }

    /// Pictures inline and PDFs as links, from the staff page or the public one.
    static func list(_ req: Request, _ n: Notice, publicPage: Bool) async throws -> HTML {
        let files = try await NoticeAttachment.query(on: req.db).filter(\.$noticeID == n.id!).sort(\.$createdAt).all()
        guard !files.isEmpty else { return .empty }
        func href(_ a: NoticeAttachment) -> String {
            publicPage ? SiteURL.Notices.publicAttachment(n.id!, file: a.id!).path : SiteURL.Notices.attachment(n.id!, file: a.id!).path
        }
        let pictures = files.filter { $0.contentType.hasPrefix("image/") }.map { a -> HTML in
            "<a href=\"\(href(a))\"><img src=\"\(href(a))\" alt=\"\(req.t("通知附图", "Picture")) \(a.fileName)\"></a>"
        }
        let pdfs = files.filter { $0.contentType == "application/pdf" }.map { a -> HTML in
            "<li><a href=\"\(href(a))\">\(a.fileName)</a> <small class=\"muted\">PDF · \(a.size / 1024) KB</small></li>"
        }
        return """
        \(pictures.isEmpty ? HTML.empty : HTML("<div class=\"photos\">\(pictures)</div>"))
        \(pdfs.isEmpty ? HTML.empty : HTML("<ul>\(pdfs)</ul>"))
        """
    }

    static func uploadForm(_ req: Request, _ n: Notice) -> HTML {
        """
        <form method="post" action="\(SiteURL.Notices.attachments(n.id!).path)" enctype="multipart/form-data" class="card">\(Form.csrf(req))
        <label class="field"><span>\(req.t("添加图片或 PDF 附件", "Add pictures or PDF files"))</span><input type="file" name="files[]" multiple accept="image/*,application/pdf"></label>
        <button class="secondary">\(req.t("上传", "Upload"))</button></form>
        """
    }
}
