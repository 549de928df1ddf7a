import Fluent
import JingzhiCore
import Vapor

/// A deliberation meeting (议事会) of a community, announced ahead with its agenda of topics.
final class Meeting: Model, PathScoped, @unchecked Sendable {
    static let schema = "topic_meetings"
    static var pathKey: KeyPath<Meeting, FieldProperty<Meeting, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "community_id") var communityID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "title") var title: String
    @Field(key: "place") var place: String
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "announced_at") var announcedAt: Date
    @OptionalField(key: "announced_by") var announcedBy: UUID?

    init() {}
}

/// A topic on a meeting's agenda, in order.
final class MeetingAgendaItem: Model, @unchecked Sendable {
    static let schema = "topic_meeting_agenda"

    @ID(key: .id) var id: UUID?
    @Field(key: "meeting_id") var meetingID: UUID
    @Field(key: "topic_id") var topicID: UUID
    @Field(key: "position") var position: Int

    init() {}
}

/// A vote on a topic. Its counts are computed and frozen when it closes.
final class TopicVote: Model, PathScoped, @unchecked Sendable {
    static let schema = "topic_votes"
    static var pathKey: KeyPath<TopicVote, FieldProperty<TopicVote, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "topic_id") var topicID: UUID
    @OptionalField(key: "meeting_id") var meetingID: UUID?
    @Field(key: "node_path") var nodePath: String
    /// The community whose households, residents or representatives vote.
    @Field(key: "community_path") var communityPath: String
    @Field(key: "question") var question: String
    @Field(key: "basis") var basisRaw: String
    @Field(key: "rule") var ruleRaw: String
    @Field(key: "quorum_percent") var quorumPercent: Int
    /// A secret vote keeps who voted, never what: choices are stored apart, without the voter.
    @Field(key: "secret") var secret: Bool
    @Field(key: "opens_at") var opensAt: Date
    @Field(key: "closes_at") var closesAt: Date
    /// Voters when it opened.
    @Field(key: "eligible") var eligible: Int
    @Field(key: "state") var state: String
    @OptionalField(key: "outcome") var outcome: String?
    @Field(key: "yes") var yes: Int
    @Field(key: "no") var no: Int
    @Field(key: "abstain") var abstain: Int
    @OptionalField(key: "closed_at") var closedAt: Date?
    @Field(key: "version") var version: Int

    init() {}

    var basis: VoteBasis { VoteBasis(rawValue: basisRaw) ?? .household }
    var rule: VoteRule { VoteRule(rawValue: ruleRaw) ?? .majority }
    var tally: VoteTally { VoteTally(yes: yes, no: no, abstain: abstain, eligible: eligible) }
}

/// One voter's ballot. `voter_key` is the household (or resident) the vote counts, unique per vote, so a household's
/// parallel ballots count once. `choice` is empty in a secret vote.
final class TopicBallot: Model, @unchecked Sendable {
    static let schema = "topic_ballots"

    @ID(key: .id) var id: UUID?
    @Field(key: "vote_id") var voteID: UUID
    @Field(key: "voter_key") var voterKey: String
    @OptionalField(key: "user_id") var userID: UUID?
    @OptionalField(key: "choice") var choice: String?
    /// online, or paper (entered by an officer at the meeting).
    @Field(key: "channel") var channel: String
    @Field(key: "at") var at: Date

    init() {}
}

/// A secret vote's choice, with nothing that names the voter or the time.
final class TopicSecretChoice: Model, @unchecked Sendable {
    static let schema = "topic_secret_choices"

    @ID(key: .id) var id: UUID?
    @Field(key: "vote_id") var voteID: UUID
    @Field(key: "choice") var choice: String

    init() {}
}

enum VoteState: String, LifecycleState {
    case open, closed
    var zh: String { self == .open ? "投票中" : "已结束" }
    var en: String { self == .open ? "open" : "closed" }
}

enum VoteAction: String, LifecycleAction { case close }

enum VoteLifecycle {
    /// Staff close a vote whose window has ended; reading it after its window closes it too (the system).
    static let table = Lifecycle<VoteState, VoteAction, TopicRole>(entity: "topic_vote", zh: "表决", en: "vote") { _ in
        .init(from: [.open], to: .closed, roles: [.reviewer, .system])
    }
}

extension TopicVote: LifecycleRecord {
    var lifecycleState: String {
        get { state }
        set { state = newValue }
    }
}
