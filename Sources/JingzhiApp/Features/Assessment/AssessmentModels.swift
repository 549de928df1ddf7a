import Fluent
import Foundation
import JingzhiCore

/// One version of an indicator system (考核指标体系), e.g. 四型社区 v2. Versions are never edited: a change is a new
/// version with the same `code`, and a round keeps a copy of the definition it opened with.
final class AssessmentSystem: Model, PathScoped, @unchecked Sendable {
    static let schema = "assessment_systems"
    static var pathKey: KeyPath<AssessmentSystem, FieldProperty<AssessmentSystem, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "version") var version: Int
    @Field(key: "unit_kind") var unitKindRaw: String
    /// `AssessmentDefinition` as JSON.
    @Field(key: "definition") var definitionJSON: String
    /// Why this version was made (for a version after the first).
    @OptionalField(key: "note") var note: String?
    /// The county (or admin's node) that keeps it.
    @Field(key: "node_path") var nodePath: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var unitKind: AssessmentUnitKind { AssessmentUnitKind(rawValue: unitKindRaw) ?? .community }
    var definition: AssessmentDefinition { (try? AssessmentDefinition.decode(definitionJSON)) ?? AssessmentDefinition(dimensions: []) }
}

/// A round (考核周期): one system version assessed for one period over the units of a subtree. A published round
/// is never edited; a correction is a new revision, published in its place.
final class AssessmentRound: Model, PathScoped, LifecycleRecord, @unchecked Sendable {
    static let schema = "assessment_rounds"
    static var pathKey: KeyPath<AssessmentRound, FieldProperty<AssessmentRound, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "system_id") var systemID: UUID
    @Field(key: "system_code") var systemCode: String
    @Field(key: "system_name") var systemName: String
    @Field(key: "system_version") var systemVersion: Int
    /// The definition frozen when the round opened.
    @Field(key: "definition") var definitionJSON: String
    @Field(key: "unit_kind") var unitKindRaw: String
    @Field(key: "period_kind") var periodKindRaw: String
    @Field(key: "period") var period: String
    @Field(key: "from_day") var fromDay: String
    @Field(key: "to_day") var toDay: String
    @Field(key: "node_id") var nodeID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "state") var state: String
    @Field(key: "revision") var revision: Int
    @OptionalField(key: "correction_of") var correctionOf: UUID?
    @OptionalField(key: "correction_reason") var correctionReason: String?
    @OptionalField(key: "computed_at") var computedAt: Date?
    @OptionalField(key: "published_at") var publishedAt: Date?
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var lifecycleState: String {
        get { state }
        set { state = newValue }
    }

    var roundState: RoundState { RoundState(rawValue: state) ?? .open }
    var unitKind: AssessmentUnitKind { AssessmentUnitKind(rawValue: unitKindRaw) ?? .community }
    var periodKind: AssessmentPeriodKind { AssessmentPeriodKind(rawValue: periodKindRaw) ?? .month }
    var definition: AssessmentDefinition { (try? AssessmentDefinition.decode(definitionJSON)) ?? AssessmentDefinition(dimensions: []) }
    var title: String { "\(systemName) \(period)" + (revision > 1 ? " (更正 \(revision - 1))" : "") }
}

/// One unit's result in a round: its step in the review and, once published, its score and rank.
final class AssessmentResult: Model, PathScoped, LifecycleRecord, @unchecked Sendable {
    static let schema = "assessment_results"
    static var pathKey: KeyPath<AssessmentResult, FieldProperty<AssessmentResult, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "round_id") var roundID: UUID
    /// The org node assessed, or the property company.
    @Field(key: "unit_id") var unitID: UUID
    @Field(key: "unit_name") var unitName: String
    /// The unit's node; for a property company, the round's node.
    @Field(key: "node_path") var nodePath: String
    @Field(key: "state") var state: String
    @OptionalField(key: "total") var total: Double?
    /// `[UnitScore.Dimension]` as JSON, written at publication.
    @Field(key: "dimensions") var dimensionsJSON: String
    @Field(key: "vetoed") var vetoed: Bool
    @OptionalField(key: "rank") var rank: Int?
    @OptionalField(key: "list") var list: String?
    @Field(key: "version") var version: Int

    init() {}

    var lifecycleState: String {
        get { state }
        set { state = newValue }
    }

    var resultState: ResultState { ResultState(rawValue: state) ?? .draft }
    var dimensions: [UnitScore.Dimension] { (try? JSONDecoder().decode([UnitScore.Dimension].self, from: Data(dimensionsJSON.utf8))) ?? [] }
}

/// One unit's value for one indicator: the numerator and denominator of a computed one, the self-assessed and
/// reviewed score of a manual one, the points of a deduction or bonus, the veto's outcome.
final class AssessmentEntry: Model, PathScoped, @unchecked Sendable {
    static let schema = "assessment_entries"
    static var pathKey: KeyPath<AssessmentEntry, FieldProperty<AssessmentEntry, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "round_id") var roundID: UUID
    @Field(key: "result_id") var resultID: UUID
    @Field(key: "indicator") var indicator: String
    @Field(key: "kind") var kind: String
    @Field(key: "node_path") var nodePath: String
    @OptionalField(key: "numerator") var numerator: Double?
    @OptionalField(key: "denominator") var denominator: Double?
    @OptionalField(key: "self_score") var selfScore: Double?
    @OptionalField(key: "self_note") var selfNote: String?
    /// The score that counts: the self-assessed one as accepted, or the reviewer's.
    @OptionalField(key: "score") var score: Double?
    @OptionalField(key: "adjust_reason") var adjustReason: String?
    @OptionalField(key: "adjusted_by") var adjustedBy: String?
    /// Bonus only: pending, approved or rejected.
    @OptionalField(key: "bonus_state") var bonusState: String?
    @OptionalField(key: "updated_at") var updatedAt: Date?

    init() {}

    var fraction: AssessmentFraction? {
        guard let numerator, let denominator else { return nil }
        return .init(numerator: numerator, denominator: denominator)
    }

    var facts: EntryFacts { EntryFacts(fraction: fraction, score: score, approved: bonusState == "approved") }
}

/// A photo or PDF backing a hand score (佐证材料), kept in the database like notice attachments.
final class AssessmentEvidence: Model, PathScoped, @unchecked Sendable {
    static let schema = "assessment_evidence"
    static var pathKey: KeyPath<AssessmentEvidence, FieldProperty<AssessmentEvidence, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "entry_id") var entryID: UUID
    @Field(key: "result_id") var resultID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "bytes") var bytes: Data
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
