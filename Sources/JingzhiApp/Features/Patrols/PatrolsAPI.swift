import Fluent
import JingzhiCore
import Vapor

/// `/api/v1/patrols`: a grid worker's phone or native app runs a patrol; staff read those of their subtree.
enum PatrolsAPI {
    struct FixBatch: Decodable { var fixes: [FixInput]? }
    struct CheckinBody: Content { var buildingId: UUID?; var latitude: Double?; var longitude: Double?; var note: String? }
    struct EventBody: Content {
        var categoryCode: String?
        var description: String?
        var nodeId: UUID?
        var latitude: Double?
        var longitude: Double?
    }
    struct CheckinDTO: Content {
        let id: UUID, buildingId: UUID, buildingName: String, at: Date, latitude: Double?, longitude: Double?, note: String?
        init(_ c: PatrolCheckin) {
            (id, buildingId, buildingName, at, latitude, longitude, note) = (c.id!, c.buildingID, c.buildingName, c.at, c.latitude, c.longitude, c.note)
        }
    }
    struct EventDTO: Content { let caseId: UUID; let number: String; let categoryCode: String; let at: Date; let latitude: Double?; let longitude: Double? }
    struct DetailDTO: Content {
        let patrol: PatrolDTO
        let checkins: [CheckinDTO]
        let events: [EventDTO]
    }
    struct FixResult: Content { let report: FixBatchReport; let patrol: PatrolDTO }

    static func register(_ api: any RoutesBuilder) {
        let patrols = api.grouped("patrols")
        patrols.post(use: start)
        patrols.get(use: list)
        patrols.get("active", use: active)
        patrols.get(":id", use: show)
        patrols.get(":id", "track", use: track)
        patrols.on(.POST, ":id", "fixes", body: .collect(maxSize: "1mb"), use: fixes)
        patrols.post(":id", "checkins", use: checkin)
        patrols.post(":id", "events", use: event)
        patrols.post(":id", "end", use: end)
    }

    @Sendable static func start(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let p = try await PatrolService(req: req).start(by: actor, source: req.auditSource)
        return try await PatrolDTO(p, now: req.now).encodeResponse(status: .created, for: req)
    }

    @Sendable static func list(req: Request) async throws -> Paged<PatrolDTO> {
        let actor = try req.requireActor()
        let page = try PageRequest(req)
        var filter = PatrolFilter(state: try req.query.get(String?.self, at: "state"),
                                  from: try req.query.get(String?.self, at: "from"), to: try req.query.get(String?.self, at: "to"))
        if let raw = try req.query.get(String?.self, at: "node"), !raw.isEmpty {
            filter.node = try await OrgService(req: req).node(raw, within: actor.scope, field: "node")
        }
        if let raw = try req.query.get(String?.self, at: "worker"), !raw.isEmpty {
            guard let id = UUID(uuidString: raw) else { throw APIError.invalid("worker", "须为账号 id (must be a user id)") }
            filter.workerID = id
        }
        let (rows, total) = try await PatrolService(req: req).list(filter, for: actor, page: page)
        return Paged(items: rows.map { PatrolDTO($0, now: req.now) }, total: total, page: page.page, per: page.per)
    }

    @Sendable static func active(req: Request) async throws -> [ActivePatrol] {
        let actor = try req.requireActor()
        guard [.admin, .streetStaff, .communityStaff].contains(actor.role) else { throw APIError.forbidden }
        var scope = actor.scope
        if let raw = try req.query.get(String?.self, at: "node"), !raw.isEmpty {
            scope = DataScope(rootPath: try await OrgService(req: req).node(raw, within: actor.scope, field: "node").path)
        }
        return try await PatrolService(req: req).active(within: scope)
    }

    @Sendable static func show(req: Request) async throws -> DetailDTO {
        let actor = try req.requireActor()
        let service = PatrolService(req: req)
        let p = try await service.visible(try req.idParameter(), to: actor)
        return DetailDTO(patrol: PatrolDTO(p, now: req.now), checkins: try await service.checkins(of: p).map(CheckinDTO.init),
                         events: try await service.events(of: p).map { e, c in
                             EventDTO(caseId: c.id!, number: c.number, categoryCode: c.categoryCode, at: e.at, latitude: e.latitude, longitude: e.longitude)
                         })
    }

    @Sendable static func track(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let service = PatrolService(req: req)
        let track = try await service.track(of: try await service.visible(try req.idParameter(), to: actor))
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/geo+json")
        return Response(status: .ok, headers: headers, body: .init(data: try JSONSerialization.data(withJSONObject: track.geoJSON, options: [.sortedKeys])))
    }

    /// The ingestion rate on `/metrics`: fixes stored (not duplicates, not refused).
    static func countAccepted(_ report: FixBatchReport, _ req: Request) {
        req.application.metrics.counter("jingzhi_patrol_fixes_accepted_total", "Patrol GPS fixes accepted").increment(by: Int64(report.accepted))
    }

    @Sendable static func fixes(req: Request) async throws -> FixResult {
        let actor = try req.requireActor()
        let service = PatrolService(req: req)
        let p = try await service.own(try req.idParameter(), by: actor)
        guard let inputs = try req.decodeJSON(FixBatch.self).fixes else { throw APIError.missing("fixes") }
        let report = try await service.addFixes(inputs, to: p)
        PatrolsAPI.countAccepted(report, req)
        return FixResult(report: report, patrol: PatrolDTO(try await service.own(p.id, by: actor), now: req.now))
    }

    @Sendable static func checkin(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let service = PatrolService(req: req)
        let p = try await service.own(try req.idParameter(), by: actor)
        let body = try req.decodeJSON(CheckinBody.self)
        let c = try await service.checkIn(p, buildingID: body.buildingId, latitude: body.latitude, longitude: body.longitude,
                                          note: body.note, source: req.auditSource)
        return try await CheckinDTO(c).encodeResponse(status: .created, for: req)
    }

    @Sendable static func event(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let service = PatrolService(req: req)
        let p = try await service.own(try req.idParameter(), by: actor)
        let body = try req.decodeJSON(EventBody.self)
        let input = PatrolEventInput(categoryCode: body.categoryCode, description: body.description, nodeID: body.nodeId,
                                     latitude: body.latitude, longitude: body.longitude)
        let (c, created) = try await service.reportEvent(p, input, by: actor, idempotencyKey: req.headers.first(name: "Idempotency-Key"))
        var dto = CaseDTO(c, viewer: actor, lang: req.lang)
        dto.history = try await CasesAPI.history(c, req)
        return try await dto.encodeResponse(status: created ? .created : .ok, for: req)
    }

    @Sendable static func end(req: Request) async throws -> PatrolDTO {
        let actor = try req.requireActor()
        let service = PatrolService(req: req)
        let p = try await service.end(try await service.own(try req.idParameter(), by: actor), source: req.auditSource)
        return PatrolDTO(p, now: req.now)
    }
}
