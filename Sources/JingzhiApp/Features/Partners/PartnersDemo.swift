import Fluent
import Foundation
import JingzhiCore

extension PartnersFeature: DemoContributor {
    /// The county (and the city) get partners of five kinds in every community and a year of the three lists; 古亭社区
    /// also a year of wishes claimed by partner_demo and by resident_demo (a party member registered there) and their
    /// service logs. The tiny demo that tests run on has none.
    static func seedDemo(_ c: DemoContext) async throws {
        guard !c.plan.tiny else { return }
        let made = try await PartnersDemo.seed(c)
        c.log("红色合伙人：\(made.partners) 家，需求 \(made.needs) 条，微心愿 \(made.wishes) 个，服务记录 \(made.logs) 条")
        // Points seed before partners exist; the partner-organised volunteer activities follow here.
        try await ActivityDemo.partnerActivities(c)
    }
}

/// Demo data through the services with their clock set to the demo's days, so every history line and audit entry is real.
enum PartnersDemo {
    struct Made { var partners = 0, needs = 0, wishes = 0, logs = 0 }

    static let names: [(PartnerKind, String, String, [PartnerCategory])] = [
        (.cobuilding, "县供电公司党支部", "每月上门检修老旧线路，党员志愿服务队", [.service, .volunteers]),
        (.support, "鱼台农商银行", "助学金、困难家庭慰问金", [.funds, .goods]),
        (.service, "孝贤大食堂", "老年助餐、送餐上门", [.goods, .service, .volunteers, .venue]),
        (.development, "鲁南职业培训学校", "技能培训、就业指导", [.service, .venue]),
        (.selfGoverning, "夕阳红志愿者协会", "邻里互助、陪伴独居老人", [.volunteers, .service]),
    ]

    /// A 1×1 PNG, the photo proof of the demo's handed-over wishes.
    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")!

    static func code(_ i: Int, _ j: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        var s = "91370827"
        var n = i * 7 + j * 131 + 17
        for _ in 0..<10 { s.append(alphabet[n % alphabet.count]); n = n / alphabet.count + 7 * (n % 5) + 3 }
        return s
    }

