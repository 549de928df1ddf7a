import JingzhiCore

/// Who has a vote: one per household (default), one per resident, or one per residents' representative (居民代表).
enum VoteBasis: String, CaseIterable, Sendable {
    case household, resident, representative
    /// The register tag that makes a resident a representative.
    static let representativeTag = "居民代表"
}

/// Simple majority (more yes than half the ballots) or two thirds of the ballots.
enum VoteRule: String, CaseIterable, Sendable {
    case majority
    case twoThirds = "two_thirds"
}

enum VoteChoice: String, CaseIterable, Sendable {
    case yes, no, abstain

    /// What the choice says on a ballot: agree/oppose/abstain, or on a property evaluation 满意/不满意/基本满意.
    func label(_ kind: VoteKind, _ lang: Lang) -> String {
        switch (kind, self) {
        case (.decision, .yes): lang.t("同意", "Yes")
        case (.decision, .no): lang.t("反对", "No")
        case (.decision, .abstain): lang.t("弃权", "Abstain")
        case (.property, .yes): lang.t("满意", "Satisfied")
        case (.property, .no): lang.t("不满意", "Unsatisfied")
        case (.property, .abstain): lang.t("基本满意", "Basically satisfied")
        }
    }
}

/// A vote decides a question (default), or evaluates the property company serving the topic's compound (物业评议).
enum VoteKind: String, CaseIterable, Sendable {
    case decision, property
}

enum VoteOutcome: String, Sendable {
    case passed, rejected
    /// Too few voted: the vote decides nothing.
    case invalid
}

/// A vote's counts and what they decide. Ballots cast (yes + no + abstain) are the base of both rules; turnout is
/// ballots ÷ eligible voters, and a turnout under the quorum makes the vote invalid whatever the counts.
struct VoteTally: Equatable, Sendable {
    var yes = 0
    var no = 0
    var abstain = 0
    var eligible = 0

    var cast: Int { yes + no + abstain }

    /// Whether `quorumPercent` of the eligible voters cast a ballot.
    func quorate(_ quorumPercent: Int) -> Bool { eligible > 0 && cast * 100 >= eligible * quorumPercent }

    func outcome(rule: VoteRule, quorumPercent: Int) -> VoteOutcome {
        guard quorate(quorumPercent), cast > 0 else { return .invalid }
        switch rule {
        case .majority: return yes * 2 > cast ? .passed : .rejected
        case .twoThirds: return yes * 3 >= cast * 2 ? .passed : .rejected
        }
    }
}
