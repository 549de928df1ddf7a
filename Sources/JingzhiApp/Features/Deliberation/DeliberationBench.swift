import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// `jingzhi bench --part deliberation`: the tally of a household vote of 5,000 households, and the topic list of the
/// whole area with a city's year of topics (about 11,000), each against a primary-key read in the same run.
enum DeliberationBench {
    static let households = 5_000
    static let topicsPerYear = 11_000

    static func run(_ app: Application, options o: BenchOptions) async throws -> [String] {
        let db = app.db
        let now = app.clock.now()
        guard let root = try await OrgNode.query(on: db).filter(\.$parentID == nil).sort(\.$path).first(),
              let admin = try await User.query(on: db).filter(\.$roleRaw == Role.admin.rawValue).first(),
              let resident = try await Resident.query(on: db).first() else { return ["deliberation: needs a seeded data set"] }
        let communities = try await OrgNode.query(on: db).within(DataScope(rootPath: root.path)).filter(\.$kindRaw == NodeKind.community.rawValue)
            .sort(\.$path).all()
        guard let community = communities.first else { return ["deliberation: no community"] }
        let vote = try await seedVote(in: community, now: now, on: db)
        try await seedTopics(communities, now: now, on: db, log: o.log)
        let actor = try await Actor.load(admin, on: db, now: now)
        let service = TopicService(db: db, now: now)
        let total = try await Topic.query(on: db).count()
        let baseline = try await Bench.measure(o.repeats) { _ = try await Resident.find(resident.id, on: db) }
        var rows: [(String, (Double, Double))] = [("baseline: resident by primary key", baseline)]
        rows.append(("tally of a household vote, \(households) ballots", try await Bench.measure(o.repeats) { _ = try await service.tally(vote) }))
        rows.append(("tally of a secret vote, \(households) choices", try await Bench.measure(o.repeats) {
            vote.secret = true
            _ = try await service.tally(vote)
            vote.secret = false
        }))
        rows.append(("eligible households of the vote's community", try await Bench.measure(o.repeats) {
            _ = try await service.eligible(.household, under: community.path)
        }))
        let page = PageRequest(page: 1, per: 20)
        rows.append(("topic list of the whole area, page 1 (with total)", try await Bench.measure(o.repeats) {
            _ = try await service.list(TopicFilter(), for: actor, page: page)
        }))
        rows.append(("topic list, stage deliberate, page 1 (with total)", try await Bench.measure(o.repeats) {
            _ = try await service.list(TopicFilter(stage: .deliberate), for: actor, page: page)
        }))
        rows.append(("topic list of one community, page 1 (with total)", try await Bench.measure(o.repeats) {
            _ = try await service.list(TopicFilter(node: community), for: actor, page: page)
        }))
        rows.append(("topic list, words in title or description, page 1 (with total)", try await Bench.measure(o.repeats) {
            _ = try await service.list(TopicFilter(q: "电梯"), for: actor, page: page)
        }))
        o.log("deliberation bench done")
        return ["deliberation: \(total) topics in \(communities.count) communities; a vote of \(households) households",
                "| query | median ms | p90 ms | × baseline |", "|---|---:|---:|---:|"]
            + rows.map { String(format: "| %@ | %.2f | %.2f | %.1f |", $0.0, $0.1.0, $0.1.1, $0.1.0 / baseline.0) }
    }

