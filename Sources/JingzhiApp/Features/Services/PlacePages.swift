import Foundation
import Fluent
import JingzhiCore
import Vapor

/// 15分钟生活圈: places near the resident's compound (list and map), a place's page with its week, the staff's list.
enum PlacePages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Services.Pattern
        staff.get(P.nearby, use: nearby)
        staff.get(P.place, use: show)
        PlaceEditPages.register(staff)
    }

    struct Query {
        var kind: PlaceKind?
        var openNow = false

        init(_ req: Request) throws {
            let raw = (try? req.query.get(String?.self, at: "kind")) ?? nil
            if let raw, !raw.isEmpty {
                guard let k = PlaceKind(rawValue: raw) else { throw APIError.invalid("kind", "未知的类型 (unknown kind)") }
                kind = k
            }
            openNow = ((try? req.query.get(String?.self, at: "open")) ?? nil) == "1"
        }
    }

    static func distance(_ req: Request, _ m: Double?) -> String {
        guard let m else { return "" }
        let minutes = max(1, Int((m / 75).rounded(.up)))
        return m < 1000 ? req.t("\(Int(m)) 米 · 步行约 \(minutes) 分钟", "\(Int(m)) m · \(minutes) min walk")
            : req.t(String(format: "%.1f 公里", m / 1000) + " · 步行约 \(minutes) 分钟", String(format: "%.1f km", m / 1000) + " · \(minutes) min walk")
    }

    /// Where distances are measured from: the resident's compound, or the staff member's own unit.
    static func origin(_ req: Request, _ actor: Actor) async throws -> (point: GeoPoint, name: String)? {
        if let home = try await PlaceService.home(of: actor, on: req.db) { return home }
        guard let id = actor.user.nodeID, let node = try await OrgNode.find(id, on: req.db), let text = node.boundary,
              let box = (try? GeoArea.parse(text: text))?.box else { return nil }
        return (GeoPoint(lon: (box.minLon + box.maxLon) / 2, lat: (box.minLat + box.maxLat) / 2), node.name)
    }

    @Sendable static func nearby(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        let q = try Query(req)
        let origin = try await origin(req, actor)
        let listed = try await PlaceService(req: req).nearby(origin?.point, kind: q.kind, openNow: q.openNow, limit: 60)
        let today = ShanghaiTime.today(req.now)
        let kinds = PlaceKind.allCases.map { (value: $0.rawValue, label: $0.label(req.lang)) }
        let cards = listed.enumerated().map { i, l -> HTML in
            let p = l.place
            return """
            <a class="card link place\(l.status.isOpen ? " open" : "")" href="\(SiteURL.Services.place(p.id!).path)"><b>\(i + 1). \(p.name)</b>
            <span class="tag">\(p.kind.label(req.lang))</span><br><small>\(distance(req, l.metres))</small><br>
            <small class="status">\(l.status.text(req.lang, today: today))</small></a>
            """
        }
        let title = req.t("附近服务", "Services nearby")
        let map = PlaceMap.render(home: origin?.point, homeName: origin?.name ?? "", places: Array(listed.prefix(40)),
                                  title: req.t("附近服务地图", "Map of services nearby"))
        return Layout(req: req, title: title).render("""
        <p class="muted">\(origin.map { req.t("从「\($0.name)」算起，步行 15 分钟生活圈", "From \($0.name): your 15-minute living circle") } ?? req.t("全部服务点", "All places"))</p>
        <form method="get" class="filters card" action="\(SiteURL.Services.nearby().path)">
        \(Form.select(req.t("类型", "Kind"), name: "kind", options: kinds, selected: q.kind?.rawValue, includeBlank: req.t("全部", "All")))
        <label class="check"><input type="checkbox" name="open" value="1"\(HTML(raw: q.openNow ? " checked" : ""))> \(req.t("只看营业中", "Open now only"))</label>
        <button>\(req.t("筛选", "Filter"))</button></form>
        <figure class="card map">\(map)</figure>
        <div id="places">\(cards.isEmpty ? ["<p class=\"muted\">\(req.t("附近没有符合条件的服务点", "No places match nearby"))</p>"] : cards)</div>
        \(more(req))
        """)
    }

    /// Links other features registered for the directory (e.g. our partners).
    static func more(_ req: Request) -> HTML {
        let links = req.directoryLinks
        guard !links.isEmpty else { return .empty }
        return """
        <h2>\(req.t("更多服务", "More services"))</h2>
        \(HTML(links.map { l -> HTML in "<a class=\"card link\" href=\"\(l.href)\"><b>\(l.label)</b><br><small>\(l.note)</small></a>" }))
        """
    }

    @Sendable static func show(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        guard let p = try await ServicePlace.find(try req.idParameter(), on: req.db), p.active || actor.scope.contains(p.nodePath) else {
            throw APIError.notFound
        }
        let service = PlaceService(req: req)
        let status = try await service.status(of: p)
        let today = ShanghaiTime.today(req.now)
        let calendar = try await service.calendar(around: today)
        let closures = try await service.closures(of: [p.id!])[p.id!] ?? [:]
        let schedule = service.schedule(p, calendar: calendar, closures: closures)
        // The next seven days as they will really be: holidays, make-up days and closures applied.
        let week = (0..<7).map { offset -> HTML in
            let day = ShanghaiTime.add(offset, to: today)
            let (periods, reason) = schedule.periods(on: day)
            let n = ShanghaiTime.dayNumber(day) ?? 0
            let name = OpeningHours.weekdayNames[((n + 3) % 7 + 7) % 7]
            let note: String = reason.map { " (\($0))" } ?? (p.keepsHolidays && calendar.makeUpDays.contains(day) ? req.t("（调休上班）", " (make-up working day)") : "")
            return "<tr\(HTML(raw: offset == 0 ? " class=\"today\"" : ""))><th scope=\"row\">\(String(day.suffix(5))) \(req.t(name.zh, name.en))</th><td>\(OpeningHours.text(periods, req.lang))\(note)</td></tr>"
        }
        let online: HTML = p.onlineURL.map {
            "<p><a class=\"button\" href=\"\($0)\" rel=\"noopener\" target=\"_blank\">\(req.t("在线办理", "Online service"))</a></p>"
        } ?? .empty
        let edit: HTML = PlaceService.editorRoles.contains(actor.role) && actor.scope.contains(p.nodePath)
            ? try await PlaceEditPages.staffTools(req, p, closures: closures) : .empty
        return Layout(req: req, title: p.name).render("""
        <div class="card"><p><span class="tag">\(p.kind.label(req.lang))</span> <b id="place-status">\(status.text(req.lang, today: today))</b></p>
        <dl class="props"><dt>\(req.t("地址", "Address"))</dt><dd>\(p.address)</dd>
        <dt>\(req.t("电话", "Phone"))</dt><dd><a href="tel:\(p.phone)">\(p.phone)</a></dd>
        \(p.details.isEmpty ? HTML.empty : "<dt>\(req.t("服务内容", "Services"))</dt><dd>\(p.details)</dd>")</dl></div>
        \(online)
        <p><a class="button big" href="tel:\(p.phone)">\(req.t("拨打电话", "Call"))</a></p>
        <h2>\(req.t("未来 7 天营业时间", "Hours for the next 7 days"))</h2>
        <table class="list" id="week"><tbody>\(week)</tbody></table>
        \(edit)
        <p><a href="\(SiteURL.Services.nearby().path)">\(req.t("返回附近服务", "Back to services nearby"))</a></p>
        """)
    }
}
