import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// A year of case history for the demo county, so queues, deadlines and measures have something to show.
/// Cases are simulated through the same states the loop allows and written in bulk, deterministically.
struct DemoCaseHistory {
    let db: any Database
    /// The day the history ends (the demo's "today", Asia/Shanghai); it stops at 18:00 that day.
    var lastDay = DemoPlan.referenceDay
    var rng = DemoRandom(seed: 0x12345)
    /// Coordinates have their own stream, so adding them left every other demo figure as it was.
    var geo = DemoRandom(seed: 0x6E0)

    private struct Place {
        let compound: OrgNode
        let grid: OrgNode?
        let community: OrgNode?
        let street: OrgNode?
        let people: [(name: String, phone: String?)]
        let workers: [String]
        /// How well this community's units work: scales late replies and unhappy residents (0.5…2).
        let strain: Double
        /// Where the compound stands: a point inside its grid (the demo draws no compound outlines).
        let spot: (lon: Double, lat: Double)?
    }

    private struct Event: Sendable { let caseID: UUID; let at: Date; let actor: String; let action: String; let from: String; let to: String; let note: String? }

    static let descriptions: [String: [String]] = [
        "wuye": ["楼道灯不亮好几天了", "单元门门禁坏了", "小区绿化带无人修剪", "物业费收据一直没给"],
        "xiashuidao": ["下水道堵了，污水返到院子里", "厨房下水管道反味严重"],
        "dianti": ["电梯停在三楼不动了", "电梯运行时有异响"],
        "huanjing": ["垃圾桶满了没人清运", "楼下堆放杂物很久了", "路边有积水和垃圾"],
        "sheshi": ["小区路灯不亮", "健身器材损坏", "路面破损坑洼"],
        "chongdian": ["充电桩扫码没反应", "电动车充电桩不够用"],
        "maodun": ["楼上漏水到我家，协商不成", "邻居占用公共楼道"],
        "zaoyin": ["晚上广场舞音响太大", "夜间装修噪音扰民"],
        "zhian": ["小区围墙有缺口，陌生人进出", "夜里有人撬电动车"],
        "xiaofangtongdao": ["消防通道被私家车堵住", "楼道里堆放电动车充电"],
        "weijian": ["一楼住户私搭棚子", "楼顶有违建"],
        "tingche": ["小区车位被外来车辆占用", "门口乱停车影响通行"],
        "guanai": ["独居老人两天未见出门，请网格员看看", "老人家中水表一天没走字"],
        "qita": ["咨询老旧小区改造什么时候开始", "建议增设休息座椅"],
    ]
    static let categoryWeights: [(String, Double)] = [("wuye", 14), ("xiashuidao", 8), ("dianti", 4), ("huanjing", 16), ("sheshi", 10),
        ("chongdian", 4), ("maodun", 6), ("zaoyin", 6), ("zhian", 3), ("xiaofangtongdao", 5), ("weijian", 3), ("tingche", 9), ("guanai", 6), ("qita", 6)]
    static let channelWeights: [(String, Double)] = [("web", 30), ("qr", 20), ("hotline", 25), ("patrol", 18), ("device", 3), ("open311", 4)]

