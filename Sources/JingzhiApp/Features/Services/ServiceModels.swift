import Foundation
import Fluent
import JingzhiCore
import Vapor

/// A matter the community handles for residents (办事事项, 一窗受理): what it is, who may apply, the materials, the deadline.
final class ServiceMatter: Model, @unchecked Sendable {
    static let schema = "service_matters"

    @ID(key: .id) var id: UUID?
    /// Short stable code, e.g. `JZZM` (居住证明); shown on application numbers.
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "description") var details: String
    /// Who may apply, in words.
    @Field(key: "eligibility") var eligibility: String
    /// Applicants must be at least this old (高龄津贴: 80), when set.
    @OptionalField(key: "min_age") var minAge: Int?
    /// Applicants must carry this register tag (残疾证代办: 残疾人), when set.
    @OptionalField(key: "required_tag") var requiredTag: String?
    /// The materials, one per line; a photo of each is required.
    @Field(key: "materials") var materialsRaw: String
    /// Working days from submission (or from the last supplement) to a decision.
    @Field(key: "deadline_days") var deadlineDays: Int
    /// The certificate an approval issues (e.g. 居住证明); nil: the approval is the result.
    @OptionalField(key: "certificate_title") var certificateTitle: String?
    @Field(key: "active") var active: Bool
    @Field(key: "sort_order") var sortOrder: Int
    @Field(key: "version") var version: Int
    @Field(key: "updated_at") var updatedAt: Date
    /// The street or community whose own matter this is (社区自有事项); nil with an empty path: the county's catalogue.
    @OptionalField(key: "node_id") var nodeID: UUID?
    @Field(key: "node_path") var nodePath: String

    init() {}

    var isCounty: Bool { nodePath.isEmpty }

    var materials: [String] { materialsRaw.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
}

/// A resident's application for a matter (办事申请), filed by the resident on the phone or by a grid worker for them
/// (代办), moved through `ServiceLifecycle`.
final class ServiceApplication: Model, PathScoped, @unchecked Sendable {
    static let schema = "service_applications"
    static var pathKey: KeyPath<ServiceApplication, FieldProperty<ServiceApplication, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    /// Human number, e.g. `JZZM-20261205-0003`.
    @Field(key: "number") var number: String
    @Field(key: "matter_id") var matterID: UUID
    @Field(key: "matter_name") var matterName: String
    @Field(key: "resident_id") var residentID: UUID
    @Field(key: "resident_name") var residentName: String
    /// The resident's household node: staff above it handle the application.
    @Field(key: "node_path") var nodePath: String
    /// Who filed it: the resident's account, or the grid worker's for 代办.
    @Field(key: "applicant_user_id") var applicantUserID: UUID
    @Field(key: "proxy") var proxy: Bool
    @Field(key: "note") var note: String
    @Field(key: "state") var stateRaw: String
    @Field(key: "version") var version: Int
    @Field(key: "submitted_at") var submittedAt: Date
    /// The decision is due by then; restarts when the resident supplies what was missing (补正后重新计时).
    @Field(key: "due_at") var dueAt: Date
    /// Set once by the scheduler when the deadline passed undecided (督办).
    @OptionalField(key: "overdue_at") var overdueAt: Date?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    /// What staff asked for (one per line) while the state is `needsMore`.
    @Field(key: "missing") var missingRaw: String
    /// The reason of a rejection, or staff's words with the request for more.
    @OptionalField(key: "decision_note") var decisionNote: String?
    @OptionalField(key: "certificate_number") var certificateNumber: String?
    /// Unguessable token of the public verification page; only set for an issued certificate.
    @OptionalField(key: "verify_token") var verifyToken: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var state: ServiceState { ServiceState(rawValue: stateRaw) ?? .submitted }
    var missing: [String] { missingRaw.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty } }
    /// Decided in time: before the deadline and never marked overdue.
    var onTime: Bool? { decidedAt.map { $0 <= dueAt && overdueAt == nil } }
}

/// A photo of one material of an application, stored in the database like case photos.
final class ServiceMaterial: Model, @unchecked Sendable {
    static let schema = "service_materials"

    @ID(key: .id) var id: UUID?
    @Field(key: "application_id") var applicationID: UUID
    /// Which material it shows, as the matter or staff named it.
    @Field(key: "material") var material: String
    @OptionalField(key: "uploaded_by") var uploadedBy: UUID?
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "bytes") var bytes: Data
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
