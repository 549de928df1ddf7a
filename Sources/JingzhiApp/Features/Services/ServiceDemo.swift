import Fluent
import Foundation
import JingzhiCore

/// The demo catalogue (every scale) and, in the demo county, applications in every state, made through the service
/// with its clock set to the demo's days, so every history line, deadline and audit entry is the real one.
enum ServiceDemo {
    static let catalogue: [MatterInput] = [
        MatterInput(code: "JZZM", name: "居住证明", details: "为本社区常住居民出具居住情况证明，用于子女入学、办理证件、就业等。",
                    eligibility: "在本社区登记在册的常住居民", materials: ["身份证正反面", "户口本或房产证、租房合同"], deadlineDays: 3,
                    certificateTitle: "居住证明"),
        MatterInput(code: "GLJT", name: "高龄津贴申请", details: "年满 80 周岁的老年人按月领取高龄津贴，由社区初审后报街道审核发放。",
                    eligibility: "户籍在本县、年满 80 周岁的老年人", minAge: 80, materials: ["身份证正反面", "本人银行卡或社保卡"], deadlineDays: 10),
        MatterInput(code: "CJZ", name: "残疾证代办", details: "行动不便的残疾人由社区代为提交残疾评定和办证材料，网格员可上门代办。",
                    eligibility: "登记为残疾人的居民", requiredTag: "残疾人", materials: ["身份证正反面", "二级以上医院诊断证明", "近期免冠照片"],
                    deadlineDays: 15),
        MatterInput(code: "DBCS", name: "低保申请材料初审", details: "社区对最低生活保障申请材料进行初审，初审通过后报街道入户核查。",
                    eligibility: "家庭人均收入低于当地低保标准的居民家庭", materials: ["身份证正反面", "户口本", "家庭收入情况说明"], deadlineDays: 10),
        MatterInput(code: "JSZM", name: "计生证明", details: "出具婚育情况证明，用于办理生育登记、入学、参军等。",
                    eligibility: "在本社区登记在册的居民", materials: ["身份证正反面", "结婚证"], deadlineDays: 3, certificateTitle: "婚育情况证明"),
        MatterInput(code: "LNYD", name: "老年人优待证明", details: "为年满 60 周岁的老年人出具优待证明，可享受公交、景区等优待。",
                    eligibility: "年满 60 周岁的老年人", minAge: 60, materials: ["身份证正反面", "近期免冠照片"], deadlineDays: 5,
                    certificateTitle: "老年人优待证明"),
    ]

    /// A one-pixel PNG stands in for the residents' photos of their materials.
    static let photo = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")!

    static func seedCatalogue(on db: any Database, at now: Date) async throws -> Int {
        guard try await ServiceMatter.query(on: db).count() == 0,
              let user = try await User.query(on: db).filter(\.$username == "admin").first() else { return 0 }
        let admin = try await Actor.load(user, on: db, now: now)
        for (i, input) in catalogue.enumerated() {
            var input = input
            input.sortOrder = i + 1
            _ = try await ServiceCatalog(db: db, now: now, source: .cli("seed")).create(input, by: admin)
        }
        return catalogue.count
    }

    /// 古亭社区's own matter (社区自有事项), added by its staff: offered to its residents only.
    static let communityMatter = MatterInput(code: "GTZL", name: "助老上门服务申请", details: "古亭社区养老服务站为独居、失能老人每周上门助洁、助浴，由社区安排志愿者和护理员。",
                                             eligibility: "古亭社区登记在册、年满 60 周岁的独居或失能老人", minAge: 60, materials: ["身份证正反面"],
                                             deadlineDays: 5)

    static func seedCommunityMatter(on db: any Database, at now: Date) async throws -> Int {
        guard try await ServiceMatter.query(on: db).filter(\.$code == (communityMatter.code ?? "")).count() == 0,
              let user = try await User.query(on: db).filter(\.$username == "gt01_community").first() else { return 0 }
        let staff = try await Actor.load(user, on: db, now: now)
        _ = try await ServiceCatalog(db: db, now: now, source: .cli("seed")).create(communityMatter, by: staff)
        return 1
    }

    /// Final state of the n-th demo application: most approved, some late, rejected, waiting for materials, in progress,
    /// just submitted, withdrawn.
    static let outcomes: [ServiceState?] = [.approved, .approved, .approved, .approved, nil, .rejected, .needsMore, .accepted, .submitted, .withdrawn]