    /// A closed-window household vote with a ballot from each of 5,000 households (3,100 yes, 1,400 no, 500 abstain),
    /// its secret choices alongside; made once.
    static func seedVote(in community: OrgNode, now: Date, on db: any Database) async throws -> TopicVote {
        if let v = try await TopicVote.query(on: db).filter(\.$question == "基准测试表决").first() { return v }
        let t = Topic()
        t.id = UUID(); t.title = "基准测试议题"; t.description = "bench"; t.nodeID = community.id!; t.nodePath = community.path
        t.communityID = community.id!; t.stageRaw = TopicStage.deliberate.rawValue; t.procedureRaw = TopicProcedure.fiveSteps.rawValue
        t.raiserRole = Role.admin.rawValue; t.supportCount = 0; t.version = 1; t.createdAt = now
        let v = TopicVote()
        v.id = UUID(); v.topicID = t.id!; v.nodePath = community.path; v.communityPath = community.path; v.question = "基准测试表决"
        v.basisRaw = VoteBasis.household.rawValue; v.ruleRaw = VoteRule.majority.rawValue; v.quorumPercent = 50; v.secret = false
        v.opensAt = now.addingTimeInterval(-86_400); v.closesAt = now.addingTimeInterval(86_400); v.eligible = households
        v.state = VoteState.open.rawValue; (v.yes, v.no, v.abstain) = (0, 0, 0); v.version = 1
        try await db.transaction { tx in
            try await t.create(on: tx)
            try await v.create(on: tx)
            for start in stride(from: 0, to: households, by: 500) {
                let ballots = (start..<min(households, start + 500)).map { i -> [any SQLExpression] in
                    let choice = i < 3_100 ? "yes" : i < 4_500 ? "no" : "abstain"
                    return [SQLBind(UUID()), SQLBind(v.id!), SQLBind("h:bench-\(i)"), SQLBind(choice), SQLBind("online"), SQLBind(now)]
                }
                try await rowsInsert(tx.sql.insert(into: TopicBallot.schema).columns("id", "vote_id", "voter_key", "choice", "channel", "at"), ballots)
                let secrets = (start..<min(households, start + 500)).map { i -> [any SQLExpression] in
                    [SQLBind(UUID()), SQLBind(v.id!), SQLBind(i < 3_100 ? "yes" : i < 4_500 ? "no" : "abstain")]
                }
                try await rowsInsert(tx.sql.insert(into: TopicSecretChoice.schema).columns("id", "vote_id", "choice"), secrets)
            }
        }
        return v
    }

    /// About a city's year of topics spread over the communities and the stages, raised over the last 365 days; once.
    static func seedTopics(_ communities: [OrgNode], now: Date, on db: any Database, log: @Sendable (String) -> Void) async throws {
        guard try await Topic.query(on: db).filter(\.$description == "bench-list").count() == 0 else { return }
        let stages = TopicStage.allCases.map(\.rawValue)
        let words = ["加装电梯", "停车难", "楼道照明", "广场舞噪音", "垃圾分类", "快递柜", "充电桩", "绿化改造"]
        let started = Date()
        try await db.transaction { tx in
            for start in stride(from: 0, to: topicsPerYear, by: 500) {
                let rows = (start..<min(topicsPerYear, start + 500)).map { i -> [any SQLExpression] in
                    let c = communities[i % communities.count]
                    let at = now.addingTimeInterval(-Double(i % 365) * 86_400 - Double(i % 600) * 60)
                    return [SQLBind(UUID()), SQLBind("\(words[i % words.count])（\(i)）"), SQLBind("bench-list"), SQLBind(c.id!), SQLBind(c.path),
                            SQLBind(c.id!), SQLBind(stages[i % stages.count]), SQLBind(TopicProcedure.fiveSteps.rawValue), SQLBind(Role.resident.rawValue),
                            SQLBind(i % 30), SQLBind(1), SQLBind(at)]
                }
                try await rowsInsert(tx.sql.insert(into: Topic.schema)
                    .columns("id", "title", "description", "node_id", "node_path", "community_id", "stage", "procedure", "raiser_role",
                             "support_count", "version", "created_at"), rows)
            }
        }
        log(String(format: "deliberation: %d bench topics in %.1f s", topicsPerYear, Date().timeIntervalSince(started)))
    }
}

/// One multi-row INSERT.
private func rowsInsert(_ builder: SQLInsertBuilder, _ rows: [[any SQLExpression]]) async throws {
    for row in rows { builder.values(row) }
    try await builder.run()
}

extension DeliberationFeature: BenchContributor {
    static let benchParts = [
        BenchPart(name: "deliberation", help: "vote tally of 5,000 households, the topic list", run: .onDataSet { app, o in
            try await DeliberationBench.run(app, options: o)
        }),
    ]
}
