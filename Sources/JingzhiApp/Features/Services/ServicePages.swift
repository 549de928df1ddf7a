import Foundation
import Fluent
import JingzhiCore
import Vapor

/// 便民办事: the catalogue and my applications (residents), the queue of the area (staff and grid workers), a matter's
/// guide with the apply form.
enum ServicePages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Services.Pattern
        staff.get(P.index, use: index)
        staff.get(P.matter, use: matter)
        staff.on(.POST, P.apply, body: .collect(maxSize: "60mb"), use: apply)
        ServiceApplicationPage.register(staff)
        ServiceCatalogPages.register(staff)
        staff.get(P.measures, use: ServiceMeasuresPage.page)
    }

    static func words(_ req: Request, _ e: APIError) -> String { req.words(e) }

    static func stateTag(_ req: Request, _ a: ServiceApplication) -> HTML {
        var out: [HTML] = ["<span class=\"tag state-\(a.stateRaw)\">\(a.state.label(req.lang))</span>"]
        if a.overdueAt != nil || (ServiceState.running.contains(a.state) && a.dueAt < req.now) {
            out.append("<span class=\"tag overdue\">\(req.t("已超期", "Overdue"))</span>")
        }
        if a.proxy { out.append("<span class=\"tag\">\(req.t("代办", "By proxy"))</span>") }
        return HTML(out)
    }

    /// My applications as cards (the home and the index).
    static func cards(_ req: Request, _ rows: [ServiceApplication]) -> HTML {
        HTML(rows.map { a -> HTML in
            let what: HTML = a.state == .needsMore
                ? "<br><b>\(req.t("请补充", "Please add"))：\(a.missing.joined(separator: req.t("、", ", ")))</b>" : .empty
            return """
            <a class="card link application" href="\(SiteURL.Services.application(a.id!).path)">\(stateTag(req, a))<b>\(a.matterName)</b>
            <br><small>\(a.number) · \(ShanghaiTime.format(a.submittedAt))</small>\(what)</a>
            """
        })
    }

    @Sendable static func index(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        if actor.role == .resident { return try await residentIndex(req, actor) }
        guard ServiceAccess.followsArea(actor) else { throw APIError.forbidden }
        return try await ServiceStaffList.render(req, actor)
    }

    static func residentIndex(_ req: Request, _ actor: Actor) async throws -> HTML {
        let (mine, _) = try await ServiceQueue(db: req.db, now: req.now).list(for: actor, .init(), page: PageRequest(page: 1, per: 50))
        let catalog = ServiceCatalog(req: req)
        let matters = try await catalog.matters(for: actor)
        let owners = try await catalog.owners(matters)
        let guide = matters.map { m -> HTML in
            "<a class=\"card link\" href=\"\(SiteURL.Services.matter(m.id!).path)\">\(ownerTag(req, m, owners))<b>\(m.name)</b><br><small>\(req.t("\(m.deadlineDays) 个工作日办结", "Decided within \(m.deadlineDays) working days"))</small></a>"
        }
        return Layout(req: req, title: req.t("便民办事", "Services")).render("""
        <h2>\(req.t("我的申请", "My applications"))</h2>
        \(mine.isEmpty ? "<p class=\"muted\">\(req.t("还没有办事申请。", "No applications yet."))</p>" : cards(req, mine))
        <h2>\(req.t("可以办理的事项", "What you can apply for"))</h2>
        <div id="matters">\(guide)</div>
        """)
    }

    /// A community's own matter says whose it is; the county's say nothing.
    static func ownerTag(_ req: Request, _ m: ServiceMatter, _ owners: [UUID: String]) -> HTML {
        guard let id = m.nodeID else { return .empty }
        return "<span class=\"tag owner\">\(owners[id] ?? "")\(req.t("自有事项", " own matter"))</span> "
    }

    static func guide(_ req: Request, _ m: ServiceMatter) -> HTML {
        """
        <div class="card"><p>\(m.details)</p><dl class="props">
        <dt>\(req.t("申请条件", "Who may apply"))</dt><dd>\(m.eligibility)</dd>
        <dt>\(req.t("所需材料", "Materials"))</dt><dd><ul>\(m.materials.map { HTML("<li>\($0)</li>") })</ul></dd>
        <dt>\(req.t("办理时限", "Deadline"))</dt><dd>\(req.t("\(m.deadlineDays) 个工作日", "\(m.deadlineDays) working days"))</dd>
        <dt>\(req.t("办理结果", "Result"))</dt><dd>\(m.certificateTitle.map { req.t("出具《\($0)》，可打印，扫码核验", "A printable \($0) with a QR code to verify it") } ?? req.t("办结通知", "A decision"))</dd>
        </dl></div>
        """
    }

    static func fileInputs(_ req: Request, _ materials: [String]) -> HTML {
        HTML(materials.enumerated().map { i, m -> HTML in
            """
            <label class="field"><span>\(m) <b class="req">*</b></span>
            <input type="file" name="m\(i)[]" accept="image/*" multiple capture="environment" data-material="\(m)">
            <small>\(req.t("拍照上传，可多张", "Take photos; several allowed"))</small></label>
            """
        })
    }

    @Sendable static func matter(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        let m = try await ServiceCatalog(req: req).matter(try req.idParameter(), for: actor)
        return try await matterPage(req, actor, m, error: nil)
    }

    static func matterPage(_ req: Request, _ actor: Actor, _ m: ServiceMatter, error: String?, note: String? = nil) async throws -> HTML {
        var body: [HTML] = [ownerTag(req, m, try await ServiceCatalog(req: req).owners([m])), guide(req, m)]
        if !m.active { body.insert("<p class=\"notice\">\(req.t("此事项已停用，不再受理申请。", "This matter is retired: no new applications."))</p>", at: 0) }
        if ServiceCatalog.canEdit(m, actor) {
            body.append("<p><a class=\"button secondary\" href=\"\(SiteURL.Services.editMatter(m.id!).path)\">\(req.t("修改事项", "Edit the matter"))</a></p>")
        }
        let canApply = (actor.role == .resident && actor.user.residentID != nil) || ServiceAccess.proxyRoles.contains(actor.role)
        if m.active && canApply {
            let proxy: HTML = actor.role == .resident ? .empty : Form.field(req.t("居民身份证号（代办）", "Resident's ID number (applying for them)"),
                                                                         name: "idNumber", required: true, hint: req.t("为辖区内行动不便的居民代办", "For a resident of your area who cannot come"))
            body.append("""
            <h2>\(req.t("在线申请", "Apply online"))</h2>
            \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
            <form method="post" action="\(SiteURL.Services.apply(m.id!).path)" enctype="multipart/form-data" class="card" id="apply">\(Form.csrf(req))
            \(proxy)\(fileInputs(req, m.materials))
            \(Form.textarea(req.t("补充说明（选填）", "Note (optional)"), name: "note", value: note))
            <button class="button big">\(req.t("提交申请", "Submit"))</button></form>
            """)
        } else if actor.role == .resident {
            body.append("<p class=\"card\">\(req.t("请先完成住户认证再在线办理。", "Link your account to your household to apply online."))</p>")
        }
        body.append("<p><a href=\"\(SiteURL.Services.index().path)\">\(req.t("返回便民办事", "Back to services"))</a></p>")
        return Layout(req: req, title: m.name).render(HTML(body))
    }

    struct ApplyForm: Content {
        var idNumber: String?
        var note: String?
        var m0: [File]?, m1: [File]?, m2: [File]?, m3: [File]?, m4: [File]?, m5: [File]?, m6: [File]?, m7: [File]?, m8: [File]?, m9: [File]?

        /// The uploaded photos, each named by the material of its input.
        func files(_ materials: [String]) -> [MaterialFile] {
            let inputs = [m0, m1, m2, m3, m4, m5, m6, m7, m8, m9]
            return materials.enumerated().flatMap { i, name -> [MaterialFile] in
                guard i < inputs.count else { return [] }
                return (inputs[i] ?? []).filter { $0.data.readableBytes > 0 }.map { MaterialFile(material: name, data: Data(buffer: $0.data)) }
            }
        }
    }

    @Sendable static func apply(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let m = try await ServiceCatalog(req: req).matter(try req.idParameter(), for: actor)
        guard m.active else { throw APIError.notFound }
        let f = try req.content.decode(ApplyForm.self)
        do {
            var residentID: UUID?
            if actor.role != .resident {
                guard let raw = f.idNumber?.trimmingCharacters(in: .whitespaces).uppercased(), !raw.isEmpty else { throw APIError.missing("idNumber") }
                guard let r = try await Resident.query(on: req.db).within(actor.scope).filter(\.$idNumber == raw).first() else {
                    throw APIError(.unprocessableEntity, code: "unknown_resident", "辖区内没有这个身份证号的居民 (no resident of your area has this ID number)",
                                   field: "idNumber")
                }
                residentID = r.id
            }
            let a = try await ServiceApplications(req: req).apply(
                ApplicationInput(matterID: m.id, residentID: residentID, note: f.note, files: f.files(m.materials)), by: actor)
            req.flash(req.t("申请已提交，受理编号 \(a.number)，请留意办理进度。", "Application \(a.number) submitted."))
            return req.redirect(to: SiteURL.Services.application(a.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await matterPage(req, actor, m, error: words(req, e), note: f.note).encodeResponse(status: e.status, for: req)
        }
    }
}