    /// Files `perDay` cases on average for each of the last `days` days under `root`, a month of them at a time (one
    /// transaction each, inside the caller's if there is one), then recounts the measures' running totals.
    mutating func seed(under root: OrgNode, days: Int, perDay: Double, log: (@Sendable (String) -> Void)? = nil) async throws -> Int {
        let places = try await loadPlaces(under: root)
        guard !places.isEmpty else { return 0 }
        let categories = Dictionary(uniqueKeysWithValues: try await CaseCategory.query(on: db).all().map { ($0.code, $0) })
        let departments = try await Department.query(on: db).all()
        let now = DemoDate.instant(lastDay, hour: 18)
        var filed = 0
        for chunk in stride(from: lastDay - days + 1, through: lastDay, by: 30) {
            var cases: [Case] = [], events: [Event] = []
            for day in chunk...min(chunk + 29, lastDay) {
                let count = Int((perDay * (0.6 + rng.unit() * 0.8)).rounded())
                // Numbers run without gaps, as the service's next number (today's count + 1) assumes.
                var numbered = 0
                for _ in 0..<count {
                    let place = rng.pick(places)
                    let code = Self.categoryWeights[rng.weighted(Self.categoryWeights.map(\.1))].0
                    guard let category = categories[code] else { continue }
                    let channel = Self.channelWeights[rng.weighted(Self.channelWeights.map(\.1))].0
                    let created = DemoDate.instant(day, hour: rng.int(in: 7...21), minute: rng.int(60))
                    guard created < now else { continue } // the last day's evening has not come yet
                    let (c, history) = simulate(place: place, category: category, departments: departments, channel: channel,
                                                created: created, number: "\(root.code)\(DemoDate.compact(day))-\(DemoDate.pad(numbered + 1, 4))", now: now)
                    numbered += 1
                    locate(c, at: place)
                    cases.append(c)
                    events += history
                }
            }
            let batch = (cases, events)
            try await db.writeTransaction { tx in try await Self.write(batch.0, batch.1, eventSeed: 0xC0FFEE &+ UInt64(chunk), on: tx) }
            filed += cases.count
            log?("诉求历史：\(filed) 件 (cases)")
        }
        try await db.writeTransaction { tx in
            try await CaseTallies.rebuild(under: root.path, on: tx)
            try await CaseHandlings.backfill(on: tx)
        }
        return filed
    }

    /// Channels that know where the problem is (a phone's position, the compound's QR code, a device) always carry
    /// coordinates; web and hotline cases only sometimes. Points scatter about 50 m around the compound.
    private mutating func locate(_ c: Case, at place: Place) {
        guard let spot = place.spot else { return }
        let shares: [String: Double] = ["patrol": 1, "qr": 1, "device": 1, "open311": 1, "web": 0.5, "hotline": 0.3]
        let share = shares[c.channel] ?? 0
        guard geo.unit() < share else { return }
        c.longitude = ((spot.lon + (geo.unit() - 0.5) * 0.0012) * 1_000_000).rounded() / 1_000_000
        c.latitude = ((spot.lat + (geo.unit() - 0.5) * 0.0009) * 1_000_000).rounded() / 1_000_000
    }

