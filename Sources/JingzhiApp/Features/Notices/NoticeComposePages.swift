import Foundation
import Fluent
import JingzhiCore
import Vapor

/// Composing a notice: the form, the reach preview (the query publishing runs), and sending now or at a set time.
enum NoticeComposePages {
    struct ComposeForm: Content {
        var title: String?
        var body: String?
        var nodeIds: [String]?
        var tags: [String]?
        var audiences: [String]?
        var urgent: String?
        var pinned: String?
        var isPublic: String?
        var publishAt: String?
        var expiresAt: String?
        var step: String?

        func input() throws -> NoticeInput {
            let tags = tags ?? []
            return NoticeInput(title: title, body: body,
                               targets: (nodeIds ?? []).map { NoticeInput.Target(nodeID: UUID(uuidString: $0), tags: tags) },
                               audiences: audiences ?? [], urgent: urgent == "1", pinned: pinned == "1", isPublic: isPublic == "1",
                               publishAt: try ShanghaiTime.parseLocal(publishAt, field: "publishAt"),
                               expiresAt: try ShanghaiTime.parseLocal(expiresAt, field: "expiresAt"))
        }
    }

    static func sender(_ req: Request) throws -> Actor {
        let actor = try req.requireActor()
        try NoticeService.requireSender(actor)
        return actor
    }

    @Sendable static func form(req: Request) async throws -> Response {
        let actor = try sender(req)
        return try await page(req, actor, ComposeForm(audiences: [NoticeAudience.residents.rawValue]), reach: nil, error: nil)
    }

    @Sendable static func submit(req: Request) async throws -> Response {
        let actor = try sender(req)
        let f = try req.content.decode(ComposeForm.self)
        let service = NoticeService(req: req)
        do {
            let input = try f.input()
            if f.step != "send" {
                return try await page(req, actor, f, reach: try await service.preview(input, by: actor), error: nil)
            }
            let n = try await service.create(input, by: actor)
            req.flash(n.state == .published
                ? req.t("通知已发布，送达 \(n.recipientCount) 人。", "Notice published to \(n.recipientCount) people.")
                : req.t("通知将于 \(ShanghaiTime.format(n.publishAt)) 发布。", "The notice goes out at \(ShanghaiTime.format(n.publishAt))."))
            return req.redirect(to: SiteURL.Notices.show(n.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await page(req, actor, f, reach: nil, error: words(req, e), status: e.status)
        }
    }

    static func words(_ req: Request, _ e: APIError) -> String {
        e.words(req.lang, names: req.application.fieldNames.merging(NoticesFeature.fieldNames) { _, ours in ours })
    }

    /// The subtrees a sender may choose: their area's streets, communities, grids and compounds.
    static func places(_ req: Request, _ actor: Actor) async throws -> [OrgNode] {
        let kinds = [NodeKind.county, .street, .community, .grid, .compound].map(\.rawValue)
        return try await OrgNode.query(on: req.db).within(actor.scope).filter(\.$kindRaw ~~ kinds).sort(\.$path).limit(400).all()
    }

    static func page(_ req: Request, _ actor: Actor, _ f: ComposeForm, reach: Int?, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let nodes = try await places(req, actor)
        let chosen = Set(f.nodeIds ?? [])
        let top = nodes.map(\.depth).min() ?? 0
        let targets = nodes.map { n -> HTML in
            let indent = String(repeating: "　", count: max(0, n.depth - top))
            return "<label class=\"check\">\(indent)<input type=\"checkbox\" name=\"nodeIds[]\" value=\"\(n.id)\"\(HTML(raw: chosen.contains(n.id!.uuidString) ? " checked" : ""))> \(n.name) <small class=\"muted\">\(n.kind.label(req.lang))</small></label><br>"
        }
        let tags = Set(f.tags ?? [])
        let tagBoxes = ResidentTags.all.map { t -> HTML in
            "<label class=\"check\"><input type=\"checkbox\" name=\"tags[]\" value=\"\(t)\"\(HTML(raw: tags.contains(t) ? " checked" : ""))> \(t)</label> "
        }
        let audiences = Set(f.audiences ?? [])
        let audienceBoxes = NoticeAudience.allCases.map { a -> HTML in
            "<label class=\"check\"><input type=\"checkbox\" name=\"audiences[]\" value=\"\(a.rawValue)\"\(HTML(raw: audiences.contains(a.rawValue) ? " checked" : ""))> \(a.label(req.lang))</label> "
        }
        func flag(_ name: String, _ value: String?, _ label: String) -> HTML {
            "<label class=\"check\"><input type=\"checkbox\" name=\"\(name)\" value=\"1\"\(HTML(raw: value == "1" ? " checked" : ""))> \(label)</label> "
        }
        let reachBox: HTML = reach.map { n -> HTML in
            n > 0 ? "<p class=\"card\" id=\"reach\" role=\"status\">\(req.t("按当前范围，这条通知将送达", "As chosen, this notice will reach")) <b>\(n)</b> \(req.t("人。", "people."))</p>"
                : "<p class=\"flash error\" id=\"reach\" role=\"status\">\(req.t("按当前范围不会送达任何人，请调整范围、人群或对象。", "As chosen, this notice reaches nobody; widen the targets."))</p>"
        } ?? .empty
        return try await Layout(req: req, title: req.t("发布通知", "New notice")).render("""
        \(error.map { HTML("<p class=\"flash error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <form method="post" action="\(SiteURL.Notices.new.path)" class="card">\(Form.csrf(req))
        \(Form.field(req.t("标题", "Title"), name: "title", value: f.title, required: true, attrs: "maxlength=\"80\""))
        <label class="field"><span>\(req.t("正文", "Text")) <b class="req">*</b></span><textarea name="body" rows="8" required>\(f.body ?? "")</textarea>
        <small>\(req.t("空一行分段；行首写“- ”或“1. ”成列表；**文字** 加粗。", "A blank line starts a paragraph; lines starting “- ” or “1. ” make a list; **words** are bold."))</small></label>
        <fieldset class="field"><legend>\(req.t("发送范围（可多选）", "Send to (one or more)"))</legend><div class="scroll-box">\(targets)</div></fieldset>
        <fieldset class="field"><legend>\(req.t("只发给这些人群的居民（不选则全部居民）", "Only residents tagged (none: every resident)"))</legend>\(tagBoxes)</fieldset>
        <fieldset class="field"><legend>\(req.t("发送对象", "Audience"))</legend>\(audienceBoxes)</fieldset>
        <fieldset class="field"><legend>\(req.t("选项", "Options"))</legend>
        \(flag("urgent", f.urgent, req.t("紧急通知（需确认收到）", "Urgent (asks for acknowledgement)")))
        \(flag("pinned", f.pinned, req.t("置顶", "Pinned")))
        \(flag("isPublic", f.isPublic, req.t("在公示栏公开（无需登录）", "Public on the notice board (no login)")))</fieldset>
        \(Form.field(req.t("定时发布（不填则立即发布）", "Publish at (empty: now)"), name: "publishAt", value: f.publishAt, type: "datetime-local"))
        \(Form.field(req.t("截止时间（过期后不再显示）", "Expires at (hidden afterwards)"), name: "expiresAt", value: f.expiresAt, type: "datetime-local"))
        \(reachBox)
        <div class="actions"><button name="step" value="preview" class="secondary">\(req.t("预览送达人数", "Preview the reach"))</button>
        <button name="step" value="send">\(req.t("发布", "Publish"))</button></div>
        </form>
        """).encodeResponse(status: status, for: req)
    }
}
