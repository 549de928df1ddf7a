import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Vapor

/// What did not happen: no use at a household of an elderly person living alone, no word from a device. Runs in the
/// server's minute loop; alarms are raised through a unique key, so several servers raise each one once.
struct DeviceSweeper {
    let db: any Database
    let now: Date
    /// At most this many alarms per rule and tick; the rest wait for the next minute.
    var limit = 200

    struct Report: Equatable, Sendable {
        var welfare = 0
        var silent = 0
        var aggregated = 0
    }

    private var alarms: DeviceAlarmService { DeviceAlarmService(db: db, now: now, source: .system("规则引擎")) }

    func tick(retainDays: Int = 30) async throws -> Report {
        var report = Report()
        let book = try await DeviceRuleBook.load(on: db)
        for rule in book.rules where rule.active && rule.type == DeviceRuleType.inactivity.rawValue {
            guard !DeviceRuleBook.quiet(rule, now: now) else { continue }
            report.welfare += try await inactivity(rule, book: book)
        }
        for rule in book.rules where rule.active && rule.type == DeviceRuleType.silence.rawValue {
            report.silent += try await silence(rule, book: book)
        }
        report.aggregated = try await DeviceRetention(db: db, now: now).run(rawDays: retainDays)
        return report
    }

    /// Devices of the rule's kind in its subtree whose metric shows no use since the cutoff, at a household where a
    /// resident carries one of its tags, with no alarm of this rule active.
    private func inactivity(_ rule: DeviceRule, book: DeviceRuleBook) async throws -> Int {
        let cutoff = now.addingTimeInterval(-rule.hours * 3600)
        let tags = rule.tagList
        guard !tags.isEmpty else { return 0 }
        let rows = try await db.sql.raw("""
            SELECT d.id AS id, s.last_active_at AS last_active_at, s.last_value AS last_value
            FROM \(ident: Device.schema) d
            JOIN \(ident: DeviceMetricState.schema) s ON s.device_id = d.id AND s.metric = \(bind: rule.metric)
            WHERE d.kind = \(bind: rule.kind) AND d.active = \(bind: true) AND d.household_id IS NOT NULL
              AND \(DataScope.subtree(rule.nodePath, column: "d.node_path")) AND \(book.outsideOverrides(of: rule, column: "d.node_path"))
              AND s.last_active_at < \(bind: cutoff)
              AND EXISTS (SELECT 1 FROM \(ident: Resident.schema) r JOIN \(ident: ResidentTag.schema) t ON t.resident_id = r.id
                          WHERE r.household_id = d.household_id AND r.deleted_at IS NULL AND t.tag IN (\(binds: tags)))
              AND NOT EXISTS (SELECT 1 FROM \(ident: DeviceAlarm.schema) a
                              WHERE a.device_id = d.id AND a.rule_id = \(bind: rule.id!) AND a.active_key IS NOT NULL)
            ORDER BY s.last_active_at LIMIT \(unsafeRaw: String(limit))
            """).all()
        var raised = 0
        for row in rows {
            let id = try row.decode(column: "id", as: UUID.self)
            guard let d = try await Device.find(id, on: db), book.rules(.inactivity, kind: d.kind, at: d.nodePath).contains(where: { $0.id == rule.id }) else {
                continue
            }
            let last = try row.decode(column: "last_active_at", as: Date.self), value = try row.decode(column: "last_value", as: Double.self)
            let runner = DeviceRuleRunner(db: db, now: now)
            let p = try await runner.place(d)
            let words = rule.metric.hasPrefix("door") ? "未开门" : "无用水"
            let hours = Int(now.timeIntervalSince(last) / 3600)
            let text = "【关爱探访】\(p.words) 的\(d.deviceKind?.zh ?? d.kind) \(d.serial) 已 \(hours) 小时\(words)（最后一次 \(ShanghaiTime.format(last))，读数 \(DeviceRuleRunner.number(value))）。"
                + "该户有\(rule.tagList.joined(separator: "或"))，请网格员尽快上门或电话确认安全，并在诉求中回复。"
            let r = DeviceAlarmService.Raise(device: d, rule: rule, value: value, summary: "\(rule.name)（最后一次 \(ShanghaiTime.format(last))）", caseText: text,
                                             caseNodeID: p.caseNode)
            if try await raising(r) { raised += 1 }
        }
        return raised
    }

