import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// The demo county's assessments: the templates, a year of monthly 四型社区 rounds for its communities and of
/// 红色物业 rounds for its property companies (and three months of 街呼县应 for its departments), each self-assessed,
/// reviewed and published. The current month is open:
/// every unit but 古亭社区 is through the street's review; 古亭社区 has one indicator (多网合一) left to self-assess.
/// Hand scores are deterministic (a hash of unit, indicator and month) and written in bulk; the steps (submit,
/// accept, publish) go through the service. One community fails the veto in June; some have deductions and bonuses.
enum AssessmentDemo {
    static let lateUnit = "YT-GT-01"
    static let leftToScore = "pa_grid_merge"

    static func seed(_ c: DemoContext) async throws {
        guard c.plan.scale == .county, try await AssessmentRound.query(on: c.db).count() == 0 else { return }
        let today = ShanghaiTime.day(number: c.asOf)
        let current = String(today.prefix(7))
        let start = Date()
        let late = try await OrgNode.query(on: c.db).filter(\.$code == lateUnit).first()?.id
        for system in try await AssessmentTemplates.install(AssessmentService(app: c.app, db: c.db, now: ShanghaiTime.dayStart(today)), root: c.root) {
            // Departments (街呼县应): the last three months only, to keep the seed short; 四型社区 14 months, so a unit's
            // chart has the same months of last year beside the latest two.
            let months = system.unitKind == .department ? 3 : system.code == AssessmentTemplates.fourTypeCode ? 14 : 12
            for back in stride(from: months, through: 0, by: -1) {
                let month = ShanghaiTime.month(current, plus: -back)
                // Each month is assessed and published on the 5th of the next one (the open month: today).
                let when = back == 0 ? ShanghaiTime.dayStart(today).addingTimeInterval(9 * 3600)
                    : ShanghaiTime.dayStart(ShanghaiTime.month(month, plus: 1) + "-05").addingTimeInterval(10 * 3600)
                let service = AssessmentService(app: c.app, db: c.db, now: when, source: .system("演示数据"))
                let r = try await service.openRound(system: system, periodKind: .month, period: month, node: c.root, compute: back == 0)
                try await score(service, r, month: month, late: back == 0 ? late : nil)
                if back > 0 { try await service.publish(r, role: .system) }
            }
        }
        let rounds = try await AssessmentRound.query(on: c.db).count(), took = String(format: "%.1f", Date().timeIntervalSince(start))
        c.log("考核评价：\(rounds) 轮，用时 \(took) 秒 (assessment: \(rounds) rounds)")
    }

    static func hash(_ s: String) -> Int { s.unicodeScalars.reduce(7) { ($0 &* 31 &+ Int($1.value)) & 0x7fff_ffff } }

    /// Self-scores every unit of a round, then submits and accepts it; `late` keeps one indicator unscored and stays a draft.
    static func score(_ service: AssessmentService, _ r: AssessmentRound, month: String, late: UUID?) async throws {
        let def = r.definition
        let results = try await AssessmentResult.query(on: service.db).filter(\.$roundID == r.id!).sort(\.$nodePath).sort(\.$unitName).all()
        // (score, note, bonus state) → entries, so a round is a few dozen UPDATEs.
        var groups: [String: (Double, String?, String?, [UUID])] = [:]
        let entries = Dictionary(grouping: try await AssessmentEntry.query(on: service.db).filter(\.$roundID == r.id!).all(), by: \.resultID)
        for (i, res) in results.enumerated() {
            let byCode = Dictionary(uniqueKeysWithValues: (entries[res.id!] ?? []).map { ($0.indicator, $0) })
            let h = hash(res.unitName + month)
            for ind in def.indicators {
                guard let e = byCode[ind.code], !(res.unitID == late && ind.code == leftToScore) else { continue }
                var value: Double?, note: String?, bonus: String?
                switch ind.kind {
                case .computed: continue
                case .manual: value = Double(65 + hash(res.unitName + ind.code + month) % 36)
                case .deduction:
                    value = h % 7 == 0 ? 2 : 0
                    note = value == 2 ? "群众投诉经核查属实" : nil
                case .veto: value = (i == 3 && month.hasSuffix("-06")) ? 1 : 0
                case .bonus:
                    value = h % 5 == 0 ? 3 : 0
                    bonus = value == 3 ? "approved" : nil
                }
                let key = "\(value!)|\(note ?? "")|\(bonus ?? "")"
                groups[key, default: (value!, note, bonus, [])].3.append(e.id!)
            }
        }
        let now = service.now, updates = Array(groups.values)
        try await service.db.writeTransaction { tx in
            for g in updates {
                for chunk in g.3.chunked(500) {
                    try await tx.sql.update(AssessmentEntry.schema).set("score", to: SQLBind(g.0)).set("self_score", to: SQLBind(g.0))
                        .set("self_note", to: SQLBind(g.1)).set("bonus_state", to: SQLBind(g.2)).set("updated_at", to: SQLBind(now))
                        .where("id", .in, SQLBind.group(chunk)).run()
                }
            }
        }
        for res in results where res.unitID != late {
            try await service.submit(r, res, role: .system)
            try await service.accept(r, res, role: .system)
        }
    }
}
