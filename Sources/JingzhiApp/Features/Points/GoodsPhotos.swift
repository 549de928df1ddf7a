import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// A picture of supermarket goods (M121), kept in the database so every app server has it.
final class GoodsPhoto: Model, @unchecked Sendable {
    static let schema = "points_goods_photos"

    @ID(key: .id) var id: UUID?
    @Field(key: "goods_id") var goodsID: UUID
    @OptionalField(key: "uploaded_by") var uploadedBy: UUID?
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "bytes") var bytes: Data
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

struct M121CreateGoodsPhotos: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(GoodsPhoto.schema)
            .id()
            .field("goods_id", .uuid, .required, .references(PointsGoods.schema, "id", onDelete: .cascade))
            .field("uploaded_by", .uuid)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("bytes", .data, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await createIndex("points_goods_photos_goods", on: GoodsPhoto.schema, ["goods_id", "created_at"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(GoodsPhoto.schema).delete() }
}

/// Pictures of goods: staff in scope add (images only, 5 MB, 4 a product) and remove them; everyone signed in sees them.
enum GoodsPhotos {
    static let maxPerGoods = 4

    /// The photo ids of each of `goods`, oldest first; one query for a page of goods.
    static func ids(of goods: [UUID], on db: any Database) async throws -> [UUID: [UUID]] {
        guard !goods.isEmpty else { return [:] }
        let rows = try await GoodsPhoto.query(on: db).filter(\.$goodsID ~~ goods).sort(\.$createdAt).sort(\.$id)
            .field(\.$id).field(\.$goodsID).all()
        return Dictionary(grouping: rows, by: \.goodsID).mapValues { $0.compactMap(\.id) }
    }

    /// Adds one picture, audited; counted with the goods' row locked on PostgreSQL so parallel uploads keep the limit.
    static func add(_ data: Data, to g: PointsGoods, by actor: Actor, on db: any Database, now: Date, source: AuditSource) async throws -> GoodsPhoto {
        try PointsService.requireStaff(actor)
        guard actor.scope.contains(g.nodePath) else { throw APIError.notFound }
        guard !data.isEmpty else { throw APIError.missing("photo") }
        guard data.count <= CasePhotos.maxBytes else { throw APIError.invalid("photo", "照片超过 5 MB，请换一张小一点的 (the photo is over 5 MB)") }
        guard let type = CasePhotos.sniff(data) else {
            throw APIError.invalid("photo", "文件不是照片，只能上传 JPEG、PNG、WebP 或 HEIC 图片 (not a photo: JPEG, PNG, WebP or HEIC only)")
        }
        return try await db.writeTransaction { tx in
            if tx.isPostgres {
                try await tx.sql.raw("SELECT id FROM \(ident: PointsGoods.schema) WHERE id = \(bind: g.id!) FOR UPDATE").run()
            }
            guard try await GoodsPhoto.query(on: tx).filter(\.$goodsID == g.id!).count() < maxPerGoods else {
                throw APIError.invalid("photo", "每件商品最多 \(maxPerGoods) 张照片，请先删掉一张 (at most \(maxPerGoods) photos; remove one first)")
            }
            let p = GoodsPhoto()
            p.goodsID = g.id!
            p.uploadedBy = actor.userID
            p.contentType = type
            p.size = data.count
            p.bytes = data
            p.createdAt = now
            try await p.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "photo", entity: "points_goods", entityID: g.id, nodePath: g.nodePath,
                                      summary: "积分超市商品 \(g.name)：添加照片")
            return p
        }
    }

    /// Removes one picture of `g`, audited; 404 when it is not one of its pictures.
    static func remove(_ photoID: UUID, of g: PointsGoods, by actor: Actor, on db: any Database, now: Date, source: AuditSource) async throws {
        try PointsService.requireStaff(actor)
        guard actor.scope.contains(g.nodePath) else { throw APIError.notFound }
        try await db.writeTransaction { tx in
            guard let p = try await GoodsPhoto.query(on: tx).filter(\.$id == photoID).filter(\.$goodsID == g.id!).field(\.$id).first() else {
                throw APIError.notFound
            }
            try await GoodsPhoto.query(on: tx).filter(\.$id == p.id!).delete()
            try await AuditLog.record(on: tx, by: source, at: now, action: "photo_remove", entity: "points_goods", entityID: g.id, nodePath: g.nodePath,
                                      summary: "积分超市商品 \(g.name)：删除照片")
        }
    }

    static func register(api: any RoutesBuilder, web: any RoutesBuilder) {
        api.on(.POST, "points", "goods", ":id", "photos", body: .collect(maxSize: "6mb"), use: upload)
        api.get("points", "goods", ":id", "photos", ":photoId", use: show)
        api.delete("points", "goods", ":id", "photos", ":photoId", use: delete)
        typealias P = SiteURL.Points.Pattern
        web.get(P.goodsPhoto, use: show)
        web.post(P.goodsPhotos, use: uploadForm)
        web.post(P.removeGoodsPhoto, use: removeForm)
    }

    static func goods(_ req: Request) async throws -> PointsGoods {
        guard let g = try await PointsGoods.find(try req.idParameter(), on: req.db) else { throw APIError.notFound }
        return g
    }

    /// `POST /api/v1/points/goods/{id}/photos`: the body is one image.
    @Sendable static func upload(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let g = try await goods(req)
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { throw APIError.missing("photo") }
        let p = try await add(Data(buffer: buffer), to: g, by: actor, on: req.db, now: req.now, source: req.auditSource)
        return try await ["id": p.id!.uuidString, "contentType": p.contentType, "size": String(p.size)].encodeResponse(status: .created, for: req)
    }

    /// A picture, to anyone signed in (goods are shown to every resident of their community).
    @Sendable static func show(req: Request) async throws -> Response {
        _ = try req.requireActor()
        let g = try await goods(req)
        guard let p = try await GoodsPhoto.query(on: req.db).filter(\.$id == (try req.idParameter("photoId"))).filter(\.$goodsID == g.id!).first() else {
            throw APIError.notFound
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: p.contentType)
        headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=86400")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return Response(status: .ok, headers: headers, body: .init(data: p.bytes))
    }

    @Sendable static func delete(req: Request) async throws -> HTTPStatus {
        let actor = try req.requireActor()
        try await remove(try req.idParameter("photoId"), of: try await goods(req), by: actor, on: req.db, now: req.now, source: req.auditSource)
        return .noContent
    }

    struct UploadForm: Content { var photo: File? }

    @Sendable static func uploadForm(req: Request) async throws -> Response {
        let actor = try PointsStaffPages.staff(req)
        let g = try await goods(req)
        let file = try req.content.decode(UploadForm.self).photo
        return try await PointsStaffPages.attempt(req, back: SiteURL.Points.editGoods(g.id!).path) {
            guard let file, file.data.readableBytes > 0 else { throw APIError.missing("photo") }
            _ = try await add(Data(buffer: file.data), to: g, by: actor, on: req.db, now: req.now, source: req.auditSource)
            return req.t("已添加 \(g.name) 的照片", "Added a photo of \(g.name)")
        }
    }

    @Sendable static func removeForm(req: Request) async throws -> Response {
        let actor = try PointsStaffPages.staff(req)
        let g = try await goods(req)
        return try await PointsStaffPages.attempt(req, back: SiteURL.Points.editGoods(g.id!).path) {
            try await remove(try req.idParameter("photoId"), of: g, by: actor, on: req.db, now: req.now, source: req.auditSource)
            return req.t("已删除 \(g.name) 的一张照片", "Removed a photo of \(g.name)")
        }
    }

    /// The staff's picture section of the goods page: each picture with a remove button, and the upload form.
    static func manage(_ req: Request, _ g: PointsGoods) async throws -> HTML {
        let ids = try await ids(of: [g.id!], on: req.db)[g.id!] ?? []
        let items = ids.enumerated().map { i, id -> HTML in
            """
            <li><img src="\(SiteURL.Points.goodsPhoto(g.id!, photo: id).path)" alt="\(req.t("\(g.name) 照片 \(i + 1)", "\(g.name), photo \(i + 1)"))" loading="lazy">
            <form method="post" action="\(SiteURL.Points.removeGoodsPhoto(g.id!, photo: id).path)" class="inline" data-confirm="\(req.t("删除这张照片？", "Remove this photo?"))">\(Form.csrf(req))
            <button class="secondary">\(req.t("删除照片 \(i + 1)", "Remove photo \(i + 1)"))</button></form></li>
            """
        }
        let upload: HTML = ids.count < maxPerGoods ? """
            <form method="post" action="\(SiteURL.Points.goodsPhotos(g.id!).path)" enctype="multipart/form-data">\(Form.csrf(req))
            <label class="field">\(req.t("添加照片（JPEG/PNG，5 MB 以内）", "Add a photo (JPEG/PNG, up to 5 MB)"))
            <input type="file" name="photo" accept="image/*" required></label><button>\(req.t("上传", "Upload"))</button></form>
            """ : "<p class=\"muted\">\(req.t("已有 \(maxPerGoods) 张照片，删掉一张才能再加", "\(maxPerGoods) photos already; remove one to add another"))</p>"
        return """
        <section class="card" id="goods-photos"><h2>\(req.t("商品照片", "Photos"))</h2>
        \(ids.isEmpty ? HTML("<p class=\"muted\">\(req.t("还没有照片", "No photos yet"))</p>") : HTML("<ul class=\"photos\">\(items)</ul>"))\(upload)</section>
        """
    }

    /// The first picture on a shop card, if any.
    static func thumbnail(_ req: Request, _ g: PointsGoods, ids: [UUID]?) -> HTML {
        guard let first = ids?.first else { return .empty }
        return "<img class=\"goods-photo\" src=\"\(SiteURL.Points.goodsPhoto(g.id!, photo: first).path)\" alt=\"\(g.name)\" loading=\"lazy\">"
    }
}
