import Fluent
import JingzhiCore
import Vapor

/// Evaluation (评) on a topic's page: residents rate the outcome with three big buttons and an optional comment, once,
/// within the window; everyone reading the topic sees the counts; staff close the topic from the review block.
enum EvaluationPages {
    static func register(_ staff: any RoutesBuilder) {
        staff.post(SiteURL.Deliberation.Pattern.evaluate, use: rate)
    }

    static func section(_ req: Request, _ actor: Actor, _ t: Topic) async throws -> HTML {
        let service = TopicService(req: req)
        let summary = try await service.evaluationSummary(of: t)
        guard t.stage == .evaluate || summary.total > 0 else { return .empty }
        var out: [HTML] = ["<h2>\(req.t("居民评议", "Residents' evaluation"))</h2>"]
        let counts: HTML = summary.total == 0 ? "<p class=\"muted\">\(req.t("还没有人评价", "Nobody has rated it yet"))</p>"
            : "<p>\(req.t(summary.zh, summary.en))（\(req.t("共 \(summary.total) 人", "\(summary.total) in all"))）</p>"
        out.append(counts)
        if let ends = try await service.evaluationEnds(t) {
            let until = ShanghaiTime.format(ends, "yyyy-MM-dd HH:mm")
            let open = req.now <= ends
            out.append("<p class=\"muted\">\(open ? req.t("评价截止：\(until)", "Rating closes \(until)") : req.t("评价已于 \(until) 截止", "Rating closed \(until)"))</p>")
            if actor.role == .resident {
                let mine = try await TopicEvaluation.query(on: req.db).filter(\.$topicID == t.id!).filter(\.$userID == actor.userID).first()
                if let mine, let r = EvaluationRating(rawValue: mine.rating) {
                    out.append("<p class=\"card\"><b>\(req.t("您的评价：\(r.zh)。谢谢！", "Your rating: \(r.en). Thank you!"))</b></p>")
                } else if open {
                    out.append("""
                    <form method="post" action="\(SiteURL.Deliberation.evaluate(t.id!).path)" class="card rate">\(Form.csrf(req))
                    <h3>\(req.t("这件事办得怎么样？", "How did it turn out?"))</h3>
                    \(Form.textarea(req.t("意见（可选）", "Comment (optional)"), name: "comment"))
                    <div class="rate-buttons">\(EvaluationRating.allCases.map { r -> HTML in
                        "<button class=\"button big\(r == .unsatisfied ? " secondary" : "")\" name=\"rating\" value=\"\(r.rawValue)\">\(req.t(r.zh, r.en))</button>"
                    })</div></form>
                    """)
                }
            }
        }
        return HTML(out)
    }

    struct RateForm: Content {
        var rating: String?
        var comment: String?
    }

    @Sendable static func rate(req: Request) async throws -> Response {
        let actor = try TopicPages.participant(req)
        let service = TopicService(req: req)
        let t = try await service.load(try req.idParameter(), for: actor)
        let f = try req.content.decode(RateForm.self)
        do {
            let e = try await service.evaluate(t, rating: f.rating, comment: f.comment, by: actor)
            let r = EvaluationRating(rawValue: e.rating) ?? .satisfied
            req.flash(req.t("谢谢您的评价（\(r.zh)）！评议结束后结果会公开。", "Thank you for rating it (\(r.en))! The result is published when rating closes."))
        } catch let e as APIError where e.status.code < 500 {
            req.flash(TopicPages.words(req, e), kind: "error")
        }
        return req.redirect(to: SiteURL.Deliberation.detail(t.id!).path)
    }
}
