import Foundation
import Fluent
import JingzhiCore
import Vapor

/// Staff keep the directory: the list of their area's places, a place's form, its closed days; admins the holidays.
enum PlaceEditPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Services.Pattern
        staff.get(P.places, use: list)
        staff.get(P.newPlace, use: newForm)
        staff.post(P.newPlace, use: create)
        staff.get(P.editPlace, use: editForm)
        staff.post(P.editPlace, use: update)
        staff.post(P.closures, use: closure)
        staff.get(P.holidays, use: holidays)
        staff.post(P.holidays, use: saveHolidays)
    }

    static func editor(_ req: Request) throws -> Actor {
        let actor = try req.requireActor()
        try PlaceService.requireEditor(actor)
        return actor
    }

    @Sendable static func list(req: Request) async throws -> HTML {
        let actor = try editor(req)
        let page = try PageRequest(req)
        let q = try PlacePages.Query(req)
        let search = (((try? req.query.get(String?.self, at: "q")) ?? nil) ?? "").trimmingCharacters(in: .whitespaces)
        var query = ServicePlace.query(on: req.db).within(actor.scope)
        if let kind = q.kind { query = query.filter(\.$kindRaw == kind.rawValue) }
        if !search.isEmpty { query = query.filter(\.$name, .custom("LIKE"), "%\(search)%") }
        let total = try await query.count()
        let rows = try await query.sort(\.$name).range(page.range).all()
        let kinds = PlaceKind.allCases.map { (value: $0.rawValue, label: $0.label(req.lang)) }
        let lines = rows.map { p -> HTML in
            """
            <tr><td data-label="\(req.t("名称", "Name"))"><a href="\(SiteURL.Services.place(p.id!).path)">\(p.name)</a>\(p.active ? "" : req.t("（已下架）", " (hidden)"))</td>
            <td data-label="\(req.t("类型", "Kind"))">\(p.kind.label(req.lang))</td><td data-label="\(req.t("电话", "Phone"))">\(p.phone)</td>
            <td data-label="\(req.t("地址", "Address"))">\(p.address)</td></tr>
            """
        }
        let admin: HTML = actor.role == .admin ? "<a class=\"button secondary\" href=\"\(SiteURL.Services.holidays.path)\">\(req.t("节假日安排", "Holidays"))</a>" : .empty
        return Layout(req: req, title: req.t("生活圈目录", "Services directory"), wide: true).render("""
        <p class="actions"><a class="button" href="\(SiteURL.Services.newPlace.path)">\(req.t("新增服务点", "New place"))</a>\(admin)
        <a class="button secondary" href="\(SiteURL.Services.nearby().path)">\(req.t("地图", "Map"))</a></p>
        <form method="get" class="filters card">\(Form.select(req.t("类型", "Kind"), name: "kind", options: kinds, selected: q.kind?.rawValue, includeBlank: req.t("全部", "All")))
        \(Form.field(req.t("名称", "Name"), name: "q", value: search))<button>\(req.t("筛选", "Filter"))</button></form>
        <div class="table-wrap"><table class="list stack" id="place-list"><thead><tr><th>\(req.t("名称", "Name"))</th><th>\(req.t("类型", "Kind"))</th>
        <th>\(req.t("电话", "Phone"))</th><th>\(req.t("地址", "Address"))</th></tr></thead><tbody>\(lines)</tbody></table></div>
        \(pager(req, total: total, page: page) { SiteURL.Services.places(query: [("kind", q.kind?.rawValue ?? ""), ("q", search), ("page", String($0))]).path })
        """)
    }

    struct PlaceForm: Content {
        var name: String?
        var kind: String?
        var address: String?
        var phone: String?
        var lat: String?
        var lon: String?
        var h0: String?, h1: String?, h2: String?, h3: String?, h4: String?, h5: String?, h6: String?
        var keepsHolidays: String?
        var onlineUrl: String?
        var details: String?
        var active: String?
        var version: Int?

        init() {}

        init(_ p: ServicePlace) {
            name = p.name
            kind = p.kindRaw
            address = p.address
            phone = p.phone
            lat = String(p.lat)
            lon = String(p.lon)
            let days = p.hours.days.map { $0.map(\.text).joined(separator: " ") }
            (h0, h1, h2, h3, h4, h5, h6) = (days[0], days[1], days[2], days[3], days[4], days[5], days[6])
            keepsHolidays = p.keepsHolidays ? "1" : nil
            onlineUrl = p.onlineURL
            details = p.details
            active = p.active ? "1" : nil
            version = p.version
        }

        var week: [String?] { [h0, h1, h2, h3, h4, h5, h6] }

        func input() throws -> PlaceInput {
            func number(_ s: String?, _ field: String) throws -> Double? {
                guard let s = s?.trimmingCharacters(in: .whitespaces), !s.isEmpty else { return nil }
                guard let d = Double(s) else { throw APIError.invalid(field, "请填写数字 (a number, please)") }
                return d
            }
            return PlaceInput(name: name, kind: kind, address: address, phone: phone, lat: try number(lat, "lat"), lon: try number(lon, "lon"),
                              hours: week.map { $0 ?? "" }, keepsHolidays: keepsHolidays == "1", onlineURL: onlineUrl, details: details,
                              active: active == "1")
        }
    }

    static func page(_ req: Request, _ f: PlaceForm, place: ServicePlace?, error: String?) -> HTML {
        let target = place.map { SiteURL.Services.editPlace($0.id!).path } ?? SiteURL.Services.newPlace.path
        let kinds = PlaceKind.allCases.map { (value: $0.rawValue, label: $0.label(req.lang)) }
        let days = OpeningHours.weekdayNames.enumerated().map { i, d -> HTML in
            Form.field(req.t(d.zh, d.en), name: "h\(i)", value: f.week[i], hint: i == 0 ? req.t("如 08:00-12:00 14:00-17:30；不营业写「休息」", "e.g. 08:00-12:00 14:00-17:30; \"休息\" when closed") : nil)
        }
        return Layout(req: req, title: place == nil ? req.t("新增服务点", "New place") : req.t("修改服务点", "Edit the place")).render("""
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <form method="post" action="\(target)" class="card" id="place-form">\(Form.csrf(req))<input type="hidden" name="version" value="\(f.version.map(String.init) ?? "")">
        \(Form.field(req.t("名称", "Name"), name: "name", value: f.name, required: true))
        \(Form.select(req.t("类型", "Kind"), name: "kind", options: kinds, selected: f.kind, required: true))
        \(Form.field(req.t("地址", "Address"), name: "address", value: f.address, required: true))
        \(Form.field(req.t("电话", "Phone"), name: "phone", value: f.phone, type: "tel", required: true))
        \(Form.field(req.t("纬度", "Latitude"), name: "lat", value: f.lat, required: true))
        \(Form.field(req.t("经度", "Longitude"), name: "lon", value: f.lon, required: true))
        <fieldset><legend>\(req.t("营业时间", "Opening hours"))</legend>\(days)</fieldset>
        <label class="check"><input type="checkbox" name="keepsHolidays" value="1"\(HTML(raw: f.keepsHolidays == "1" ? " checked" : ""))> \(req.t("按法定节假日和调休安排", "Keeps public holidays and make-up days"))</label>
        \(Form.field(req.t("线上服务链接（选填）", "Online service link (optional)"), name: "onlineUrl", value: f.onlineUrl, type: "url"))
        \(Form.textarea(req.t("服务内容（选填）", "Services (optional)"), name: "details", value: f.details))
        <label class="check"><input type="checkbox" name="active" value="1"\(HTML(raw: f.active == "1" ? " checked" : ""))> \(req.t("对居民显示", "Shown to residents"))</label>
        <p><button>\(req.t("保存", "Save"))</button></p></form>
        """)
    }

    @Sendable static func newForm(req: Request) async throws -> HTML {
        _ = try editor(req)
        var f = PlaceForm()
        f.active = "1"
        (f.h0, f.h1, f.h2, f.h3, f.h4) = ("08:30-17:30", "08:30-17:30", "08:30-17:30", "08:30-17:30", "08:30-17:30")
        (f.h5, f.h6) = ("休息", "休息")
        return page(req, f, place: nil, error: nil)
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try editor(req)
        let f = try req.content.decode(PlaceForm.self)
        do {
            let p = try await PlaceService(req: req).create(try f.input(), by: actor)
            req.flash(req.t("已新增：\(p.name)", "Added: \(p.name)"))
            return req.redirect(to: SiteURL.Services.place(p.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await page(req, f, place: nil, error: req.words(e)).encodeResponse(status: e.status, for: req)
        }
    }

    static func load(_ req: Request, _ actor: Actor) async throws -> ServicePlace {
        guard let p = try await ServicePlace.find(try req.idParameter(), on: req.db), actor.scope.contains(p.nodePath) else { throw APIError.notFound }
        return p
    }

    @Sendable static func editForm(req: Request) async throws -> HTML {
        let actor = try editor(req)
        let p = try await load(req, actor)
        return page(req, PlaceForm(p), place: p, error: nil)
    }

    @Sendable static func update(req: Request) async throws -> Response {
        let actor = try editor(req)
        let p = try await load(req, actor)
        let f = try req.content.decode(PlaceForm.self)
        do {
            let saved = try await PlaceService(req: req).update(p, try f.input(), version: f.version, by: actor)
            req.flash(req.t("已保存：\(saved.name)", "Saved: \(saved.name)"))
            return req.redirect(to: SiteURL.Services.place(saved.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            return try await page(req, f, place: p, error: req.words(e)).encodeResponse(status: e.status, for: req)
        }
    }

    /// The edit link and the closed-days form on a place's page, for staff of its area.
    static func staffTools(_ req: Request, _ p: ServicePlace, closures: [String: String]) async throws -> HTML {
        let days = closures.keys.sorted().map { d -> HTML in
            """
            <li>\(d) \(closures[d]!) <form method="post" action="\(SiteURL.Services.closures(p.id!).path)" class="inline">\(Form.csrf(req))
            <input type="hidden" name="day" value="\(d)"><input type="hidden" name="closed" value="0"><button class="link">\(req.t("恢复营业", "Open again"))</button></form></li>
            """
        }
        return """
        <h2>\(req.t("维护", "Keep it up to date"))</h2>
        <p><a class="button secondary" href="\(SiteURL.Services.editPlace(p.id!).path)">\(req.t("修改信息和营业时间", "Edit details and hours"))</a></p>
        <ul id="closures">\(days)</ul>
        <form method="post" action="\(SiteURL.Services.closures(p.id!).path)" class="card" id="closure-form">\(Form.csrf(req))<input type="hidden" name="closed" value="1">
        \(Form.field(req.t("暂停营业日期", "Closed on"), name: "day", type: "date", required: true))
        \(Form.field(req.t("原因", "Reason"), name: "reason", required: true, hint: req.t("如：内部盘点", "e.g. stocktaking")))
        <button class="secondary">\(req.t("设为暂停营业", "Mark closed"))</button></form>
        """
    }

    struct ClosureForm: Content {
        var day: String?
        var reason: String?
        var closed: String?
    }

    @Sendable static func closure(req: Request) async throws -> Response {
        let actor = try editor(req)
        let p = try await load(req, actor)
        let f = try req.content.decode(ClosureForm.self)
        do {
            try await PlaceService(req: req).setClosure(p, day: f.day, reason: f.reason, closed: f.closed == "1", by: actor)
            req.flash(f.closed == "1" ? req.t("已设为 \(f.day ?? "") 暂停营业", "Closed on \(f.day ?? "")") : req.t("已恢复营业", "Open again"))
        } catch let e as APIError where e.status.code < 500 {
            req.flash(req.words(e), kind: "error")
        }
        return req.redirect(to: SiteURL.Services.place(p.id!).path)
    }

    @Sendable static func holidays(req: Request) async throws -> HTML {
        let actor = try editor(req)
        guard actor.role == .admin else { throw APIError.forbidden }
        let rows = try await HolidayDay.query(on: req.db).sort(\.$day).all()
        return holidaysPage(req, text: rows.map { "\($0.day) \($0.name)" }.joined(separator: "\n"), error: nil)
    }

    static func holidaysPage(_ req: Request, text: String, error: String?) -> HTML {
        Layout(req: req, title: req.t("节假日安排", "Public holidays")).render("""
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <form method="post" class="card" id="holidays">\(Form.csrf(req))
        <label class="field"><span>\(req.t("每行一天：日期 名称；调休上班的周末写「调休上班」", "One day a line: date and name; a worked weekend day: 调休上班"))</span>
        <textarea name="text" rows="16">\(text)</textarea></label><button>\(req.t("保存", "Save"))</button></form>
        """)
    }

    struct HolidayForm: Content { var text: String? }

    @Sendable static func saveHolidays(req: Request) async throws -> Response {
        let actor = try editor(req)
        let text = try req.content.decode(HolidayForm.self).text ?? ""
        do {
            let n = try await PlaceService(req: req).setHolidays(text, by: actor)
            req.flash(req.t("已保存 \(n) 天", "Saved \(n) days"))
            return req.redirect(to: SiteURL.Services.holidays.path)
        } catch let e as APIError where e.status.code < 500 {
            return try await holidaysPage(req, text: text, error: req.words(e)).encodeResponse(status: e.status, for: req)
        }
    }
}
