import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// Publication (the county approves and publishes: computed indicators frozen, totals, ranks and lists written) and
/// corrections (a new revision of a published round, with a reason, published in its place).
extension AssessmentService {
    /// Publishes an open round whose every result is reviewed and whose bonuses are all decided. Publishing twice is
    /// refused (409 illegal_transition), as is editing afterwards.
    func publish(_ r: AssessmentRound, role: AssessmentRole, version: Int? = nil) async throws {
        try AssessmentLifecycles.round.check(.publish, from: r.roundState, role: role)
        try AssessmentLifecycles.round.checkVersion(expected: version, actual: r.version)
        let results = try await AssessmentResult.query(on: db).filter(\.$roundID == r.id!).all()
        let waiting = results.filter { $0.resultState != .reviewed }
        if !waiting.isEmpty {
            throw APIError.conflict("还有 \(waiting.count) 个单位未审核完毕：\(waiting.prefix(3).map(\.unitName).joined(separator: "、")) (\(waiting.count) units are not reviewed yet)",
                                    code: "not_all_reviewed")
        }
        let pending = try await AssessmentEntry.query(on: db).filter(\.$roundID == r.id!).filter(\.$bonusState == "pending").count()
        if pending > 0 { throw APIError.conflict("还有 \(pending) 项加分待批准 (\(pending) bonuses await a decision)", code: "bonus_pending") }
        if r.revision == 1 { try await refresh(r) }   // a correction keeps the figures it was opened with
        let def = r.definition
        let facts = try await facts(of: r)
        var scores: [UUID: UnitScore] = [:]
        for res in results { scores[res.id!] = AssessmentScoring.score(def, facts[res.id!] ?? [:]) }
        let ranks = AssessmentScoring.ranks(results.map { ($0.id!, scores[$0.id!]?.total) })
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        for res in results {
            let s = scores[res.id!]!
            res.total = s.total
            res.dimensionsJSON = String(decoding: try enc.encode(s.dimensions), as: UTF8.self)
            res.vetoed = s.vetoed
            res.rank = ranks[res.id!]
            res.list = AssessmentScoring.list(total: s.total, vetoed: s.vetoed, def: def)
            res.state = ResultState.published.rawValue
            res.version += 1
        }
        let previous = try await r.correctionOf.asyncMap { try await AssessmentRound.find($0, on: db) } ?? nil
        let now = now, source = source
        r.publishedAt = now
        guard try await AssessmentLifecycles.round.commit(r, .publish, from: .open, to: .published, subject: r.title, note: r.correctionReason,
                                                          by: source, at: now, on: db, write: { tx in
            try await r.save(on: tx)
            for res in results { try await res.save(on: tx) }
            if let previous {
                previous.state = RoundState.superseded.rawValue
                previous.version += 1
                try await previous.save(on: tx)
                try await AuditLog.record(on: tx, by: source, at: now, action: "supersede", entity: "assessment_round", entityID: previous.id,
                                          nodePath: previous.nodePath, summary: "考核「\(previous.title)」由更正版本取代")
            }
        }) else { throw AssessmentLifecycles.round.changed }
    }

    /// A correction of a published round: a new open revision with the same units, figures and scores (reviewed),
    /// for the county to adjust with reasons and publish in place of the old one.
    func correct(_ r: AssessmentRound, role: AssessmentRole, reason: String?) async throws -> AssessmentRound {
        guard role == .county else { throw APIError.forbidden }
        let reason = try Self.reason(reason)
        guard r.roundState == .published else {
            throw APIError.conflict("只能更正已发布的考核 (only a published round can be corrected)", code: "illegal_transition")
        }
        if try await AssessmentRound.query(on: db).filter(\.$correctionOf == r.id!).first() != nil {
            throw APIError.conflict("该考核已有更正版本 (a correction of this round exists)", code: "correction_exists")
        }
        let c = AssessmentRound()
        c.id = UUID()
        c.systemID = r.systemID
        c.systemCode = r.systemCode
        c.systemName = r.systemName
        c.systemVersion = r.systemVersion
        c.definitionJSON = r.definitionJSON
        c.unitKindRaw = r.unitKindRaw
        c.periodKindRaw = r.periodKindRaw
        c.period = r.period
        c.fromDay = r.fromDay
        c.toDay = r.toDay
        c.nodeID = r.nodeID
        c.nodePath = r.nodePath
        c.state = RoundState.open.rawValue
        c.revision = r.revision + 1
        c.correctionOf = r.id
        c.correctionReason = reason
        c.computedAt = r.computedAt
        c.version = 1
        c.createdAt = now
        let results = try await AssessmentResult.query(on: db).filter(\.$roundID == r.id!).all()
        let entries = try await AssessmentEntry.query(on: db).filter(\.$roundID == r.id!).all()
        let evidence = try await AssessmentEvidence.query(on: db).filter(\.$entryID ~~ entries.compactMap(\.id)).all()
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await c.create(on: tx)
            var newEntry: [UUID: UUID] = [:], newResult: [UUID: UUID] = [:]
            for old in results {
                let res = Self.newResult(c, AssessmentUnitRef(id: old.unitID, name: old.unitName, path: old.nodePath, kind: c.unitKind))
                res.state = ResultState.reviewed.rawValue
                try await res.create(on: tx)
                newResult[old.id!] = res.id!
                for e in entries where e.resultID == old.id {
                    let n = AssessmentEntry()
                    n.id = UUID()
                    n.roundID = c.id!
                    n.resultID = res.id!
                    n.indicator = e.indicator
                    n.kind = e.kind
                    n.nodePath = e.nodePath
                    n.numerator = e.numerator
                    n.denominator = e.denominator
                    n.selfScore = e.selfScore
                    n.selfNote = e.selfNote
                    n.score = e.score
                    n.adjustReason = e.adjustReason
                    n.adjustedBy = e.adjustedBy
                    n.bonusState = e.bonusState
                    n.updatedAt = e.updatedAt
                    try await n.create(on: tx)
                    newEntry[e.id!] = n.id!
                }
            }
            for ev in evidence {
                guard let to = newEntry[ev.entryID] else { continue }
                let n = AssessmentEvidence()
                n.entryID = to
                n.resultID = newResult[ev.resultID] ?? ev.resultID
                n.nodePath = ev.nodePath
                n.fileName = ev.fileName
                n.contentType = ev.contentType
                n.size = ev.size
                n.bytes = ev.bytes
                n.createdAt = ev.createdAt
                try await n.create(on: tx)
            }
            try await AuditLog.record(on: tx, by: source, at: now, action: "correct", entity: "assessment_round", entityID: c.id, nodePath: c.nodePath,
                                      summary: "更正考核「\(r.title)」：\(reason)")
        }
        return c
    }
}
