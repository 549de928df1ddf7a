import Fluent
import Foundation
import JingzhiCore
import Vapor

/// Alarms in the caller's scope, and clearing one by hand.
enum DeviceAlarmsAPI {
    @Sendable static func list(req: Request) async throws -> Paged<DeviceAlarmDTO> {
        let actor = try DevicesAPI.reader(req)
        let page = try PageRequest(req)
        var q = DeviceAlarm.query(on: req.db).within(actor.scope)
        switch try req.query.get(String?.self, at: "state") {
        case "active": q = q.filter(\.$activeKey != nil)
        case "cleared": q = q.filter(\.$activeKey == nil)
        case nil, "": break
        case let other?: throw APIError.invalid("state", "状态须为 active 或 cleared (state: active or cleared), 不是 \(other)")
        }
        if let type = try req.query.get(String?.self, at: "type"), !type.isEmpty {
            guard DeviceRuleType(rawValue: type) != nil else { throw APIError.invalid("type", "规则类型须为 threshold、inactivity 或 silence (unknown type)") }
            q = q.filter(\.$ruleType == type)
        }
        let total = try await q.count()
        let rows = try await q.sort(\.$raisedAt, .descending).range(page.range).all()
        let devices = try await Device.query(on: req.db).filter(\.$id ~~ Set(rows.map(\.deviceID))).all()
        let rules = try await DeviceRule.query(on: req.db).all()
        let items = rows.map { a in
            DeviceQueries.alarm(a, serial: devices.first { $0.id == a.deviceID }?.serial ?? "", rule: rules.first { $0.id == a.ruleID }, lang: req.lang)
        }
        return Paged(items: items, total: total, page: page.page, per: page.per)
    }

    struct ClearBody: Content {
        var note: String?
        var version: Int?
    }

    @Sendable static func clear(req: Request) async throws -> DeviceAlarmDTO {
        let actor = try DevicesAPI.reader(req)
        let alarm = try await DeviceAlarm.find(try req.idParameter(), within: actor.scope, on: req.db)
        let b = try req.decodeJSON(ClearBody.self)
        let done = try await DeviceAlarmService(db: req.db, now: req.now)
            .clearByHand(alarm, note: b.note, role: actor.role, source: req.auditSource, expectedVersion: b.version)
        let serial = try await Device.find(done.deviceID, on: req.db)?.serial ?? ""
        return DeviceQueries.alarm(done, serial: serial, rule: try await DeviceRule.find(done.ruleID, on: req.db), lang: req.lang)
    }
}
