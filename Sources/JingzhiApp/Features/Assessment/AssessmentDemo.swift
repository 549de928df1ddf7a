import Fluent
import Foundation
import JingzhiCore

/// The demo county's assessments: the two templates, a year of monthly 四型社区 rounds for its communities and of
/// 红色物业 rounds for its property companies, each self-assessed, reviewed and published; the current month's
/// rounds are left open for self-assessment. Hand scores are deterministic (a hash of unit, indicator and month);
/// one community fails the veto in one month and some have deductions and approved bonuses.
enum AssessmentDemo {
    static func seed(_ c: DemoContext) async throws {
        guard c.plan.scale == .county, try await AssessmentRound.query(on: c.db).count() == 0 else { return }
        let today = ShanghaiTime.day(number: c.asOf)
        let current = String(today.prefix(7))
        let start = Date()
        for system in try await AssessmentTemplates.install(AssessmentService(app: c.app, db: c.db, now: ShanghaiTime.dayStart(today)), root: c.root) {
            for back in stride(from: 12, through: 0, by: -1) {
                let month = ShanghaiTime.month(current, plus: -back)
                // Each month is assessed and published on the 5th of the next one (the open month: today).
                let when = back == 0 ? ShanghaiTime.dayStart(today).addingTimeInterval(9 * 3600)
                    : ShanghaiTime.dayStart(ShanghaiTime.month(month, plus: 1) + "-05").addingTimeInterval(10 * 3600)
                let service = AssessmentService(app: c.app, db: c.db, now: when, source: .system("演示数据"))
                let r = try await service.openRound(system: system, periodKind: .month, period: month, node: c.root, compute: back == 0)
                guard back > 0 else { continue }
                try await score(service, r, month: month)
                try await service.publish(r, role: .system)
            }
        }
        c.log("assessment: \(try await AssessmentRound.query(on: c.db).count()) rounds in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }

    static func hash(_ s: String) -> Int { s.unicodeScalars.reduce(7) { ($0 &* 31 &+ Int($1.value)) & 0x7fff_ffff } }

    /// Self-scores, submits and accepts every unit of a past month's round.
    static func score(_ service: AssessmentService, _ r: AssessmentRound, month: String) async throws {
        let def = r.definition
        let results = try await AssessmentResult.query(on: service.db).filter(\.$roundID == r.id!).all()
        for (i, res) in results.enumerated() {
            let entries = try await service.entries(of: res)
            let h = hash(res.unitName + month)
            for ind in def.indicators {
                guard let e = entries[ind.code] else { continue }
                switch ind.kind {
                case .computed: continue
                case .manual: e.score = Double(65 + hash(res.unitName + ind.code + month) % 36)
                case .deduction: e.score = h % 7 == 0 ? 2 : nil
                case .veto: e.score = (i == 3 && month.hasSuffix("-06")) ? 1 : 0
                case .bonus:
                    e.score = h % 5 == 0 ? 3 : nil
                    e.bonusState = e.score == nil ? nil : "approved"
                }
                e.selfScore = e.score
                if ind.kind == .deduction, e.score != nil { e.selfNote = "群众投诉经核查属实" }
                e.updatedAt = service.now
                try await e.save(on: service.db)
            }
            try await service.submit(r, res, role: .system)
            try await service.accept(r, res, role: .system)
        }
    }
}
