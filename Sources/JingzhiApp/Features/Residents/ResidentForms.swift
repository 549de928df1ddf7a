import Fluent
import JingzhiCore
import Vapor

/// Adding, editing and removing residents in the browser.
enum ResidentForms {
    struct ResidentForm: Content {
        var household: String?
        var name: String?
        var gender: String?
        var birthDate: String?
        var idNumber: String?
        var phone: String?
        var relation: String?
        var tags: [String]?
        var note: String?
        var reason: String?
    }

    /// Roles that only see masked values leave those fields blank to keep what is stored.
    static func input(_ f: ResidentForm, actor: Actor, creating: Bool) -> ResidentInput {
        ResidentInput(name: f.name ?? "", gender: f.gender ?? "",
                      birthDate: actor.role.seesFullIDNumber || creating || f.birthDate?.isEmpty == false ? (f.birthDate ?? "") : nil,
                      idNumber: actor.role.seesFullIDNumber || creating || f.idNumber?.isEmpty == false ? (f.idNumber ?? "") : nil,
                      phone: actor.role.seesFullPhone || creating || f.phone?.isEmpty == false ? (f.phone ?? "") : nil,
                      relation: f.relation ?? "", tags: f.tags ?? [], note: f.note ?? "")
    }

    static func fields(_ req: Request, _ actor: Actor, _ f: ResidentForm, masked: ResidentDTO?) -> HTML {
        let selectedTags = Set(f.tags ?? [])
        let idHint = masked.flatMap { actor.role.seesFullIDNumber ? nil : req.t("当前：\($0.idNumber ?? "—")，留空则不修改", "now \($0.idNumber ?? "—"); leave blank to keep") }
        let phoneHint = masked.flatMap { actor.role.seesFullPhone ? nil : req.t("当前：\($0.phone ?? "—")，留空则不修改", "now \($0.phone ?? "—"); leave blank to keep") }
        return """
        \(Form.field(req.t("姓名", "Name"), name: "name", value: f.name, required: true))
        \(Form.field(req.t("身份证号", "ID number"), name: "idNumber", value: f.idNumber, hint: idHint ?? req.t("18 位，自动核对校验位并带出出生日期和性别", "18 characters; fills in birth date and sex")))
        \(Form.select(req.t("性别", "Sex"), name: "gender", options: [("男", "男"), ("女", "女")], selected: f.gender, includeBlank: req.t("按身份证号", "from ID number")))
        \(Form.field(req.t("出生日期", "Birth date"), name: "birthDate", value: f.birthDate, type: "date",
                     hint: masked.flatMap { m in actor.role.seesFullIDNumber ? nil : req.t("当前：\(m.age.map { "\($0) 岁" } ?? "—")，留空则不修改", "now \(m.age.map { "age \($0)" } ?? "—"); leave blank to keep") }))
        \(Form.field(req.t("电话", "Phone"), name: "phone", value: f.phone, type: "tel", hint: phoneHint))
        \(Form.select(req.t("与户主关系", "Relation to head"), name: "relation", options: ResidentService.relations.map { ($0, $0) }, selected: f.relation))
        <fieldset class="field"><legend class="muted">\(req.t("标签", "Tags"))</legend>
        \(ResidentTags.all.map { t -> HTML in
            "<label style=\"display:inline-block;margin:0 .8rem .4rem 0\"><input type=\"checkbox\" name=\"tags[]\" value=\"\(t)\"\(HTML(raw: selectedTags.contains(t) ? " checked" : ""))> \(t)</label>"
        })</fieldset>
        \(Form.textarea(req.t("备注", "Note"), name: "note", value: f.note))
        """
    }

    static func formPage(_ req: Request, title: String, error: String?, _ inner: HTML, status: HTTPStatus = .ok) async throws -> Response {
        try await Layout(req: req, title: title).render("""
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <form method="post" class="card">\(Form.csrf(req))\(inner)</form>
        """).encodeResponse(status: status, for: req)
    }

    static func household(_ req: Request, _ actor: Actor, _ raw: String?) async throws -> Household {
        guard let id = raw.flatMap(UUID.init(uuidString:)) else { throw APIError.missing("household") }
        return try await Household.find(id, within: actor.scope, on: req.db)
    }