    static func seed(_ c: DemoContext) async throws -> Made {
        let db = c.db
        guard try await Partner.query(on: db).within(DataScope(rootPath: c.root.path)).count() == 0 else { return Made() }
        var made = Made()
        let admin = PointsDemo.systemActor(role: .admin)
        let start = c.asOf - 360
        let day = { (d: Int) in DemoDate.string(d) }
        let at = { (d: Int, h: Int) in DemoDate.instant(d, hour: h) }
        let communities = try await OrgNode.query(on: db).within(DataScope(rootPath: c.root.path)).filter(\.$kindRaw == NodeKind.community.rawValue)
            .sort(\.$path).all()
        let streets = try await OrgNode.query(on: db).within(DataScope(rootPath: c.root.path)).filter(\.$kindRaw == NodeKind.street.rawValue).sort(\.$path).all()
        let partnerUser = try await User.query(on: db).filter(\.$username == "partner_demo").first()
        let residentUser = try await User.query(on: db).filter(\.$username == "resident_demo").first()
        // One street-level partner per street: it serves every community of the street, and the street reviews it.
        for (i, s) in streets.enumerated() {
            let p = try await partner(PartnerService(db: db, now: at(start, 9), source: .cli("seed")), admin: admin, kind: .development,
                                      name: "\(s.name)商会", offers: "为辖区各社区提供资金和场地支持", categories: [.funds, .venue], node: s,
                                      code: code(900 + i, 0), from: day(start), to: day(c.asOf + 365))
            try await resources(p, c: c, start: start, db: db)
            made.partners += 1
        }
        for (i, community) in communities.enumerated() {
            let isDemo = community.code == "YT-GT-01"
            let lists = ListService(db: db, now: at(start, 10), source: .cli("seed"))
            var partners: [Partner] = []
            for j in 0..<(isDemo ? 5 : 3) {
                let (kind, name, offers, cats) = names[(i + j) % names.count]
                let p = try await partner(PartnerService(db: db, now: at(start + j, 9), source: .cli("seed")), admin: admin, kind: kind,
                                          name: isDemo || j > 0 ? name + (isDemo && kind == .service ? "" : "（\(community.name)）") : "\(community.name)\(name)",
                                          offers: offers, categories: cats, node: community, code: code(i, j), from: day(start), to: day(c.asOf + 365))
                if isDemo, kind == .service, let u = partnerUser { p.userID = u.id; try await p.save(on: db) }
                try await resources(p, c: c, start: start, db: db)
                partners.append(p)
            }
            made.partners += partners.count
            // A need a month, with projects matching most of them; the older ones delivered.
            let project = try await lists.createProject(title: "\(community.name)年度为民服务项目", owner: "社区书记", nodeID: community.id!.uuidString,
                                                         startDay: day(start), endDay: day(c.asOf + 30), by: admin)
            for m in 0..<12 {
                let d = start + m * 30
                let cat = PartnerCategory.allCases[(i + m) % PartnerCategory.allCases.count]
                let svc = ListService(db: db, now: at(d, 10), source: .cli("seed"))
                let n = try await svc.createNeed(NeedInput(title: needTitle(cat, m), category: cat.rawValue, quantity: 4 + m % 5, unit: unit(cat),
                                                           forWhom: ["独居老人", "困难家庭儿童", "残疾人", "小区全体居民"][m % 4],
                                                           nodeID: community.id!.uuidString, dueDay: day(d + 45)), by: admin)
                made.needs += 1
                guard m % 6 != 5 else { _ = try await svc.cancel(n, note: "居民需求已由其他渠道解决", by: admin); continue }
                guard m < 11, let line = try await Suggestions(db: db, now: at(d, 11)).lines(within: .everything, needID: n.id, limit: 1).first else { continue }
                let qty = min(line.left, n.quantity)
                let match = try await svc.match(project, needID: n.id, resourceID: line.resourceID, committed: qty, by: admin)
                // Delivered in full after a fortnight, except the last two months' (one partly, one still promised).
                let deliver = m < 9 ? qty : m == 9 ? max(1, qty / 2) : 0
                if deliver > 0 { _ = try await ListService(db: db, now: at(d + 14, 15), source: .cli("seed")).deliver(match, quantity: deliver, by: admin) }
            }
            _ = try await ListService(db: db, now: at(c.asOf - 20, 16), source: .cli("seed")).review(project, progress: 80,
                minutes: "本月联席会议审议：助餐、助学项目按期推进，下月对接场地需求。", by: admin)
            made.wishes += try await wishes(c, community: community, demo: isDemo, partnerUser: partnerUser, residentUser: residentUser, admin: admin)
            if isDemo {
                made.logs += try await logs(c, partnerUser: partnerUser, residentUser: residentUser, admin: admin)
                // Quarterly joint meetings reviewing the year's project; small requests to claim; residents' own needs.
                for q in 0..<4 {
                    let d = start + 80 + q * 90
                    _ = try await JointMeetingService(db: db, now: at(d, 17), source: .cli("seed")).record(
                        nodeID: community.id!.uuidString, day: day(d), attendees: ["社区党委书记"] + partners.prefix(3).map(\.name),
                        projectIDs: [project.id!], minutes: "第\(q + 1)季度联席会议：审议年度为民服务项目进度，对接新的需求。", by: admin)
                }
                made.needs += try await smallNeeds(c, community: community, residentUser: residentUser, admin: admin)
            }
        }
        return made
    }

