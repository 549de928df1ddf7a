import Fluent
import JingzhiCore
import Vapor

/// Admins keep the category tree: default handling level and department, deadlines, working hours, auto-escalation.
enum CaseCategoryAdmin {
    struct Body: Content {
        var code: String?
        var name: String?
        var parentCode: String?
        var defaultLevel: String?
        var departmentCode: String?
        var responseHours: Int?
        var resolutionHours: Int?
        var workingHours: Bool?
        var autoEscalate: Bool?
        var active: Bool?
    }

    static func register(api: any RoutesBuilder, web: any RoutesBuilder) {
        api.post("case-categories", use: create)
        api.patch("case-categories", ":code", use: update)
        web.get(SiteURL.Cases.Pattern.categories, use: page)
        web.post(SiteURL.Cases.Pattern.category, use: updateForm)
    }

    /// Applies `b` to `c`, checking every field; nil fields stay as they are.
    static func apply(_ b: Body, to c: CaseCategory, on db: any Database, creating: Bool) async throws {
        if creating || b.name != nil { c.name = try Validate.text(b.name, field: "name", max: 30)! }
        if let raw = b.defaultLevel ?? (creating ? "community" : nil) {
            guard let level = HandlerLevel(rawValue: raw) else { throw APIError.invalid("defaultLevel", "未知层级 \(raw) (unknown level)") }
            c.defaultLevelRaw = level.rawValue
        }
        if let code = b.parentCode {
            if code.isEmpty { c.parentID = nil } else {
                guard let parent = try await CaseCategory.query(on: db).filter(\.$code == code).first(), parent.id != c.id else {
                    throw APIError.invalid("parentCode", "未知上级类别 \(code) (unknown parent category)")
                }
                c.parentID = parent.id
            }
        }
        if let code = b.departmentCode {
            if code.isEmpty { c.defaultDepartmentID = nil } else {
                guard let d = try await Department.query(on: db).filter(\.$code == code).first() else {
                    throw APIError.invalid("departmentCode", "未知部门 \(code) (unknown department)")
                }
                c.defaultDepartmentID = d.id
            }
        }
        for (field, value, current) in [("responseHours", b.responseHours, creating ? 8 : c.responseHours),
                                        ("resolutionHours", b.resolutionHours, creating ? 72 : c.resolutionHours)] {
            let v = value ?? current
            guard (1...24 * 90).contains(v) else { throw APIError.invalid(field, "时限须在 1–2160 小时之间 (hours must be 1–2160)") }
            if field == "responseHours" { c.responseHours = v } else { c.resolutionHours = v }
        }
        guard c.responseHours <= c.resolutionHours else {
            throw APIError.invalid("responseHours", "响应时限不能长于办结时限 (respond before resolving)")
        }
        c.workingHours = b.workingHours ?? (creating ? true : c.workingHours)
        c.autoEscalate = b.autoEscalate ?? (creating ? false : c.autoEscalate)
        c.active = b.active ?? (creating ? true : c.active)
    }

    static func save(_ c: CaseCategory, before: String, req: Request, action: String) async throws {
        try await req.db.writeTransaction { tx in
            try await c.save(on: tx)
            try await AuditLog.record(on: tx, by: req.auditSource, at: req.now, action: action, entity: "case_category", entityID: c.id,
                                      nodePath: "", summary: "\(action == "create" ? "新建" : "修改")诉求类别 \(c.name) (\(c.code))",
                                      changes: before.isEmpty ? nil : ["settings": [before, describe(c)]])
        }
    }

    static func describe(_ c: CaseCategory) -> String {
        "\(c.name) \(c.defaultLevelRaw) \(c.responseHours)h/\(c.resolutionHours)h \(c.workingHours ? "工作时" : "自然时") \(c.autoEscalate ? "自动上报" : "") \(c.active ? "" : "停用")"
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard actor.role == .admin else { throw APIError.forbidden }
        let b = try req.decodeJSON(Body.self)
        let code = try OrgService.validCode(b.code)
        guard try await CaseCategory.query(on: req.db).filter(\.$code == code).first() == nil else {
            throw APIError(.conflict, code: "code_taken", "类别编码 \(code) 已存在 (code already used)", field: "code")
        }
        let c = CaseCategory()
        c.code = code
        try await apply(b, to: c, on: req.db, creating: true)
        try await save(c, before: "", req: req, action: "create")
        return try await dto(c, req).encodeResponse(status: .created, for: req)
    }

    static func find(_ req: Request) async throws -> CaseCategory {
        guard let code = req.parameters.get("code"), let c = try await CaseCategory.query(on: req.db).filter(\.$code == code).first() else {
            throw APIError.notFound
        }
        return c
    }

