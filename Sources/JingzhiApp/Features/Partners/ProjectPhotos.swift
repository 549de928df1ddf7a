import Foundation
import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// A photo of a project's progress (M134), kept in the database like wish and case photos.
final class ProjectPhoto: Model, @unchecked Sendable {
    static let schema = "partner_project_photos"

    @ID(key: .id) var id: UUID?
    @Field(key: "project_id") var projectID: UUID
    @OptionalField(key: "uploaded_by") var uploadedBy: UUID?
    @Field(key: "caption") var caption: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "bytes") var bytes: Data
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

struct ProjectPhotoDTO: Content {
    let id: UUID
    let caption: String
    let contentType: String
    let createdAt: Date
    /// Where the picture itself is (`GET`, staff of the project's area).
    let url: String

    init(_ p: ProjectPhoto) {
        id = p.id!
        caption = p.caption
        contentType = p.contentType
        createdAt = p.createdAt
        url = "/api/v1/projects/\(p.projectID)/photos/\(p.id!)"
    }
}

/// Photos of a project's progress: staff of its area add them (pictures only, 5 MB, `maxPerProject`); staff see them.
enum ProjectPhotos {
    static let maxPerProject = 12

    /// A project's photos without their bytes, oldest first.
    static func list(_ p: PartnerProject, on db: any Database) async throws -> [ProjectPhoto] {
        try await ProjectPhoto.query(on: db).filter(\.$projectID == p.id!).sort(\.$createdAt).sort(\.$id)
            .field(\.$id).field(\.$projectID).field(\.$caption).field(\.$contentType).field(\.$createdAt).all()
    }

    /// Adds one picture, audited; counted with the project's row locked on PostgreSQL so parallel uploads keep the limit.
    static func add(_ data: Data, caption rawCaption: String?, to p: PartnerProject, by actor: Actor,
                    on db: any Database, now: Date, source: AuditSource) async throws -> ProjectPhoto {
        try PartnerAccess.requireStaff(actor)
        guard actor.scope.contains(p.nodePath) else { throw APIError.notFound }
        let type = try ImageFiles.check(data)
        let caption = try Validate.text(rawCaption, field: "caption", max: 60, required: false) ?? ""
        return try await db.writeTransaction { tx in
            if tx.isPostgres {
                try await tx.sql.raw("SELECT id FROM \(ident: PartnerProject.schema) WHERE id = \(bind: p.id!) FOR UPDATE").run()
            }
            guard try await ProjectPhoto.query(on: tx).filter(\.$projectID == p.id!).count() < maxPerProject else {
                throw APIError.invalid("photo", "每个项目最多 \(maxPerProject) 张照片 (at most \(maxPerProject) photos a project)")
            }
            let ph = ProjectPhoto()
            ph.projectID = p.id!
            ph.uploadedBy = actor.userID
            ph.caption = caption
            ph.contentType = type
            ph.size = data.count
            ph.bytes = data
            ph.createdAt = now
            try await ph.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "photo", entity: PartnerProject.schema, entityID: p.id, nodePath: p.nodePath,
                                      summary: "项目「\(p.title)」：添加进展照片\(caption.isEmpty ? "" : "「\(caption)」")")
            return ph
        }
    }

    /// The picture as a response; 404 unless it is one of the project's.
    static func response(_ photoID: UUID?, of p: PartnerProject, on db: any Database) async throws -> Response {
        guard let photoID, let ph = try await ProjectPhoto.query(on: db).filter(\.$id == photoID).filter(\.$projectID == p.id!).first() else {
            throw APIError.notFound
        }
        let res = Response(status: .ok, body: .init(data: ph.bytes))
        res.headers.replaceOrAdd(name: .contentType, value: ph.contentType)
        res.headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=3600")
        return res
    }

    // MARK: routes

    static func register(api: any RoutesBuilder, staff: any RoutesBuilder) {
        typealias P = SiteURL.Partners.Pattern
        api.on(.POST, "projects", ":id", "photos", body: .collect(maxSize: "6mb"), use: upload)
        api.get("projects", ":id", "photos", use: photos)
        api.get("projects", ":id", "photos", ":photo", use: photo)
        staff.on(.POST, P.projectPhotos, body: .collect(maxSize: "8mb"), use: uploadForm)
        staff.get(P.projectPhoto, use: photo)
    }

    /// The image as the request body, `?caption=` optional → 201.
    @Sendable static func upload(req: Request) async throws -> Response {
        let p = try await ListsAPI.loadProject(req)
        let data = req.body.data.map { Data(buffer: $0) } ?? Data()
        let ph = try await add(data, caption: try req.query.get(String?.self, at: "caption"), to: p, by: try req.requireActor(),
                               on: req.db, now: req.now, source: req.auditSource)
        return try await ProjectPhotoDTO(ph).encodeResponse(status: .created, for: req)
    }

    @Sendable static func photos(req: Request) async throws -> [ProjectPhotoDTO] {
        try await list(try await ListsAPI.loadProject(req), on: req.db).map(ProjectPhotoDTO.init)
    }

    @Sendable static func photo(req: Request) async throws -> Response {
        let p = try await ListsAPI.loadProject(req)
        return try await response(req.parameters.get("photo").flatMap(UUID.init(uuidString:)), of: p, on: req.db)
    }

    struct UploadForm: Content {
        var photo: File?
        var caption: String?
    }

    @Sendable static func uploadForm(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let p = try await ListsAPI.loadProject(req)
        let f = try req.content.decode(UploadForm.self)
        return try await PartnerPages.attempt(req, to: SiteURL.Partners.project(p.id!).path, done: req.t("已上传进展照片。", "Photo added.")) {
            _ = try await add(f.photo.map { Data(buffer: $0.data) } ?? Data(), caption: f.caption, to: p, by: actor,
                              on: req.db, now: req.now, source: req.auditSource)
        }
    }

    /// The project page's section: the pictures and the upload form.
    static func section(_ req: Request, _ p: PartnerProject) async throws -> HTML {
        let shown = try await list(p, on: req.db)
        let pics = shown.map { ph -> HTML in
            let alt = ph.caption.isEmpty ? req.t("项目进展照片", "Project progress photo") : ph.caption
            return """
            <figure class="card"><img src="\(SiteURL.Partners.projectPhoto(p.id!, photo: ph.id!).path)" alt="\(alt)" width="240" loading="lazy">
            <figcaption>\(ph.caption) <small class="muted">\(ShanghaiTime.format(ph.createdAt))</small></figcaption></figure>
            """
        }
        return """
        <h2>\(req.t("进展照片", "Progress photos"))</h2>
        \(pics.isEmpty ? HTML("<p class=\"muted\">\(req.t("暂无照片", "No photos yet"))</p>") : HTML("<div class=\"photos\">\(HTML(pics))</div>"))
        \(shown.count < maxPerProject ? HTML("""
        <form method="post" action="\(SiteURL.Partners.projectPhotos(p.id!).path)" enctype="multipart/form-data" class="card">\(Form.csrf(req))
        <label class="field"><span>\(req.t("照片（JPEG、PNG、WebP 或 HEIC，5 MB 以内）", "Photo (JPEG, PNG, WebP or HEIC, up to 5 MB)"))</span><input type="file" name="photo" accept="image/*" required></label>
        \(Form.field(req.t("说明", "Caption"), name: "caption", attrs: "maxlength=\"60\""))
        <button class="button">\(req.t("上传照片", "Upload the photo"))</button></form>
        """) : .empty)
        """
    }
}