    /// A claimable small request, and (when resident_demo is linked to the register) a need they raised that waits for
    /// review and one the community declined.
    static func smallNeeds(_ c: DemoContext, community: OrgNode, residentUser: User?, admin: Actor) async throws -> Int {
        let lists = ListService(db: c.db, now: DemoDate.instant(c.asOf - 2, hour: 9), source: .cli("seed"))
        let due = DemoDate.string(c.asOf + 20)
        _ = try await lists.createNeed(NeedInput(title: "帮独居老人更换楼道灯泡", category: PartnerCategory.service.rawValue, quantity: 2, unit: "次",
                                                 forWhom: nil, nodeID: community.id!.uuidString, dueDay: due, claimable: true, forTag: "独居老人"), by: admin)
        guard let u = residentUser, u.residentID != nil else { return 1 }
        let resident = Actor(user: u, scope: .everything, nodePath: "")
        _ = try await lists.createNeed(NeedInput(title: "小区健身器材损坏，希望修理", category: PartnerCategory.service.rawValue, quantity: 1, unit: "次",
                                                 dueDay: due), by: resident)
        let other = try await lists.createNeed(NeedInput(title: "希望在小区设快递柜", category: PartnerCategory.venue.rawValue, quantity: 1, unit: "处",
                                                         dueDay: due), by: resident)
        _ = try await ListService(db: c.db, now: DemoDate.instant(c.asOf - 1, hour: 10), source: .cli("seed"))
            .review(other, accept: false, note: "快递柜由物业统一设置，已转物业办理", claimable: nil, by: admin)
        return 3
    }

    static func partner(_ s: PartnerService, admin: Actor, kind: PartnerKind, name: String, offers: String, categories: [PartnerCategory],
                        node: OrgNode, code: String, from: String, to: String) async throws -> Partner {
        let p = try await s.create(PartnerInput(name: name, kind: kind.rawValue, creditCode: code, offers: offers, contactName: "李明",
                                                contactPhone: "13905370000", partyBranch: "\(name)党支部", nodeID: node.id!.uuidString,
                                                categories: categories.map(\.rawValue), agreementFrom: from, agreementTo: to), by: admin)
        return try await s.review(.approve, p, by: admin, note: nil)
    }

    static func resources(_ p: Partner, c: DemoContext, start: Int, db: any Database) async throws {
        for (k, cat) in p.categories.prefix(2).enumerated() {
            _ = try await ListService(db: db, now: DemoDate.instant(start + 1, hour: 11), source: .cli("seed")).createResource(
                ResourceInput(partnerID: p.id, title: "\(p.name)：\(cat.zh)", category: cat.rawValue, quantity: 60 + 20 * k, unit: unit(cat),
                              availableFrom: DemoDate.string(start), availableTo: DemoDate.string(c.asOf + 365), place: "社区党群服务中心"),
                by: PointsDemo.systemActor(role: .admin))
        }
    }

    static func unit(_ c: PartnerCategory) -> String {
        switch c {
        case .venue: "场次"
        case .funds: "千元"
        case .service: "次"
        case .volunteers: "人次"
        case .goods: "份"
        }
    }

    static func needTitle(_ c: PartnerCategory, _ m: Int) -> String {
        switch c {
        case .venue: ["老年大学活动场地", "暑期托管场地"][m % 2]
        case .funds: ["困难家庭助学金", "楼道照明改造资金"][m % 2]
        case .service: ["老人健康体检", "法律咨询进社区"][m % 2]
        case .volunteers: ["独居老人陪伴", "文明创城志愿服务"][m % 2]
        case .goods: ["冬季棉被", "助餐食材"][m % 2]
        }
    }

    static let wishTitles = ["一套新书包和文具", "一件冬季棉衣", "一台收音机", "一双保暖棉鞋", "一套课外读物", "一个电热水袋",
                             "一副老花镜", "一辆儿童自行车", "一盏护眼台灯", "一条电热毯", "一部老年手机", "一套绘画用品"]

