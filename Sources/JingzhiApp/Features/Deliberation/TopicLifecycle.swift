import JingzhiCore

/// The steps of a topic: 征 collect, 审 review, 议 deliberate, 办 implement, 评 evaluate, and how it can end.
enum TopicStage: String, LifecycleState {
    case collect, review, deliberate, implement, evaluate, closed, declined, merged

    var zh: String {
        switch self {
        case .collect: "征集中"
        case .review: "待审核"
        case .deliberate: "议事中"
        case .implement: "办理中"
        case .evaluate: "评议中"
        case .closed: "已完结"
        case .declined: "未采纳"
        case .merged: "已合并"
        }
    }

    var en: String {
        switch self {
        case .collect: "collecting support"
        case .review: "under review"
        case .deliberate: "being deliberated"
        case .implement: "being carried out"
        case .evaluate: "being evaluated"
        case .closed: "closed"
        case .declined: "declined"
        case .merged: "merged"
        }
    }

    /// Stages a topic is still open in (supports count, others may merge into it).
    static let open: Set<TopicStage> = [.collect, .review, .deliberate]
}

enum TopicAction: String, LifecycleAction {
    /// To review: by itself at the support threshold, or sent early by staff.
    case review
    case accept, decline, merge, convert
    /// The deliberation decided; the decision is carried out.
    case decide
    /// Carried out; residents evaluate the outcome.
    case complete
    case close

    var zh: String {
        switch self {
        case .review: "提交审核"
        case .accept: "受理议事"
        case .decline: "不予采纳"
        case .merge: "合并"
        case .convert: "转为诉求"
        case .decide: "形成决议"
        case .complete: "办理完成"
        case .close: "完结"
        }
    }

    var en: String {
        switch self {
        case .review: "send to review"
        case .accept: "accept"
        case .decline: "decline"
        case .merge: "merge"
        case .convert: "convert to a case"
        case .decide: "record the decision"
        case .complete: "mark carried out"
        case .close: "close"
        }
    }
}

/// Who may move a topic: the community's party committee reviews (community and street staff, admins).
enum TopicRole: Hashable, Sendable {
    case reviewer, staff, resident, other, system

    init(_ actor: Actor) {
        switch actor.role {
        case .admin, .streetStaff, .communityStaff: self = .reviewer
        case .gridWorker: self = .staff
        case .resident: self = .resident
        case .departmentStaff, .propertyStaff, .partner: self = .other
        }
    }

    /// Roles that may raise a topic.
    var raises: Bool { self != .other && self != .system }
}

/// The procedure a topic follows: it decides the steps and which bodies vote.
enum TopicProcedure: String, CaseIterable, Sendable {
    /// 五步议事：征—审—议—办—评.
    case fiveSteps = "five_steps"
    /// 四议两公开：党组织提议—两委商议—党员大会审议—居民代表会议决议；决议公开—实施结果公开.
    case fourTwo = "four_two"

    var zh: String { self == .fiveSteps ? "五步议事法" : "四议两公开" }
    var en: String { self == .fiveSteps ? "five steps" : "four deliberations, two disclosures" }
    func label(_ lang: Lang) -> String { lang.t(zh, en) }

    /// 五步议事 invites the property company of a compound's topic to vote as one body beside the households (on a
    /// household vote);
    /// under 四议两公开 the decision is the residents' representatives' alone (居民代表会议决议).
    var propertyCompanyVotes: Bool { self == .fiveSteps }

    /// Who votes unless the vote says otherwise.
    var defaultBasis: VoteBasis { self == .fiveSteps ? .household : .representative }
}

enum TopicLifecycle {
    static let table = Lifecycle<TopicStage, TopicAction, TopicRole>(entity: "topic", zh: "议题", en: "topic") { action in
        switch action {
        case .review: .init(from: [.collect], to: .review, roles: [.reviewer, .system])
        case .accept: .init(from: [.collect, .review], to: .deliberate, roles: [.reviewer])
        case .decline: .init(from: [.collect, .review], to: .declined, roles: [.reviewer])
        case .merge: .init(from: [.collect, .review], to: .merged, roles: [.reviewer])
        case .convert: .init(from: [.collect, .review], to: .closed, roles: [.reviewer])
        case .decide: .init(from: [.deliberate], to: .implement, roles: [.reviewer])
        case .complete: .init(from: [.implement], to: .evaluate, roles: [.reviewer])
        case .close: .init(from: [.evaluate], to: .closed, roles: [.reviewer])
        }
    }
}

extension Topic: LifecycleRecord {
    var lifecycleState: String {
        get { stageRaw }
        set { stageRaw = newValue }
    }
}
