import Fluent
import Foundation
import JingzhiCore
import Logging
import Vapor

/// A meeting's announcement also goes out as a notice to its community (residents, grid workers, partners, staff) and
/// onto the community's public board, through the notices' service. The meeting stands even when the notice cannot
/// be sent; the answer then says so.
enum MeetingNotice {
    /// How many people the notice reached, or nil with the reason in words when none was sent.
    static func publish(_ m: Meeting, by actor: Actor, req: Request) async -> (recipients: Int?, problem: String?) {
        do {
            let topics = try await TopicService(req: req).agenda(of: m)
            let titles = Dictionary(try await Topic.query(on: req.db).filter(\.$id ~~ topics).all().map { ($0.id!, $0.title) }) { a, _ in a }
            let agenda = topics.enumerated().map { "\($0.offset + 1). \(titles[$0.element] ?? "")" }.joined(separator: "\n")
            let body = """
            时间：\(ShanghaiTime.format(m.startsAt, "yyyy-MM-dd HH:mm"))
            地点：\(m.place)
            议程：
            \(agenda.isEmpty ? "（待定）" : agenda)

            欢迎居民、物业、业委会、党支部和合伙人参加。\(m.capacity.map { "名额 \($0) 个，" } ?? "")报名与详情：\(SiteURL.Deliberation.meeting(m.id!).path)
            """
            let input = NoticeInput(title: String("议事会通知：\(m.title)".prefix(80)), body: body, targets: [.init(nodeID: m.communityID)],
                                    audiences: NoticeAudience.allCases.map(\.rawValue), isPublic: true)
            let n = try await NoticeService(req: req).create(input, by: actor)
            return (n.recipientCount, nil)
        } catch let e as APIError {
            return (nil, e.message)
        } catch {
            req.logger.reportSafely(error, "MeetingNotice")
            return (nil, "通知未能发出 (the notice could not be sent)")
        }
    }
}
