import Fluent
import JingzhiCore
import Vapor

/// Words two titles share: Latin words and digits whole, Chinese as overlapping pairs of characters (Chinese has no
/// spaces; "休息座椅" and "座椅坏了" share "座椅"). Words every topic has ("小区", "社区") count for nothing.
enum TopicSimilarity {
    static let common: Set<String> = ["小区", "社区", "居民", "问题", "希望", "建议", "一下", "我们", "大家", "关于", "坏了", "the", "and"]

    static func terms(_ text: String) -> Set<String> {
        var out: Set<String> = []
        var latin = ""
        var han: [Character] = []
        func flush() {
            if latin.count >= 2 { out.insert(latin) }
            latin = ""
            if han.count == 1 { out.insert(String(han)) }
            for i in han.indices.dropLast() { out.insert(String(han[i...i + 1])) }
            han = []
        }
        for ch in text.lowercased() {
            if ch.unicodeScalars.allSatisfy({ (0x4E00...0x9FFF).contains($0.value) }) {
                if !latin.isEmpty { flush() }
                han.append(ch)
            } else if ch.isLetter || ch.isNumber {
                if !han.isEmpty { flush() }
                latin.append(ch)
            } else {
                flush()
            }
        }
        flush()
        return out.subtracting(common)
    }

    /// How many words two titles share; 0 when they are not alike. A single shared word is enough only for short titles.
    static func score(_ a: Set<String>, _ b: Set<String>) -> Int {
        let shared = a.intersection(b).count
        return shared >= 2 || (shared == 1 && min(a.count, b.count) <= 3) ? shared : 0
    }
}

extension TopicService {
    /// Open topics of the community whose titles share words with `title`, most alike first. One query on the
    /// (community, stage) index; the words are compared here.
    func similar(to title: String, community: UUID, excluding: UUID? = nil, limit: Int = 5) async throws -> [Topic] {
        let wanted = TopicSimilarity.terms(title)
        guard !wanted.isEmpty else { return [] }
        var q = Topic.query(on: db).filter(\.$communityID == community).filter(\.$stageRaw ~~ TopicStage.open.map(\.rawValue))
        if let excluding { q = q.filter(\.$id != excluding) }
        let rows = try await q.sort(\.$createdAt, .descending).limit(500).all()
        return rows.map { ($0, TopicSimilarity.score(wanted, TopicSimilarity.terms($0.title))) }.filter { $0.1 > 0 }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.createdAt > $1.0.createdAt }.prefix(limit).map { $0.0 }
    }

    /// Similar open topics for a title about to be raised at a place the actor may reach (404 for a place outside).
    func similar(to title: String?, at nodeID: UUID?, for actor: Actor) async throws -> [Topic] {
        guard let title, !title.trimmingCharacters(in: .whitespaces).isEmpty, let nodeID else { return [] }
        guard let node = try await OrgNode.find(nodeID, on: db), try await scope(of: actor).contains(node.path) else {
            throw APIError(.notFound, code: "unknown_node", "地点不存在或不在您的范围内 (unknown place)", field: "nodeId")
        }
        guard let community = try await community(of: node) else { return [] }
        return try await similar(to: title, community: community.id!)
    }
}

/// The similar topics on pages and in the API.
enum TopicSimilarPages {
    struct SimilarDTO: Content {
        let id: UUID
        let title: String
        let stage: String
        let supportCount: Int
    }

    struct SimilarList: Content { let items: [SimilarDTO] }

    /// `GET /api/v1/topics/similar?title=&nodeId=&exclude=`: before raising, or for a reviewer deciding a merge.
    @Sendable static func api(req: Request) async throws -> SimilarList {
        let actor = try req.requireActor()
        let title = try Validate.text(req.query[String.self, at: "title"], field: "title", max: 60)
        let nodeID = try req.query[String.self, at: "nodeId"].map { raw -> UUID in
            guard let id = UUID(uuidString: raw) else { throw APIError.invalid("nodeId", "地点编号不对 (not a place id)") }
            return id
        }
        guard let title else { throw APIError.missing("title") }
        guard let nodeID else { throw APIError.missing("nodeId") }
        let exclude = req.query[String.self, at: "exclude"].flatMap(UUID.init(uuidString:))
        let rows = try await TopicService(req: req).similar(to: title, at: nodeID, for: actor).filter { $0.id != exclude }
        return SimilarList(items: rows.map { SimilarDTO(id: $0.id!, title: $0.title, stage: $0.stageRaw, supportCount: $0.supportCount) })
    }

    /// The list shown while raising: each a link to support it instead.
    static func whileRaising(_ req: Request, _ rows: [Topic], checked: Bool) -> HTML {
        guard !rows.isEmpty else {
            return checked ? "<p class=\"card\">\(req.t("没有找到相似的议题，可以提交。", "No similar topics found; go ahead."))</p>" : .empty
        }
        let items = rows.map { t -> HTML in
            "<li><a href=\"\(SiteURL.Deliberation.detail(t.id!).path)\">\(t.title)</a> <span class=\"muted\">\(t.stage.label(req.lang)) · \(req.t("\(t.supportCount) 户附议", "\(t.supportCount) households"))</span></li>"
        }
        return """
        <div class="card" id="similar"><h2>\(req.t("已有相似的议题", "Similar topics already raised"))</h2>
        <p>\(req.t("如果说的是同一件事，请打开它并附议，力量更集中。", "If it is the same matter, open it and support it instead."))</p>
        <ul>\(items)</ul></div>
        """
    }

    /// On a topic's page: similar open topics of its community; reviewers may merge this topic into one of them.
    static func section(_ req: Request, _ actor: Actor, _ t: Topic) async throws -> HTML {
        guard TopicStage.open.contains(t.stage), actor.role.isStaff || t.raisedBy == actor.userID else { return .empty }
        let rows = try await TopicService(req: req).similar(to: t.title, community: t.communityID, excluding: t.id)
        guard !rows.isEmpty else { return .empty }
        let merges = TopicRole(actor) == .reviewer && TopicLifecycle.table.actions(from: t.stage, role: .reviewer).contains(.merge)
        let items = rows.map { o -> HTML in
            let merge: HTML = merges ? """
                <form method="post" action="\(SiteURL.Deliberation.act(t.id!, action: TopicAction.merge.rawValue).path)" class="inline" data-confirm="\(HTML.escape(req.t("确定把本议题并入「\(o.title)」吗？此操作不能撤回。", "Merge this topic into \(o.title)? This cannot be undone.")))">\(Form.csrf(req))
                <input type="hidden" name="version" value="\(t.version)"><input type="hidden" name="mergeInto" value="\(o.id!)">
                <button>\(req.t("并入此议题", "Merge into this"))</button></form>
                """ : .empty
            return "<li><span><a href=\"\(SiteURL.Deliberation.detail(o.id!).path)\">\(o.title)</a> <span class=\"muted\">\(o.stage.label(req.lang)) · \(req.t("\(o.supportCount) 户附议", "\(o.supportCount) households"))</span></span>\(merge)</li>"
        }
        return "<h2>\(req.t("相似的议题", "Similar topics"))</h2><ul class=\"tree\" id=\"similar\">\(items)</ul>"
    }
}
