import Fluent
import JingzhiCore
import Vapor

/// A photo of a topic, taken by the resident who raised it (M110). Stored in the database, so every app server sees it.
final class TopicPhoto: Model, @unchecked Sendable {
    static let schema = "topic_photos"

    @ID(key: .id) var id: UUID?
    @Field(key: "topic_id") var topicID: UUID
    @OptionalField(key: "uploaded_by") var uploadedBy: UUID?
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "bytes") var bytes: Data
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// Photo rules of topics: the bytes must be an image (the cases' sniffing decides), at most 5 MB each, 6 a topic.
enum TopicPhotos {
    static let maxPerTopic = 6

    /// Each file with its image type, or an error in words naming the first file at fault.
    static func check(_ files: [Data], already: Int = 0) throws -> [(Data, String)] {
        guard already + files.count <= maxPerTopic else {
            throw APIError.invalid("photos", "每个议题最多 \(maxPerTopic) 张照片 (at most \(maxPerTopic) photos a topic)")
        }
        return try files.enumerated().map { i, data -> (Data, String) in
            guard data.count <= CasePhotos.maxBytes else {
                throw APIError.invalid("photos", "第 \(i + 1) 张照片超过 5 MB，请换一张小一点的 (photo \(i + 1) is over 5 MB)")
            }
            guard let type = CasePhotos.sniff(data) else {
                throw APIError.invalid("photos", "第 \(i + 1) 个文件不是照片，只能上传 JPEG、PNG、WebP 或 HEIC 图片 (file \(i + 1) is not a photo: JPEG, PNG, WebP or HEIC only)")
            }
            return (data, type)
        }
    }

    /// Stores checked photos inside the caller's transaction.
    static func store(_ typed: [(Data, String)], topic: UUID, by user: UUID?, at now: Date, on tx: any Database) async throws -> [TopicPhoto] {
        try await typed.asyncMap { data, type in
            let p = TopicPhoto()
            p.topicID = topic
            p.uploadedBy = user
            p.contentType = type
            p.size = data.count
            p.bytes = data
            p.createdAt = now
            try await p.create(on: tx)
            return p
        }
    }

    /// The ids of a topic's photos, oldest first (bytes stay in the database until a photo is asked for).
    static func ids(of topic: UUID, on db: any Database) async throws -> [UUID] {
        try await TopicPhoto.query(on: db).filter(\.$topicID == topic).sort(\.$createdAt).sort(\.$id).field(\.$id).all().compactMap(\.id)
    }

    /// The raiser adds photos to a topic still collecting support or in review. Counted with the topic's row locked on
    /// PostgreSQL (SQLite has one writer), so parallel uploads cannot together pass the limit.
    static func add(_ files: [Data], to t: Topic, by actor: Actor, on db: any Database, now: Date, source: AuditSource) async throws -> [TopicPhoto] {
        guard t.raisedBy == actor.userID else {
            throw APIError(.forbidden, code: "not_raiser", "只有提出议题的人可以添加照片 (only who raised the topic may add photos)")
        }
        guard [.collect, .review].contains(t.stage) else {
            throw APIError.conflict("议题已\(t.stage.zh)，不能再添加照片 (the topic is \(t.stage.en); no more photos)", code: "not_collecting")
        }
        guard !files.isEmpty else { throw APIError.missing("photos") }
        _ = try check(files)
        return try await db.writeTransaction { tx in
            if tx.isPostgres {
                try await tx.sql.raw("SELECT id FROM \(ident: Topic.schema) WHERE id = \(bind: t.id!) FOR UPDATE").run()
            }
            let typed = try check(files, already: try await TopicPhoto.query(on: tx).filter(\.$topicID == t.id!).count())
            let photos = try await store(typed, topic: t.id!, by: actor.userID, at: now, on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "photo", entity: "topic", entityID: t.id, nodePath: t.nodePath,
                                      summary: "议题「\(t.title)」：添加照片 \(photos.count) 张")
            return photos
        }
    }

    static func register(api: any RoutesBuilder, staff: any RoutesBuilder) {
        api.on(.POST, "topics", ":id", "photos", body: .collect(maxSize: "6mb"), use: upload)
        api.get("topics", ":id", "photos", ":photoId", use: show)
        staff.get(SiteURL.Deliberation.Pattern.photo, use: show)
    }

    /// `POST /api/v1/topics/{id}/photos`: the body is one image.
    @Sendable static func upload(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let t = try await TopicService(req: req).load(try req.idParameter(), for: actor)
        guard let buffer = req.body.data, buffer.readableBytes > 0 else { throw APIError.missing("photo") }
        let photo = try await add([Data(buffer: buffer)], to: t, by: actor, on: req.db, now: req.now, source: req.auditSource)[0]
        return try await ["id": photo.id!.uuidString, "contentType": photo.contentType, "size": String(photo.size)]
            .encodeResponse(status: .created, for: req)
    }

    /// A photo, to whoever may read its topic.
    @Sendable static func show(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let t = try await TopicService(req: req).load(try req.idParameter(), for: actor)
        guard let photo = try await TopicPhoto.query(on: req.db).filter(\.$id == (try req.idParameter("photoId")))
            .filter(\.$topicID == t.id!).first() else { throw APIError.notFound }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: photo.contentType)
        headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=86400")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return Response(status: .ok, headers: headers, body: .init(data: photo.bytes))
    }

    /// The photos on a topic's page, each opening full size.
    static func section(_ req: Request, _ t: Topic) async throws -> HTML {
        let ids = try await ids(of: t.id!, on: req.db)
        guard !ids.isEmpty else { return .empty }
        let imgs = ids.enumerated().map { i, id -> HTML in
            let src = SiteURL.Deliberation.photo(t.id!, photo: id).path
            return "<a href=\"\(src)\"><img src=\"\(src)\" alt=\"\(req.t("议题照片 \(i + 1)", "Topic photo \(i + 1)"))\" loading=\"lazy\"></a>"
        }
        return "<div class=\"photos\">\(imgs)</div>"
    }
}