    private mutating func simulate(place: Place, category: CaseCategory, departments: [Department], channel: String,
                                   created: Date, number: String, now: Date) -> (Case, [Event]) {
        let c = Case()
        c.id = rng.uuid()
        c.number = number
        c.categoryID = category.id!
        c.categoryCode = category.code
        c.nodeID = place.compound.id!
        c.nodePath = place.compound.path
        c.description = rng.pick(Self.descriptions[category.code] ?? ["需要帮助"])
        c.channel = channel
        let reporter = channel == "patrol" ? (place.workers.first.map { ($0, nil as String?) } ?? ("网格员", nil)) : (place.people.isEmpty ? ("居民", nil) : rng.pick(place.people))
        c.reporterName = reporter.0
        c.reporterPhone = reporter.1
        c.createdAt = created
        c.reopenedCount = 0
        c.version = 1
        c.responseDueAt = Deadlines.due(from: created, hours: category.responseHours, workingHours: category.workingHours)
        c.resolutionDueAt = Deadlines.due(from: created, hours: category.resolutionHours, workingHours: category.workingHours)
        var level = category.defaultLevel
        func unit(_ l: HandlerLevel) -> (UUID?, UUID?) {
            switch l {
            case .grid: (place.grid?.id, nil)
            case .community: (place.community?.id, nil)
            case .street: (place.street?.id, nil)
            case .property: (place.compound.id, nil)
            case .department: (nil, category.defaultDepartmentID ?? departments.first?.id)
            }
        }
        var events: [Event] = []
        var state = CaseState.submitted
        var t = created
        let staff = "\(place.community?.name ?? "社区")工作人员"
        let worker = place.workers.first ?? "网格员"
        func step(_ action: String, to: CaseState, actor: String, after hours: Double, note: String? = nil) -> Bool {
            let next = t.addingTimeInterval(hours * 3600)
            guard next < now else { return false }
            t = next
            events.append(Event(caseID: c.id!, at: t, actor: actor, action: action, from: state.rawValue, to: to.rawValue, note: note))
            state = to
            c.version += 1
            return true
        }
        events.append(Event(caseID: c.id!, at: created, actor: reporter.0, action: "submit", from: "", to: "submitted", note: "经\(CaseService.channelNames[channel] ?? channel)渠道提交"))
        (c.handlerNodeID, c.handlerDepartmentID) = unit(level)
        // The loop, stopping wherever "now" cuts it off.
        run: do {
            if rng.chance(0.03) { _ = step("reject", to: .rejected, actor: staff, after: 1 + rng.unit() * 4, note: "不属于受理范围，已告知反映人"); break run }
            guard step("accept", to: .accepted, actor: staff, after: 0.2 + rng.unit() * (rng.chance(0.1) ? 12 : 3)) else { break run }
            c.respondedAt = t
            guard step("dispatch", to: .dispatched, actor: staff, after: 0.1 + rng.unit()) else { break run }
            let handler = level == .grid ? worker : (level == .property ? "\(place.compound.name)物业" : staff)
            guard step("start", to: .inProgress, actor: handler, after: 0.5 + rng.unit() * 6) else { break run }
            if rng.chance(0.12), let up = level.up {
                guard step("escalate", to: .escalated, actor: handler, after: 2 + rng.unit() * 24, note: "需上级协调") else { break run }
                level = up
                (c.handlerNodeID, c.handlerDepartmentID) = unit(level)
                guard step("dispatch", to: .dispatched, actor: staff, after: 1 + rng.unit() * 6) else { break run }
            }
            let total = c.resolutionDueAt!.timeIntervalSince(created) / 3600
            let replyAfter = total * (rng.chance(1 - 0.14 * place.strain) ? 0.2 + rng.unit() * 0.6 : 1.05 + rng.unit() * 0.8) - t.timeIntervalSince(created) / 3600
            guard step("reply", to: .replied, actor: handler, after: max(0.5, replyAfter), note: "已处理完毕，请您评价") else { break run }
            c.repliedAt = t
            let rating = rng.weighted([76, 14, 10 * place.strain])
            let ratings: [CaseMachine.Rating] = [.satisfied, .basicallySatisfied, .unsatisfied]
            guard step("rate", to: CaseMachine.afterRating(ratings[rating], reopenedBefore: 0), actor: reporter.0, after: 2 + rng.unit() * 30,
                       note: ratings[rating].zh) else { break run }
            c.rating = ratings[rating].rawValue
            if state == .reopened {
                c.reopenedCount = 1
                guard step("start", to: .inProgress, actor: handler, after: 1 + rng.unit() * 8, note: "回访后重新办理") else { break run }
                guard step("reply", to: .replied, actor: handler, after: 4 + rng.unit() * 24, note: "回访并整改完毕") else { break run }
                c.repliedAt = t
                let second: CaseMachine.Rating = [.satisfied, .basicallySatisfied, .unsatisfied][rng.weighted([50, 25, 25 * place.strain])]
                guard step("rate", to: .closed, actor: reporter.0, after: 2 + rng.unit() * 24, note: second.zh) else { break run }
                c.rating = second.rawValue
            }
        }
        c.stateRaw = state.rawValue
        c.handlerLevelRaw = level.rawValue
        if [.closed, .rejected].contains(state) { c.closedAt = t }
        // The marks the scheduler would have set by `now`: a deadline that passed while the case still waited for it
        // (a rejection ends the wait, as an acceptance or a reply does).
        let responseWait = CaseScheduler.waiting.contains(c.stateRaw) ? now : c.respondedAt ?? c.closedAt ?? now
        let replyWait = CaseScheduler.unanswered.contains(c.stateRaw) ? now : c.repliedAt ?? c.closedAt ?? now
        if let due = c.responseDueAt, due < responseWait { c.responseOverdueAt = due }
        if let due = c.resolutionDueAt, due < replyWait { c.resolutionOverdueAt = due }
        return (c, events)
    }

