import Fluent
import Foundation
import JingzhiCore
import Vapor

/// A month of devices in a scope: alarms by kind and rule, and the welfare checks raised and answered in time.
struct DeviceMonthlyDTO: Content, Equatable {
    struct Row: Content, Equatable {
        let kind: String
        let kindLabel: String
        let ruleType: String
        let raised: Int
        let cleared: Int
    }
    struct Welfare: Content, Equatable {
        let raised: Int
        /// Cases answered (replied or closed) by now.
        let answered: Int
        /// Answered by the case's resolution deadline.
        let answeredInTime: Int
    }
    let month: String
    let alarms: [Row]
    let welfare: Welfare
}

enum DeviceMonthly {
    static func compute(_ db: any Database, scope: DataScope, month: String, lang: Lang) async throws -> DeviceMonthlyDTO {
        let from = ShanghaiTime.dayStart(month + "-01"), to = ShanghaiTime.dayStart(ShanghaiTime.month(month, plus: 1) + "-01")
        let alarms = try await DeviceAlarm.query(on: db).within(scope).filter(\.$raisedAt >= from).filter(\.$raisedAt < to).all()
        var kinds: [UUID: String] = [:]
        for chunk in Array(Set(alarms.map(\.deviceID))).chunked(500) {
            for d in try await Device.query(on: db).filter(\.$id ~~ chunk).all() { kinds[d.id!] = d.kind }
        }
        var rows: [String: (raised: Int, cleared: Int)] = [:]
        for a in alarms {
            let key = (kinds[a.deviceID] ?? "") + "|" + a.ruleType
            rows[key, default: (0, 0)].raised += 1
            if a.activeKey == nil { rows[key, default: (0, 0)].cleared += 1 }
        }
        let welfareCases = alarms.filter { $0.ruleType == DeviceRuleType.inactivity.rawValue }.compactMap(\.caseID)
        var answered = 0, inTime = 0
        for chunk in welfareCases.chunked(500) {
            for c in try await Case.query(on: db).filter(\.$id ~~ chunk).all() {
                guard let at = c.repliedAt ?? c.closedAt else { continue }
                answered += 1
                if c.resolutionDueAt.map({ at <= $0 }) ?? true { inTime += 1 }
            }
        }
        let out = rows.map { key, v -> DeviceMonthlyDTO.Row in
            let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let kind = DeviceKind(rawValue: parts[0])
            return .init(kind: parts[0], kindLabel: kind.map { lang.t($0.zh, $0.en) } ?? parts[0], ruleType: parts[1], raised: v.raised, cleared: v.cleared)
        }.sorted { ($0.raised, $1.kind) > ($1.raised, $0.kind) }
        return DeviceMonthlyDTO(month: month, alarms: out, welfare: .init(raised: welfareCases.count, answered: answered, answeredInTime: inTime))
    }

    @Sendable static func api(req: Request) async throws -> DeviceMonthlyDTO {
        let actor = try DevicesAPI.reader(req)
        let month = try ShanghaiTime.parseMonth(try req.query.get(String?.self, at: "month") ?? ShanghaiTime.currentMonth(req.now))
        var scope = actor.scope
        if let code = try req.query.get(String?.self, at: "node"), !code.isEmpty {
            scope = DataScope(rootPath: try await OrgService(db: req.db, now: req.now).node(code, within: actor.scope, field: "node").path)
        }
        return try await compute(req.db, scope: scope, month: month, lang: req.lang)
    }

    /// The month's figures as a card for the alarms page.
    static func card(_ req: Request, _ m: DeviceMonthlyDTO) -> HTML {
        let types = ["threshold": req.t("阈值", "threshold"), "inactivity": req.t("无活动", "no use"), "silence": req.t("离线", "silent")]
        let rows: [HTML] = m.alarms.map { r in
            "<tr><td data-label=\"\(req.t("设备", "Device"))\">\(r.kindLabel)</td><td data-label=\"\(req.t("规则", "Rule"))\">\(types[r.ruleType] ?? r.ruleType)</td><td data-label=\"\(req.t("告警", "Raised"))\">\(r.raised)</td><td data-label=\"\(req.t("已解除", "Cleared"))\">\(r.cleared)</td></tr>"
        }
        let w = m.welfare
        return """
        <section class="card"><h2>\(req.t("\(m.month) 设备告警", "Device alarms in \(m.month)"))</h2>
        <p>\(req.t("关爱探访：触发 \(w.raised) 次，已答复 \(w.answered) 次，其中按时 \(w.answeredInTime) 次",
                   "Welfare checks: \(w.raised) raised, \(w.answered) answered, \(w.answeredInTime) of them in time"))</p>
        <table class="list"><thead><tr><th>\(req.t("设备", "Device"))</th><th>\(req.t("规则", "Rule"))</th><th>\(req.t("告警", "Raised"))</th><th>\(req.t("已解除", "Cleared"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"4\" class=\"muted\">\(req.t("本月没有告警", "No alarms this month"))</td></tr>"] : rows)</tbody></table></section>
        """
    }
}
