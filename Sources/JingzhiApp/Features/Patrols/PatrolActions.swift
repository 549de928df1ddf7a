import Fluent
import JingzhiCore
import Vapor

/// What a worker reports on the way: the fields of the case it becomes.
struct PatrolEventInput: Sendable {
    var categoryCode: String?
    var description: String?
    /// Where the problem is (a compound or building of the grid); the grid itself when not given.
    var nodeID: UUID?
    var latitude: Double?
    var longitude: Double?
    var photos: [Data] = []
}

extension PatrolService {
    /// A check-in at a building of the worker's grid; a building elsewhere is refused with the reason.
    func checkIn(_ patrol: Patrol, buildingID: UUID?, latitude: Double?, longitude: Double?, note: String?,
                 source: AuditSource) async throws -> PatrolCheckin {
        guard patrol.isOpen else { throw APIError.conflict("巡查已结束，不能打卡 (the patrol has ended)", code: "patrol_ended") }
        guard let buildingID else { throw APIError.missing("buildingId") }
        guard let building = try await OrgNode.find(buildingID, on: db) else {
            throw APIError(.notFound, code: "unknown_node", "楼栋不存在 (unknown building)", field: "buildingId")
        }
        guard building.kind == .building else { throw APIError.invalid("buildingId", "请选择楼栋 (choose a building)") }
        guard building.path.hasPrefix(patrol.nodePath) else {
            throw APIError(.unprocessableEntity, code: "outside_grid", "\(building.name) 不在您的网格内，不能打卡 (the building is outside your grid)",
                           field: "buildingId")
        }
        let position = try position(latitude, longitude) ?? patrol.lastPosition
        let checkin = PatrolCheckin()
        checkin.patrolID = patrol.id!
        checkin.buildingID = buildingID
        checkin.buildingName = building.name
        checkin.at = now
        checkin.latitude = position?.lat
        checkin.longitude = position?.lon
        checkin.note = try Validate.text(note, field: "note", max: 200, required: false)
        try await db.writeTransaction { tx in
            guard let p = try await Self.lock(patrol.id!, on: tx) else { throw APIError.notFound }
            try await checkin.create(on: tx)
            p.buildingsCovered = try await PatrolCheckin.query(on: tx).filter(\.$patrolID == p.id!).unique().all(\.$buildingID).count
            p.lastActivityAt = now
            try await p.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "checkin", entity: "patrol", entityID: p.id, nodePath: building.path,
                                      summary: "巡查打卡 \(building.name)")
        }
        return checkin
    }

    /// An event seen on the way becomes a case (channel `patrol`) at the worker's position, with its photos, all in
    /// one transaction: a bad photo files nothing. A retry with the same idempotency key returns the first case.
    func reportEvent(_ patrol: Patrol, _ input: PatrolEventInput, by actor: Actor, idempotencyKey: String?) async throws -> (Case, created: Bool) {
        guard patrol.isOpen else { throw APIError.conflict("巡查已结束，不能上报 (the patrol has ended)", code: "patrol_ended") }
        _ = try CasePhotos.check(input.photos)
        let position = try position(input.latitude, input.longitude) ?? patrol.lastPosition
        let submission = CaseSubmission(categoryCode: input.categoryCode, nodeID: input.nodeID ?? patrol.gridID, description: input.description,
                                        latitude: position?.lat, longitude: position?.lon, channel: "patrol",
                                        reporterName: nil, reporterPhone: nil)
        return try await db.writeTransaction { tx in
            guard let p = try await Self.lock(patrol.id!, on: tx) else { throw APIError.notFound }
            let (c, created) = try await CaseService(db: tx, now: now).submit(submission, by: actor, idempotencyKey: idempotencyKey)
            guard created else { return (c, false) }
            let event = PatrolEvent()
            event.patrolID = patrol.id!
            event.caseID = c.id!
            event.at = now
            event.latitude = position?.lat
            event.longitude = position?.lon
            try await event.create(on: tx)
            if !input.photos.isEmpty { _ = try await CasePhotos.add(input.photos, to: c, by: actor.userID, on: tx, now: now) }
            p.eventCount = try await PatrolEvent.query(on: tx).filter(\.$patrolID == p.id!).count()
            p.lastActivityAt = now
            try await p.save(on: tx)
            return (c, true)
        }
    }

    /// A position sent with a check-in or event; both coordinates or neither.
    private func position(_ latitude: Double?, _ longitude: Double?) throws -> GeoPoint? {
        switch (latitude, longitude) {
        case (nil, nil): return nil
        case let (lat?, lon?):
            guard GeoPoint(lon: lon, lat: lat).isValid else { throw APIError.invalid("latitude", FixRefusal.coordinates.message) }
            return GeoPoint(lon: lon, lat: lat)
        default: throw APIError.invalid(latitude == nil ? "latitude" : "longitude", "经纬度须同时提供 (send both latitude and longitude)")
        }
    }
}