    /// Devices that sent nothing since the cutoff (or never, since they were registered before it).
    private func silence(_ rule: DeviceRule, book: DeviceRuleBook) async throws -> Int {
        let cutoff = now.addingTimeInterval(-rule.hours * 3600)
        let kind: SQLQueryString = rule.kind == "*" ? "1 = 1" : "d.kind = \(bind: rule.kind)"
        let rows = try await db.sql.raw("""
            SELECT d.id AS id FROM \(ident: Device.schema) d
            LEFT JOIN \(ident: DeviceStatus.schema) st ON st.device_id = d.id
            WHERE \(kind) AND d.active = \(bind: true) AND \(DataScope.subtree(rule.nodePath, column: "d.node_path"))
              AND \(book.outsideOverrides(of: rule, column: "d.node_path"))
              AND ((st.last_seen_at IS NULL AND d.created_at < \(bind: cutoff)) OR st.last_seen_at < \(bind: cutoff))
              AND NOT EXISTS (SELECT 1 FROM \(ident: DeviceAlarm.schema) a
                              WHERE a.device_id = d.id AND a.rule_id = \(bind: rule.id!) AND a.active_key IS NOT NULL)
            ORDER BY d.serial LIMIT \(unsafeRaw: String(limit))
            """).all()
        var raised = 0
        for row in rows {
            let id = try row.decode(column: "id", as: UUID.self)
            guard let d = try await Device.find(id, on: db), book.rules(.silence, kind: d.kind, at: d.nodePath).contains(where: { $0.id == rule.id }) else {
                continue
            }
            let seen = try await DeviceStatus.query(on: db).filter(\.$deviceID == id).first()?.lastSeenAt
            let p = try await DeviceRuleRunner(db: db, now: now).place(d)
            let since = seen.map { "自 \(ShanghaiTime.format($0)) 起" } ?? "登记后"
            let text = "【设备离线】\(p.words) 的\(d.deviceKind?.zh ?? d.kind) \(d.serial)（\(d.vendor) \(d.model)）\(since)超过 \(Int(rule.hours)) 小时未上报数据，请检修。"
            var r = DeviceAlarmService.Raise(device: d, rule: rule, value: nil, summary: "\(rule.name)：\(since)未上报", caseText: text,
                                             caseNodeID: d.nodeID)
            if let open = try await outageCase(of: d, rule: rule) {
                r.joinCase = (open, "同一网关、同一位置的\(d.deviceKind?.zh ?? d.kind) \(d.serial) 也已\(since)超过 \(Int(rule.hours)) 小时未上报，可能是网关或网络故障。")
            }
            if try await raising(r) { raised += 1 }
        }
        return raised
    }
}

extension DeviceSweeper {
    /// Raises one alarm in its own transaction. A device whose alarm cannot be raised (its data refused by a rule of
    /// the case loop) is logged and skipped, so it never holds up the others of the tick; database failures still end it.
    func raising(_ r: DeviceAlarmService.Raise) async throws -> Bool {
        do {
            return try await db.writeTransaction { tx in try await alarms.raise(r, repeatCounts: false, on: tx) } == .raised
        } catch let e as APIError {
            Logger(label: "jingzhi.devices").warning("DeviceSweeper: device \(r.device.serial), rule \(r.rule.id?.uuidString ?? "-"): \(e.code) \(e.message)")
            return false
        }
    }

    /// How long after one device of a gateway and place fell silent another one joins its case (a gateway or network
    /// outage files one case, not one per device).
    static let outageWindow: TimeInterval = 2 * 3600

    /// The open case of a silence alarm of `rule` raised lately for another device of the same gateway at the same node.
    func outageCase(of d: Device, rule: DeviceRule) async throws -> UUID? {
        guard let key = d.keyID else { return nil }
        let row = try await db.sql.raw("""
            SELECT a.case_id AS case_id FROM \(ident: DeviceAlarm.schema) a JOIN \(ident: Device.schema) o ON o.id = a.device_id
            WHERE a.rule_id = \(bind: rule.id!) AND a.active_key IS NOT NULL AND a.case_id IS NOT NULL
              AND a.raised_at >= \(bind: now.addingTimeInterval(-Self.outageWindow)) AND o.key_id = \(bind: key) AND o.node_id = \(bind: d.nodeID)
              AND o.id <> \(bind: d.id!)
            ORDER BY a.raised_at LIMIT 1
            """).first()
        return try row?.decode(column: "case_id", as: UUID.self)
    }
}

/// Runs the sweeper every minute, from the server's scheduler loop.
enum DeviceScheduler {
    @discardableResult
    static func tick(_ app: Application) async -> DeviceSweeper.Report {
        do {
            let days = app.settings.environment["JINGZHI_DEVICE_RAW_DAYS"].flatMap(Int.init).flatMap { $0 > 7 ? $0 : nil } ?? 30
            let report = try await DeviceSweeper(db: app.db, now: app.clock.now()).tick(retainDays: days)
            if report != .init() { app.logger.info("device rules: \(report)") }
            return report
        } catch {
            app.logger.reportSafely(error, "DeviceSweeper")
            return .init()
        }
    }
}