    /// A wish a month. In 古亭社区 most are claimed, handed over with a photo and confirmed with thanks; one lapsed and
    /// was claimed again; the newest are open or claimed now. Elsewhere they are open or were taken down.
    static func wishes(_ c: DemoContext, community: OrgNode, demo: Bool, partnerUser: User?, residentUser: User?, admin: Actor) async throws -> Int {
        let db = c.db
        let count = demo ? 12 : 3
        let partnerActor = try await partnerUser.asyncFlatMap { try await Actor.load($0, on: db, now: DemoDate.instant(c.asOf, hour: 9)) }
        var memberActor: Actor?
        if demo, let u = residentUser {
            let a = try await Actor.load(u, on: db, now: DemoDate.instant(c.asOf - 360, hour: 9))
            _ = try await ServiceLogService(db: db, now: DemoDate.instant(c.asOf - 360, hour: 9), source: .cli("seed"))
                .register(nodeID: community.id!.uuidString, unit: "县财政局机关党支部", kind: "member", name: "县财政局 王建国", by: a)
            memberActor = a
        }
        for k in 0..<count {
            let d = c.asOf - (count - 1 - k) * 30 - 2
            let at = { (h: Int, plus: Int) in DemoDate.instant(d + plus, hour: h) }
            let w = try await WishService(db: db, now: at(9, 0), source: .cli("seed")).post(
                WishInput(title: wishTitles[k % wishTitles.count], story: ["困难家庭的小学生", "独居老人", "残疾人家庭的孩子"][k % 3] + "的心愿",
                          category: PartnerCategory.goods.rawValue, valueYuan: String(50 + 20 * (k % 6)), beneficiaryName: "困难户\(k + 1)号",
                          beneficiaryNote: "由网格员联系，电话见档案", nodeID: community.id!.uuidString), by: admin)
            guard demo, let claimer = k % 3 == 1 ? memberActor : partnerActor else {
                if k == 0 && !demo { _ = try await WishService(db: db, now: at(10, 3), source: .cli("seed")).act(.cancel, w, by: admin, note: "心愿人已搬离") }
                continue
            }
            if k == count - 1 { continue }  // the newest stays open on the wall
            if k == 4 {
                // Claimed and forgotten: the sweep sends it back to the wall after the deadline, then it is claimed again.
                _ = try await WishService(db: db, now: at(10, 1), source: .cli("seed")).claim(w, by: claimer, showName: true)
                _ = try await WishService(db: db, now: at(10, 1 + WishService.claimDays + 1)).sweep()
            }
            let s = { (h: Int, plus: Int) in WishService(db: db, now: at(h, plus), source: .cli("seed")) }
            let fresh = try await Wish.find(w.id, on: db)!
            _ = try await s(11, k == 4 ? 10 : 1).claim(fresh, by: claimer, showName: k % 2 == 0)
            if k == count - 2 { continue }  // claimed now, deadline ahead
            _ = try await s(15, k == 4 ? 12 : 4).handOver(fresh, photo: png, hours: Double(1 + k % 3) + 0.5, by: claimer)
            _ = try await s(16, k == 4 ? 13 : 5).act(.confirm, fresh, by: admin, note: nil)
            _ = try await s(17, k == 4 ? 14 : 6).act(.thank, fresh, by: admin, note: "谢谢好心人，孩子特别喜欢！")
        }
        return count
    }

    /// Two logs a month for partner_demo and one for resident_demo, confirmed by the community; the newest wait.
    static func logs(_ c: DemoContext, partnerUser: User?, residentUser: User?, admin: Actor) async throws -> Int {
        var n = 0
        for (user, per) in [(partnerUser, 2), (residentUser, 1)] {
            guard let user else { continue }
            for m in 0..<12 {
                for k in 0..<per {
                    let d = c.asOf - 350 + m * 30 + k * 10
                    let now = DemoDate.instant(d, hour: 20)
                    let actor = try await Actor.load(user, on: c.db, now: now)
                    let s = ServiceLogService(db: c.db, now: now, source: .cli("seed"))
                    let l = try await s.log(what: ["为独居老人送餐", "社区环境整治", "政策宣讲", "陪伴老人聊天"][(m + k) % 4], day: DemoDate.string(d),
                                            hours: [2, 1.5, 3, 2.5][(m + k) % 4], forWhom: "古亭社区居民", by: actor)
                    if m < 11 { _ = try await ServiceLogService(db: c.db, now: now.addingTimeInterval(86400), source: .cli("seed")).act(.confirm, l, note: nil, by: admin) }
                    n += 1
                }
            }
        }
        return n
    }
}
