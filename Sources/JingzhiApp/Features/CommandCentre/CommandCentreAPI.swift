import Fluent
import JingzhiCore
import Vapor

/// `/api/v1/command-centre`: the command centre's figures as JSON for a subtree the caller may see.
enum CommandCentreAPI {
    static func register(_ api: any RoutesBuilder) {
        let cc = api.grouped("command-centre")
        cc.get(use: summary)
        cc.get("map", use: map)
        cc.get("trends", use: trends)
        cc.post("supervisions", use: supervise)
        cc.get("patrols", ":id", "track", use: track)
    }

    static func node(_ req: Request) async throws -> OrgNode? {
        try await CommandCentreAccess.node(req, raw: try req.query.get(String?.self, at: "node"))
    }

    @Sendable static func summary(req: Request) async throws -> CommandCentreSummary {
        try await CommandCentreService(req: req).summary(node: try await node(req))
    }

    @Sendable static func map(req: Request) async throws -> CommandCentreMap {
        let node = try await node(req)
        let period = try CommandCentreAccess.period(try req.query.get(String?.self, at: "period"))
        let category = try await CommandCentreAccess.category(try req.query.get(String?.self, at: "category"), on: req.db)
        return try await CommandCentreService(req: req).map(node: node, period: period, category: category).0
    }

    @Sendable static func trends(req: Request) async throws -> CommandCentreTrends {
        try await CommandCentreService(req: req).trends(node: try await node(req))
    }

    struct SuperviseBody: Content {
        var caseId: UUID?
        var note: String?
    }

    @Sendable static func supervise(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard CommandCentreAccess.roles.contains(actor.role) else { throw CommandCentreAccess.notForYou }
        let body = try req.content.decode(SuperviseBody.self)
        guard let id = body.caseId else { throw APIError.missing("caseId") }
        let outcome = try await CaseSupervision(db: req.db, now: req.now).supervise(caseID: id, note: body.note, by: actor, source: req.auditSource)
        return try await outcome.encodeResponse(status: .created, for: req)
    }

    @Sendable static func track(req: Request) async throws -> TrackOnMap {
        let actor = try req.requireActor()
        guard CommandCentreAccess.roles.contains(actor.role) else { throw CommandCentreAccess.notForYou }
        guard let provider = req.application.commandCentre.track else {
            throw APIError(.notFound, code: "no_patrols", "暂无巡查数据 (patrol tracks are not available)")
        }
        guard let id = req.parameters.get("id", as: UUID.self), let track = try await provider(req.db, actor, id) else { throw APIError.notFound }
        return track
    }
}

extension OpenAPIDocument {
    static let commandCentreQuery: [(String, String, String)] = [("node", "string", "Subtree (id or code), inside your scope; default: your scope")]

    static let commandCentreOps: [Op] = [
        Op(method: "get", path: "/api/v1/command-centre", tag: "command-centre",
           summary: "Live figures of a subtree: today's and this month's cases by where they stand (new, in progress, overdue, awaiting rating, closed), the unanswered backlog, this month's rates, the overdue and due-soon lists (20 each), workers on patrol",
           query: commandCentreQuery, response: "CommandCentreSummary"),
        Op(method: "get", path: "/api/v1/command-centre/map", tag: "command-centre",
           summary: "Cases per 1,000 households by grid, and located cases binned into square cells (heat layer)",
           query: commandCentreQuery + [("period", "string", "today, 7d, 30d, month (default) or 365d"), ("category", "string", "Category code; its subcategories are included")],
           response: "CommandCentreMap"),
        Op(method: "get", path: "/api/v1/command-centre/trends", tag: "command-centre",
           summary: "Cases per day by category (30 days) and the three rates per month (12 months; past months may be 15 minutes old)",
           query: commandCentreQuery, response: "CommandCentreTrends"),
        Op(method: "post", path: "/api/v1/command-centre/supervisions", tag: "command-centre",
           summary: "Supervise (督办) an unanswered case: notice to its handlers, a step in its history, an audit entry. 409 when answered or supervised by you in the last 10 minutes",
           body: "SupervisionBody", response: "Supervision", status: 201),
        Op(method: "get", path: "/api/v1/command-centre/patrols/{id}/track", tag: "command-centre",
           summary: "A patrol's track for replay (404 until the patrol feature is installed)", response: "TrackOnMap"),
    ]