    private mutating func loadPlaces(under root: OrgNode) async throws -> [Place] {
        let nodes = try await OrgNode.query(on: db).within(DataScope(rootPath: root.path))
            .filter(\.$kindRaw ~~ [NodeKind.street, .community, .grid, .compound].map(\.rawValue)).all()
        let byPath = Dictionary(uniqueKeysWithValues: nodes.map { ($0.path, $0) })
        let workers = Dictionary(grouping: try await GridWorker.query(on: db).within(DataScope(rootPath: root.path)).all(), by: \.gridID)
        var places: [Place] = []
        var strain: [UUID: Double] = [:]
        for community in nodes.filter({ $0.kind == .community }).sorted(by: { $0.path < $1.path }) { strain[community.id!] = 0.5 + rng.unit() * 1.5 }
        for compound in nodes.filter({ $0.kind == .compound }).sorted(by: { $0.path < $1.path }) {
            let chain = stride(from: PathSegment.width, to: compound.path.count, by: PathSegment.width).compactMap { byPath[String(compound.path.prefix($0))] }
            let grid = chain.last { $0.kind == .grid }
            var spot: (lon: Double, lat: Double)?
            if let shape = grid?.boundary.flatMap({ try? Boundary.parse(text: $0) }), let box = GeoBox(boundaries: [shape]) {
                // A point in the middle of the grid's box that lies inside the grid (boxes of tessellated grids stick out).
                for _ in 0..<20 where spot == nil {
                    let p = (box.west + (box.east - box.west) * (0.15 + 0.7 * geo.unit()), box.south + (box.north - box.south) * (0.15 + 0.7 * geo.unit()))
                    if shape.contains(longitude: p.0, latitude: p.1) { spot = p }
                }
                if spot == nil { spot = (shape.centroid.lon, shape.centroid.lat) }
            }
            let people = try await Resident.query(on: db).within(DataScope(rootPath: compound.path)).filter(\.$phone != nil)
                .sort(\.$id).limit(12).all().map { ($0.name, $0.phone) }
            places.append(Place(compound: compound, grid: grid, community: chain.last { $0.kind == .community }, street: chain.last { $0.kind == .street },
                                people: people, workers: grid.flatMap { workers[$0.id!]?.map(\.name) } ?? [],
                                strain: chain.last { $0.kind == .community }.flatMap { strain[$0.id!] } ?? 1, spot: spot))
        }
        return places
    }

    private static func write(_ cases: [Case], _ events: [Event], eventSeed: UInt64, on db: any Database) async throws {
        let writer = DemoBulkInsert(db)
        func opt<T: Encodable & Sendable>(_ v: T?) -> any SQLExpression { v.map { SQLBind($0) } ?? SQLLiteral.null }
        try await writer.insert(Case.schema, ["id", "number", "category_id", "category_code", "node_id", "node_path", "latitude", "longitude", "description", "channel",
                                              "reporter_name", "reporter_phone", "state", "handler_level", "handler_node_id", "handler_department_id",
                                              "response_due_at", "resolution_due_at", "responded_at", "replied_at", "closed_at", "rating",
                                              "reopened_count", "response_overdue_at", "resolution_overdue_at", "version", "created_at", "updated_at"],
                                cases) { c in
            [SQLBind(c.id!), SQLBind(c.number), SQLBind(c.categoryID), SQLBind(c.categoryCode), SQLBind(c.nodeID), SQLBind(c.nodePath),
             opt(c.latitude), opt(c.longitude), SQLBind(c.description), SQLBind(c.channel), opt(c.reporterName), opt(c.reporterPhone), SQLBind(c.stateRaw), SQLBind(c.handlerLevelRaw),
             opt(c.handlerNodeID), opt(c.handlerDepartmentID), opt(c.responseDueAt), opt(c.resolutionDueAt), opt(c.respondedAt), opt(c.repliedAt),
             opt(c.closedAt), opt(c.rating), SQLBind(c.reopenedCount), opt(c.responseOverdueAt), opt(c.resolutionOverdueAt), SQLBind(c.version),
             opt(c.createdAt), opt(c.createdAt)]
        }
        var idRng = DemoRandom(seed: eventSeed)
        let rows = events.map { ($0, idRng.uuid()) }
        try await writer.insert(CaseEvent.schema, ["id", "case_id", "at", "actor_name", "action", "from_state", "to_state", "note"], rows) { e, id in
            [SQLBind(id), SQLBind(e.caseID), SQLBind(e.at), SQLBind(e.actor), SQLBind(e.action), SQLBind(e.from), SQLBind(e.to), opt(e.note)]
        }
    }
}