    @Sendable static func newForm(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.editResidents)
        let h = try await household(req, actor, try req.query.get(String?.self, at: "household"))
        let f = ResidentForm(household: h.id!.uuidString, relation: "其他")
        return try await formPage(req, title: req.t("登记居民 · \(h.address)", "New resident · \(h.address)"), error: nil,
                                  "<input type=\"hidden\" name=\"household\" value=\"\(h.id)\">\(fields(req, actor, f, masked: nil))<button>\(req.t("保存", "Save"))</button>")
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.editResidents)
        let f = try req.content.decode(ResidentForm.self)
        let h = try await household(req, actor, f.household)
        do {
            let r = try await ResidentService(req: req).create(input(f, actor: actor, creating: true), in: h, source: req.auditSource)
            req.flash(req.t("已登记 \(r.name)", "Added \(r.name)"))
            return req.redirect(to: SiteURL.Residents.household(h.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await formPage(req, title: req.t("登记居民 · \(h.address)", "New resident · \(h.address)"), error: req.words(e),
                                      "<input type=\"hidden\" name=\"household\" value=\"\(h.id)\">\(fields(req, actor, f, masked: nil))<button>\(req.t("保存", "Save"))</button>", status: e.status)
        }
    }

    static func loadEditable(_ req: Request) async throws -> (Actor, Resident, ResidentDTO) {
        let actor = try req.requireActor()
        try actor.require(.editResidents)
        let r = try await Resident.find(try req.idParameter(), within: actor.scope, on: req.db)
        return (actor, r, ResidentDTO(r, household: nil, viewer: actor, now: req.now))
    }

    @Sendable static func editForm(req: Request) async throws -> Response {
        let (actor, r, dto) = try await loadEditable(req)
        let f = ResidentForm(name: r.name, gender: r.gender, birthDate: actor.role.seesFullIDNumber ? r.birthDate : nil,
                             idNumber: actor.role.seesFullIDNumber ? r.idNumber : nil, phone: actor.role.seesFullPhone ? r.phone : nil,
                             relation: r.relation, tags: r.tagList, note: r.note)
        return try await formPage(req, title: req.t("编辑 \(r.name)", "Edit \(r.name)"), error: nil,
                                  "\(fields(req, actor, f, masked: dto))<button>\(req.t("保存", "Save"))</button>")
    }

    @Sendable static func edit(req: Request) async throws -> Response {
        let (actor, r, dto) = try await loadEditable(req)
        let f = try req.content.decode(ResidentForm.self)
        do {
            try await ResidentService(req: req).update(r, with: input(f, actor: actor, creating: false), source: req.auditSource)
            req.flash(req.t("已保存", "Saved"))
            return req.redirect(to: SiteURL.Residents.resident(r.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await formPage(req, title: req.t("编辑 \(dto.name)", "Edit \(dto.name)"), error: req.words(e),
                                      "\(fields(req, actor, f, masked: dto))<button>\(req.t("保存", "Save"))</button>", status: e.status)
        }
    }

    @Sendable static func deleteForm(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.deleteResidents)
        let r = try await Resident.find(try req.idParameter(), within: actor.scope, on: req.db)
        return try await formPage(req, title: req.t("注销 \(r.name)", "Remove \(r.name)"), error: nil, """
        <p>\(req.t("注销后该居民不再出现在名单中，记录与变更历史仍会保留。", "The resident leaves the register; the record and its history are kept."))</p>
        \(Form.select(req.t("原因", "Reason"), name: "reason", options: ["迁出", "死亡", "重复登记", "信息错误", "其他"].map { ($0, $0) }, selected: nil))
        <button class="danger">\(req.t("确认注销", "Remove"))</button> <a href="\(SiteURL.Residents.resident(r.id!).path)">\(req.t("取消", "Cancel"))</a>
        """)
    }

    @Sendable static func delete(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try actor.require(.deleteResidents)
        let r = try await Resident.find(try req.idParameter(), within: actor.scope, on: req.db)
        let f = try req.content.decode(ResidentForm.self)
        try await ResidentService(req: req).delete(r, reason: f.reason, source: req.auditSource)
        req.flash(req.t("已注销 \(r.name)", "Removed \(r.name)"))
        return req.redirect(to: SiteURL.Residents.household(r.householdID).path)
    }
}
