import Fluent
import Foundation
import JingzhiCore
import Vapor

/// A new activity is announced to its community as a notice (residents, grid workers, partners and staff) and on the
/// community's public board, through the notices' service. The activity stands even when the notice cannot be sent
/// (a partner account does not send notices itself); the answer then says why.
enum ActivityNotice {
    /// How many people the notice reached, or nil with the reason in words when none was sent.
    static func publish(_ a: VolunteerActivity, by actor: Actor, req: Request) async -> (recipients: Int?, problem: String?) {
        do {
            let when = "\(ShanghaiTime.format(a.startsAt, "yyyy-MM-dd HH:mm"))–\(ShanghaiTime.format(a.endsAt, "HH:mm"))"
            var lines = ["时间：\(when)", "地点：\(a.placeName)", "名额：\(a.capacity) 人"]
            if let p = a.pointsPerHour { lines.append("积分：每小时 \(p) 分") }
            if let p = a.pointsPerAttendance { lines.append("积分：参加一次 \(p) 分") }
            if let partner = a.partnerName { lines.append("组织：\(partner)") }
            lines.append("报名：\(SiteURL.Activities.show(a.id!).path)")
            let input = NoticeInput(title: String("志愿活动：\(a.title)".prefix(80)), body: lines.joined(separator: "\n"),
                                    targets: [.init(nodeID: a.communityID)], audiences: NoticeAudience.allCases.map(\.rawValue), isPublic: true)
            let n = try await NoticeService(req: req).create(input, by: actor)
            return (n.recipientCount, nil)
        } catch let e as APIError {
            return (nil, e.message)
        } catch {
            req.logger.reportSafely(error, "ActivityNotice")
            return (nil, "通知未能发出 (the notice could not be sent)")
        }
    }

    /// The page's message after publishing: what was announced, or why not.
    static func message(_ result: (recipients: Int?, problem: String?), req: Request) -> String {
        if let n = result.recipients { return req.t("已发通知给 \(n) 人", "announced to \(n) people") }
        return req.t("未发通知：\(result.problem ?? "")", "not announced: \(result.problem ?? "")")
    }
}
