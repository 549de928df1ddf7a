import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Vapor

/// `/api/v1/devices`: gateways post readings with `X-Device-Key`; staff read the registry, alarms and rules.
enum DevicesAPI {
    /// Who may read the registry and alarms (in their scope), and who may register devices and change rules.
    static let readers: Set<Role> = [.admin, .streetStaff, .communityStaff, .gridWorker, .propertyStaff]
    static let managers: Set<Role> = [.admin, .streetStaff, .communityStaff]

    static func register(api: any RoutesBuilder, authed: any RoutesBuilder) {
        api.grouped("devices").on(.POST, "readings", body: .collect(maxSize: "4mb"), use: readings)
        let d = authed.grouped("devices")
        d.get(use: list)
        d.post(use: create)
        d.get("alarms", use: DeviceAlarmsAPI.list)
        d.get("monthly", use: DeviceMonthly.api)
        d.post("alarms", ":id", "clear", use: DeviceAlarmsAPI.clear)
        d.get("rules", use: DeviceRulesAPI.list)
        d.post("rules", use: DeviceRulesAPI.create)
        d.patch("rules", ":id", use: DeviceRulesAPI.update)
        d.get(":id", use: show)
    }

    static func reader(_ req: Request) throws -> Actor {
        let actor = try req.requireActor()
        guard readers.contains(actor.role) else { throw APIError.forbidden }
        return actor
    }

    @Sendable static func readings(req: Request) async throws -> IngestResult {
        guard let key = try await DeviceRegistry.verify(req.headers.first(name: "X-Device-Key"), on: req.db) else {
            throw APIError(.unauthorized, code: "invalid_device_key", "设备密钥无效 (missing or invalid X-Device-Key)")
        }
        let batch = try req.decodeJSON(ReadingBatch.self)
        guard let items = batch.readings else { throw APIError.missing("readings") }
        guard items.count <= DeviceReadings.maxBatch else {
            throw APIError(.payloadTooLarge, code: "batch_too_large",
                           "一批最多 \(DeviceReadings.maxBatch) 条读数，本批 \(items.count) 条 (at most \(DeviceReadings.maxBatch) readings per batch)")
        }
        let result = try await DeviceIngest(db: req.db, now: req.now).ingest(items, key: key)
        req.application.metrics.counter("jingzhi_device_readings_accepted_total", "Device readings accepted (new, not duplicates)")
            .increment(by: Int64(result.accepted))
        return result
    }

    struct CreateBody: Content {
        var serial: String?
        var kind: String?
        var node: String?
        var householdId: UUID?
        var vendor: String?
        var model: String?
        var installedOn: String?
    }

    @Sendable static func create(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard managers.contains(actor.role) else { throw APIError.forbidden }
        let b = try req.decodeJSON(CreateBody.self)
        let d = try await DeviceRegistry(db: req.db, now: req.now, source: req.auditSource)
            .register(.init(serial: b.serial, kind: b.kind, node: b.node, householdID: b.householdId, vendor: b.vendor, model: b.model,
                            installedOn: b.installedOn), scope: actor.scope)
        return try await DeviceQueries(db: req.db, now: req.now).dto(d, lang: req.lang).encodeResponse(status: .created, for: req)
    }

    @Sendable static func list(req: Request) async throws -> Paged<DeviceDTO> {
        let actor = try reader(req)
        let page = try PageRequest(req)
        let filter = try DeviceQueries.Filter(req)
        return try await DeviceQueries(db: req.db, now: req.now).page(filter, scope: actor.scope, page: page, lang: req.lang)
    }

    @Sendable static func show(req: Request) async throws -> DeviceDTO {
        let actor = try reader(req)
        let d = try await Device.find(try req.idParameter(), within: actor.scope, on: req.db)
        return try await DeviceQueries(db: req.db, now: req.now).dto(d, lang: req.lang, withAlarms: true)
    }
}
