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
    /// Seats for residents who register; nil: no limit (M070).
    @OptionalField(key: "capacity") var capacity: Int?
    /// The secret the venue's rotating check-in code is derived from; never shown. Made on first use (M070).
    @OptionalField(key: "checkin_secret") var checkInSecret: String?

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
    /// The property company voting as one body beside the residents, where the topic's procedure says so (M070).
    @OptionalField(key: "property_company_id") var propertyCompanyID: UUID?
    /// `VoteKind`: nil or decision, or property — the compound's households evaluate the company serving it, and the
    /// frozen result feeds the property rating (M112); `rated_company_id` is that company.
    @OptionalField(key: "kind") var kindRaw: String?
    @OptionalField(key: "rated_company_id") var ratedCompanyID: UUID?

    init() {}

    var kind: VoteKind { kindRaw.flatMap(VoteKind.init(rawValue:)) ?? .decision }
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

/// A resident's seat at a meeting: registered ahead (within the meeting's capacity), then attended — by scanning the
/// venue's rotating code or entered by the organiser — or cancelled. Moved through `MeetingAttendanceLifecycle`.
final class MeetingAttendance: Model, @unchecked Sendable {
    static let schema = "topic_meeting_attendance"

    @ID(key: .id) var id: UUID?
    @Field(key: "meeting_id") var meetingID: UUID
    @Field(key: "resident_id") var residentID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "state") var state: String
    /// How the attendance was taken: qr (scanned at the venue) or organiser (entered by hand).
    @OptionalField(key: "channel") var channel: String?
    @OptionalField(key: "registered_at") var registeredAt: Date?
    @OptionalField(key: "attended_at") var attendedAt: Date?
    @Field(key: "version") var version: Int

    init() {}
}

enum MeetingSeatState: String, LifecycleState {
    case registered, attended, cancelled
    var zh: String { switch self { case .registered: "已报名"; case .attended: "已到会"; case .cancelled: "已取消" } }
    var en: String { switch self { case .registered: "registered"; case .attended: "attended"; case .cancelled: "cancelled" } }
    /// States that hold a seat.
    static let seated: [MeetingSeatState] = [.registered, .attended]
}

enum MeetingSeatAction: String, LifecycleAction { case register, attend, cancel }

enum MeetingAttendanceLifecycle {
    /// Residents register, cancel and check in themselves; the organiser (community staff) enters attendance.
    static let table = Lifecycle<MeetingSeatState, MeetingSeatAction, TopicRole>(entity: "topic_meeting_attendance", zh: "参会", en: "attendance") { action in
        switch action {
        case .register: .init(from: [.cancelled], to: .registered, roles: [.resident])
        case .attend: .init(from: [.registered], to: .attended, roles: [.resident, .reviewer])
        case .cancel: .init(from: [.registered], to: .cancelled, roles: [.resident])
        }
    }
}

extension MeetingAttendance: LifecycleRecord {
    var lifecycleState: String {
        get { state }
        set { state = newValue }
    }
}
