import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// Evaluates the rules: threshold and recovery as readings arrive, inactivity and silence by the sweeper.
struct DeviceRuleRunner {
    let db: any Database
    let now: Date

    private var alarms: DeviceAlarmService { DeviceAlarmService(db: db, now: now, source: .system("规则引擎")) }

    /// After a batch is stored (inside its transaction): threshold alarms raise or clear on each stream's newest
    /// reading; use clears an inactivity alarm; any word from a device clears its silence alarm. Only the streams a
    /// threshold rule watches and the devices with an active alarm cost a query.
    func onReadings(_ streams: [DeviceIngest.StreamChange]) async throws {
        let alarmed = Set(streams.filter(\.device.alarmed).map(\.device.id))
        var active: [UUID: [DeviceAlarm]] = [:]
        for chunk in Array(alarmed).chunked(5000) {
            for a in try await DeviceAlarm.query(on: db).filter(\.$deviceID ~~ chunk).filter(\.$activeKey != nil).all() {
                active[a.deviceID, default: []].append(a)
            }
        }
        // The book is read once, at the first stream with a new latest reading; with it the (kind, metric) pairs any
        // threshold rule names, so the other streams need no look at the book.
        var loaded: (book: DeviceRuleBook, watched: Set<String>)?
        var cleared: Set<UUID> = []
        for s in streams {
            let d = s.device, open = (active[d.id] ?? []).filter { !cleared.contains($0.id!) }
            for a in open where a.ruleType == DeviceRuleType.silence.rawValue {
                if try await alarms.clear(a, note: "设备于 \(ShanghaiTime.format(s.state.lastTs)) 恢复上报 (the device reports again)", by: .system("规则引擎"), on: db) { cleared.insert(a.id!) }
            }
            if let before = s.before, s.state.lastActiveAt > before.lastActiveAt {
                for a in open where a.ruleType == DeviceRuleType.inactivity.rawValue && !cleared.contains(a.id!) {
                    guard let rule = try await DeviceRule.find(a.ruleID, on: db), rule.metric == s.metric else { continue }
                    let words = s.metric.hasPrefix("door") ? "有开门记录" : "恢复用水"
                    if try await alarms.clear(a, note: "\(ShanghaiTime.format(s.state.lastActiveAt)) \(words)（\(s.metric) = \(Self.number(s.state.lastValue))）",
                                              by: .system("规则引擎"), on: db) { cleared.insert(a.id!) }
                }
            }
            guard s.newLatest else { continue }
            let rules: (book: DeviceRuleBook, watched: Set<String>)
            if let loaded { rules = loaded } else {
                let b = try await DeviceRuleBook.load(on: db)
                rules = (b, Set(b.rules.filter { $0.type == DeviceRuleType.threshold.rawValue }.map { $0.kind + "|" + $0.metric }))
                loaded = rules
            }
            guard rules.watched.contains(d.kind + "|" + s.metric) || rules.watched.contains("*|" + s.metric) else { continue }
            var model: Device?
            for rule in rules.book.rules(.threshold, kind: d.kind, at: d.nodePath) where rule.metric == s.metric {
                let value = s.state.lastValue
                if DeviceRuleBook.holds(rule, value) {
                    if model == nil { model = try await Device.find(d.id, on: db) }
                    guard let device = model else { continue }
                    try await alarms.raise(try await threshold(device, rule, value: value, at: s.state.lastTs), on: db)
                } else if let a = open.first(where: { $0.ruleID == rule.id && !cleared.contains($0.id!) }) {
                    if try await alarms.clear(a, note: "\(ShanghaiTime.format(s.state.lastTs)) 读数恢复正常（\(s.metric) = \(Self.number(value))）", by: .system("规则引擎"), on: db) {
                        cleared.insert(a.id!)
                    }
                }
            }
        }
    }

    static func number(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e12 { return String(Int64(v)) }
        var s = String(format: "%.2f", v)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }

    /// Where a device is, in words, and the node its cases go to (the household's for a home device).
    func place(_ d: Device) async throws -> (words: String, caseNode: UUID, household: Household?) {
        if let hid = d.householdID, let h = try await Household.find(hid, on: db) { return (h.address, h.nodeID, h) }
        let node = try await OrgNode.find(d.nodeID, on: db)
        return (node?.name ?? "", d.nodeID, nil)
    }

    private func threshold(_ d: Device, _ rule: DeviceRule, value: Double, at: Date) async throws -> DeviceAlarmService.Raise {
        let p = try await place(d)
        let kind = d.deviceKind?.zh ?? d.kind
        let text = "【\(rule.name)】\(p.words) 的\(kind) \(d.serial)：\(rule.metric) = \(Self.number(value))（\(ShanghaiTime.format(at))）。请尽快到场处置。"
        return .init(device: d, rule: rule, value: value, summary: "\(rule.name)：\(rule.metric) = \(Self.number(value))", caseText: text,
                     caseNodeID: p.caseNode)
    }
}
