import Fluent
import JingzhiCore
import Vapor

/// A photo attached to a case by the reporter or a handler. Stored in the database, so every app server sees it.
final class CasePhoto: Model, @unchecked Sendable {
    static let schema = "case_photos"

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @OptionalField(key: "uploaded_by") var uploadedBy: UUID?
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "bytes") var bytes: Data
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// Photo rules: real images only (the bytes decide, not the file name), bounded in size and number.
enum CasePhotos {
    static let maxPerCase = 9

    static let maxBytes = ImageFiles.maxBytes
    /// The image type the bytes actually are, or nil (the shared rule in Core).
    static func sniff(_ data: Data) -> String? { ImageFiles.sniff(data) }

    /// The type of each file, or an error naming the first that is too big or not an image.
    static func check(_ files: [Data]) throws -> [(Data, String)] {
        guard files.count <= maxPerCase else {
            throw APIError.invalid("photos", "每件诉求最多 \(maxPerCase) 张照片 (at most \(maxPerCase) photos a case)")
        }
        return try files.enumerated().map { i, data -> (Data, String) in
            guard data.count <= maxBytes else { throw APIError.invalid("photos", "第 \(i + 1) 张照片超过 5 MB (photo \(i + 1) is over 5 MB)") }
            guard let type = sniff(data) else {
                throw APIError.invalid("photos", "第 \(i + 1) 个文件不是 JPEG、PNG、WebP 或 HEIC 图片 (file \(i + 1) is not an image)")
            }
            return (data, type)
        }
    }

    /// Checks every file first, then stores them all, so a bad file in a batch stores nothing.
    /// The count is taken inside the transaction, with the case's row locked on PostgreSQL (SQLite has one writer), so
    /// parallel uploads cannot together pass the limit.
    static func add(_ files: [Data], to c: Case, by user: UUID?, on db: any Database, now: Date) async throws -> [CasePhoto] {
        let typed = try check(files)
        return try await db.writeTransaction { tx in
            if tx.isPostgres {
                try await tx.sql.raw("SELECT id FROM \(ident: Case.schema) WHERE id = \(bind: c.id!) FOR UPDATE").run()
            }
            let existing = try await CasePhoto.query(on: tx).filter(\.$caseID == c.id!).count()
            guard existing + typed.count <= maxPerCase else {
                throw APIError.invalid("photos", "每件诉求最多 \(maxPerCase) 张照片 (at most \(maxPerCase) photos a case)")
            }
            return try await typed.asyncMap { data, type in
                let p = CasePhoto()
                p.caseID = c.id!
                p.uploadedBy = user
                p.contentType = type
                p.size = data.count
                p.bytes = data
                p.createdAt = now
                try await p.create(on: tx)
                return p
            }
        }
    }

    static func register(api: any RoutesBuilder, web: any RoutesBuilder) {
        api.on(.POST, "cases", ":id", "photos", body: .collect(maxSize: "6mb"), use: upload)
        api.get("cases", ":id", "photos", ":photoId", use: show)
        web.get(SiteURL.Cases.Pattern.photo, use: show)
        web.on(.POST, SiteURL.Cases.Pattern.photos, body: .collect(maxSize: "50mb"), use: uploadForm)
    }

    @Sendable static func upload(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let c = try await CasesAPI.load(req, actor)
        guard c.state.isOpen else { throw APIError.conflict("诉求已结束，不能再添加照片 (the case is finished)", code: "illegal_transition") }
        try await requireUploader(c, actor, req.db)
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { throw APIError.missing("photo") }
        let photo = try await add([Data(buffer: buffer)], to: c, by: actor.userID, on: req.db, now: req.now)[0]
        return try await ["id": photo.id!.uuidString, "contentType": photo.contentType, "size": String(photo.size)]
            .encodeResponse(status: .created, for: req)
    }

    @Sendable static func show(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let c = try await CasesAPI.load(req, actor)
        guard let photo = try await CasePhoto.query(on: req.db).filter(\.$id == (try req.idParameter("photoId"))).filter(\.$caseID == c.id!).first() else {
            throw APIError.notFound
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: photo.contentType)
        headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=86400")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return Response(status: .ok, headers: headers, body: .init(data: photo.bytes))
    }

    static func requireUploader(_ c: Case, _ actor: Actor, _ db: any Database) async throws {
        guard CaseAccess.canAddPhotos(c, actor, handlerPath: try await CaseAccess.handlerPath(of: c, on: db)) else {
            throw APIError(.forbidden, code: "not_your_case", "只有反映人和办理单位可以添加照片 (only the reporter and the handling units may add photos)")
        }
    }

    struct PhotoForm: Content { var photos: [File]? }

    @Sendable static func uploadForm(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let c = try await CasesAPI.load(req, actor)
        let files = (try req.content.decode(PhotoForm.self).photos ?? []).filter { $0.data.readableBytes > 0 }
        do {
            guard !files.isEmpty else { throw APIError.missing("photos") }
            guard c.state.isOpen else { throw APIError.conflict("诉求已结束，不能再添加照片 (the case is finished)", code: "illegal_transition") }
            try await requireUploader(c, actor, req.db)
            _ = try await add(files.map { Data(buffer: $0.data) }, to: c, by: actor.userID, on: req.db, now: req.now)
        } catch let e as APIError where e.status.code < 500 {
            return try await CaseDetail.render(req, actor, c, error: req.words(e)).encodeResponse(status: e.status, for: req)
        }
        req.flash(req.t("照片已上传", "Photos added"))
        return req.redirect(to: SiteURL.Cases.detail(c.id!).path)
    }
}

