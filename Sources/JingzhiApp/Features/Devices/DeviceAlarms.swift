import Fluent
import Foundation
import JingzhiCore
import SQLKit

enum AlarmState: String, LifecycleState {
    case active, cleared
    var zh: String { self == .active ? "告警中" : "已解除" }
    var en: String { self == .active ? "active" : "cleared" }
}

enum AlarmAction: String, LifecycleAction {
    case clear
}

/// Raises, repeats and clears alarms. One active alarm per (device, rule): the unique `active_key` decides, so two
/// servers evaluating the same condition raise one alarm and one case.
struct DeviceAlarmService {
    let db: any Database
    let now: Date
    var source: AuditSource = .system()

    static let lifecycle = Lifecycle<AlarmState, AlarmAction, Role>(entity: "device_alarm", zh: "设备告警", en: "device alarm") { _ in
        .init(from: [.active], to: .cleared, roles: [.admin, .streetStaff, .communityStaff, .gridWorker, .propertyStaff])
    }

    enum Outcome: Equatable { case raised, repeated }

    /// What a new alarm says and where its case goes.
    struct Raise: Sendable {
        let device: Device
        let rule: DeviceRule
        let value: Double?
        /// The alarm's one-line summary, and the case's description.
        let summary: String
        let caseText: String
        /// The node the case is placed at: the household's for a home device, else the device's.
        let caseNodeID: UUID
        /// An open case this alarm joins instead of filing its own (devices of one gateway and place going silent
        /// together are one outage), with the note it adds there.
        var joinCase: (id: UUID, note: String)? = nil
    }

    /// Raises the alarm, or counts a repeat on the active one. Runs inside the caller's transaction.
    @discardableResult
    func raise(_ r: Raise, repeatCounts: Bool = true, on tx: any Database) async throws -> Outcome {
        let id = UUID(), key = "\(r.device.id!.uuidString):\(r.rule.id!.uuidString)"
        let inserted = try await tx.sql.insert(into: DeviceAlarm.schema)
            .columns("id", "device_id", "rule_id", "rule_type", "active_key", "state", "raised_at", "last_at", "last_value", "repeats",
                     "summary", "node_path", "version")
            .values(SQLBind(id), SQLBind(r.device.id!), SQLBind(r.rule.id!), SQLBind(r.rule.type), SQLBind(key),
                    SQLBind(AlarmState.active.rawValue), SQLBind(now), SQLBind(now), SQLBind(r.value), SQLBind(0),
                    SQLBind(String(r.summary.prefix(300))), SQLBind(r.device.nodePath), SQLBind(1))
            .ignoringConflicts(with: "active_key")
            .returning("id").all()
        guard !inserted.isEmpty else {
            // Another server raised it a moment ago: a sweeper's late twin counts nothing.
            guard repeatCounts else { return .repeated }
            try await tx.sql.update(DeviceAlarm.schema)
                .set(SQLIdentifier("repeats"), to: SQLRaw("repeats + 1"))
                .set("last_at", to: SQLBind(now)).set("last_value", to: SQLBind(r.value))
                .where("active_key", .equal, SQLBind(key)).run()
            return .repeated
        }
        let c: Case?
        if let join = r.joinCase, let open = try await Case.find(join.id, on: tx), open.state.isOpen {
            c = open
            try await CaseService(db: tx, now: now).event(open, action: "device_note", from: open.stateRaw, to: open.state, actorID: nil,
                                                         actorName: "规则引擎", note: join.note, on: tx)
        } else if try await CaseService(db: tx, now: now).categoryOpen(r.rule.categoryCode) {
            let submission = CaseSubmission(categoryCode: r.rule.categoryCode, nodeID: r.caseNodeID, description: String(r.caseText.prefix(2000)),
                                            channel: "device", reporterName: "智能设备")
            c = try await CaseService(db: tx, now: now, source: source).submit(submission, by: nil, idempotencyKey: nil).0
        } else {
            // The rule's category was retired since: the alarm still stands (and shows), the reading is kept, no case.
            c = nil
        }
        if let c { try await tx.sql.update(DeviceAlarm.schema).set("case_id", to: SQLBind(c.id!)).where("id", .equal, SQLBind(id)).run() }
        let outcome = c.map { "生成诉求 \($0.number)" } ?? "诉求类别 \(r.rule.categoryCode) 已停用，未生成诉求（重新启用该类别后，新的告警会生成诉求）"
        try await LifecycleEvent.write(entity: Self.lifecycle.entity, id: id, action: "raise", from: "", to: AlarmState.active.rawValue,
                                       note: "\(r.rule.name)，\(outcome)", nodePath: r.device.nodePath, by: .system("规则引擎"), at: now, on: tx)
        try await AuditLog.record(on: tx, by: source, at: now, action: "raise", entity: Self.lifecycle.entity, entityID: id,
                                  nodePath: r.device.nodePath, summary: "设备 \(r.device.serial) 告警「\(r.rule.name)」，\(outcome)")
        return .raised
    }

    /// Clears the active alarm of (device, rule), if any, with a note on its case. Inside the caller's transaction.
    @discardableResult
    func clear(device: Device, rule: DeviceRule, note: String, on tx: any Database) async throws -> Bool {
        let key = "\(device.id!.uuidString):\(rule.id!.uuidString)"
        guard let alarm = try await DeviceAlarm.query(on: tx).filter(\.$activeKey == key).first() else { return false }
        return try await clear(alarm, note: note, by: source, on: tx)
    }

    /// Clears an alarm through its lifecycle (version claim, history, audit) and notes it on the case.
    func clear(_ alarm: DeviceAlarm, note: String, by source: AuditSource, on db: any Database) async throws -> Bool {
        let now = now
        let serial = try await Device.find(alarm.deviceID, on: db)?.serial ?? ""
        return try await Self.lifecycle.commit(alarm, .clear, from: .active, to: .cleared, subject: serial, note: note, by: source, at: now, on: db,
                                               write: { tx in
            alarm.activeKey = nil
            alarm.clearedAt = now
            try await alarm.save(on: tx)
            if let caseID = alarm.caseID, let c = try await Case.find(caseID, on: tx) {
                try await CaseService(db: tx, now: now).event(c, action: "device_note", from: c.stateRaw, to: c.state, actorID: source.actorID,
                                                             actorName: source.actorName, note: "设备告警已解除：" + note, on: tx)
            }
        })
    }

    /// Staff clear an alarm by hand (a false alarm, a device replaced), with a reason.
    func clearByHand(_ alarm: DeviceAlarm, note raw: String?, role: Role, source src: AuditSource, expectedVersion: Int?) async throws -> DeviceAlarm {
        try Self.lifecycle.check(.clear, from: AlarmState(rawValue: alarm.state) ?? .cleared, role: role)
        try Self.lifecycle.checkVersion(expected: expectedVersion, actual: alarm.version)
        guard let note = try Validate.text(raw, field: "note", max: 500, required: false), !note.isEmpty else {
            throw APIError.missing("note")
        }
        guard try await clear(alarm, note: note, by: src, on: db) else { throw Self.lifecycle.changed }
        return alarm
    }
}
