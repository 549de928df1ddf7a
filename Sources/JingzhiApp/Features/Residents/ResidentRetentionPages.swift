import Fluent
import JingzhiCore
import Vapor

/// The retention setting for residents who moved away: a page for county admins and `/api/v1/residents/retention`.
enum ResidentRetentionPages {
    static func register(_ web: any RoutesBuilder) {
        web.get(SiteURL.Residents.Pattern.retention, use: page)
        web.post(SiteURL.Residents.Pattern.retention, use: save)
    }

    static func registerAPI(_ residents: any RoutesBuilder) {
        residents.get("retention", use: apiShow)
        residents.put("retention", use: apiUpdate)
    }

    struct RetentionForm: Content {
        var movedAwayMonths: String?
        var confirm: String?
    }

    static func requireAdmin(_ req: Request) throws -> Actor {
        let actor = try req.requireActor()
        guard actor.role == .admin else { throw APIError.forbidden }
        return actor
    }

    @Sendable static func apiShow(req: Request) async throws -> RetentionDTO {
        _ = try requireAdmin(req)
        return try await ResidentRetention(db: req.db, now: req.now).dto()
    }

    @Sendable static func apiUpdate(req: Request) async throws -> RetentionDTO {
        let actor = try requireAdmin(req)
        let body = try req.content.decode(RetentionBody.self)
        return try await ResidentRetention(db: req.db, now: req.now).update(months: body.movedAwayMonths, actor: actor, source: req.auditSource)
    }

    @Sendable static func page(req: Request) async throws -> Response {
        _ = try requireAdmin(req)
        return try await render(req, error: nil, value: nil, askConfirm: nil)
    }

    @Sendable static func save(req: Request) async throws -> Response {
        let actor = try requireAdmin(req)
        let f = try req.content.decode(RetentionForm.self)
        let service = ResidentRetention(db: req.db, now: req.now)
        guard let months = f.movedAwayMonths.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
            return try await render(req, error: req.t("请填写 1 到 120 之间的月数", "Enter a number of months from 1 to 120"), value: f.movedAwayMonths, askConfirm: nil,
                                    status: .unprocessableEntity)
        }
        // Shortening the period anonymises more people at the next run, for good: say how many and ask once more.
        let current = try await service.setting().movedAwayMonths
        if months < current, f.confirm != "yes", RetentionSetting.allowedMonths.contains(months) {
            let more = try await ResidentRetention(db: req.db, now: req.now).dueCount(months: months)
            return try await render(req, error: nil, value: String(months), askConfirm: more)
        }
        do {
            let dto = try await service.update(months: months, actor: actor, source: req.auditSource)
            req.flash(req.t("已保存：迁出居民的个人信息保存 \(dto.movedAwayMonths) 个月", "Saved: personal data of residents who moved away is kept \(dto.movedAwayMonths) months"))
            return req.redirect(to: SiteURL.Residents.retention.path)
        } catch let e as APIError where e.status.code < 500 {
            return try await render(req, error: req.words(e), value: String(months), askConfirm: nil, status: e.status)
        }
    }

    static func render(_ req: Request, error: String?, value: String?, askConfirm: Int?, status: HTTPStatus = .ok) async throws -> Response {
        let dto = try await ResidentRetention(db: req.db, now: req.now).dto()
        let when = { (d: Date?) in d.map { ShanghaiTime.format($0) } ?? "—" }
        let confirm: HTML = askConfirm.map { n in """
            <div class="card warn" role="alert"><p>\(req.t("缩短期限后，下次运行将把 \(n) 位迁出居民的姓名、身份证号、电话、出生日期和备注不可恢复地匿名化。",
                "With the shorter period the next run anonymises the name, ID number, phone, birth date and note of \(n) residents who moved away, for good."))</p>
            <label><input type="checkbox" name="confirm" value="yes" required> \(req.t("我已了解，确认缩短", "I understand; shorten the period"))</label></div>
            """ } ?? .empty
        return try await Layout(req: req, title: req.t("个人信息保存期限", "Personal data retention")).render("""
        <p>\(req.t("居民因“迁出”注销后，其个人信息（姓名、身份证号、电话、出生日期、备注）在下列期限届满后自动匿名化；住户、性别、事件与走访记录保留，统计不受影响。",
                   "After a resident is removed because they moved away (迁出), their personal data (name, ID number, phone, birth date, note) is anonymised when the period below has passed; the household, sex, cases and visits stay, so statistics are unchanged."))</p>
        <dl class="card">
          <dt>\(req.t("当前期限", "Current period"))</dt><dd>\(req.t("\(dto.movedAwayMonths) 个月", "\(dto.movedAwayMonths) months"))</dd>
          <dt>\(req.t("已匿名化", "Anonymised so far"))</dt><dd>\(req.t("\(dto.anonymised) 人", "\(dto.anonymised) residents"))</dd>
          <dt>\(req.t("已到期待处理", "Due, waiting for the next run"))</dt><dd>\(req.t("\(dto.due) 人", "\(dto.due) residents"))</dd>
          <dt>\(req.t("最近一次匿名化", "Last anonymised"))</dt><dd>\(when(dto.lastRunAt))</dd>
          <dt>\(req.t("最近修改", "Last changed"))</dt><dd>\(when(dto.updatedAt)) \(dto.updatedBy ?? "")</dd>
        </dl>
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <form method="post" class="card">\(Form.csrf(req))
          \(Form.field(req.t("保存期限（月）", "Period (months)"), name: "movedAwayMonths", value: value ?? String(dto.movedAwayMonths), type: "number",
                       required: true, hint: req.t("1 到 120 个月", "1 to 120 months"), attrs: "min=\"1\" max=\"120\" inputmode=\"numeric\""))
          \(confirm)
          <button>\(req.t("保存", "Save"))</button> <a href="\(SiteURL.Residents.list(query: []).path)">\(req.t("返回居民信息", "Back to residents"))</a>
        </form>
        """).encodeResponse(status: status, for: req)
    }
}
