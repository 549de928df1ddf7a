import Fluent
import JingzhiCore
import Vapor

struct AuditEntryDTO: Content {
    let id: UUID
    let at: Date
    let actorId: UUID?
    let actorName: String
    let action: String
    let entity: String
    let entityId: UUID?
    let ip: String
    let summary: String
    let changes: String?

    init(_ e: AuditEntry) {
        id = e.id!
        at = e.at
        actorId = e.actorID
        actorName = e.actorName
        action = e.action
        entity = e.entity
        entityId = e.entityID
        ip = e.ip
        summary = e.summary
        changes = e.changes
    }
}

/// The audit trail, filtered and paged, inside the viewer's scope.
enum AuditPages {
    enum Tab { case log, personalData }

    /// The two logs' tabs: the audit trail and the personal-data access log.
    static func tabs(_ req: Request, current: Tab) -> HTML {
        let items: [(Tab, String, String)] = [(.log, SiteURL.Audit.log(query: []).path, req.t("操作日志", "Audit log")),
                                              (.personalData, SiteURL.Audit.personalData(query: []).path, req.t("个人信息查看记录", "Personal-data access log"))]
        let links = items.map { t, href, label -> HTML in
            HTML("<a href=\"\(href)\"\(HTML(raw: t == current ? " aria-current=\"page\"" : ""))>\(label)</a>")
        }
        return "<nav class=\"tabs\" aria-label=\"\(req.t("日志", "Logs"))\">\(links)</nav>"
    }

    static func register(_ web: any RoutesBuilder) {
        web.get(SiteURL.Audit.Pattern.log, use: page)
    }

    static func query(_ req: Request, _ actor: Actor) throws -> QueryBuilder<AuditEntry> {
        var q = AuditEntry.query(on: req.db).within(actor.scope)
        if let v = try req.query.get(String?.self, at: "entity"), !v.isEmpty { q = q.filter(\.$entity == v) }
        if let v = try req.query.get(String?.self, at: "action"), !v.isEmpty { q = q.filter(\.$action == v) }
        if let v = try req.query.get(String?.self, at: "actor"), !v.isEmpty { q = q.filter(\.$actorName ~~ v) }
        if let v = try req.query.get(String?.self, at: "entityId"), !v.isEmpty {
            guard let id = UUID(uuidString: v) else { throw APIError.invalid("entityId", "不是有效的编号 (not a valid id)") }
            q = q.filter(\.$entityID == id)
        }
        for (key, isEnd) in [("from", false), ("to", true)] {
            if let v = try req.query.get(String?.self, at: key), !v.isEmpty {
                guard let day = Validate.date(v) else { throw APIError.invalid(key, "日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)") }
                // Days are Shanghai days.
                let start = day.addingTimeInterval(-8 * 3600)
                q = isEnd ? q.filter(\.$at < start.addingTimeInterval(86400)) : q.filter(\.$at >= start)
            }
        }
        return q
    }

    @Sendable static func apiList(req: Request) async throws -> Paged<AuditEntryDTO> {
        let actor = try req.requireActor()
        try actor.require(.viewAudit)
        let page = try PageRequest(req)
        let q = try query(req, actor)
        let total = try await q.count()
        let rows = try await q.sort(\.$at, .descending).range(page.range).all()
        return Paged(items: rows.map(AuditEntryDTO.init), total: total, page: page.page, per: page.per)
    }

    @Sendable static func page(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        try actor.require(.viewAudit)
        let page = try PageRequest(req, defaultPer: 50)
        let q = try query(req, actor)
        let total = try await q.count()
        let rows = try await q.sort(\.$at, .descending).range(page.range).all()
        let params = ["entity", "action", "actor", "from", "to"].map { ($0, (try? req.query.get(String?.self, at: $0)) ?? nil ?? "") }
        func value(_ k: String) -> String { params.first { $0.0 == k }?.1 ?? "" }
        let entities = [("resident", "居民"), ("household", "住户"), ("visit", "走访"), ("org_node", "组织节点"), ("user", "账号"),
                        ("grid_worker", "网格员"), ("link_request", "居民认证")]
        let actions = ["create", "update", "delete", "move", "import", "export", "approve", "reject", "password_change", "password_reset"]
        let body: HTML = """
        \(tabs(req, current: .log))
        <form method="get" class="filters card">
          \(Form.select(req.t("对象", "Record"), name: "entity", options: entities.map { ($0.0, req.t($0.1, $0.0)) }, selected: value("entity"), includeBlank: req.t("全部", "All")))
          \(Form.select(req.t("操作", "Action"), name: "action", options: actions.map { ($0, $0) }, selected: value("action"), includeBlank: req.t("全部", "All")))
          \(Form.field(req.t("操作人", "By"), name: "actor", value: value("actor")))
          \(Form.field(req.t("起始日期", "From"), name: "from", value: value("from"), type: "date"))
          \(Form.field(req.t("截止日期", "To"), name: "to", value: value("to"), type: "date"))
          <button>\(req.t("筛选", "Filter"))</button>
        </form>
        <div class="table-wrap"><table class="stack">
          <thead><tr><th>\(req.t("时间", "When"))</th><th>\(req.t("操作人", "Who"))</th><th>\(req.t("来源", "From"))</th><th>\(req.t("操作", "Action"))</th><th>\(req.t("内容", "What"))</th></tr></thead>
          <tbody>\(rows.map { e -> HTML in
            """
            <tr><td data-label="\(req.t("时间", "When"))">\(ShanghaiTime.format(e.at, "yyyy-MM-dd HH:mm:ss"))</td><td data-label="\(req.t("操作人", "Who"))">\(e.actorName)</td>
            <td data-label="IP">\(e.ip)</td><td data-label="\(req.t("操作", "Action"))">\(e.action) · \(e.entity)</td>
            <td data-label="\(req.t("内容", "What"))">\(e.summary)\(e.changes.map { HTML("<br><small class=\"muted\">\($0)</small>") } ?? .empty)</td></tr>
            """
          })</tbody>
        </table></div>
        \(pager(req, total: total, page: page) { SiteURL.Audit.log(query: params + [("page", String($0))]).path })
        """
        return Layout(req: req, title: req.t("操作日志", "Audit log"), wide: true).render(body)
    }
}
