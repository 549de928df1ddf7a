import Foundation
import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// What staff type for a place.
struct PlaceInput: Sendable {
    var name: String?
    var kind: String?
    var nodeID: UUID?
    var address: String?
    var phone: String?
    var lat: Double?
    var lon: Double?
    /// Monday first.
    var hours: [String] = []
    var keepsHolidays = false
    var onlineURL: String?
    var details: String?
    var active = true
}

/// The 15-minute services directory: places kept by street and community staff, listed by distance from a
/// resident's compound with whether each is open now (the app's clock, the county's holidays, the place's closures).
struct PlaceService {
    let db: any Database
    let now: Date
    let source: AuditSource

    init(db: any Database, now: Date, source: AuditSource = .system()) {
        self.db = db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource) }

    static let editorRoles: Set<Role> = [.admin, .streetStaff, .communityStaff]

    static func requireEditor(_ actor: Actor) throws {
        guard editorRoles.contains(actor.role) else {
            throw APIError(.forbidden, code: "forbidden", "只有街道、社区工作人员可以维护生活圈目录 (only street and community staff edit the directory)")
        }
    }

    // MARK: holidays

    func calendar(around day: String) async throws -> HolidayCalendar {
        let rows = try await HolidayDay.query(on: db).filter(\.$day >= ShanghaiTime.add(-1, to: day)).filter(\.$day <= ShanghaiTime.add(9, to: day)).all()
        var c = HolidayCalendar()
        for r in rows {
            if r.kind == "makeup" { c.makeUpDays.insert(r.day) } else { c.holidays[r.day] = r.name }
        }
        return c
    }

    /// Replaces the county's holiday list from lines such as `2026-10-01 国庆节` and `2026-09-27 调休上班`.
    func setHolidays(_ text: String, by actor: Actor) async throws -> Int {
        guard actor.role == .admin else { throw APIError(.forbidden, code: "forbidden", "只有县级管理员可以维护节假日 (only county admins keep holidays)") }
        var rows: [(String, String, String)] = []
        for (i, line) in text.split(whereSeparator: \.isNewline).enumerated() {
            let parts = line.split(separator: " ", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, ShanghaiTime.dayNumber(parts[0]) != nil, !parts[1].isEmpty else {
                throw APIError.invalid("holidays", "第 \(i + 1) 行应写成「2026-10-01 国庆节」或「2026-09-27 调休上班」 (line \(i + 1): date and name)")
            }
            rows.append((parts[0], parts[1].contains("调休") || parts[1].contains("上班") ? "makeup" : "holiday", String(parts[1].prefix(20))))
        }
        guard Set(rows.map(\.0)).count == rows.count else { throw APIError.invalid("holidays", "同一天出现了两次 (a day is listed twice)") }
        let source = source, now = now, days = rows
        try await db.writeTransaction { tx in
            try await HolidayDay.query(on: tx).delete()
            for (day, kind, name) in days {
                let h = HolidayDay()
                h.day = day
                h.kind = kind
                h.name = name
                try await h.create(on: tx)
            }
            try await AuditLog.record(on: tx, by: source, at: now, action: "update", entity: "holiday_days", entityID: nil, nodePath: "",
                                      summary: "节假日安排：\(days.count) 天")
        }
        return rows.count
    }

    // MARK: places

    func schedule(_ p: ServicePlace, calendar: HolidayCalendar, closures: [String: String]) -> PlaceSchedule {
        PlaceSchedule(hours: p.hours, keepsHolidays: p.keepsHolidays, closures: closures, calendar: calendar)
    }

    /// The closed days of these places from yesterday on, by place.
    func closures(of ids: [UUID]) async throws -> [UUID: [String: String]] {
        guard !ids.isEmpty else { return [:] }
        let from = ShanghaiTime.add(-1, to: ShanghaiTime.today(now))
        var out: [UUID: [String: String]] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            for c in try await PlaceClosure.query(on: db).filter(\.$placeID ~~ chunk).filter(\.$day >= from).all() {
                out[c.placeID, default: [:]][c.day] = c.reason
            }
        }
        return out
    }

    struct Listed: Sendable {
        let place: ServicePlace
        let metres: Double?
        let status: PlaceStatus
    }

    /// Active places within `radius` metres of `home` (all of them when there is no home), nearest first, with their
    /// status now; `kind` and `openNow` narrow the list.
    ///
    /// The database picks the page: places in the box around the circle (the `lat, lon` index), ordered by the
    /// flat-earth distance (exact enough at 3 km to order by), a page at a time. Only the places of the page are read
    /// whole, with their closed days and opening hours (a few more pages when `openNow` skips the closed ones).
    func nearby(_ home: GeoPoint?, radius: Double = 3000, kind: PlaceKind? = nil, openNow: Bool = false, limit: Int = 200) async throws -> [Listed] {
        let calendar = try await calendar(around: ShanghaiTime.today(now))
        let clock = PlaceSchedule.clock(now)
        var listed: [Listed] = []
        var offset = 0
        while listed.count < limit {
            let want = max(limit - listed.count, openNow ? 50 : 1)
            let q = db.sql.select().column("id").column("lat").column("lon").from(ServicePlace.schema).where("active", .equal, SQLBind(true))
            if let kind { q.where("kind", .equal, SQLBind(kind.rawValue)) }
            if let home, let box = GeoBox([home])?.expanded(byMetres: radius) {
                q.where("lat", .greaterThanOrEqual, SQLBind(box.minLat)).where("lat", .lessThanOrEqual, SQLBind(box.maxLat))
                    .where("lon", .greaterThanOrEqual, SQLBind(box.minLon)).where("lon", .lessThanOrEqual, SQLBind(box.maxLon))
                let c = cos(home.lat * .pi / 180)
                let flat: SQLQueryString = "(lat - \(bind: home.lat)) * (lat - \(bind: home.lat)) + (lon - \(bind: home.lon)) * (lon - \(bind: home.lon)) * \(bind: c * c)"
                q.orderBy(flat, SQLDirection.ascending)
            }
            let rows = try await q.orderBy("name").orderBy("id").limit(want).offset(offset).all()
            offset += rows.count
            var page: [(id: UUID, metres: Double?)] = []
            var beyond = false
            for row in rows {
                let id = try row.decode(column: "id", as: UUID.self)
                guard let home else {
                    page.append((id, nil))
                    continue
                }
                let metres = Geo.distance(home, GeoPoint(lon: try row.decode(column: "lon", as: Double.self), lat: try row.decode(column: "lat", as: Double.self)))
                if metres <= radius { page.append((id, metres)) } else { beyond = true }
            }
            let ids = page.map(\.id)
            if !ids.isEmpty {
                let places = Dictionary(try await ServicePlace.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
                let closed = try await closures(of: ids)
                let ordered = page.compactMap { c in places[c.id].map { (place: $0, metres: c.metres) } }
                    .sorted { ($0.metres ?? 0, $0.place.name) < ($1.metres ?? 0, $1.place.name) }
                for c in ordered {
                    let status = schedule(c.place, calendar: calendar, closures: closed[c.place.id!] ?? [:]).status(at: clock)
                    if openNow && !status.isOpen { continue }
                    listed.append(Listed(place: c.place, metres: c.metres, status: status))
                    if listed.count == limit { break }
                }
            }
            // The rest lie further out than the circle, or there is no more.
            if rows.count < want || beyond { break }
        }
        return listed
    }

    func status(of p: ServicePlace) async throws -> PlaceStatus {
        let calendar = try await calendar(around: ShanghaiTime.today(now))
        return schedule(p, calendar: calendar, closures: try await closures(of: [p.id!])[p.id!] ?? [:]).status(at: now)
    }

    func fill(_ p: ServicePlace, _ input: PlaceInput, by actor: Actor) async throws {
        p.name = try Validate.text(input.name, field: "name", max: 60)!
        guard let kind = input.kind.flatMap(PlaceKind.init(rawValue:)) else {
            throw APIError.invalid("kind", "类型须为 " + PlaceKind.allCases.map(\.rawValue).joined(separator: "、") + " 之一 (unknown kind)")
        }
        p.kindRaw = kind.rawValue
        let node: OrgNode
        if let id = input.nodeID {
            guard let n = try await OrgNode.find(id, on: db), actor.scope.contains(n.path) else {
                throw APIError(.notFound, code: "unknown_node", "所属社区不存在或不在您的辖区内 (unknown place, or outside your area)", field: "nodeId")
            }
            node = n
        } else {
            guard let id = actor.user.nodeID, let n = try await OrgNode.find(id, on: db) else { throw APIError.missing("nodeId") }
            node = n
        }
        p.nodePath = node.path
        p.address = try Validate.text(input.address, field: "address", max: 100)!
        let phone = try Validate.text(input.phone, field: "phone", max: 20)!
        guard phone.allSatisfy({ $0.isASCIIDigit || $0 == "-" }), phone.filter(\.isASCIIDigit).count >= 7 else {
            throw APIError.invalid("phone", "电话应为数字，如 0537-6212345 或 13812345678 (a phone number, digits only)")
        }
        p.phone = phone
        guard let lat = input.lat, let lon = input.lon, (-90...90).contains(lat), (-180...180).contains(lon), lat != 0 || lon != 0 else {
            throw APIError.invalid("lat", "请填写位置的经纬度 (give the position: latitude and longitude)")
        }
        p.lat = lat
        p.lon = lon
        p.hoursRaw = try OpeningHours.parse(input.hours).raw
        p.keepsHolidays = input.keepsHolidays
        if let url = input.onlineURL?.trimmingCharacters(in: .whitespaces), !url.isEmpty {
            guard url.count <= 300, let u = URL(string: url), u.scheme == "https", u.host != nil else {
                throw APIError.invalid("onlineUrl", "线上服务链接须以 https:// 开头 (the online link must start with https://)")
            }
            p.onlineURL = url
        } else {
            p.onlineURL = nil
        }
        p.details = try Validate.text(input.details, field: "details", max: 500, required: false) ?? ""
        p.active = input.active
        p.updatedAt = now
    }

    func create(_ input: PlaceInput, by actor: Actor) async throws -> ServicePlace {
        try Self.requireEditor(actor)
        let p = ServicePlace()
        p.version = 1
        try await fill(p, input, by: actor)
        try await save(p, action: "create", summary: "生活圈「\(p.name)」：新增")
        return p
    }

    func update(_ p: ServicePlace, _ input: PlaceInput, version: Int?, by actor: Actor) async throws -> ServicePlace {
        try Self.requireEditor(actor)
        guard actor.scope.contains(p.nodePath) else { throw APIError.notFound }
        if let version, version != p.version {
            throw APIError.conflict("该条目已被他人修改，请刷新后再保存 (the place changed since you loaded it; reload)", code: "place_changed")
        }
        try await fill(p, input, by: actor)
        p.version += 1
        try await save(p, action: "update", summary: "生活圈「\(p.name)」：修改" + (p.active ? "" : "（已下架）"))
        return p
    }

    /// Marks a day closed (or open again) for a place.
    func setClosure(_ p: ServicePlace, day raw: String?, reason: String?, closed: Bool, by actor: Actor) async throws {
        try Self.requireEditor(actor)
        guard actor.scope.contains(p.nodePath) else { throw APIError.notFound }
        let day = try ShanghaiTime.parseDay(raw, field: "day")
        let why = try Validate.text(reason, field: "reason", max: 40, required: closed) ?? ""
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await PlaceClosure.query(on: tx).filter(\.$placeID == p.id!).filter(\.$day == day).delete()
            if closed {
                let c = PlaceClosure()
                c.placeID = p.id!
                c.day = day
                c.reason = why
                try await c.create(on: tx)
            }
            try await AuditLog.record(on: tx, by: source, at: now, action: "update", entity: "service_place", entityID: p.id, nodePath: p.nodePath,
                                      summary: "生活圈「\(p.name)」：\(day) " + (closed ? "暂停营业（\(why)）" : "恢复营业"))
        }
    }

    private func save(_ p: ServicePlace, action: String, summary: String) async throws {
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await p.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: action, entity: "service_place", entityID: p.id, nodePath: p.nodePath,
                                      summary: summary)
        }
    }

    /// Where a resident lives, for distances: the middle of the nearest drawn unit above their household (compounds
    /// are not drawn in the register, so usually their grid).
    static func home(of actor: Actor, on db: any Database) async throws -> (point: GeoPoint, name: String)? {
        guard let rid = actor.user.residentID, let r = try await Resident.find(rid, on: db), let node = try await OrgNode.find(r.nodeID, on: db) else {
            return nil
        }
        return try await centre(of: node, on: db)
    }

    /// The middle of the node's drawn boundary, or of its nearest drawn ancestor's.
    static func centre(of node: OrgNode, on db: any Database) async throws -> (point: GeoPoint, name: String)? {
        let chain = try await OrgService(db: db, now: Date()).ancestors(of: node) + [node]
        for n in chain.reversed() {
            guard let text = n.boundary, let box = (try? GeoArea.parse(text: text))?.box else { continue }
            return (GeoPoint(lon: (box.minLon + box.maxLon) / 2, lat: (box.minLat + box.maxLat) / 2), n.name)
        }
        return nil
    }
}
