import Fluent
import JingzhiCore
import Vapor

/// The register in the browser: search, read, edit, delete with confirmation, households and visits.
enum ResidentPages {
    static func register(_ web: any RoutesBuilder) {
        typealias P = SiteURL.Residents.Pattern
        web.get(P.list, use: list)
        web.get(P.export, use: ResidentImportAPI.exportCSV)
        web.get(P.exportXLSX, use: ResidentImportAPI.exportXLSX)
        ResidentImportPage.register(web)
        web.get(P.new, use: ResidentForms.newForm)
        web.post(P.new, use: ResidentForms.create)
        web.get(P.resident, use: show)
        web.get(P.edit, use: ResidentForms.editForm)
        web.post(P.edit, use: ResidentForms.edit)
        web.get(P.delete, use: ResidentForms.deleteForm)
        web.post(P.delete, use: ResidentForms.delete)
        HouseholdPages.register(web)
        ResidentRetentionPages.register(web)
        ResidentExportJobPages.register(web)
    }

    static func filterParams(_ req: Request) -> [(String, String)] {
        ["q", "tag", "gender", "ageMin", "ageMax", "node"].map { ($0, ((try? req.query.get(String?.self, at: $0)) ?? nil) ?? "") }
    }

    @Sendable static func list(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        try actor.require(.viewResidents)
        let page = try PageRequest(req)
        let query = try await ResidentsAPI.query(from: req)
        let result = try await ResidentService(req: req).list(query, scope: actor.scope, page: page)
        let params = filterParams(req)
        func v(_ k: String) -> String { params.first { $0.0 == k }!.1 }
        let rows = result.items.map { r, h -> HTML in
            let dto = ResidentDTO(r, household: h, viewer: actor, now: req.now)
            return """
            <tr><td data-label="\(req.t("姓名", "Name"))"><a href="\(SiteURL.Residents.resident(dto.id).path)">\(dto.name)</a></td>
            <td data-label="\(req.t("性别/年龄", "Sex/age"))">\(dto.gender) \(dto.age.map(String.init) ?? "")</td>
            <td data-label="\(req.t("身份证号", "ID number"))">\(dto.idNumber ?? "—")</td>
            <td data-label="\(req.t("电话", "Phone"))">\(dto.phone ?? "—")</td>
            <td data-label="\(req.t("住址", "Address"))"><a href="\(SiteURL.Residents.household(h.id!).path)">\(h.address)</a></td>
            <td data-label="\(req.t("标签", "Tags"))">\(dto.tags.map { HTML("<span class=\"tag\">\($0)</span>") })</td></tr>
            """
        }
        let nodeNote: HTML = query.node.map { "<p>\(req.t("范围", "Within"))：<b>\($0.name)</b> <a href=\"\(SiteURL.Residents.list(query: params.filter { $0.0 != "node" }).path)\">\(req.t("清除", "clear"))</a></p>" } ?? .empty
        let tools: [HTML] = [
            actor.can(.importResidents) ? "<a class=\"button secondary\" href=\"\(SiteURL.Residents.importForm.path)\">\(req.t("批量导入", "Import CSV or Excel"))</a>" : .empty,
            actor.can(.exportResidents) ? "<a class=\"button secondary\" href=\"\(SiteURL.Residents.export(query: params).path)\">\(req.t("导出 CSV", "Export CSV"))</a>" : .empty,
            actor.can(.exportResidents) ? ResidentExportJobPages.startForm(req, params) : .empty,
            actor.role == .admin ? "<a class=\"button secondary\" href=\"\(SiteURL.Residents.retention.path)\">\(req.t("个人信息保存期限", "Data retention"))</a>" : .empty,
        ]
        let body: HTML = """
        <form method="get" class="filters card" role="search">
          <input type="hidden" name="node" value="\(v("node"))">
          \(Form.field(req.t("搜索", "Search"), name: "q", value: v("q"), type: "search", hint: req.t("姓名、电话、身份证号或住址", "name, phone, ID number or address")))
          \(Form.select(req.t("标签", "Tag"), name: "tag", options: ResidentTags.all.map { ($0, $0) }, selected: v("tag"), includeBlank: req.t("全部", "All")))
          \(Form.select(req.t("性别", "Sex"), name: "gender", options: [("男", req.t("男", "male")), ("女", req.t("女", "female"))], selected: v("gender"), includeBlank: req.t("全部", "All")))
          \(Form.field(req.t("年龄从", "Age from"), name: "ageMin", value: v("ageMin"), type: "number", attrs: "min=\"0\" max=\"130\""))
          \(Form.field(req.t("年龄到", "Age to"), name: "ageMax", value: v("ageMax"), type: "number", attrs: "min=\"0\" max=\"130\""))
          <button>\(req.t("查询", "Search"))</button>
        </form>
        \(nodeNote)
        <div class="actions">\(tools)</div>
        <div class="table-wrap"><table class="stack">
        <thead><tr><th>\(req.t("姓名", "Name"))</th><th>\(req.t("性别/年龄", "Sex/age"))</th><th>\(req.t("身份证号", "ID number"))</th><th>\(req.t("电话", "Phone"))</th><th>\(req.t("住址", "Address"))</th><th>\(req.t("标签", "Tags"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"6\" class=\"muted\">\(req.t("没有符合条件的居民", "No residents match"))</td></tr>"] : rows)</tbody>
        </table></div>
        \(pager(req, total: result.total, page: page) { SiteURL.Residents.list(query: params + [("page", String($0))]).path })
        """
        return Layout(req: req, title: req.t("居民信息", "Residents"), wide: true).render(body)
    }