    @Sendable static func update(req: Request) async throws -> CaseCategoryDTO {
        let actor = try req.requireActor()
        guard actor.role == .admin else { throw APIError.forbidden }
        let c = try await find(req)
        let before = describe(c)
        try await apply(try req.decodeJSON(Body.self), to: c, on: req.db, creating: false)
        try await save(c, before: before, req: req, action: "update")
        return try await dto(c, req)
    }

    static func dto(_ c: CaseCategory, _ req: Request) async throws -> CaseCategoryDTO {
        let parent = try await c.parentID.asyncMap { try await CaseCategory.find($0, on: req.db)?.code } ?? nil
        return CaseCategoryDTO(code: c.code, name: c.name, parentCode: parent, defaultLevel: c.defaultLevelRaw,
                               responseHours: c.responseHours, resolutionHours: c.resolutionHours, workingHours: c.workingHours)
    }

    @Sendable static func page(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        guard actor.role == .admin else { throw APIError.forbidden }
        return try await render(req, error: nil)
    }

    static func render(_ req: Request, error: String?) async throws -> HTML {
        let all = try await CaseCategory.query(on: req.db).sort(\.$code).all()
        let departments = try await Department.query(on: req.db).sort(\.$code).all()
        let deptCode = Dictionary(uniqueKeysWithValues: departments.map { ($0.id!, $0.code) })
        let rows = all.map { c -> HTML in
            """
            <tr><td colspan="7"><form method="post" action="\(SiteURL.Cases.category(code: c.code).path)" class="filters">\(Form.csrf(req))
              \(Form.field(req.t("名称", "Name"), name: "name", value: c.name))
              \(Form.select(req.t("默认层级", "Default level"), name: "defaultLevel", options: HandlerLevel.allCases.map { ($0.rawValue, $0.label(req.lang)) }, selected: c.defaultLevelRaw))
              \(Form.select(req.t("默认部门", "Department"), name: "departmentCode", options: departments.map { ($0.code, $0.name) }, selected: c.defaultDepartmentID.flatMap { deptCode[$0] }, includeBlank: "—"))
              \(Form.field(req.t("响应(小时)", "Respond (h)"), name: "responseHours", value: String(c.responseHours), type: "number"))
              \(Form.field(req.t("办结(小时)", "Resolve (h)"), name: "resolutionHours", value: String(c.resolutionHours), type: "number"))
              \(Form.select(req.t("计时", "Clock"), name: "workingHours", options: [("true", req.t("工作时间", "working hours")), ("false", req.t("自然时间", "calendar"))], selected: String(c.workingHours)))
              \(Form.select(req.t("超期自动上报", "Escalate when late"), name: "autoEscalate", options: [("true", req.t("是", "yes")), ("false", req.t("否", "no"))], selected: String(c.autoEscalate)))
              \(Form.select(req.t("状态", "State"), name: "active", options: [("true", req.t("启用", "active")), ("false", req.t("停用", "retired"))], selected: String(c.active)))
              <button>\(req.t("保存", "Save")) \(c.code)</button></form></td></tr>
            """
        }
        return Layout(req: req, title: req.t("诉求类别", "Case categories"), wide: true).render("""
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <p class="muted">\(req.t("新类别可通过 API 创建：POST /api/v1/case-categories。", "New categories: POST /api/v1/case-categories."))</p>
        <div class="table-wrap"><table><tbody>\(rows)</tbody></table></div>
        """)
    }

    struct Form_: Content {
        var name: String?
        var defaultLevel: String?
        var departmentCode: String?
        var responseHours: String?
        var resolutionHours: String?
        var workingHours: String?
        var autoEscalate: String?
        var active: String?
    }

    @Sendable static func updateForm(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard actor.role == .admin else { throw APIError.forbidden }
        let c = try await find(req)
        let f = try req.content.decode(Form_.self)
        let before = describe(c)
        do {
            func hours(_ raw: String?, _ field: String) throws -> Int? {
                guard let raw, !raw.isEmpty else { return nil }
                guard let n = Int(raw) else { throw APIError.invalid(field, "须为整数小时 (whole hours)") }
                return n
            }
            let body = Body(name: f.name, defaultLevel: f.defaultLevel, departmentCode: f.departmentCode ?? "",
                            responseHours: try hours(f.responseHours, "responseHours"), resolutionHours: try hours(f.resolutionHours, "resolutionHours"),
                            workingHours: f.workingHours.map { $0 == "true" }, autoEscalate: f.autoEscalate.map { $0 == "true" }, active: f.active.map { $0 == "true" })
            try await apply(body, to: c, on: req.db, creating: false)
            try await save(c, before: before, req: req, action: "update")
        } catch let e as APIError where e.status.code < 500 {
            return try await render(req, error: "\(c.code)：" + req.words(e)).encodeResponse(status: e.status, for: req)
        }
        req.flash(req.t("已保存 \(c.name)", "Saved \(c.name)"))
        return req.redirect(to: SiteURL.Cases.categories.path)
    }
}
