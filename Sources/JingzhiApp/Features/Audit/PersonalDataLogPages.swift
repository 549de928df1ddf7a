import Fluent
import JingzhiCore
import Vapor

struct PersonalDataAccessDTO: Content {
    let id: UUID
    let at: Date
    let viewerId: UUID?
    let viewerName: String
    let viewerRole: String
    let subjectKind: String
    let subjectId: UUID?
    let subjectCount: Int
    let fields: [String]
    let page: String
    let ip: String
    let requestId: String?

    init(_ e: PersonalDataAccess) {
        id = e.id!
        at = e.at
        viewerId = e.viewerID
        viewerName = e.viewerName
        viewerRole = e.viewerRole
        subjectKind = e.subjectKind
        subjectId = e.subjectID
        subjectCount = e.subjectCount
        fields = e.fields.split(separator: ",").map(String.init)
        page = e.page
        ip = e.ip
        requestId = e.requestID
    }
}

/// The personal-data access log (个人信息查看记录): who was shown unmasked ID numbers and phones, filtered and paged,
/// inside the reader's scope, for those who may read the audit trail.
enum PersonalDataLogPages {
    static let kinds = [("resident", "居民", "Resident"), ("case_reporter", "诉求反映人", "Case reporter"), ("user", "账号", "Account")]

    static func register(web: any RoutesBuilder, api: any RoutesBuilder) {
        web.get(SiteURL.Audit.Pattern.personalData, use: page)
        api.get("audit", "personal-data", use: apiList)
    }

    static func query(_ req: Request, _ actor: Actor) throws -> QueryBuilder<PersonalDataAccess> {
        var q = PersonalDataAccess.query(on: req.db).within(actor.scope)
        if let v = try req.query.get(String?.self, at: "viewer"), !v.isEmpty { q = q.filter(\.$viewerName ~~ v) }
        if let v = try req.query.get(String?.self, at: "kind"), !v.isEmpty { q = q.filter(\.$subjectKind == v) }
        if let v = try req.query.get(String?.self, at: "field"), !v.isEmpty {
            guard PersonalField(rawValue: v) != nil else { throw APIError.invalid("field", "字段应为 id_number 或 phone (field must be id_number or phone)") }
            q = q.filter(\.$fields ~~ v)
        }
        for (key, path) in [("subjectId", \PersonalDataAccess.$subjectID), ("viewerId", \PersonalDataAccess.$viewerID)] {
            if let v = try req.query.get(String?.self, at: key), !v.isEmpty {
                guard let id = UUID(uuidString: v) else { throw APIError.invalid(key, "不是有效的编号 (not a valid id)") }
                q = q.filter(path == id)
            }
        }
        for (key, isEnd) in [("from", false), ("to", true)] {
            if let v = try req.query.get(String?.self, at: key), !v.isEmpty {
                guard let day = Validate.date(v) else { throw APIError.invalid(key, "日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)") }
                let start = day.addingTimeInterval(-8 * 3600)
                q = isEnd ? q.filter(\.$at < start.addingTimeInterval(86400)) : q.filter(\.$at >= start)
            }
        }
        return q
    }

    @Sendable static func apiList(req: Request) async throws -> Paged<PersonalDataAccessDTO> {
        let actor = try req.requireActor()
        try actor.require(.viewAudit)
        let page = try PageRequest(req)
        let q = try query(req, actor)
        let total = try await q.count()
        let rows = try await q.sort(\.$at, .descending).range(page.range).all()
        return Paged(items: rows.map(PersonalDataAccessDTO.init), total: total, page: page.page, per: page.per)
    }

    static func fieldName(_ req: Request, _ f: String) -> String {
        f == PersonalField.idNumber.rawValue ? req.t("身份证号", "ID number") : f == PersonalField.phone.rawValue ? req.t("手机号", "Phone") : f
    }

