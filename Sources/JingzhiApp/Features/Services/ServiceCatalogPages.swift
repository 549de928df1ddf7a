import Foundation
import Fluent
import JingzhiCore
import Vapor

/// County admins keep the catalogue, street and community staff their own matters: a new one, or one changed or retired.
enum ServiceCatalogPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Services.Pattern
        staff.get(P.newMatter, use: newForm)
        staff.post(P.newMatter, use: create)
        staff.get(P.editMatter, use: editForm)
        staff.post(P.editMatter, use: update)
    }

    struct MatterForm: Content {
        var code: String?
        var name: String?
        var details: String?
        var eligibility: String?
        var minAge: String?
        var requiredTag: String?
        var materials: String?
        var deadlineDays: String?
        var certificateTitle: String?
        var active: String?
        var version: Int?
        var nodeId: String?

        init() {}

        init(_ m: ServiceMatter) {
            code = m.code
            name = m.name
            details = m.details
            eligibility = m.eligibility
            minAge = m.minAge.map(String.init)
            requiredTag = m.requiredTag
            materials = m.materialsRaw
            deadlineDays = String(m.deadlineDays)
            certificateTitle = m.certificateTitle
            active = m.active ? "1" : nil
            version = m.version
            nodeId = m.nodeID?.uuidString
        }

        func input() throws -> MatterInput {
            func int(_ raw: String?, _ field: String) throws -> Int? {
                guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
                guard let n = Int(raw) else { throw APIError.invalid(field, "请填写整数 (a whole number, please)") }
                return n
            }
            return MatterInput(code: code, name: name, details: details, eligibility: eligibility, minAge: try int(minAge, "minAge"),
                               requiredTag: requiredTag, materials: [materials ?? ""], deadlineDays: try int(deadlineDays, "deadlineDays"),
                               certificateTitle: certificateTitle, active: active == "1",
                               nodeID: nodeId?.trimmingCharacters(in: .whitespaces).nilIfEmpty.flatMap(UUID.init(uuidString:)))
        }
    }

    static func editor(_ req: Request) throws -> Actor {
        let actor = try req.requireActor()
        try ServiceCatalog.requireEditor(actor)
        return actor
    }

    /// Who offers the matter: the county (admins only) or a street or community of the editor's area.
    static func ownerField(_ req: Request, _ actor: Actor, _ f: MatterForm) async throws -> HTML {
        let nodes = try await ServiceCatalog(req: req).ownerChoices(for: actor)
        let options = nodes.map { (value: $0.id!.uuidString, label: $0.name) }
        return Form.select(req.t("办理范围", "Offered in"), name: "nodeId", options: options, selected: f.nodeId ?? actor.user.nodeID?.uuidString,
                           includeBlank: actor.role == .admin ? req.t("全县（县级事项）", "The whole county (county matter)") : nil)
    }

    static func page(_ req: Request, _ f: MatterForm, matter: ServiceMatter?, error: String?) async throws -> HTML {
        let target = matter.map { SiteURL.Services.editMatter($0.id!).path } ?? SiteURL.Services.newMatter.path
        let tags = ResidentTags.all.map { (value: $0, label: $0) }
        let owner = try await ownerField(req, try req.requireActor(), f)
        return Layout(req: req, title: matter == nil ? req.t("新增办事事项", "New matter") : req.t("修改办事事项", "Edit the matter")).render("""
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <form method="post" action="\(target)" class="card" id="matter-form">\(Form.csrf(req))
        <input type="hidden" name="version" value="\(f.version.map(String.init) ?? "")">
        \(owner)
        <p class="hint">\(req.t("社区自有事项只在本社区（或街道）内可见、可申请。", "A community's own matter is shown and offered only in that community (or street)."))</p>
        \(Form.field(req.t("编码", "Code"), name: "code", value: f.code, required: true, hint: req.t("字母或数字，如 JZZM", "Letters or digits, e.g. JZZM")))
        \(Form.field(req.t("事项名称", "Name"), name: "name", value: f.name, required: true))
        \(Form.textarea(req.t("事项说明", "What it is"), name: "details", value: f.details, required: true))
        \(Form.textarea(req.t("申请条件", "Who may apply"), name: "eligibility", value: f.eligibility, required: true))
        \(Form.field(req.t("最低年龄（选填）", "Minimum age (optional)"), name: "minAge", value: f.minAge, type: "number"))
        \(Form.select(req.t("限定人群（选填）", "Only residents tagged (optional)"), name: "requiredTag", options: tags, selected: f.requiredTag, includeBlank: req.t("不限", "Anyone")))
        \(Form.textarea(req.t("所需材料（每行一项）", "Materials (one per line)"), name: "materials", value: f.materials, required: true))
        \(Form.field(req.t("办理时限（工作日）", "Deadline (working days)"), name: "deadlineDays", value: f.deadlineDays, type: "number", required: true))
        \(Form.field(req.t("出具证明名称（选填）", "Certificate issued (optional)"), name: "certificateTitle", value: f.certificateTitle))
        <label class="check"><input type="checkbox" name="active" value="1"\(HTML(raw: f.active == "1" ? " checked" : ""))> \(req.t("可以申请", "Open for applications"))</label>
        <p><button>\(req.t("保存", "Save"))</button></p></form>
        """)
    }

    @Sendable static func newForm(req: Request) async throws -> HTML {
        _ = try editor(req)
        var f = MatterForm()
        f.active = "1"
        return try await page(req, f, matter: nil, error: nil)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try editor(req)
        let f = try req.content.decode(MatterForm.self)
        do {
            let m = try await ServiceCatalog(req: req).create(try f.input(), by: actor)
            req.flash(req.t("已新增事项：\(m.name)", "Matter added: \(m.name)"))
            return req.redirect(to: SiteURL.Services.matter(m.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await page(req, f, matter: nil, error: req.words(e)).encodeResponse(status: e.status, for: req)
        }
    }

    @Sendable static func editForm(req: Request) async throws -> HTML {
        let actor = try editor(req)
        let m = try await ServiceCatalog(req: req).matter(try req.idParameter(), for: actor)
        try ServiceCatalog.requireEditable(m, by: actor)
        return try await page(req, MatterForm(m), matter: m, error: nil)
    }

    @Sendable static func update(req: Request) async throws -> Response {
        let actor = try editor(req)
        let catalog = ServiceCatalog(req: req)
        let m = try await catalog.matter(try req.idParameter(), for: actor)
        try ServiceCatalog.requireEditable(m, by: actor)
        let f = try req.content.decode(MatterForm.self)
        do {
            let saved = try await catalog.update(m, try f.input(), version: f.version, by: actor)
            req.flash(req.t("已保存：\(saved.name)", "Saved: \(saved.name)"))
            return req.redirect(to: SiteURL.Services.matter(saved.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await page(req, f, matter: m, error: req.words(e)).encodeResponse(status: e.status, for: req)
        }
    }
}