    static var commandCentreSchemas: [String: Any] {
        let rate: [String: Any] = ["type": "number", "nullable": true, "minimum": 0, "maximum": 1]
        func withRates(_ base: [String: Any], _ keys: [String]) -> [String: Any] {
            var out = base, props = base["properties"] as! [String: Any]
            for k in keys { props[k] = rate }
            out["properties"] = props
            return out
        }
        return [
            "CommandCentreSummary": object(["node": "CaseMeasuresNode", "asOf": "date-time", "today": "CommandCentreTally", "month": "CommandCentreTally",
                                            "backlog": "CommandCentreBacklog", "rates": "CommandCentreRates", "overdue": "[CommandCentreCase]",
                                            "dueSoon": "[CommandCentreCase]", "patrols": "CommandCentrePatrols"],
                                           required: ["asOf", "today", "month", "backlog", "rates", "overdue", "dueSoon", "patrols"]),
            "CommandCentreTally": object(["from": "string", "to": "string", "new": "integer", "inProgress": "integer", "overdue": "integer",
                                          "awaitingRating": "integer", "closed": "integer"]),
            "CommandCentreBacklog": object(["open": "integer", "overdue": "integer", "dueSoon": "integer"]),
            "CommandCentreRates": withRates(object(["month": "string", "basis": "CaseMeasuresBasis"]), ["responseRate", "resolutionRate", "satisfactionRate", "onTimeRate", "gridClosureShare"]),
            "CommandCentreCase": object(["id": "uuid", "number": "string", "category": "string", "categoryName": "string", "place": "string",
                                         "state": "string", "handlerLevel": "string", "dueAt": "date-time", "hoursOverdue": "number",
                                         "supervisedAt": "date-time"]),
            "CommandCentrePatrols": object(["available": "boolean", "active": "[PatrolOnMap]"]),
            "PatrolOnMap": object(["patrolId": "uuid", "workerName": "string", "gridId": "uuid?", "gridName": "string?", "startedAt": "date-time",
                                    "lastFixAt": "date-time", "latitude": "number", "longitude": "number", "distanceMeters": "number"]),
            "TrackOnMap": object(["patrolId": "uuid", "workerName": "string", "gridId": "uuid?", "points": "[PatrolTrackPoint]"]),
            "PatrolTrackPoint": object(["latitude": "number", "longitude": "number", "at": "date-time"]),
            "CommandCentreMap": object(["period": "string", "from": "string", "to": "string", "category": "string?", "grids": "[CommandCentreGrid]",
                                        "heat": "CommandCentreHeat", "devices": "[CommandCentreGridDevices]"]),
            "CommandCentreGridDevices": object(["gridId": "uuid", "devices": "integer", "offline": "integer", "alarmed": "integer"]),
            "CommandCentreGrid": object(["id": "uuid", "code": "string", "name": "string", "community": "string?", "households": "integer",
                                         "cases": "integer", "casesPer1000Households": "number", "hasBoundary": "boolean"]),
            "CommandCentreHeat": object(["west": "number", "south": "number", "east": "number", "north": "number", "columns": "integer", "rows": "integer",
                                         "cellLon": "number", "cellLat": "number", "cells": "[CommandCentreHeatCell]", "located": "integer", "total": "integer"]),
            "CommandCentreHeatCell": object(["column": "integer", "row": "integer", "count": "integer"]),
            "CommandCentreTrends": object(["days": "[string]", "categories": "[CommandCentreCategoryDays]", "months": "[CommandCentreMonthRates]"]),
            "CommandCentreCategoryDays": ["type": "object", "properties": ["code": ["type": "string"], "name": ["type": "string"],
                                                                           "counts": ["type": "array", "items": ["type": "integer"]]] as [String: Any]] as [String: Any],
            "CommandCentreMonthRates": withRates(object(["month": "string", "cases": "integer"]), ["responseRate", "resolutionRate", "satisfactionRate"]),
            "SupervisionBody": object(["caseId": "uuid", "note": "string?"], required: ["caseId"]),
            "Supervision": object(["caseId": "uuid", "number": "string", "supervisedAt": "date-time", "notified": "integer"]),
        ]
    }
}
