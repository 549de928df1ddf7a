import Foundation
import Fluent
import JingzhiCore
import Vapor

/// A community's annual evaluation of a partner on the checklist (年度考评), with its grade and an award.
final class PartnerEvaluation: Model, PathScoped, @unchecked Sendable {
    static let schema = "partner_evaluations"
    static var pathKey: KeyPath<PartnerEvaluation, FieldProperty<PartnerEvaluation, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "partner_id") var partnerID: UUID
    @Field(key: "year") var year: Int
    /// The evaluating community (or street): one evaluation per partner, year and evaluator.
    @Field(key: "node_id") var nodeID: UUID
    @Field(key: "node_path") var nodePath: String
    /// The checklist's scores in `PartnerEvaluations.items` order, joined by `,`.
    @Field(key: "scores") var scoresRaw: String
    @Field(key: "total") var total: Int
    @Field(key: "award") var award: String
    @Field(key: "note") var note: String
    @Field(key: "by_name") var byName: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var scores: [Int] { scoresRaw.split(separator: ",").compactMap { Int($0) } }
    var grade: (zh: String, en: String) { PartnerEvaluations.grade(total) }
}

/// Migration M089: the annual evaluations.
struct M089CreatePartnerEvaluations: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PartnerEvaluation.schema).id()
            .field("partner_id", .uuid, .required, .references(Partner.schema, "id"))
            .field("year", .int, .required).field("node_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required).field("scores", .string, .required).field("total", .int, .required)
            .field("award", .string, .required).field("note", .string, .required).field("by_name", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "partner_id", "year", "node_id")
            .create()
        try await createIndex("partner_evaluations_partner", on: PartnerEvaluation.schema, ["partner_id", "year"], db: db)
    }

    func revert(on db: any Database) async throws { try await db.schema(PartnerEvaluation.schema).delete() }
}

/// The checklist (Jinxiang's 考评清单): five items of 0–20 points each; the grade follows the total.
enum PartnerEvaluations {
    static let items: [(key: String, zh: String, en: String)] = [
        ("service", "服务频次", "Service frequency"), ("delivery", "资源兑现", "Resources delivered"),
        ("satisfaction", "居民满意度", "Residents' satisfaction"), ("partyBuilding", "党建共建", "Party co-building"),
        ("agreement", "协议履行", "Agreement kept"),
    ]

    static func grade(_ total: Int) -> (zh: String, en: String) {
        total >= 90 ? ("优秀", "excellent") : total >= 75 ? ("良好", "good") : total >= 60 ? ("合格", "pass") : ("不合格", "fail")
    }

    /// Staff of a community (or street) whose area the partner serves score it once a year.
    static func evaluate(_ p: Partner, year: Int?, scores: [String: Int], award: String?, note: String?, by actor: Actor,
                         db: any Database, now: Date, source: AuditSource) async throws -> PartnerEvaluation {
        try PartnerAccess.requireStaff(actor)
        guard actor.role != .admin, let nodeID = actor.user.nodeID, let node = try await OrgNode.find(nodeID, on: db) else {
            throw APIError(.forbidden, code: "forbidden", "由社区或街道评议 (communities and streets evaluate)")
        }
        // The evaluator serves the partner's area: the partner sits in it, or above it (a street-level partner).
        guard actor.scope.contains(p.nodePath) || node.path.hasPrefix(p.nodePath) else { throw APIError.notFound }
        guard p.state != .applied, p.state != .rejected else {
            throw APIError.conflict("合伙人尚未认定，不能评议 (only approved partners are evaluated)", code: "illegal_transition")
        }
        let thisYear = Int(ShanghaiTime.today(now).prefix(4))!
        let y = year ?? thisYear
        guard (thisYear - 1)...thisYear ~= y else { throw APIError.invalid("year", "只能评议今年或去年 (this year or last year only)") }
        let values = try items.map { item -> Int in
            guard let v = scores[item.key] else { throw APIError.missing("scores.\(item.key)") }
            guard (0...20).contains(v) else { throw APIError.invalid("scores.\(item.key)", "每项 0–20 分 (each item scores 0–20)") }
            return v
        }
        let e = PartnerEvaluation()
        e.id = UUID()
        e.partnerID = p.id!
        e.year = y
        e.nodeID = node.id!
        e.nodePath = node.path
        e.scoresRaw = values.map(String.init).joined(separator: ",")
        e.total = values.reduce(0, +)
        e.award = try Validate.text(award, field: "award", max: 40, required: false) ?? ""
        e.note = try Validate.text(note, field: "note", max: 500, required: false) ?? ""
        e.byName = actor.user.displayName
        e.createdAt = now
        do {
            try await db.writeTransaction { tx in
                try await e.create(on: tx)
                try await AuditLog.record(on: tx, by: source, at: now, action: "evaluate", entity: "partner", entityID: p.id, nodePath: p.nodePath,
                                          summary: "合伙人「\(p.name)」\(y) 年度考评（\(node.name)）：\(e.total) 分，\(e.grade.zh)\(e.award.isEmpty ? "" : "，" + e.award)")
            }
        } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
            throw APIError.conflict("\(node.name)已评议过该合伙人 \(y) 年度 (already evaluated for \(y))", code: "already_evaluated")
        }
        return e
    }
}

struct PartnerEvaluationDTO: Content {
    let id: UUID
    let partnerId: UUID
    let year: Int
    let nodeId: UUID
    let scores: [String: Int]
    let total: Int
    let grade: String
    let award: String
    let note: String

    init(_ e: PartnerEvaluation) {
        id = e.id!
        partnerId = e.partnerID
        year = e.year
        nodeId = e.nodeID
        scores = Dictionary(uniqueKeysWithValues: zip(PartnerEvaluations.items.map(\.key), e.scores))
        total = e.total
        grade = e.grade.en
        award = e.award
        note = e.note
    }
}
