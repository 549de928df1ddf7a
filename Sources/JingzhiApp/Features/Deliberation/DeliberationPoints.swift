import Fluent
import JingzhiCore
import Vapor

/// Participation earns points through the points ledger (`PointsService.award`), as the community configures them
/// (`DeliberationSetting`; 0 pays nothing): the raiser of a topic its staff accept, and every resident who rated the
/// outcome when the topic closes, and every resident whose ballot counts in a vote. Each award is keyed by its source (`topic-accepted:<topic>`,
/// `topic-evaluation:<topic>:<user>`, `topic-vote:<vote>:<household or person>`), so a retry or a second close pays nothing more.
enum DeliberationPoints {
    static func acceptedRef(_ topic: Topic) -> String { "topic-accepted:\(topic.id!.uuidString)" }
    static func evaluationRef(_ topic: Topic, user: UUID) -> String { "topic-evaluation:\(topic.id!.uuidString):\(user.uuidString)" }

    /// Inside the accept's transaction: the raiser, when a resident of the register, gets the configured points.
    static func accepted(_ topic: Topic, by actor: Actor, source: AuditSource, at now: Date, on tx: any Database) async throws {
        let points = try await DeliberationSetting.points(topic.communityID, on: tx).accepted
        guard points > 0, let uid = topic.raisedBy, let raiser = try await User.find(uid, on: tx), raiser.role == .resident,
              let resident = raiser.residentID else { return }
        _ = try await PointsService(db: tx, now: now, source: source).award(
            residentID: resident, points: Double(points), reason: "议题被受理：\(topic.title)", sourceRef: acceptedRef(topic),
            idempotencyKey: nil, by: payer(actor))
    }

    /// Inside the close's transaction: every resident who rated the outcome gets the configured points.
    static func evaluated(_ topic: Topic, by actor: Actor, source: AuditSource, at now: Date, on tx: any Database) async throws {
        let points = try await DeliberationSetting.points(topic.communityID, on: tx).evaluation
        guard points > 0 else { return }
        let raters = try await TopicEvaluation.query(on: tx).filter(\.$topicID == topic.id!).sort(\.$at).all().map(\.userID)
        let users = try await User.query(on: tx).filter(\.$id ~~ raters).all()
        let service = PointsService(db: tx, now: now, source: source)
        for user in users {
            guard let resident = user.residentID else { continue }
            _ = try await service.award(residentID: resident, points: Double(points), reason: "参与议题评议：\(topic.title)",
                                        sourceRef: evaluationRef(topic, user: user.id!), idempotencyKey: nil, by: payer(actor))
        }
    }

    static func voteRef(_ ballot: TopicBallot) -> String { "topic-vote:\(ballot.voteID.uuidString):\(ballot.voterKey)" }

    /// Inside the ballot's transaction: the resident whose ballot counts gets the configured points, once per ballot
    /// (its vote and household or person). A resident at the points cap keeps the ballot and gets nothing more.
    static func voted(_ vote: TopicVote, _ ballot: TopicBallot, residentID: UUID, source: AuditSource, at now: Date, on tx: any Database) async throws {
        guard let topic = try await Topic.find(vote.topicID, on: tx) else { return }
        let points = try await DeliberationSetting.points(topic.communityID, on: tx).vote
        guard points > 0 else { return }
        do {
            _ = try await PointsService(db: tx, now: now, source: source).award(
                residentID: residentID, points: Double(points), reason: "参与议题表决：\(topic.title)", sourceRef: voteRef(ballot),
                idempotencyKey: nil, by: community, clip: true)
        } catch let e as APIError where ["daily_cap", "monthly_cap"].contains(e.code) {
            return
        }
    }

    /// The community pays for a ballot a resident cast online: no staff member moved anything.
    private static let community: Actor = {
        let user = User()
        user.id = UUID(uuidString: "00000000-0000-0000-0000-00000000d311")
        user.username = "deliberation"
        user.displayName = "议事表决"
        user.roleRaw = Role.communityStaff.rawValue
        return Actor(user: user, scope: .everything, nodePath: "")
    }()

    /// The staff member who moved the topic pays; the residents concerned live in the topic's community, within any
    /// reviewer's scope, and a resident who has moved since is found all the same.
    private static func payer(_ actor: Actor) -> Actor { Actor(user: actor.user, scope: .everything, nodePath: actor.nodePath) }
}
