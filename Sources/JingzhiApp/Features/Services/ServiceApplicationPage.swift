import Foundation
import Fluent
import JingzhiCore
import Vapor

/// One application: its materials, what was asked, its history; the staff's buttons and the resident's supplement form.
enum ServiceApplicationPage {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Services.Pattern
        staff.get(P.application, use: show)
        staff.post(P.act, use: act)
        staff.on(.POST, P.supplement, body: .collect(maxSize: "60mb"), use: supplement)
        staff.get(P.material, use: material)
    }

    @Sendable static func show(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        let a = try await ServiceAccess.load(try req.idParameter(), for: actor, on: req.db)
        return try await render(req, actor, a, error: nil)
    }

    static func render(_ req: Request, _ actor: Actor, _ a: ServiceApplication, error: String?) async throws -> HTML {
        let materials = try await ServiceMaterials.list(a.id!, on: req.db)
        let history = try await LifecycleEvent.history(ServiceLifecycle.table.entity, a.id!, on: req.db)
        var body: [HTML] = [error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty]
        let name = ServiceAccess.seesName(a, actor) ? a.residentName : Mask.name(a.residentName)
        body.append("""
        <div class="card" id="application"><p>\(ServicePages.stateTag(req, a))</p><dl class="props">
        <dt>\(req.t("受理编号", "Number"))</dt><dd>\(a.number)</dd><dt>\(req.t("申请人", "Applicant"))</dt><dd>\(name)</dd>
        <dt>\(req.t("提交时间", "Submitted"))</dt><dd>\(ShanghaiTime.format(a.submittedAt))</dd>
        <dt>\(req.t("办理时限", "Due by"))</dt><dd>\(a.state.isOpen ? ShanghaiTime.format(a.dueAt) : "—")</dd>
        \(a.note.isEmpty ? HTML.empty : "<dt>\(req.t("说明", "Note"))</dt><dd>\(a.note)</dd>")
        \(a.decisionNote.map { HTML("<dt>\(req.t("办理意见", "Decision"))</dt><dd id=\"decision\">\($0)</dd>") } ?? .empty)
        </dl></div>
        """)
        if a.state == .needsMore {
            body.append("""
            <div class="card error" id="missing" role="status"><b>\(req.t("需要补充以下材料", "These materials are missing"))：</b>
            <ul>\(a.missing.map { HTML("<li>\($0)</li>") })</ul></div>
            """)
        }
        if a.state == .approved, a.certificateNumber != nil {
            body.append("<p><a class=\"button big\" id=\"certificate\" href=\"\(SiteURL.Services.certificate(a.id!).path)\">\(req.t("查看并打印证明", "View and print the certificate"))</a></p>")
        }
        let figures = materials.map { m -> HTML in
            let src = SiteURL.Services.material(a.id!, file: m.id!).path
            return "<figure class=\"material\"><a href=\"\(src)\"><img src=\"\(src)\" alt=\"\(m.material)\" loading=\"lazy\" width=\"160\"></a><figcaption>\(m.material)</figcaption></figure>"
        }
        body.append("<h2>\(req.t("申请材料", "Materials"))（\(materials.count)）</h2><div class=\"materials\" id=\"materials\">\(figures)</div>")
        if ServiceAccess.actions(a, actor).contains(.supplement) {
            body.append("""
            <form method="post" action="\(SiteURL.Services.supplement(a.id!).path)" enctype="multipart/form-data" class="card" id="supplement">\(Form.csrf(req))
            <input type="hidden" name="version" value="\(a.version)">\(ServicePages.fileInputs(req, a.missing))
            <button class="button big">\(req.t("提交补充材料", "Send the materials"))</button></form>
            """)
        }
        body.append(actions(req, a, ServiceAccess.actions(a, actor)))
        let lines = history.map { e -> HTML in
            let action = ServiceAction(rawValue: e.action)?.label(req.lang) ?? (e.action == "submit" ? req.t("提交申请", "submitted") : req.t("督办", "supervised"))
            return "<li><b>\(ShanghaiTime.format(e.at))</b> \(e.actorName) · \(action)\(e.note.map { HTML("：\($0)") } ?? .empty)</li>"
        }
        body.append("<h2>\(req.t("办理过程", "History"))</h2><ol class=\"timeline\" id=\"history\">\(lines)</ol>")
        body.append("<p><a href=\"\(SiteURL.Services.index().path)\">\(req.t("返回便民办事", "Back to services"))</a></p>")
        return Layout(req: req, title: a.matterName).render(HTML(body))
    }

    /// The buttons the viewer's role may press now, each a small form; the reasons a step needs are asked for in it.
    static func actions(_ req: Request, _ a: ServiceApplication, _ actions: [ServiceAction]) -> HTML {
        let allowed = actions.filter { $0 != .supplement }
        guard !allowed.isEmpty else { return .empty }
        let forms = allowed.map { action -> HTML in
            let target = SiteURL.Services.act(a.id!, action: action.rawValue).path
            let hidden: HTML = "\(Form.csrf(req))<input type=\"hidden\" name=\"version\" value=\"\(a.version)\">"
            switch action {
            case .requestMore:
                return """
                <form method="post" action="\(target)" class="card" id="request-more">\(hidden)
                \(Form.textarea(req.t("需补充的材料（每行一项）", "Materials missing (one per line)"), name: "missing", required: true))
                \(Form.field(req.t("说明（选填）", "Note (optional)"), name: "note"))
                <button class="secondary">\(action.label(req.lang))</button></form>
                """
            case .reject:
                return """
                <form method="post" action="\(target)" class="card" id="reject" data-confirm="\(req.t("确定不予办理？", "Reject this application?"))">\(hidden)
                \(Form.textarea(req.t("不予办理的理由", "Reason"), name: "note", required: true))<button class="secondary">\(action.label(req.lang))</button></form>
                """
            case .withdraw:
                return """
                <form method="post" action="\(target)" class="inline" data-confirm="\(req.t("确定撤回这件申请？", "Withdraw this application?"))">\(hidden)
                <button class="secondary">\(action.label(req.lang))</button></form>
                """
            default:
                return "<form method=\"post\" action=\"\(target)\" class=\"inline\">\(hidden)<button>\(action.label(req.lang))</button></form>"
            }
        }
        return "<h2>\(req.t("办理", "Act"))</h2><div class=\"actions\" id=\"actions\">\(forms)</div>"
    }

    struct ActForm: Content {
        var version: Int?
        var note: String?
        var missing: String?
    }

    @Sendable static func act(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let a = try await ServiceAccess.load(try req.idParameter(), for: actor, on: req.db)
        guard let action = req.parameters.get("action").flatMap(ServiceAction.init(rawValue:)), action != .supplement else { throw APIError.notFound }
        let f = try req.content.decode(ActForm.self)
        do {
            let after = try await ServiceApplications(req: req).perform(action, on: a, by: actor, version: f.version, note: f.note,
                                                                       missing: f.missing.map { [$0] } ?? [])
            let done = after.state == .approved && after.certificateNumber != nil
                ? req.t("已办结，证明编号 \(after.certificateNumber!)", "Approved; certificate \(after.certificateNumber!)")
                : req.t("已\(action.zh)：\(after.number)", "Done: \(action.en) \(after.number)")
            req.flash(done)
            return req.redirect(to: SiteURL.Services.application(a.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            let fresh = try await ServiceApplication.find(a.id, on: req.db) ?? a
            return try await render(req, actor, fresh, error: req.words(e)).encodeResponse(status: e.status, for: req)
        }
    }

    struct SupplementForm: Content {
        var version: Int?
        var m0: [File]?, m1: [File]?, m2: [File]?, m3: [File]?, m4: [File]?, m5: [File]?, m6: [File]?, m7: [File]?, m8: [File]?, m9: [File]?

        func files(_ materials: [String]) -> [MaterialFile] {
            ServicePages.ApplyForm(m0: m0, m1: m1, m2: m2, m3: m3, m4: m4, m5: m5, m6: m6, m7: m7, m8: m8, m9: m9).files(materials)
        }
    }

    @Sendable static func supplement(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let a = try await ServiceAccess.load(try req.idParameter(), for: actor, on: req.db)
        let f = try req.content.decode(SupplementForm.self)
        do {
            let after = try await ServiceApplications(req: req).supplement(a, files: f.files(a.missing), by: actor, version: f.version)
            req.flash(req.t("补充材料已提交，办理时限重新计算至 \(ShanghaiTime.format(after.dueAt))。", "Materials sent; now due by \(ShanghaiTime.format(after.dueAt))."))
            return req.redirect(to: SiteURL.Services.application(a.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            let fresh = try await ServiceApplication.find(a.id, on: req.db) ?? a
            return try await render(req, actor, fresh, error: req.words(e)).encodeResponse(status: e.status, for: req)
        }
    }

    @Sendable static func material(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let a = try await ServiceAccess.load(try req.idParameter(), for: actor, on: req.db)
        guard let m = try await ServiceMaterial.query(on: req.db).filter(\.$id == (try req.idParameter("file")))
            .filter(\.$applicationID == a.id!).first() else { throw APIError.notFound }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: m.contentType)
        headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=86400")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return Response(status: .ok, headers: headers, body: .init(data: m.bytes))
    }
}

extension ServiceAction {
    func label(_ lang: Lang) -> String { lang.t(zh, en) }
}
