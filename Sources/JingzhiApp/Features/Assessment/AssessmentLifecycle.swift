import Foundation
import JingzhiCore

/// A round: open for self-assessment and review, then published (frozen); a correction's publication supersedes it.
enum RoundState: String, LifecycleState {
    case open, published, superseded

    var zh: String { self == .open ? "进行中" : self == .published ? "已发布" : "已更正" }
    var en: String { self == .open ? "open" : self == .published ? "published" : "superseded by a correction" }
}

enum RoundAction: String, LifecycleAction {
    case publish, supersede, refresh
}

/// A unit's result: the unit self-assesses (draft) and submits; the street accepts, adjusts or returns; the county
/// decides bonuses; publishing the round publishes every result.
enum ResultState: String, LifecycleState {
    case draft, submitted, reviewed, published

    var zh: String {
        switch self {
        case .draft: "自评中"
        case .submitted: "待审核"
        case .reviewed: "已审核"
        case .published: "已发布"
        }
    }

    var en: String {
        switch self {
        case .draft: "self-assessing"
        case .submitted: "awaiting review"
        case .reviewed: "reviewed"
        case .published: "published"
        }
    }
}

enum ResultAction: String, LifecycleAction {
    case score, submit, accept, adjust, `return`, approveBonus = "approve_bonus", rejectBonus = "reject_bonus", publish
    case removeEvidence = "remove_evidence"

    var zh: String {
        switch self {
        case .score: "自评打分"
        case .submit: "提交自评"
        case .accept: "审核通过"
        case .adjust: "调整得分"
        case .return: "退回"
        case .approveBonus: "批准加分"
        case .rejectBonus: "不予加分"
        case .publish: "发布"
        case .removeEvidence: "删除佐证"
        }
    }

    var en: String {
        switch self {
        case .score: "self-score"
        case .submit: "submit"
        case .accept: "accept"
        case .adjust: "adjust a score"
        case .return: "return"
        case .approveBonus: "approve bonus"
        case .rejectBonus: "refuse bonus"
        case .publish: "publish"
        case .removeEvidence: "remove evidence"
        }
    }
}

/// Who someone is to one result: the unit itself, its reviewer (staff of a node above it), the county (admin), or
/// someone who may only read. Nobody else sees it (404).
enum AssessmentRole: Hashable, Sendable {
    case unit, reviewer, county, reader, system
}

enum AssessmentLifecycles {
    static let round = Lifecycle<RoundState, RoundAction, AssessmentRole>(entity: "assessment_round", zh: "考核", en: "assessment round") { action in
        switch action {
        case .publish: .init(from: [.open], to: .published, roles: [.county, .system])
        case .supersede: .init(from: [.published], to: .superseded, roles: [.county, .system])
        case .refresh: .init(from: [.open], to: nil, roles: [.county, .reviewer, .system])
        }
    }

    static let result = Lifecycle<ResultState, ResultAction, AssessmentRole>(entity: "assessment_result", zh: "考核结果", en: "assessment result") { action in
        switch action {
        case .score: .init(from: [.draft], to: nil, roles: [.unit, .system])
        case .submit: .init(from: [.draft], to: .submitted, roles: [.unit, .system])
        case .accept: .init(from: [.submitted], to: .reviewed, roles: [.reviewer, .county, .system])
        case .adjust: .init(from: [.submitted, .reviewed], to: nil, roles: [.reviewer, .county, .system])
        case .return: .init(from: [.submitted], to: .draft, roles: [.reviewer, .county])
        case .approveBonus, .rejectBonus: .init(from: [.submitted, .reviewed], to: nil, roles: [.county, .system])
        case .publish: .init(from: [.reviewed], to: .published, roles: [.county, .system])
        // Evidence goes only while the unit still self-assesses; once submitted it is what the reviewer saw.
        case .removeEvidence: .init(from: [.draft], to: nil, roles: [.unit, .system])
        }
    }
}