    @Sendable static func show(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        try actor.require(.viewResidents)
        let r = try await Resident.find(try req.idParameter(), within: actor.scope, on: req.db)
        let h = try await Household.find(r.householdID, on: req.db)!
        let dto = ResidentDTO(r, household: h, viewer: actor, now: req.now)
        let history = try await AuditEntry.query(on: req.db).filter(\.$entityID == r.id!).sort(\.$at, .descending).limit(20).all()
        let actions: [HTML] = [
            actor.can(.editResidents) ? "<a class=\"button\" href=\"\(SiteURL.Residents.edit(dto.id).path)\">\(req.t("编辑", "Edit"))</a>" : .empty,
            actor.can(.deleteResidents) ? "<a class=\"button secondary\" href=\"\(SiteURL.Residents.delete(dto.id).path)\">\(req.t("注销", "Remove"))</a>" : .empty,
        ]
        return Layout(req: req, title: dto.name).render("""
        <div class="card"><dl class="props">
          <dt>\(req.t("性别", "Sex"))</dt><dd>\(dto.gender)</dd>
          <dt>\(req.t("出生日期", "Born"))</dt><dd>\(dto.birthDate ?? "") \(dto.age.map { req.t("（\($0) 岁）", " (\($0))") } ?? "")</dd>
          <dt>\(req.t("身份证号", "ID number"))</dt><dd>\(dto.idNumber ?? "—")</dd>
          <dt>\(req.t("电话", "Phone"))</dt><dd>\(dto.phone.map { HTML("<a href=\"tel:\($0)\">\($0)</a>") } ?? "—")</dd>
          <dt>\(req.t("住址", "Address"))</dt><dd><a href="\(SiteURL.Residents.household(h.id!).path)">\(h.address)</a></dd>
          <dt>\(req.t("与户主关系", "Relation"))</dt><dd>\(dto.relation)</dd>
          <dt>\(req.t("标签", "Tags"))</dt><dd>\(dto.tags.map { HTML("<span class=\"tag\">\($0)</span>") })</dd>
          <dt>\(req.t("备注", "Note"))</dt><dd>\(dto.note ?? "")</dd>
        </dl><div class="actions">\(actions)</div></div>
        <h2>\(req.t("变更记录", "History"))</h2>
        <ul class="tree">\(history.map { e -> HTML in
            "<li><span>\(e.summary)</span><span class=\"muted\">\(e.actorName) · \(ShanghaiTime.format(e.at))</span></li>"
        })</ul>
        """)
    }
}
