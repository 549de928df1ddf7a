import JingzhiCore
import Vapor

/// The consultation items on a topic's page: owner, deadline, progress, and the state of the case each became.
enum ItemPages {
    static func section(_ req: Request, _ t: Topic) async throws -> HTML {
        let items = try await TopicService(req: req).progress(of: t)
        guard !items.isEmpty else { return .empty }
        let rows = items.map { p -> HTML in
            let state: String
            if let c = p.caseRecord {
                state = req.t("诉求 \(c.number)：\(c.state.zh)", "Case \(c.number): \(c.state.en)")
            } else {
                state = p.done ? req.t("已完成", "done") : req.t("进行中", "in progress")
            }
            let last = p.notes.last.map { HTML("<br>\(req.t("最新进展", "Latest")): \($0.words)") } ?? .empty
            return """
            <li><span><b>\(p.item.title)</b> · \(p.item.owner)\(last)</span>\
            <span class="muted">\(state) · \(req.t("期限", "due")) <time>\(ShanghaiTime.format(p.item.deadline, "yyyy-MM-dd"))</time></span></li>
            """
        }
        return "<h2>\(req.t("协商事项清单", "Consultation items"))</h2><ul class=\"tree\">\(rows)</ul>"
    }
}
