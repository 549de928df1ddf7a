import Fluent
import JingzhiCore
import Vapor

/// The selection of a topic list, from `node`, `stage` and `q` of the query string (API and pages alike).
struct TopicFilter: Sendable {
    var node: OrgNode?
    var stage: TopicStage?
    var q: String?

    init(node: OrgNode? = nil, stage: TopicStage? = nil, q: String? = nil) {
        self.node = node
        self.stage = stage
        self.q = q
    }

    init(_ req: Request, _ actor: Actor) async throws {
        if let raw = try req.query.get(String?.self, at: "stage"), !raw.isEmpty {
            guard let s = TopicStage(rawValue: raw) else {
                throw APIError.invalid("stage", "未知阶段 \(raw) (stage must be one of \(TopicStage.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            stage = s
        }
        if let raw = try req.query.get(String?.self, at: "node"), !raw.isEmpty {
            let scope = try await TopicService(req: req).scope(of: actor)
            let node: OrgNode? = if let id = UUID(uuidString: raw) { try await OrgNode.find(id, on: req.db) }
                else { try await OrgNode.query(on: req.db).filter(\.$code == raw).first() }
            guard let node, scope.contains(node.path) else {
                throw APIError(.notFound, code: "unknown_node", "地点不存在或不在您的范围内 (unknown place)", field: "node")
            }
            self.node = node
        }
        q = try Validate.text(try req.query.get(String?.self, at: "q"), field: "q", max: 60, required: false)
    }
}

extension TopicService {
    /// A page of the topics the actor may read, newest first.
    func list(_ f: TopicFilter, for actor: Actor, page: PageRequest) async throws -> ([Topic], Int) {
        var query = Topic.query(on: db).within(try await scope(of: actor))
        if let node = f.node { query = query.within(DataScope(rootPath: node.path)) }
        if let stage = f.stage { query = query.filter(\.$stageRaw == stage.rawValue) }
        if let q = f.q {
            let like = "%" + q.replacingOccurrences(of: "\\", with: "").replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
            query = query.group(.or) { $0.filter(\.$title, .custom("LIKE"), like).filter(\.$description, .custom("LIKE"), like) }
        }
        let total = try await query.count()
        let rows = try await query.sort(\.$createdAt, .descending).sort(\.$id).range(page.range).all()
        return (rows, total)
    }
}
