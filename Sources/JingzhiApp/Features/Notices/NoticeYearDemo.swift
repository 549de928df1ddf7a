import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// A year of everyday notices in 谷亭街道 (one a week, each to one of its communities in turn), published through the
/// service on their day so every recipient row, history line and audit entry is the real one; reads are marked with
/// one UPDATE per notice (a share of its rows), so the year costs a few seconds of the seed.
enum NoticeYearDemo {
    static let topics: [(title: String, body: String, audiences: [NoticeAudience], readTenths: Int)] = [
        ("本月党群服务中心活动安排", "本月党群服务中心将开展**书法、合唱、太极**等活动，欢迎居民报名参加。\n\n报名地点：社区党群服务中心一楼。", [.residents], 6),
        ("老年人免费健康体检通知", "社区卫生服务站为 **65 周岁以上**老人提供免费体检，请携带身份证和医保卡前往。", [.residents, .gridWorkers], 7),
        ("垃圾分类宣传周", "本周为垃圾分类宣传周，志愿者将在各小区投放点指导分类，请大家积极配合。", [.residents], 4),
        ("防范电信诈骗提醒", "近期冒充客服、公检法的诈骗电话增多。\n\n- 不透露验证码\n- 不向陌生账户转账\n- 有疑问拨打 110", [.residents], 8),
        ("城乡居民医保缴费提醒", "下一年度城乡居民医保缴费已开始，可通过手机或社区窗口缴纳，截止日期前请完成缴费。", [.residents], 7),
        ("小区消防通道清理通知", "本周末将统一清理小区消防通道内堆放的杂物和车辆，请大家提前自行清理。", [.residents, .gridWorkers], 5),
        ("社区志愿服务招募", "社区招募**助老、助餐、环境整治**志愿者，参加服务可获得积分，报名请联系网格员。", [.residents], 4),
        ("汛期安全提示", "汛期来临，请注意低洼地段积水，远离河道；家中有老人的请多加照看。", [.residents, .gridWorkers], 6),
        ("居民议事会议题征集", "本季度居民议事会开始征集议题，可在手机上提交，也可交给楼长。", [.residents], 3),
        ("暑期四点半课堂开课", "暑期四点半课堂开课，小学生可在社区活动室写作业、参加兴趣活动，由志愿者看护。", [.residents], 5),
        ("高温天气关爱独居老人", "高温期间网格员每天电话或上门问候独居老人，请子女多关心家中老人。", [.residents, .gridWorkers], 6),
        ("冬季用电用气安全提醒", "冬季取暖用电、用气增多，请勿私拉电线，使用燃气后及时关闭阀门。", [.residents], 7),
    ]

    static let weeks = 50

    static func seed(asOf: Int, on db: any Database) async throws -> Int {
        guard let street = try await OrgNode.query(on: db).filter(\.$code == "YT-GT").first(),
              let user = try await User.query(on: db).filter(\.$username == "gt_street").first(),
              try await Notice.query(on: db).filter(\.$title == "\(topics[0].title)（第1期）").count() == 0 else { return 0 }
        let communities = try await OrgNode.query(on: db).within(DataScope(rootPath: street.path)).filter(\.$kindRaw == NodeKind.community.rawValue)
            .sort(\.$path).all()
        guard !communities.isEmpty else { return 0 }
        let residentDemo = try await User.query(on: db).filter(\.$username == "resident_demo").first()?.residentID
        var made = 0
        for week in 0..<weeks {
            // From a year ago to three weeks ago, older than the few recent notices of NoticeDemo.
            let daysAgo = 365 - week * 7
            let at = DemoDate.instant(asOf - daysAgo, hour: 9)
            let topic = topics[week % topics.count], community = communities[week % communities.count]
            let actor = try await Actor.load(user, on: db, now: at)
            let input = NoticeInput(title: "\(topic.title)（第\(week / topics.count + 1)期）", body: topic.body, targets: [.init(nodeID: community.id)],
                                    audiences: topic.audiences.map(\.rawValue), expiresAt: at.addingTimeInterval(30 * 86400))
            let n: Notice
            do {
                n = try await NoticeService(db: db, now: at, source: .cli("seed")).create(input, by: actor)
            } catch let e as APIError where e.code == "reaches_nobody" {
                continue
            }
            made += 1
            // A share of the rows read in the days after (the person key's first hex digit picks them), resident_demo's too.
            let digits = "0123456789ABCDEF".prefix(topic.readTenths * 16 / 10).map { "r:\($0)" } + ["u:0", "u:1", "u:2", "u:3", "u:4", "u:5", "u:6", "u:7"]
            let picked = digits.map { (d: String) -> SQLQueryString in "\(bind: d)" }.joined(separator: ", ")
            try await db.sql.raw("UPDATE \(ident: NoticeRecipient.schema) SET read_at = \(bind: at.addingTimeInterval(Double(3 + week % 20) * 3600)) "
                + "WHERE notice_id = \(bind: n.id!) AND substr(person_key, 1, 3) IN (" + picked + ")").run()
            if let residentDemo {
                try await db.sql.raw("UPDATE \(ident: NoticeRecipient.schema) SET read_at = \(bind: at.addingTimeInterval(7200)) WHERE notice_id = \(bind: n.id!) "
                    + "AND resident_id = \(bind: residentDemo) AND read_at IS NULL").run()
            }
            if week == weeks - 5 {
                _ = try await NoticeService(db: db, now: at.addingTimeInterval(3600), source: .cli("seed"))
                    .perform(.withdraw, on: n, by: actor, note: "活动时间调整，另行通知")
            }
        }
        return made
    }
}