    static func seedApplications(under county: OrgNode, asOf: Int, on db: any Database) async throws -> Int {
        guard try await ServiceApplication.query(on: db).count() == 0,
              let street = try await OrgNode.query(on: db).filter(\.$code == "YT-GT").first(),
              let staffUser = try await User.query(on: db).filter(\.$username == "gt_street").first() else { return 0 }
        let residentDemo = try await User.query(on: db).filter(\.$username == "resident_demo").first()?.residentID
        let matters = try await ServiceMatter.query(on: db).filter(\.$nodePath == "").sort(\.$sortOrder).all()
        let all = try await Resident.query(on: db).within(DataScope(rootPath: street.path)).sort(\.$nodePath).all()
        let picked = stride(from: 0, to: all.count, by: max(1, all.count / 90)).map { all[$0] }.filter { $0.id != residentDemo }
        var made = 0
        for (i, r) in picked.enumerated() {
            let day = asOf - 120 + (i * 120 / max(1, picked.count))
            let at = DemoDate.instant(day, hour: 9 + i % 7)
            let staff = try await Actor.load(staffUser, on: db, now: at)
            // The first matter this resident may apply for, turning through the catalogue.
            var done: ServiceApplication?
            for k in 0..<matters.count {
                let m = matters[(i + k) % matters.count]
                let files = m.materials.map { MaterialFile(material: $0, data: photo) }
                do {
                    done = try await ServiceApplications(db: db, now: at, source: .cli("seed"))
                        .apply(ApplicationInput(matterID: m.id, residentID: r.id, note: "", files: files), by: staff)
                    break
                } catch let e as APIError where e.code == "not_eligible" || e.code == "already_open" {
                    continue
                }
            }
            guard let a = done else { continue }
            made += 1
            try await move(a, to: outcomes[i % outcomes.count], staff: staffUser, from: at, asOf: asOf, on: db)
        }
        _ = try await ServiceApplications(db: db, now: DemoDate.instant(asOf, hour: 18)).markOverdue()
        return made
    }

    /// Moves a fresh application to its demo outcome; nil: approved after its deadline passed.
    static func move(_ a: ServiceApplication, to outcome: ServiceState?, staff user: User, from start: Date, asOf: Int, on db: any Database) async throws {
        let last = DemoDate.instant(asOf, hour: 17)
        func at(_ hours: Double) -> Date { min(start.addingTimeInterval(hours * 3600), last) }
        func step(_ hours: Double, _ action: ServiceAction, note: String? = nil, missing: [String] = []) async throws {
            let actor = try await Actor.load(user, on: db, now: at(hours))
            _ = try await ServiceApplications(db: db, now: at(hours), source: .cli("seed")).perform(action, on: a, by: actor, note: note, missing: missing)
        }
        switch outcome {
        case .submitted: return
        case .withdrawn: try await step(20, .withdraw, note: "居民改为线下办理")
        case .accepted: try await step(2, .accept)
        case .needsMore:
            try await step(2, .accept)
            try await step(5, .requestMore, missing: ["户口本首页及本人页"])
        case .rejected:
            try await step(2, .accept)
            try await step(26, .reject, note: "经核实不符合申请条件")
        case .approved:
            try await step(2, .accept)
            try await step(24, .approve)
        default:
            // Late: the scheduler marks it overdue, then staff decide.
            try await step(2, .accept)
            _ = try await ServiceApplications(db: db, now: at(24 * 20)).markOverdue()
            if let fresh = try await ServiceApplication.find(a.id, on: db) { a.overdueAt = fresh.overdueAt }
            try await step(24 * 21, .approve, note: "材料核实时间较长")
        }
    }
}

extension ServicesFeature: DemoContributor {
    static func seedDemo(_ c: DemoContext) async throws {
        let matters = try await ServiceDemo.seedCatalogue(on: c.db, at: DemoDate.instant(c.asOf - 200, hour: 9))
        let own = try await ServiceDemo.seedCommunityMatter(on: c.db, at: DemoDate.instant(c.asOf - 200, hour: 10))
        c.log("办事事项：\(matters) 项，社区自有 \(own) 项")
        if c.plan.scale != .city {
            c.log("生活圈服务点：\(try await PlaceDemo.seed(under: c.root, on: c.db, at: DemoDate.instant(c.asOf - 200, hour: 9))) 个")
        }
        guard c.plan.scale == .county else { return }
        c.log("办事申请：\(try await ServiceDemo.seedApplications(under: c.root, asOf: c.asOf, on: c.db)) 件")
    }
}
