import Foundation
import Fluent
import JingzhiCore
import Vapor

struct PlaceDTO: Content {
    let id: UUID
    let name: String
    let kind: String
    let address: String
    let phone: String
    let lat: Double
    let lon: Double
    /// Monday first; each day's periods as `HH:mm-HH:mm`.
    let hours: [[String]]
    let keepsHolidays: Bool
    let onlineUrl: String?
    let description: String
    let active: Bool
    let version: Int
    let openNow: Bool?
    let status: String?
    let metres: Int?

    init(_ p: ServicePlace, listed: PlaceService.Listed? = nil, status: PlaceStatus? = nil, lang: Lang = .zh, today: String = "") {
        id = p.id!
        name = p.name
        kind = p.kindRaw
        address = p.address
        phone = p.phone
        lat = p.lat
        lon = p.lon
        hours = p.hours.days.map { $0.map(\.text) }
        keepsHolidays = p.keepsHolidays
        onlineUrl = p.onlineURL
        description = p.details
        active = p.active
        version = p.version
        let s = listed?.status ?? status
        openNow = s?.isOpen
        self.status = s?.text(lang, today: today)
        metres = listed?.metres.map { Int($0.rounded()) }
    }
}

/// `/api/v1/services/places` (the directory) and `/api/v1/services/holidays`.
enum PlacesAPI {
    struct PlaceBody: Content {
        var name: String?
        var kind: String?
        var nodeId: UUID?
        var address: String?
        var phone: String?
        var lat: Double?
        var lon: Double?
        var hours: [String]?
        var keepsHolidays: Bool?
        var onlineUrl: String?
        var description: String?
        var active: Bool?
        var version: Int?

        var input: PlaceInput {
            PlaceInput(name: name, kind: kind, nodeID: nodeId, address: address, phone: phone, lat: lat, lon: lon, hours: hours ?? [],
                       keepsHolidays: keepsHolidays ?? false, onlineURL: onlineUrl, details: description, active: active ?? true)
        }
    }

    struct ClosureBody: Content {
        var day: String?
        var reason: String?
        var closed: Bool?
    }

    struct HolidaysBody: Content { var text: String? }

    static func register(_ api: any RoutesBuilder) {
        let p = api.grouped("services", "places")
        p.get(use: list)
        p.post(use: create)
        p.get(":id", use: show)
        p.put(":id", use: update)
        p.post(":id", "closures", use: closure)
        api.put("services", "holidays", use: holidays)
    }

    @Sendable static func list(req: Request) async throws -> [PlaceDTO] {
        let actor = try req.requireActor()
        let q = try PlacePages.Query(req)
        let origin = try await PlacePages.origin(req, actor)
        let today = ShanghaiTime.today(req.now)
        return try await PlaceService(req: req).nearby(origin?.point, kind: q.kind, openNow: q.openNow, limit: 100)
            .map { PlaceDTO($0.place, listed: $0, lang: req.lang, today: today) }
    }

    @Sendable static func show(req: Request) async throws -> PlaceDTO {
        let actor = try req.requireActor()
        guard let p = try await ServicePlace.find(try req.idParameter(), on: req.db), p.active || actor.scope.contains(p.nodePath) else {
            throw APIError.notFound
        }
        return PlaceDTO(p, status: try await PlaceService(req: req).status(of: p), lang: req.lang, today: ShanghaiTime.today(req.now))
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let p = try await PlaceService(req: req).create(try req.decodeJSON(PlaceBody.self).input, by: actor)
        return try await PlaceDTO(p).encodeResponse(status: .created, for: req)
    }

    @Sendable static func update(req: Request) async throws -> PlaceDTO {
        let actor = try req.requireActor()
        try PlaceService.requireEditor(actor)
        let p = try await PlaceEditPages.load(req, actor)
        let body = try req.decodeJSON(PlaceBody.self)
        return PlaceDTO(try await PlaceService(req: req).update(p, body.input, version: body.version, by: actor))
    }

    @Sendable static func closure(req: Request) async throws -> PlaceDTO {
        let actor = try req.requireActor()
        try PlaceService.requireEditor(actor)
        let p = try await PlaceEditPages.load(req, actor)
        let body = try req.decodeJSON(ClosureBody.self)
        let service = PlaceService(req: req)
        try await service.setClosure(p, day: body.day, reason: body.reason, closed: body.closed ?? true, by: actor)
        return PlaceDTO(p, status: try await service.status(of: p), lang: req.lang, today: ShanghaiTime.today(req.now))
    }

    @Sendable static func holidays(req: Request) async throws -> [String: Int] {
        let actor = try req.requireActor()
        return ["days": try await PlaceService(req: req).setHolidays(try req.decodeJSON(HolidaysBody.self).text ?? "", by: actor)]
    }
}

extension OpenAPIDocument {
    static let placeOps: [Op] = [
        Op(method: "get", path: "/api/v1/services/places", tag: "services",
           summary: "The 15-minute services directory: active places within 3 km of my compound (residents) or my unit, nearest first, with whether each is open now",
           query: [("kind", "string", PlaceKind.allCases.map(\.rawValue).joined(separator: ", ")), ("open", "string", "1: open now only")], response: "[Place]"),
        Op(method: "post", path: "/api/v1/services/places", tag: "services",
           summary: "Add a place (street and community staff, inside their area): hours per weekday (Monday first, e.g. \"08:00-12:00 14:00-17:30\", \"休息\")",
           body: "PlaceBody", response: "Place", status: 201),
        Op(method: "get", path: "/api/v1/services/places/{id}", tag: "services", summary: "A place with its status now", response: "Place"),
        Op(method: "put", path: "/api/v1/services/places/{id}", tag: "services", summary: "Change a place (409 place_changed on a stale version)",
           body: "PlaceBody", response: "Place"),
        Op(method: "post", path: "/api/v1/services/places/{id}/closures", tag: "services", summary: "Mark a day closed with a reason, or open again (closed: false)",
           body: "PlaceClosure", response: "Place"),
        Op(method: "put", path: "/api/v1/services/holidays", tag: "services",
           summary: "Replace the county's public holidays and 调休 make-up days (admins): text, one \"2026-10-01 国庆节\" a line", body: "Holidays", response: "HolidayCount"),
    ]

    static var placeSchemas: [String: Any] { [
        "Place": object(["id": "uuid", "name": "string", "kind": "string", "address": "string", "phone": "string", "lat": "number", "lon": "number",
                         "hours": "[[string]]", "keepsHolidays": "boolean", "onlineUrl": "string", "description": "string", "active": "boolean",
                         "version": "integer", "openNow": "boolean", "status": "string", "metres": "integer"],
                        required: ["id", "name", "kind", "lat", "lon", "hours"]),
        "PlaceBody": object(["name": "string", "kind": "string", "nodeId": "uuid", "address": "string", "phone": "string", "lat": "number",
                             "lon": "number", "hours": "[string]", "keepsHolidays": "boolean", "onlineUrl": "string", "description": "string",
                             "active": "boolean", "version": "integer"], required: ["name", "kind", "address", "phone", "lat", "lon", "hours"]),
        "PlaceClosure": object(["day": "string", "reason": "string", "closed": "boolean"], required: ["day"]),
        "Holidays": object(["text": "string"], required: ["text"]),
        "HolidayCount": object(["days": "integer"], required: ["days"]),
    ] }
}