    @Sendable static func page(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        try actor.require(.viewAudit)
        let page = try PageRequest(req, defaultPer: 50)
        let q = try query(req, actor)
        let total = try await q.count()
        let rows = try await q.sort(\.$at, .descending).range(page.range).all()
        let keys = ["viewer", "kind", "field", "subjectId", "from", "to"]
        let params = keys.map { ($0, (try? req.query.get(String?.self, at: $0)) ?? nil ?? "") }
        func value(_ k: String) -> String { params.first { $0.0 == k }?.1 ?? "" }
        let body: HTML = """
        \(AuditPages.tabs(req, current: .personalData))
        <p class="muted">\(req.t("记录谁在何时、从哪个页面或接口看到了未打码的身份证号或手机号（《个人信息保护法》）。只记录对象的内部编号，不记录号码本身；导出记为一条，写明人数。",
                                 "Who was shown an unmasked ID number or phone, when, and on which page or API (PIPL). Subjects are named by internal id, never by the number; an export is one entry with its count."))</p>
        <form method="get" class="filters card">
          \(Form.field(req.t("查看人", "Viewer"), name: "viewer", value: value("viewer")))
          \(Form.select(req.t("对象", "Subject"), name: "kind", options: kinds.map { ($0.0, req.t($0.1, $0.2)) }, selected: value("kind"), includeBlank: req.t("全部", "All")))
          \(Form.select(req.t("字段", "Field"), name: "field", options: PersonalField.allCases.map { ($0.rawValue, fieldName(req, $0.rawValue)) }, selected: value("field"), includeBlank: req.t("全部", "All")))
          \(Form.field(req.t("对象编号", "Subject id"), name: "subjectId", value: value("subjectId")))
          \(Form.field(req.t("起始日期", "From"), name: "from", value: value("from"), type: "date"))
          \(Form.field(req.t("截止日期", "To"), name: "to", value: value("to"), type: "date"))
          <button>\(req.t("筛选", "Filter"))</button>
        </form>
        <p>\(req.t("共 \(total) 条", "\(total) entries"))</p>
        <div class="table-wrap"><table class="stack">
          <thead><tr><th>\(req.t("时间", "When"))</th><th>\(req.t("查看人", "Viewer"))</th><th>\(req.t("对象", "Subject"))</th><th>\(req.t("字段", "Fields"))</th><th>\(req.t("页面或接口", "Page or API"))</th><th>IP</th></tr></thead>
          <tbody>\(rows.map { e -> HTML in
            let kind = kinds.first { $0.0 == e.subjectKind }.map { req.t($0.1, $0.2) } ?? e.subjectKind
            let subject = e.subjectID.map { "\(kind) \($0.uuidString.lowercased())" } ?? req.t("\(kind)（导出 \(e.subjectCount) 人）", "\(kind) (export of \(e.subjectCount))")
            return """
            <tr><td data-label="\(req.t("时间", "When"))">\(ShanghaiTime.format(e.at, "yyyy-MM-dd HH:mm:ss"))</td>
            <td data-label="\(req.t("查看人", "Viewer"))">\(e.viewerName) <small class="muted">\(e.viewerRole)</small></td>
            <td data-label="\(req.t("对象", "Subject"))"><code>\(subject)</code></td>
            <td data-label="\(req.t("字段", "Fields"))">\(e.fields.split(separator: ",").map { fieldName(req, String($0)) }.joined(separator: "、"))</td>
            <td data-label="\(req.t("页面或接口", "Page or API"))"><code>\(e.page)</code></td><td data-label="IP">\(e.ip)</td></tr>
            """
          })</tbody>
        </table></div>
        \(rows.isEmpty ? HTML("<p class=\"muted\">\(req.t("没有符合条件的记录。", "No entries match."))</p>") : .empty)
        \(pager(req, total: total, page: page) { SiteURL.Audit.personalData(query: params + [("page", String($0))]).path })
        """
        return Layout(req: req, title: req.t("个人信息查看记录", "Personal-data access log"), wide: true).render(body)
    }
}

extension OpenAPIDocument {
    static let personalDataLogOps: [Op] = [
        Op(method: "get", path: "/api/v1/audit/personal-data", tag: "audit",
           summary: "Personal-data access log (PIPL): who was shown unmasked ID numbers and phones, in your scope (those who may read the audit log; 403 otherwise)",
           query: [("viewer", "string", "Viewer name contains"), ("kind", "string", "resident, case_reporter or user"), ("field", "string", "id_number or phone"),
                   ("subjectId", "string", "Subject's internal id"), ("viewerId", "string", "Viewer's account id"),
                   ("from", "string", "YYYY-MM-DD"), ("to", "string", "YYYY-MM-DD")] + paging, response: "PagedPersonalDataAccess"),
    ]

    static var personalDataLogSchemas: [String: Any] { [
        "PersonalDataAccess": object(["id": "uuid", "at": "date-time", "viewerId": "uuid?", "viewerName": "string", "viewerRole": "string",
                                      "subjectKind": "string", "subjectId": "uuid?", "subjectCount": "integer", "fields": "[string]",
                                      "page": "string", "ip": "string", "requestId": "string?"]),
        "PagedPersonalDataAccess": paged("PersonalDataAccess"),
    ] }
}
